from django.urls import path

from . import views

urlpatterns = [
    path("lab/trainings/compare/", views.training_compare, name="training_compare"),
    path("lab/trainings/<uuid:training_id>/", views.training_detail, name="training_detail"),
    path(
        "lab/trainings/<uuid:training_id>/snapshot/",
        views.training_snapshot,
        name="training_snapshot",
    ),
    path("lab/trainings/<uuid:training_id>/stop/", views.training_stop, name="training_stop"),
    path("lab/trainings/<uuid:training_id>/sample/", views.training_sample, name="training_sample"),
    path("lab/<slug:family>/train/", views.train, name="training_train"),
    path("lab/<slug:family>/train/start/", views.training_create, name="training_create"),
]
