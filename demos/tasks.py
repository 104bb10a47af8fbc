"""Celery tasks: thin adapters from a message to ``demos.services``.

The task is idempotent (``run_execute`` leaves a finished run alone and re-runs a run
whose worker died at most once), which is why it acknowledges late and is rejected
back to the queue when its worker process is lost. It never retries on its own: a
failure ends the run as failed with a reason."""

from celery import shared_task
from celery.signals import worker_init, worker_process_init
from django.conf import settings

from .services import RUN_TASK, run_execute
from .training.services import TRAIN_TASK, training_execute


@shared_task(
    name=RUN_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.DEMOS_SOFT_TIME_LIMIT,
    time_limit=settings.DEMOS_TIME_LIMIT,
    max_retries=0,
    ignore_result=True,
)
def run_demo(run_id: str) -> None:
    """Sample for one DemoRun. Sent by ``run_enqueue`` to ``settings.DEMOS_QUEUE``."""
    run_execute(run_id=run_id)


@shared_task(
    name=TRAIN_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.TRAINING_SOFT_TIME_LIMIT,
    time_limit=settings.TRAINING_TIME_LIMIT,
    max_retries=0,
    ignore_result=True,
)
def train_model(training_id: str) -> None:
    """Train one TrainingRun. Sent by ``training_enqueue`` to ``settings.TRAINING_QUEUE``;
    idempotent like ``run_demo`` (a training whose worker died starts over once)."""
    training_execute(run_id=training_id)


@worker_init.connect
@worker_process_init.connect
def _torch_threads(**kwargs) -> None:
    """Small models on a shared CPU run many times faster on one thread (stack notes):
    every worker process, and a solo pool's main process, uses DEMOS_TORCH_THREADS."""
    import torch

    torch.set_num_threads(settings.DEMOS_TORCH_THREADS)
