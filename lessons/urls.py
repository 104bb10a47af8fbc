from django.urls import path

from . import edit_views, flashcard_views, quiz_views, views
from .podcast import views as podcast

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/signup/", views.signup, name="signup"),
    path("import/", edit_views.path_upload, name="path_upload"),
    path("paths/<slug:slug>/", views.path_detail, name="path_detail"),
    path("paths/<slug:slug>/resources/", views.resources, name="path_resources"),
    path(
        "paths/<slug:path_slug>/lessons/<slug:lesson_slug>/",
        views.lesson_detail,
        name="lesson_detail",
    ),
    path(
        "paths/<slug:path_slug>/lessons/<slug:lesson_slug>/complete/",
        views.lesson_complete,
        name="lesson_complete",
    ),
    path("paths/<slug:slug>/podcast/", podcast.episode_page, name="path_podcast"),
    path(
        "paths/<slug:slug>/podcast/episode.<str:extension>",
        podcast.episode_audio,
        name="podcast_audio",
    ),
    path(
        "paths/<slug:slug>/podcast/transcript.vtt",
        podcast.episode_transcript,
        name="podcast_transcript",
    ),
    path(
        "paths/<slug:slug>/podcast/chapters.json",
        podcast.episode_chapters,
        name="podcast_chapters",
    ),
    path("podcast/feed.xml", podcast.feed, name="podcast_feed"),
]
urlpatterns += [
    path("paths/<slug:slug>/flashcards/", flashcard_views.deck, name="path_flashcards"),
    path(
        "paths/<slug:slug>/flashcards/study/",
        flashcard_views.study,
        name="path_flashcards_study",
    ),
    path(
        "paths/<slug:slug>/flashcards/cards/<slug:key>/",
        flashcard_views.card_detail,
        name="flashcard_detail",
    ),
    path(
        "paths/<slug:slug>/flashcards/anki/",
        flashcard_views.anki_export,
        name="path_flashcards_anki",
    ),
    path(
        "paths/<slug:slug>/flashcards/settings/",
        flashcard_views.preferences,
        name="path_flashcards_settings",
    ),
    path("paths/<slug:slug>/quiz/", quiz_views.quiz_home, name="path_quiz"),
    path("paths/<slug:slug>/quiz/start/", quiz_views.quiz_start, name="quiz_start"),
    path(
        "paths/<slug:slug>/quiz/attempts/<int:attempt_id>/",
        quiz_views.quiz_attempt,
        name="quiz_attempt",
    ),
    path(
        "paths/<slug:slug>/quiz/attempts/<int:attempt_id>/answer/",
        quiz_views.quiz_answer,
        name="quiz_answer",
    ),
    path(
        "paths/<slug:slug>/quiz/attempts/<int:attempt_id>/finish/",
        quiz_views.quiz_finish,
        name="quiz_finish",
    ),
    path(
        "paths/<slug:slug>/quiz/attempts/<int:attempt_id>/result/",
        quiz_views.quiz_result,
        name="quiz_result",
    ),
]
urlpatterns += [
    path("paths/<slug:slug>/clone/", edit_views.path_clone, name="path_clone"),
    path("paths/<slug:slug>/export.zip", edit_views.path_export, name="path_export"),
    path("paths/<slug:slug>/edit/", edit_views.path_edit, name="path_edit"),
    path("paths/<slug:slug>/edit/add-lesson/", edit_views.lesson_add, name="lesson_add"),
]
# Every lesson edit URL is paths/<slug>/edit/lessons/<lesson_slug>/<action>/.
urlpatterns += [
    path(
        f"paths/<slug:slug>/edit/lessons/<slug:lesson_slug>/{action}",
        view,
        name=name,
    )
    for action, view, name in [
        ("", edit_views.lesson_edit, "lesson_edit"),
        ("preview/", edit_views.lesson_preview, "lesson_preview"),
        ("rename/", edit_views.lesson_rename, "lesson_rename"),
        ("move/", edit_views.lesson_move, "lesson_move"),
        ("delete/", edit_views.lesson_delete, "lesson_delete"),
    ]
]
urlpatterns += [
    path("paths/<slug:slug>/edit/cards/", edit_views.cards_edit, name="cards_edit"),
    path(
        "paths/<slug:slug>/edit/cards/<int:card_id>/",
        edit_views.card_update,
        name="card_update",
    ),
    path(
        "paths/<slug:slug>/edit/cards/<int:card_id>/delete/",
        edit_views.card_delete,
        name="card_delete",
    ),
    path("paths/<slug:slug>/edit/quiz/", edit_views.quiz_edit, name="quiz_edit"),
    path(
        "paths/<slug:slug>/edit/quiz/<int:question_id>/",
        edit_views.question_update,
        name="question_update",
    ),
    path(
        "paths/<slug:slug>/edit/quiz/<int:question_id>/delete/",
        edit_views.question_delete,
        name="question_delete",
    ),
]
