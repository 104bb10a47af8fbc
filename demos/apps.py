from django.apps import AppConfig


class DemosConfig(AppConfig):
    """Live demos: learners sample from the generators (wired up in a later issue)."""

    name = "demos"
    verbose_name = "Live demos"
