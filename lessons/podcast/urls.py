from django.urls import path

from . import views

urlpatterns = [
    path("paths/<slug:slug>/podcast/", views.episode_page, name="path_podcast"),
    path(
        "paths/<slug:slug>/podcast/episode.<str:extension>",
        views.episode_audio,
        name="podcast_audio",
    ),
    path(
        "paths/<slug:slug>/podcast/transcript.vtt",
        views.episode_transcript,
        name="podcast_transcript",
    ),
    path(
        "paths/<slug:slug>/podcast/chapters.json",
        views.episode_chapters,
        name="podcast_chapters",
    ),
    path("podcast/feed.xml", views.feed, name="podcast_feed"),
]
