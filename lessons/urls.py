"""Every page of the lessons app: each concept's own URLs, none namespaced, so every
URL name is the one it always was."""

from django.urls import include, path

urlpatterns = [
    path("", include("lessons.reading.urls")),
    path("", include("lessons.podcast.urls")),
    path("", include("lessons.flashcards.urls")),
    path("", include("lessons.quizzes.urls")),
    path("", include("lessons.glossary.urls")),
    path("", include("lessons.authoring.urls")),
]
