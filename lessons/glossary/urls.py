from django.urls import path

from . import views

urlpatterns = [
    path("paths/<slug:slug>/glossary/", views.glossary, name="path_glossary"),
]
