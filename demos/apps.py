from django.apps import AppConfig


class DemosConfig(AppConfig):
    """Live demos: learners sample from the generators (wired up in a later issue)."""

    name = "demos"
    verbose_name = "Live demos"

    def ready(self) -> None:
        # Register the Celery task in every process, web included: services enqueue it
        # by name (and run it in-process under CELERY_TASK_ALWAYS_EAGER).
        from . import tasks  # noqa: F401
