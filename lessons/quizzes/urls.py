from django.urls import path

from . import views

urlpatterns = [
    path("paths/<slug:slug>/quiz/", views.quiz_home, name="path_quiz"),
    path("paths/<slug:slug>/quiz/start/", views.quiz_start, name="quiz_start"),
    path("paths/<slug:slug>/quiz/certainty/", views.quiz_certainty, name="quiz_certainty"),
    path(
        "paths/<slug:slug>/quiz/attempts/<int:attempt_id>/",
        views.quiz_attempt,
        name="quiz_attempt",
    ),
    path(
        "paths/<slug:slug>/quiz/attempts/<int:attempt_id>/answer/",
        views.quiz_answer,
        name="quiz_answer",
    ),
    path(
        "paths/<slug:slug>/quiz/attempts/<int:attempt_id>/questions/<int:question_id>/demo/",
        views.quiz_demo,
        name="quiz_demo",
    ),
    path(
        "paths/<slug:slug>/quiz/attempts/<int:attempt_id>/finish/",
        views.quiz_finish,
        name="quiz_finish",
    ),
    path(
        "paths/<slug:slug>/quiz/attempts/<int:attempt_id>/result/",
        views.quiz_result,
        name="quiz_result",
    ),
    path("paths/<slug:slug>/edit/quiz/", views.quiz_edit, name="quiz_edit"),
    path(
        "paths/<slug:slug>/edit/quiz/<int:question_id>/",
        views.question_update,
        name="question_update",
    ),
    path(
        "paths/<slug:slug>/edit/quiz/<int:question_id>/delete/",
        views.question_delete,
        name="question_delete",
    ),
]
