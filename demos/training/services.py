"""Writes: ask for a training, run it in a worker, cancel it, end trainings whose
worker is gone, delete anonymous sessions' old weights.

Views, the API, the Celery task and ``manage.py cleanup_trainings`` call these."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import STATE_MAX_BYTES, TrainingRun, TrainingSnapshot
from ..results import plain
from ..services import QueueUnavailable, Refused, client_digest, enqueue, lock_limits, reap
from .params import training_check

log = logging.getLogger(__name__)
Status = TrainingRun.Status
TRAIN_TASK = "demos.train"  # the Celery name of demos.tasks.train_model
MAX_ATTEMPTS = 2  # a training whose worker died is started over once, then fails
CHECK_EVERY = 0.2  # seconds between reads of cancel_requested while training
HEARTBEAT_EVERY = 5.0  # seconds between heartbeats between snapshots
DEADLINE_MARGIN = 5.0  # stop this long before the soft time limit, keeping the model


def training_request(
    *,
    family: str,
    params: dict,
    seed: int,
    points: list | None,
    learner: AbstractBaseUser | None,
    session_key: str,
    client_ip: str,
) -> TrainingRun:
    """Validate and queue a training. Raises ``generators.ParameterError`` (nothing
    written), ``Refused`` beyond the limits, ``QueueUnavailable`` if the broker refuses."""
    clean, points = training_check(family=family, params=params, seed=seed, points=points)
    if learner is None and not session_key:
        raise ValueError("a training needs a learner or a browser session to belong to")
    owner = {"learner": learner, "session_key": "" if learner else session_key}
    trainings_reap()
    with transaction.atomic():
        lock_limits()  # the runs' lock: counting and adding are one step across processes
        _check_limits(owner)
        run = TrainingRun.objects.create(
            family=family,
            dataset=clean.get("dataset", ""),
            params=clean,
            points=points,
            seed=seed,
            client=client_digest(client_ip),
            **owner,
        )
        transaction.on_commit(lambda: training_enqueue(run_id=run.id))
    run.refresh_from_db()
    if run.status == Status.FAILED and run.started_at is None:  # the broker refused it
        raise QueueUnavailable(run.error)
    return run


def _check_limits(owner: dict) -> None:
    active = TrainingRun.objects.filter(status__in=TrainingRun.ACTIVE)
    mine = active.filter(**owner).count()
    if mine >= settings.TRAININGS_PER_LEARNER:
        raise Refused(
            f"You already have {mine} training(s) going: stop it or wait until it ends.", 30
        )
    queued = active.filter(status=Status.QUEUED).count()
    if queued >= settings.TRAININGS_MAX_QUEUED:
        raise Refused(f"{queued} trainings are waiting for a worker; try again in a minute.", 60)


def training_enqueue(*, run_id: UUID) -> None:
    """Send the training to ``TRAINING_QUEUE``; if the broker cannot take it, it fails."""
    if not enqueue(TRAIN_TASK, queue=settings.TRAINING_QUEUE, object_id=run_id):
        _fail(run_id, "The task queue could not be reached.")


def _fail(run_id: UUID, reason: str, field: str = "", *, only=TrainingRun.ACTIVE) -> None:
    TrainingRun.objects.filter(id=run_id, status__in=only).update(
        status=Status.FAILED, error=reason, error_field=field, finished_at=timezone.now()
    )


def training_cancel(*, run: TrainingRun) -> None:
    """A queued training ends at once; a running one is asked to stop, and its worker
    stops within one snapshot, keeping the model it has so far."""
    now = timezone.now()
    with transaction.atomic():
        queued = TrainingRun.objects.filter(id=run.id, status=Status.QUEUED).update(
            status=Status.CANCELLED, cancel_requested=True, finished_at=now
        )
        if not queued:
            TrainingRun.objects.filter(id=run.id, status=Status.RUNNING).update(
                cancel_requested=True
            )


def training_execute(*, run_id: UUID) -> None:
    """Claim the training, train with snapshots as they come, store the trained model.
    Idempotent: a finished training is left alone; one found "running" was started by
    a worker that died, and is started over once at most (``MAX_ATTEMPTS``)."""
    from celery.exceptions import SoftTimeLimitExceeded

    import generators

    now = timezone.now()
    claimed = TrainingRun.objects.filter(
        id=run_id, status__in=TrainingRun.ACTIVE, attempts__lt=MAX_ATTEMPTS
    ).update(status=Status.RUNNING, attempts=F("attempts") + 1, started_at=now, heartbeat_at=now)
    if not claimed:
        _fail(run_id, "Its worker stopped twice while training it.", only=(Status.RUNNING,))
        return
    run = TrainingRun.objects.only("family", "params", "seed", "points").get(id=run_id)
    TrainingSnapshot.objects.filter(run_id=run_id).delete()  # a restart begins again
    watch = _Watch(run_id)
    try:
        out = generators.train_live(
            run.family,
            params=run.params,
            seed=run.seed,
            points=run.points,
            on_snapshot=watch.snapshot,
            should_stop=watch.should_stop,
        )
    except generators.ParameterError as exc:
        _fail(run_id, str(exc), exc.field)
        return
    except SoftTimeLimitExceeded:
        _fail(run_id, f"It took longer than {settings.TRAINING_SOFT_TIME_LIMIT} s and was stopped.")
        return
    except Exception as exc:  # a bug: fail the training, do not retry
        log.exception("training %s failed", run_id)
        _fail(run_id, f"The model could not train: {exc}")
        return
    state = bytes(out["state"])
    if len(state) > STATE_MAX_BYTES:
        _fail(run_id, f"The trained model is over {STATE_MAX_BYTES // 2**20} MiB.")
        return
    note = ""
    if watch.timed_out:
        note = f"Stopped at the {settings.TRAINING_SOFT_TIME_LIMIT} s time limit."
    TrainingRun.objects.filter(id=run_id, status=Status.RUNNING).update(
        status=Status.CANCELLED if watch.cancelled else Status.SUCCEEDED,
        state=state,
        config=plain(out["config"]),
        measure=plain(out["measure"]),
        step=min(out["steps"], out["total"]),
        total=out["total"],
        device=out["device"],
        training_seconds=out["seconds"],
        error=note,
        finished_at=timezone.now(),
    )


class _Watch:
    """``train_live``'s callbacks: store each snapshot (one INSERT) with a heartbeat,
    and answer "stop?" (asked after each snapshot, so a cancel stops the training at
    the next one at the latest) from the database (cancel asked, or the run was ended by the
    reaper) or from the clock (the soft time limit is near)."""

    def __init__(self, run_id: UUID):
        self.run_id, self.index = run_id, 0
        self.deadline = time.monotonic() + settings.TRAINING_SOFT_TIME_LIMIT - DEADLINE_MARGIN
        self.cancelled = self.timed_out = self.looked = False
        self.checked = self.beat = time.monotonic()

    def snapshot(self, snap: dict) -> None:
        TrainingSnapshot.objects.create(
            run_id=self.run_id,
            index=self.index,
            step=snap["step"],
            seconds=round(float(snap.get("seconds", 0)), 3),
            losses=plain(snap.get("losses", {})),
            samples=plain(snap.get("samples", {})),
            measure=plain(snap.get("measure")),
        )
        self.index += 1
        self.beat = time.monotonic()
        TrainingRun.objects.filter(id=self.run_id, status=Status.RUNNING).update(
            step=min(snap["step"], snap["total"]), total=snap["total"], heartbeat_at=timezone.now()
        )
        self.looked = True  # the next should_stop reads the database, whatever the clock

    def should_stop(self) -> bool:
        now = time.monotonic()
        if now > self.deadline:
            self.timed_out = True
            return True
        if self.looked or now - self.checked >= CHECK_EVERY:
            self._read()
        if now - self.beat >= HEARTBEAT_EVERY:
            self.beat = now
            TrainingRun.objects.filter(id=self.run_id, status=Status.RUNNING).update(
                heartbeat_at=timezone.now()
            )
        return self.cancelled

    def _read(self) -> None:
        self.checked, self.looked = time.monotonic(), False
        row = TrainingRun.objects.filter(id=self.run_id).values("status", "cancel_requested")
        row = row.first()
        # Ended by someone else (the reaper) counts as stopped too: no point going on.
        self.cancelled = row is None or row["cancel_requested"] or row["status"] != Status.RUNNING


def trainings_reap(*, now=None) -> int:
    """End every training whose worker is gone (as ``runs_reap`` does for runs), and
    delete anonymous sessions' old weights; returns how many trainings were ended."""
    n = reap(
        TrainingRun.objects.all(),
        time_limit=settings.TRAINING_TIME_LIMIT,
        stale_seconds=settings.TRAINING_STALE_SECONDS,
        queued_timeout=settings.TRAINING_QUEUED_TIMEOUT,
        now=now,
    )
    trainings_cleanup(now=now)
    return n


def trainings_cleanup(*, now=None) -> int:
    """Delete the trained weights of anonymous sessions' trainings finished more than
    ``TRAINING_STATE_TTL_HOURS`` ago (the record and snapshots stay); how many."""
    now = now or timezone.now()
    old = now - timedelta(hours=settings.TRAINING_STATE_TTL_HOURS)
    return TrainingRun.objects.filter(
        learner=None, state__isnull=False, finished_at__lt=old
    ).update(state=None, state_deleted_at=now)
