from django.urls import include, path

from . import views

urlpatterns = [
    path("", include("demos.training.urls")),
    path("lab/", views.lab, name="lab"),
    path("lab/compare/", views.compare, name="lab_compare"),
    path("lab/runs/<uuid:run_id>/", views.run_detail, name="demo_run"),
    path("lab/<slug:family>/", views.family, name="demo_family"),
    path("lab/<slug:family>/runs/", views.run_create, name="demo_run_create"),
]
