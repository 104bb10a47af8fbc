"""Dynamic batching of demo runs in the worker (demos.batching, services.run_execute):
which runs a worker takes together, that each run gets its own result, progress and
failure, and that no run is taken twice."""

import threading
import uuid

import pytest
from django.db import connection

from demos.batching import claim_batch, run_batch_key
from demos.models import DemoRun
from demos.params import checkpoint_version
from demos.services import run_execute

pytestmark = pytest.mark.django_db(transaction=True)
QUICK = {"sampler": "ddim", "num_inference_steps": 10, "n": 4}
Status = DemoRun.Status


def queued(seed: int, params=QUICK, family="diffusion", **fields) -> DemoRun:
    """A queued run as run_request stores it (validated parameters, its batch key)."""
    import generators

    clean = {
        p["name"]: p["default"]
        for f in generators.families()
        if f["name"] == family
        for p in f["parameters"]
    } | params
    version = checkpoint_version(family)
    return DemoRun.objects.create(
        family=family,
        params=clean,
        seed=seed,
        checkpoint_version=version,
        input_key=uuid.uuid4().hex,
        batch_key=run_batch_key(family=family, params=clean, version=version),
        **fields,
    )


def test_a_worker_takes_the_queued_runs_that_share_a_batch_up_to_the_bound(settings):
    """Protects the grouping: same model and parameters (but seed and n) go together,
    oldest first, at most DEMOS_BATCH_SIZE; other parameters, other families and runs
    already taken stay where they are, for the next pick-up."""
    settings.DEMOS_BATCH_SIZE = 3
    leader = queued(1)
    mates = [queued(2), queued(3, {**QUICK, "n": 9}), queued(4)]
    other_steps = queued(5, {**QUICK, "num_inference_steps": 20})
    other_family = queued(6, {"dataset": "moons", "n": 10}, family="flow")
    taken = claim_batch(leader.id)
    assert [r.id for r in taken] == [leader.id, mates[0].id, mates[1].id]
    assert {r.status for r in DemoRun.objects.filter(batch=leader.id)} == {Status.RUNNING}
    for run in (mates[2], other_steps, other_family):
        run.refresh_from_db()
        assert run.status == Status.QUEUED and run.batch is None
    # a taken run's own message finds it in the leader's batch and leaves it alone
    assert claim_batch(mates[0].id) == []
    assert DemoRun.objects.get(id=mates[0].id).batch == leader.id
    # the runs left over are taken by the next pick-up, as usual
    assert [r.id for r in claim_batch(other_steps.id)] == [other_steps.id]
    assert [r.id for r in claim_batch(mates[2].id)] == [mates[2].id]


def test_batched_runs_store_the_same_result_each_would_get_alone(settings):
    """Protects "every run keeps its seed": runs sampled as one batch store exactly the
    result (the site's stored pixels) that the same runs store when run one at a time,
    each with its own progress and timings."""
    settings.DEMOS_BATCH_SIZE = 16
    batched = [queued(seed, {**QUICK, "n": n}) for seed, n in [(21, 4), (22, 1), (23, 7)]]
    run_execute(run_id=batched[0].id)
    settings.DEMOS_BATCH_SIZE = 1
    alone = [queued(r.seed, r.params) for r in batched]
    for run in alone:
        run_execute(run_id=run.id)
    for b, a in zip(batched, alone, strict=True):
        b.refresh_from_db()
        a.refresh_from_db()
        assert b.status == a.status == Status.SUCCEEDED, (b.error, a.error)
        assert b.batch == batched[0].id and a.batch == a.id
        assert b.result["images"] == a.result["images"]
        assert b.result["x0_previews"] == a.result["x0_previews"]
        assert b.progress_step == b.progress_total == 10
        assert b.sampling_seconds > 0 and b.started_at and b.finished_at


def test_a_failing_run_in_a_batch_fails_alone(settings):
    """Protects the other learners in a batch: a run whose stored parameters are refused
    fails with its own reason and field; the runs beside it succeed."""
    settings.DEMOS_BATCH_SIZE = 16
    good = queued(31)
    bad = queued(32)
    DemoRun.objects.filter(id=bad.id).update(params={**bad.params, "n": 999})
    last = queued(33)
    run_execute(run_id=good.id)
    good.refresh_from_db(), bad.refresh_from_db(), last.refresh_from_db()
    assert bad.status == Status.FAILED and bad.error_field == "n" and bad.batch == good.id
    assert good.status == last.status == Status.SUCCEEDED
    assert len(good.result["images"]) == len(last.result["images"]) == 4


def test_a_batch_whose_worker_died_is_taken_again_by_its_leader_then_failed(settings):
    """Protects against runs stuck "running": the leader's message, back after its worker
    died, takes its batch again and finishes it; after MAX_ATTEMPTS it fails them all."""
    settings.DEMOS_BATCH_SIZE = 16
    leader, mate = queued(41), queued(42)
    assert len(claim_batch(leader.id)) == 2  # ... and the worker dies here
    run_execute(run_id=leader.id)  # the message comes back
    for run in (leader, mate):
        run.refresh_from_db()
        assert run.status == Status.SUCCEEDED and run.attempts == 2
    leader, mate = queued(43), queued(44)
    claim_batch(leader.id)
    claim_batch(leader.id)  # died twice
    run_execute(run_id=leader.id)
    for run in (leader, mate):
        run.refresh_from_db()
        assert run.status == Status.FAILED and "stopped twice" in run.error


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_workers_claiming_at_once_take_each_run_once(settings):
    """Protects the claim under concurrency (PostgreSQL, SKIP LOCKED): workers that pick
    up runs of one burst at the same instant never take a run twice."""
    settings.DEMOS_BATCH_SIZE = 8
    runs = [queued(100 + k) for k in range(40)]
    leaders = runs[:5]
    start = threading.Barrier(len(leaders))
    taken: dict = {}

    def pick(run):
        start.wait()
        try:
            taken[run.id] = [r.id for r in claim_batch(run.id)]
        finally:
            connection.close()

    threads = [threading.Thread(target=pick, args=(r,)) for r in leaders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [i for batch in taken.values() for i in batch]
    assert len(ids) == len(set(ids)) and all(len(b) <= 8 for b in taken.values())
    for leader, batch in taken.items():
        assert set(DemoRun.objects.filter(batch=leader).values_list("id", flat=True)) == set(batch)
