"""Writes: ask for a run, execute it in a worker, end runs whose worker is gone.

Views, the API and the Celery task only call these functions."""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .batching import claim_batch, run_batch_key
from .models import DemoRun, TrainingRun
from .params import (
    checkpoint_version,
    input_key,
    parameters_check,
    trained_parameters_check,
)
from .results import result_to_json

log = logging.getLogger(__name__)
Status = DemoRun.Status
HEARTBEAT_EVERY = 0.25  # seconds between progress writes
RUN_TASK = "demos.run"  # the Celery name of demos.tasks.run_demo


@dataclass
class Refused(Exception):
    """Too many runs: from this learner, from this address, or queued on the site."""

    reason: str
    retry_after: int  # seconds


@dataclass
class QueueUnavailable(Exception):
    """The broker did not take the run: it is recorded as failed with this reason."""

    reason: str
    retry_after: int = 30  # seconds


def client_digest(ip: str) -> str:
    """Runs remember a keyed digest of the client's address, never the address."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()[:32]


def run_request(
    *,
    family: str,
    params: dict,
    seed: int,
    learner: AbstractBaseUser | None,
    session_key: str,
    client_ip: str,
    training: TrainingRun | None = None,
) -> DemoRun:
    """Validate, reuse an identical finished run, or queue a new one. With ``training``
    (one of the asker's, found by the caller) the run samples that trained model.

    Raises ``generators.ParameterError`` for bad parameters and ``Refused`` beyond the
    rate limits or the queue bound."""
    if training is None:
        clean = parameters_check(family=family, params=params, seed=seed)
        version = checkpoint_version(family)
    else:
        clean = trained_parameters_check(training=training, family=family, params=params, seed=seed)
        version = f"trained:{training.id}"
    key = input_key(family=family, params=clean, seed=seed, version=version)
    batch_key = "" if training else run_batch_key(family=family, params=clean, version=version)
    owner = {"learner": learner, "session_key": "" if learner else session_key}
    client = client_digest(client_ip)
    runs_reap()
    done = (
        DemoRun.objects.filter(input_key=key, status=Status.SUCCEEDED, reused_from=None)
        .order_by("created_at")
        .first()
    )
    if done is not None:
        now = timezone.now()
        return DemoRun.objects.create(
            family=family,
            params=clean,
            seed=seed,
            checkpoint_version=version,
            input_key=key,
            status=Status.SUCCEEDED,
            progress_step=done.progress_total,
            progress_total=done.progress_total,
            result=done.result,
            device=done.device,
            sampling_seconds=done.sampling_seconds,
            started_at=now,
            finished_at=now,
            client=client,
            reused_from=done,
            training=training,
            **owner,
        )
    with transaction.atomic():
        # The limits count runs, then a run is added: two web processes must not both
        # count before either adds, or a burst passes them (23 of 50 where 20 was the
        # limit). One lock, held to the commit, makes the count and the insert one step.
        lock_limits()
        _check_limits(learner=learner, session_key=session_key, client=client)
        run = DemoRun.objects.create(
            family=family,
            params=clean,
            seed=seed,
            checkpoint_version=version,
            input_key=key,
            batch_key=batch_key,
            client=client,
            training=training,
            **owner,
        )
        transaction.on_commit(lambda: run_enqueue(run_id=run.id))
    run.refresh_from_db()  # the commit above sent it: a worker may have finished it already
    if run.status == Status.FAILED and run.started_at is None:  # the broker refused it
        raise QueueUnavailable(run.error)
    return run


LIMITS_LOCK = 0x64656D6F  # any constant shared by every web process ("demo")


def lock_limits() -> None:
    """Serialize the limit check and insert across processes until the transaction
    ends. PostgreSQL: an advisory lock. SQLite: every transaction already takes the
    write lock when it begins (settings: transaction_mode IMMEDIATE)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LIMITS_LOCK])


def _check_limits(*, learner, session_key: str, client: str) -> None:
    """Per learner (or session), per address, and a bound on queued runs site-wide.
    Reused runs cost nothing and are not counted."""
    now = timezone.now()
    minute = now - timedelta(minutes=1)
    fresh = DemoRun.objects.filter(reused_from=None, created_at__gte=minute)
    checks = [(fresh.filter(client=client), settings.DEMOS_RUNS_PER_MINUTE_PER_IP, "your network")]
    if learner is not None or session_key:  # a client with neither has only its address
        mine = fresh.filter(learner=learner) if learner else fresh.filter(session_key=session_key)
        checks.insert(0, (mine, settings.DEMOS_RUNS_PER_MINUTE, "you"))
    for runs, limit, who in checks:
        times = list(runs.order_by("-created_at").values_list("created_at", flat=True)[:limit])
        if len(times) >= limit:
            wait = math.ceil((times[-1] + timedelta(minutes=1) - now).total_seconds())
            raise Refused(
                f"{limit} runs a minute is the limit for {who}; try again in {max(wait, 1)} s.",
                max(wait, 1),
            )
    queued = DemoRun.objects.filter(status=Status.QUEUED).count()
    if queued >= settings.DEMOS_MAX_QUEUED:
        raise Refused(
            f"{queued} runs are waiting for a worker; try again in a few seconds.",
            max(2, min(60, queued // 4)),
        )


def run_enqueue(*, run_id: UUID) -> None:
    """Send the run to the demo queue; if the broker cannot take it, the run fails now."""
    if not enqueue(RUN_TASK, queue=settings.DEMOS_QUEUE, object_id=run_id):
        _fail(run_id, "The task queue could not be reached.")


def enqueue(task_name: str, *, queue: str, object_id: UUID) -> bool:
    """Send a task by its Celery name; False (and logged) if the broker did not take it.

    The task is found by its name in the Celery app (``demos.tasks`` registers it when
    Django starts, see ``DemosConfig.ready``), so services never import the tasks that
    import them; the registered task honours ``CELERY_TASK_ALWAYS_EAGER``."""
    from celery import current_app

    task = current_app.tasks[task_name]
    try:
        # No time limits in the message: the worker's own *_TIME_LIMIT settings apply
        # where the task runs (a message's limits would override them with the web's).
        task.apply_async(args=[str(object_id)], queue=queue, time_limit=None, soft_time_limit=None)
    except Exception:  # kombu raises many kinds: any of them means "not queued"
        log.exception("could not queue %s for %s", task_name, object_id)
        return False
    return True


def _fail(run_id: UUID, reason: str, field: str = "", *, only=(Status.QUEUED, Status.RUNNING)):
    DemoRun.objects.filter(id=run_id, status__in=only).update(
        status=Status.FAILED, error=reason, error_field=field, finished_at=timezone.now()
    )


def run_execute(*, run_id: UUID) -> None:
    """Claim the run and the queued runs that can share its batch (``demos.batching``),
    sample them, store each run's result. Idempotent: a finished run, or one another
    run's batch took, is left alone; a run found "running" in its own batch was started
    by a worker that died, and is run once more at most (``MAX_ATTEMPTS``)."""
    from celery.exceptions import SoftTimeLimitExceeded

    runs = claim_batch(run_id)
    if not runs:
        return
    try:
        if len(runs) == 1:
            outcomes = [_sample_one(runs[0])]
        else:
            outcomes = _sample_many(runs)
    except SoftTimeLimitExceeded:
        for run in runs:
            _fail(
                run.id, f"It took longer than {settings.DEMOS_SOFT_TIME_LIMIT} s and was stopped."
            )
        return
    with transaction.atomic():  # one commit for the whole batch
        for run, (out, reference, progress) in zip(runs, outcomes, strict=True):
            _finish(run, out, reference, progress)


def _sample_one(run: DemoRun) -> tuple:
    """(the sampler's dict or the exception that ended the run, reference, progress)."""
    from celery.exceptions import SoftTimeLimitExceeded

    import generators

    progress = _ProgressWriter(run.id)
    try:
        if run.training_id is None:
            return (
                generators.sample(run.family, seed=run.seed, progress=progress, **run.params),
                None,
                progress,
            )
        out, reference = _sample_trained(run)
        return out, reference, progress
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:  # it ends this run: _finish says how
        return exc, None, progress


def _sample_many(runs: list[DemoRun]) -> list[tuple]:
    """Runs of one batch key as one batch; each run its own progress and outcome."""
    from celery.exceptions import SoftTimeLimitExceeded

    import generators

    batch = _BatchWrites()
    progress = [_ProgressWriter(run.id, batch) for run in runs]
    outs = generators.sample_batch(
        runs[0].family,
        [(run.seed, run.params) for run in runs],
        progress=progress,
        fatal=(SoftTimeLimitExceeded,),
    )
    batch.flush()
    return [(out, None, p) for out, p in zip(outs, progress, strict=True)]


def _finish(run: DemoRun, out, reference, progress: _ProgressWriter) -> None:
    """Store a run's result, or fail it with the reason its exception gives."""
    import generators

    if isinstance(out, generators.ParameterError):
        _fail(run.id, str(out), out.field)
        return
    if isinstance(out, Exception):  # a bug or a missing checkpoint: fail the run, do not retry
        log.error("demo run %s failed", run.id, exc_info=out)
        _fail(run.id, f"The model could not run: {out}")
        return
    total = progress.total or 1
    DemoRun.objects.filter(id=run.id, status=Status.RUNNING).update(
        status=Status.SUCCEEDED,
        result=result_to_json(out, reference=reference, dataset=run.params.get("dataset")),
        device=out["device"],
        sampling_seconds=out["seconds"],
        progress_step=total,
        progress_total=total,
        live_frames=[],
        finished_at=timezone.now(),
    )


def _sample_trained(run: DemoRun) -> tuple[dict, list | None]:
    """Sample the learner's trained model; the points it learned go under the samples."""
    import generators

    trained = TrainingRun.objects.only("state", "config", "points", "dataset").get(
        id=run.training_id
    )
    if trained.state is None:
        raise generators.ParameterError("training", "this training's weights were deleted")
    params = {k: v for k, v in run.params.items() if k != "dataset"}
    out = generators.sample_trained(
        run.family, state=bytes(trained.state), config=trained.config, seed=run.seed, **params
    )
    return out, trained.points


class _ProgressWriter:
    """The sampler's progress callback: step k of n and, for diffusion, the x̂₀ previews
    of the first sample so far, written at most every ``HEARTBEAT_EVERY`` seconds (the
    page polls no faster) so the page can show them while the run goes on. In a batch the
    writes of one step wait in ``batch`` and go together."""

    def __init__(self, run_id: UUID, batch: _BatchWrites | None = None):
        self.run_id, self.total, self.frames, self.sent, self.last = run_id, 0, [], 0, 0.0
        self.batch = batch

    def __call__(self, step: int, total: int, preview=None) -> None:
        self.total = total
        if self.batch is not None:
            self.batch.at(step)
        if preview is not None:
            self.frames.append({"step": step, "image": [round(float(v), 3) for v in preview]})
        now = time.monotonic()
        if now - self.last >= HEARTBEAT_EVERY or step == total:
            self.last = now
            fields = {
                "progress_step": step,
                "progress_total": total,
                "heartbeat_at": timezone.now(),
            }
            if len(self.frames) > self.sent:  # new previews since the last write
                fields["live_frames"], self.sent = self.frames, len(self.frames)
            if self.batch is None:
                DemoRun.objects.filter(id=self.run_id, status=Status.RUNNING).update(**fields)
            else:
                self.batch.pending.append((self.run_id, fields))


class _BatchWrites:
    """A batch's progress writes, sent together once per step: one statement and one
    commit for the batch instead of one each per run."""

    def __init__(self):
        self.step, self.pending = 0, []

    def at(self, step: int) -> None:
        """A run reports ``step``: the writes of the step before it go now."""
        if step != self.step:
            self.flush()
            self.step = step

    def flush(self) -> None:
        if not self.pending:
            return
        by_fields: dict[tuple, list[DemoRun]] = {}  # one UPDATE … CASE per set of fields
        for run_id, fields in self.pending:
            by_fields.setdefault(tuple(fields), []).append(DemoRun(id=run_id, **fields))
        with transaction.atomic():
            for names, runs in by_fields.items():
                DemoRun.objects.filter(status=Status.RUNNING).bulk_update(runs, names)
        self.pending = []


def runs_reap(*, now=None) -> int:
    """End every run whose worker is gone: running with no report for
    ``DEMOS_STALE_SECONDS`` or past the hard time limit, queued past
    ``DEMOS_QUEUED_TIMEOUT``. Called when runs are asked for or read; returns how many."""
    return reap(
        DemoRun.objects.all(),
        time_limit=settings.DEMOS_TIME_LIMIT,
        stale_seconds=settings.DEMOS_STALE_SECONDS,
        queued_timeout=settings.DEMOS_QUEUED_TIMEOUT,
        now=now,
    )


def reap(records, *, time_limit: int, stale_seconds: int, queued_timeout: int, now=None) -> int:
    """Fail the queued or running records (runs or trainings) whose worker is gone:
    past the hard time limit, silent for ``stale_seconds``, never picked up."""
    now = now or timezone.now()
    running = records.filter(status="running")
    n = running.filter(started_at__lt=now - timedelta(seconds=time_limit + 5)).update(
        status="failed", error=f"It ran past the {time_limit} s time limit.", finished_at=now
    )
    stale = now - timedelta(seconds=stale_seconds)
    silent = Q(heartbeat_at__lt=stale) | Q(heartbeat_at=None, started_at__lt=stale)
    n += running.filter(silent).update(
        status="failed",
        error="Its worker stopped reporting (it crashed or was stopped).",
        finished_at=now,
    )
    waited = now - timedelta(seconds=queued_timeout)
    n += records.filter(status="queued", created_at__lt=waited).update(
        status="failed",
        error=f"No worker picked it up within {queued_timeout // 60} minutes.",
        finished_at=now,
    )
    return n
