from django.urls import path

from . import views

urlpatterns = [
    path("lab/", views.lab, name="lab"),
    path("lab/compare/", views.compare, name="lab_compare"),
]
