"""Dynamic batching: a worker that takes a queued sampling run also takes the queued
runs that can share its batch (same model, same parameters but the seed and how many
samples), up to ``DEMOS_BATCH_SIZE``, and samples them as one. A burst of learners
pressing Sample then costs far less than the sum of its runs.

Each run keeps its own Celery message. The message of a run that a batch took finds it
running in that batch (or finished) and leaves it alone; the batch's leader (the run
whose message took the others) answers for every run in it, and if its worker dies its
message comes back and takes the batch's unfinished runs again."""

from __future__ import annotations

import hashlib
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import DemoRun

Status = DemoRun.Status
MAX_ATTEMPTS = 2  # a run whose worker died is run once more, then fails


def run_batch_key(*, family: str, params: dict, version: str) -> str:
    """The key runs share when one batch can sample them all ("" for a run that samples
    alone): a digest of the family, the checkpoint and the parameters that shape the
    batch (``generators.batch_key``)."""
    import generators

    shared = generators.batch_key(family, params)
    if not shared:
        return ""
    return hashlib.sha256(f"{version}|{shared}".encode()).hexdigest()


def _takeable(leader: UUID) -> Q:
    """Queued, or running in this leader's batch (its worker died and its message is
    back). A run that was running when batching did not exist yet has no batch."""
    mine = Q(batch=leader) | Q(batch=None)
    return Q(status=Status.QUEUED) | (Q(status=Status.RUNNING) & mine)


def _claim(runs, leader: UUID) -> int:
    now = timezone.now()
    return runs.update(
        status=Status.RUNNING,
        batch=leader,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
    )


def claim_batch(run_id: UUID, *, size: int | None = None) -> list[DemoRun]:
    """Claim the run (the leader) and up to ``size`` − 1 queued runs with its batch key,
    oldest first: each is marked running in this batch, so no other worker takes it.
    Returns the claimed runs, the leader first; [] when the run is not this message's
    to run (finished, or in another run's batch), after failing it if its worker
    stopped ``MAX_ATTEMPTS`` times.

    PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` passes over runs another worker is
    claiming at that moment instead of waiting for it. On both databases the claim is
    a conditional UPDATE (still queued, or still in this batch), so a run is claimed
    once even where the row lock does not exist (SQLite, whose transactions take the
    write lock when they begin)."""
    size = settings.DEMOS_BATCH_SIZE if size is None else size
    mine = DemoRun.objects.filter(_takeable(run_id), id=run_id, attempts__lt=MAX_ATTEMPTS)
    if not _claim(mine, run_id):
        running = DemoRun.objects.filter(_takeable(run_id), status=Status.RUNNING)
        if running.filter(id=run_id).exists():  # its attempts are spent: it and its batch
            running.filter(Q(id=run_id) | Q(batch=run_id)).update(
                status=Status.FAILED,
                error="Its worker stopped twice while running it.",
                finished_at=timezone.now(),
            )
        return []
    key = DemoRun.objects.values_list("batch_key", flat=True).get(id=run_id)
    if key and size > 1:
        with transaction.atomic():
            others = (
                DemoRun.objects.select_for_update(skip_locked=True)
                .filter(_takeable(run_id), batch_key=key, attempts__lt=MAX_ATTEMPTS)
                .exclude(id=run_id)
                .order_by("created_at")
            )
            ids = list(others.values_list("id", flat=True)[: size - 1])
            _claim(DemoRun.objects.filter(_takeable(run_id), id__in=ids), run_id)
    runs = DemoRun.objects.filter(batch=run_id, status=Status.RUNNING).only(
        "family", "params", "seed", "training", "created_at"
    )
    return sorted(runs, key=lambda r: (r.id != run_id, r.created_at))
