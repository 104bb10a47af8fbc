"""The Django project: settings, URLs, the Celery app. Wiring only, no domain logic."""

from .celery import app as celery_app

__all__ = ["celery_app"]
