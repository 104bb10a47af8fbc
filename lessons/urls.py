from django.urls import path

from . import views
from .podcast import views as podcast

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/signup/", views.signup, name="signup"),
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
    path(
        f"paths/<slug:slug>/{feature}/",
        views.coming_soon,
        {"feature": feature},
        name=f"path_{feature}",
    )
    for feature in views.COMING_SOON
]
