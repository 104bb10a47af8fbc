"""Trainings end to end: the web side queues on real Redis, a real `celery worker` on
the train queue trains, and a second worker on the demo queue keeps sampling."""

import time
from http import HTTPStatus

import pytest
from rest_framework.test import APIClient

from demos.models import DemoRun, TrainingRun
from demos.training.services import training_cancel, training_request

from .conftest import Worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

RING = {"dataset": "ring", "steps": 60, "snapshot_every": 20, "width": 32}


@pytest.fixture
def train_worker(redis_broker, transactional_db, settings, tmp_path):
    from django.db import connection

    settings.TRAINING_QUEUE = f"{settings.DEMOS_QUEUE}-train"
    w = Worker(settings.TRAINING_QUEUE, connection.settings_dict["NAME"], tmp_path / "train.log")
    yield w
    w.stop()


def wait_training(run_id, statuses, timeout=120.0) -> TrainingRun:
    deadline = time.monotonic() + timeout
    while True:
        run = TrainingRun.objects.defer("state").get(id=run_id)
        if run.status in statuses:
            return run
        assert time.monotonic() < deadline, f"training still {run.status} after {timeout} s"
        time.sleep(0.1)


def test_a_gan_trains_on_the_ring_with_snapshots_then_samples_through_the_runs_api(
    train_worker, worker, client
):
    """Protects the feature itself: a training asked for on a page is taken by a real
    worker over Redis, stores its snapshots as it goes and its model at the end; the
    runs API then samples that model (POST /api/demos/runs/ with "training")."""
    client.get("/lab/gan/train/")
    response = client.post("/lab/gan/train/start/", {**RING, "seed": 3, "loss": "non_saturating",
                           "lr_g": 0.001, "lr_d": 0.001, "d_steps": 1, "r1": 0.1})  # fmt: skip
    assert response.status_code == HTTPStatus.FOUND
    run = wait_training(TrainingRun.objects.get().id, TrainingRun.FINISHED)
    assert run.status == TrainingRun.Status.SUCCEEDED, run.error
    assert [s.step for s in run.snapshots.all()] == [20, 40, 60]
    assert run.measure["modes_total"] == 8 and run.device == "cpu" and run.config
    assert TrainingRun.objects.filter(id=run.id, state__isnull=False).exists()
    page = client.get(run.get_absolute_url())
    assert page.status_code == HTTPStatus.OK and b"<svg" in page.content
    assert b"Modes found" in page.content and b"Sample from your model" in page.content

    api = APIClient()
    api.cookies = client.cookies  # the same browser session owns the training
    api.get("/lab/")  # the CSRF cookie
    csrf = api.cookies["csrftoken"].value
    sample = api.post("/api/demos/runs/", {"family": "gan", "training": str(run.id),
                      "params": {"n": 300}}, format="json", HTTP_X_CSRFTOKEN=csrf)  # fmt: skip
    assert sample.status_code == HTTPStatus.CREATED, sample.json()
    done = wait_for(sample.json()["id"], DemoRun.FINISHED)
    assert done.status == DemoRun.Status.SUCCEEDED, done.error
    assert len(done.result["points"]) == 300 and len(done.result["reference"]) == 1000
    assert done.training_id == run.id


def test_sampling_runs_finish_while_a_long_training_occupies_the_train_worker(train_worker, worker):
    """Protects the queue split: a long training holds the train worker, and a sampling
    run on the demo queue still finishes in seconds; then the training is stopped."""
    long = training_request(
        family="gan", params={"dataset": "ring", "steps": 20000, "snapshot_every": 200},
        seed=0, points=None, learner=None, session_key="s", client_ip="1.1.1.1",
    )  # fmt: skip
    wait_training(long.id, [TrainingRun.Status.RUNNING], timeout=60)
    from demos.services import run_request

    t0 = time.monotonic()
    run = run_request(family="gan", params={"dataset": "ring", "n": 200}, seed=0,
                      learner=None, session_key="s", client_ip="1.1.1.1")  # fmt: skip
    run = wait_for(run.id, DemoRun.FINISHED, timeout=60)
    assert run.status == DemoRun.Status.SUCCEEDED
    assert time.monotonic() - t0 < 30
    assert TrainingRun.objects.get(id=long.id).status == TrainingRun.Status.RUNNING
    training_cancel(run=long)
    stopped = wait_training(long.id, TrainingRun.FINISHED, timeout=120)
    assert stopped.status == TrainingRun.Status.CANCELLED and stopped.step < 20000


def test_killing_the_train_worker_mid_training_ends_it_failed_never_stuck(
    train_worker, client, django_user_model, settings
):
    """Protects against trainings "running" forever: the worker process dies mid-run
    (a crash, an OOM kill); reading the training soon after shows it failed, with why."""
    settings.TRAINING_STALE_SECONDS = 2
    ada = django_user_model.objects.create_user("ada", password="x-long-passphrase")
    run = training_request(
        family="gan", params={**RING, "steps": 20000, "snapshot_every": 200}, seed=0,
        points=None, learner=ada, session_key="", client_ip="1.1.1.1",
    )  # fmt: skip
    wait_training(run.id, ["running"])
    train_worker.kill()
    time.sleep(settings.TRAINING_STALE_SECONDS + 1)
    client.force_login(ada)
    response = client.get(f"/api/demos/trainings/{run.id}/")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "failed"
    assert "stopped reporting" in response.json()["error"]
