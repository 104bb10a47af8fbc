from django.urls import path

from . import views

urlpatterns = [
    path("statistics/", views.statistics, name="learner_statistics"),
    path("paths/<slug:slug>/flashcards/", views.deck, name="path_flashcards"),
    path("paths/<slug:slug>/flashcards/study/", views.study, name="path_flashcards_study"),
    path(
        "paths/<slug:slug>/flashcards/cards/<slug:key>/",
        views.card_detail,
        name="flashcard_detail",
    ),
    path("paths/<slug:slug>/flashcards/anki/", views.anki_export, name="path_flashcards_anki"),
    path(
        "paths/<slug:slug>/flashcards/settings/",
        views.preferences,
        name="path_flashcards_settings",
    ),
    path("paths/<slug:slug>/edit/cards/", views.cards_edit, name="cards_edit"),
    path("paths/<slug:slug>/edit/cards/<int:card_id>/", views.card_update, name="card_update"),
    path(
        "paths/<slug:slug>/edit/cards/<int:card_id>/delete/",
        views.card_delete,
        name="card_delete",
    ),
]
