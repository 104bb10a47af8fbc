"""Demo runs end to end: the web side queues on real Redis, a real `celery worker`
process started here samples and writes the result."""

import time
import uuid
from http import HTTPStatus

import pytest

from demos.models import DemoRun
from demos.services import run_request

from .conftest import Worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

# Small, quick parameters per family; each exercises the family's showcase.
FAMILY_PARAMS = {
    "autoregressive": {"dataset": "text", "max_new_tokens": 30, "num_candidates": 3},
    "vae": {"mode": "grid", "grid_size": 4},
    "gan": {"dataset": "ring", "n": 300},
    "flow": {"dataset": "moons", "n": 200, "density": True, "grid_size": 20},
    "diffusion": {"sampler": "ddim", "num_inference_steps": 10, "n": 4},
}
# What each family's result must hold for its page to draw it.
SHOWCASE = {
    "autoregressive": lambda r: len(r["text"]) == 30 and len(r["candidates"][0]) == 3,
    # 28x28 digits by default: 500 test digits in the plane, frames of 28x28
    "vae": lambda r: len(r["images"]) == 16 and len(r["test_latents"]) == 500,
    "gan": lambda r: 0 < len(r["points"]) <= 300 and len(r["reference"]) == 1000,
    "flow": lambda r: len(r["log_density"]) == 20 and len(r["reference"]) == 1000,
    "diffusion": lambda r: (
        len(r["images"]) == 4 and len(r["frames"]) == 10 and len(r["images"][0]) == 28
    ),
}
# long enough to be seen running: the 8x8 model, 1000 DDPM steps
SLOW_DIFFUSION = {
    "dataset": "digits",
    "sampler": "ddpm",
    "num_inference_steps": 1000,
    "n": 64,
    "n_frames": 50,
}


def ask(family, params, seed=0, session="s-1", ip="10.0.0.1"):
    return run_request(
        family=family, params=params, seed=seed, learner=None, session_key=session, client_ip=ip
    )


def test_a_run_of_each_family_goes_queued_running_succeeded_with_a_result(worker):
    """Protects the feature itself: every family's run is queued by the web side, taken
    by a real worker over Redis, and ends succeeded with its result, device and times."""
    for family, params in FAMILY_PARAMS.items():
        run = ask(family, params)
        assert run.status == DemoRun.Status.QUEUED
        seen = [run.status]
        run = wait_for(run.id, DemoRun.FINISHED, seen=seen)
        assert run.status == DemoRun.Status.SUCCEEDED, (family, run.error)
        assert seen[0] == "queued" and seen[-1] == "succeeded"
        assert run.attempts == 1 and run.created_at <= run.started_at <= run.finished_at
        assert run.device == "cpu" and run.sampling_seconds > 0
        assert run.progress_step == run.progress_total > 0
        assert run.result
        assert SHOWCASE[family](run.result), family


def test_diffusion_reports_progress_and_frames_while_running(worker):
    """Protects the live view: a long diffusion run is seen running with step k of n
    and its x̂₀ previews before it finishes."""
    run = ask("diffusion", SLOW_DIFFUSION)
    deadline = time.monotonic() + 60
    while True:
        run.refresh_from_db()
        if run.status == "running" and 0 < run.progress_step < run.progress_total:
            if run.live_frames:
                break
        assert run.status != "succeeded", "finished before any progress was seen"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert run.progress_total == 1000
    assert len(run.live_frames[0]["image"]) == 64


def test_killing_the_worker_mid_run_ends_the_run_failed_never_stuck(
    worker, client, settings, tmp_path
):
    """Protects against runs "running" forever: the worker process dies mid-run (as on
    a crash or an OOM kill); reading the run soon after shows it failed, with why."""
    settings.DEMOS_STALE_SECONDS = 2
    run = ask("diffusion", SLOW_DIFFUSION)
    wait_for(run.id, ["running"])
    worker.kill()
    time.sleep(settings.DEMOS_STALE_SECONDS + 1)
    response = client.get(f"/api/demos/runs/{run.id}/")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "failed"
    assert "stopped reporting" in response.json()["error"]
    run.refresh_from_db()
    assert run.status == DemoRun.Status.FAILED and run.finished_at


def test_a_run_whose_worker_child_dies_is_run_once_more(worker):
    """Protects acks_late + reject_on_worker_lost: the pool child running the task is
    killed, the message goes back to the queue, and a new child runs it again, once."""
    import os
    import signal

    run = ask("diffusion", SLOW_DIFFUSION)
    wait_for(run.id, ["running"])
    (child,) = worker.children()
    os.kill(child, signal.SIGKILL)
    run = wait_for(run.id, DemoRun.FINISHED, timeout=120)
    assert run.status == DemoRun.Status.SUCCEEDED, run.error
    assert run.attempts == 2


def test_same_seed_same_result_and_a_finished_identical_run_is_reused(worker):
    """Protects "same input, same output": an identical request is answered at once
    from the finished run, and computing it again gives the very same numbers."""
    from demos.services import run_execute

    params = FAMILY_PARAMS["diffusion"]
    first = wait_for(ask("diffusion", params, seed=7).id, DemoRun.FINISHED)
    again = ask("diffusion", params, seed=7)
    assert again.status == DemoRun.Status.SUCCEEDED and again.reused_from_id == first.id
    assert again.result == first.result
    other = wait_for(ask("diffusion", params, seed=8).id, DemoRun.FINISHED)
    assert other.result["images"] != first.result["images"]
    # Recompute the seed-7 run from scratch (in this process): identical numbers.
    fresh = DemoRun.objects.create(
        family="diffusion",
        params=first.params,
        seed=7,
        checkpoint_version=first.checkpoint_version,
        input_key="recompute",
    )
    run_execute(run_id=fresh.id)
    fresh.refresh_from_db()
    assert fresh.result["images"] == first.result["images"]


def test_the_worker_stays_up_after_a_run_fails(worker):
    """Protects against retry storms and dead workers: a run that fails in the worker
    (bad parameters that skipped the web's checks) ends failed once, and the next succeeds."""
    bad = DemoRun.objects.create(
        family="flow",
        params={"dataset": "digits", "n": 100},
        seed=0,
        checkpoint_version="x",
        input_key="bad",
    )
    from demos.services import run_enqueue

    run_enqueue(run_id=bad.id)
    bad = wait_for(bad.id, DemoRun.FINISHED)
    assert bad.status == DemoRun.Status.FAILED and bad.error_field == "n" and bad.attempts == 1
    good = wait_for(ask("flow", {"dataset": "digits", "n": 4}).id, DemoRun.FINISHED)
    assert good.status == DemoRun.Status.SUCCEEDED


def test_worker_fixture_starts_a_real_process(worker):
    """Protects the fixture's promise: a separate celery process on our queue."""
    assert isinstance(worker, Worker) and worker.proc.poll() is None


def test_the_embedded_broker_runs_demos_with_no_server(transactional_db, settings, tmp_path):
    """Protects `make run`: with no CELERY_BROKER_URL the site and a solo-pool worker
    (as scripts/serve.sh starts it) pass runs through the embedded filesystem broker."""
    from django.db import connection

    from learning_platform.celery import app

    assert app.conf.broker_url == "filesystem://", app.conf.broker_url
    settings.DEMOS_QUEUE = f"embedded-{uuid.uuid4().hex[:8]}"
    database = connection.settings_dict["NAME"]
    w = Worker(settings.DEMOS_QUEUE, database, tmp_path / "w.log", broker=None, pool="solo")
    try:
        run = wait_for(ask("flow", FAMILY_PARAMS["flow"]).id, DemoRun.FINISHED)
    finally:
        w.stop()
    assert run.status == DemoRun.Status.SUCCEEDED, run.error
