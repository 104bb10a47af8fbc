"""Reads: a learner's trainings (theirs alone), one training's snapshots and losses."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from ..models import TrainingRun, TrainingSnapshot
from .services import trainings_reap

RECENT = 10
REFERENCE_POINTS = 1000  # points of a toy dataset drawn under the samples


def trainings_of(*, learner: AbstractBaseUser | None, session_key: str) -> QuerySet[TrainingRun]:
    """The trainings a learner (or an anonymous session) started: theirs alone."""
    if learner is not None and learner.is_authenticated:
        return TrainingRun.objects.filter(learner=learner)
    if not session_key:
        return TrainingRun.objects.none()
    return TrainingRun.objects.filter(learner=None, session_key=session_key)


def trainings_recent(*, learner, session_key: str, family: str | None = None) -> list:
    runs = trainings_of(learner=learner, session_key=session_key).defer("state", "points", "config")
    if family:
        runs = runs.filter(family=family)
    return list(runs[:RECENT])


def training_get(*, training_id: UUID, learner, session_key: str) -> TrainingRun:
    """One of the asker's trainings (``DoesNotExist`` for anyone else's), after ending
    it as failed if its worker is gone. The weights are not read."""
    run = trainings_of(learner=learner, session_key=session_key).defer("state").get(id=training_id)
    if not run.finished:
        trainings_reap()
        run.refresh_from_db(fields=["status", "step", "total", "error", "finished_at"])
    return run


def training_has_state(*, run: TrainingRun) -> bool:
    return TrainingRun.objects.filter(id=run.id, state__isnull=False).exists()


def snapshot_count(*, run: TrainingRun) -> int:
    return TrainingSnapshot.objects.filter(run=run).count()


def snapshot_at(*, run: TrainingRun, index: int | None = None) -> TrainingSnapshot | None:
    """The snapshot at ``index`` (clamped), or the latest; None before the first."""
    snaps = TrainingSnapshot.objects.filter(run=run)
    if index is None:
        return snaps.order_by("-index").first()
    return snaps.filter(index__lte=max(index, 0)).order_by("-index").first()


def loss_series(*, run: TrainingRun) -> dict[str, list[tuple[float, float]]]:
    """Each loss as (step, value) points, in the order they came (no samples read)."""
    series: dict[str, list[tuple[float, float]]] = {}
    rows = TrainingSnapshot.objects.filter(run=run).order_by("index")
    for step, losses in rows.values_list("step", "losses"):
        for name, value in (losses or {}).items():
            if value is not None:
                series.setdefault(name, []).append((step, float(value)))
    return series


def reference_points(*, run: TrainingRun) -> list:
    """What the model is learning, drawn under its samples: the learner's points, or
    a fixed draw of the toy dataset; none for digits or text."""
    if run.points:
        return run.points
    import torch

    from generators import data

    sampler = data.TOY_SAMPLERS.get(run.dataset)
    if sampler is None:
        return []
    return sampler(REFERENCE_POINTS, torch.Generator().manual_seed(1234)).tolist()
