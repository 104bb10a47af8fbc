from django.urls import path

from . import views

urlpatterns = [
    path("import/", views.path_upload, name="path_upload"),
    path("paths/<slug:slug>/clone/", views.path_clone, name="path_clone"),
    path("paths/<slug:slug>/export.zip", views.path_export, name="path_export"),
    path("paths/<slug:slug>/edit/", views.path_edit, name="path_edit"),
    path("paths/<slug:slug>/edit/add-lesson/", views.lesson_add, name="lesson_add"),
]
# Every lesson edit URL is paths/<slug>/edit/lessons/<lesson_slug>/<action>/.
urlpatterns += [
    path(
        f"paths/<slug:slug>/edit/lessons/<slug:lesson_slug>/{action}",
        view,
        name=name,
    )
    for action, view, name in [
        ("", views.lesson_edit, "lesson_edit"),
        ("preview/", views.lesson_preview, "lesson_preview"),
        ("rename/", views.lesson_rename, "lesson_rename"),
        ("move/", views.lesson_move, "lesson_move"),
        ("delete/", views.lesson_delete, "lesson_delete"),
    ]
]
