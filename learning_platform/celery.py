"""The Celery app. Its broker comes from settings (CELERY_BROKER_URL, embedded by default)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learning_platform.settings.local")

app = Celery("learning_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
