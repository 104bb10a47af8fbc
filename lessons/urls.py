from django.urls import path

from . import edit_views, views
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
    path(
        f"paths/<slug:slug>/{feature}/",
        views.coming_soon,
        {"feature": feature},
        name=f"path_{feature}",
    )
    for feature in views.COMING_SOON
]
