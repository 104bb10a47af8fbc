"""The periodic fit of FSRS parameters: a thin adapter over parameters.py, run once a
day by Celery beat (see CELERY_BEAT_SCHEDULE) on the training worker, or at once with
`manage.py fit_fsrs`."""

from celery import shared_task

from .parameters import parameters_fit_all

FIT_TASK = "lessons.fsrs_fit"


# Idempotent enough to retry: a second fit on the same reviews records the same weights.
@shared_task(name=FIT_TASK, acks_late=True, soft_time_limit=50 * 60, time_limit=55 * 60)
def fsrs_fit() -> dict[str, int]:
    return parameters_fit_all()
