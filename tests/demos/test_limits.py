"""Demo requests at the edges: bursts across web processes, a broker that is down, ids
that are not ids. Each answer is the documented one, and the database says the same."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import pytest
import redis
import requests
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from demos.models import DemoRun
from tests.web_workers import BROKER_URL, WORKERS

from .conftest import _forget_connections


def burst(url: str, tokens: list[str], per_token: int) -> list[int]:
    """`per_token` POSTs for each token, all released at the same instant."""
    jobs = [(token, i) for token in tokens for i in range(per_token)]
    start = threading.Barrier(len(jobs))

    def post(job):
        token, seed = job
        start.wait()
        response = requests.post(
            f"{url}/api/demos/runs/",
            json={"family": "gan", "seed": seed},
            headers={"Authorization": f"Token {token}"},
            timeout=300,
        )
        return response.status_code

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(post, jobs))


def tokens(django_user_model, n: int) -> list[str]:
    users = [django_user_model.objects.create_user(f"learner{i}") for i in range(n)]
    return [Token.objects.create(user=user).key for user in users]


@pytest.fixture
def empty_broker():
    redis.Redis.from_url(BROKER_URL).flushdb()
    yield
    redis.Redis.from_url(BROKER_URL).flushdb()


def test_the_per_learner_limit_is_exact_under_a_burst(
    web_workers, empty_broker, django_user_model, settings
):
    """Protects the per-learner limit (20 a minute) from a burst spread over several
    web processes: 50 requests at once from one learner, exactly 20 accepted."""
    statuses = burst(web_workers, tokens(django_user_model, 1), per_token=50)
    assert statuses.count(HTTPStatus.CREATED) == settings.DEMOS_RUNS_PER_MINUTE, statuses
    assert statuses.count(HTTPStatus.TOO_MANY_REQUESTS) == 50 - settings.DEMOS_RUNS_PER_MINUTE
    assert DemoRun.objects.count() == settings.DEMOS_RUNS_PER_MINUTE
    print(f"{WORKERS} web workers: 50 sent, {statuses.count(201)} accepted, limit 20")


def test_the_queue_bound_is_exact_under_a_burst(
    web_workers, empty_broker, django_user_model, settings
):
    """Protects the site-wide queue bound (30 runs waiting) from a burst of many
    learners at once across several web processes: exactly 30 accepted, the rest 429."""
    statuses = burst(web_workers, tokens(django_user_model, 10), per_token=5)
    assert statuses.count(HTTPStatus.CREATED) == settings.DEMOS_MAX_QUEUED, statuses
    assert set(statuses) == {HTTPStatus.CREATED, HTTPStatus.TOO_MANY_REQUESTS}
    assert DemoRun.objects.filter(status="queued").count() == settings.DEMOS_MAX_QUEUED
    print(f"{WORKERS} web workers: 50 sent, {statuses.count(201)} accepted, bound 30")


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_run_request_answers_503_with_the_reason(learner):
    """Protects clients from a "queued" run that has already failed: with no broker the
    answer is 503 with the reason and Retry-After, and the run is recorded as failed."""
    from learning_platform.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport_options
    _forget_connections(app)
    app.conf.broker_url, app.conf.broker_transport_options = "redis://127.0.0.1:9/0", {}
    try:
        api = APIClient()
        api.force_authenticate(learner)
        response = api.post("/api/demos/runs/", {"family": "gan", "seed": 3}, format="json")
    finally:
        _forget_connections(app)
        app.conf.broker_url, app.conf.broker_transport_options = saved
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "task queue could not be reached" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    run = DemoRun.objects.get()
    assert run.status == "failed" and "task queue" in run.error


@pytest.mark.django_db
@pytest.mark.parametrize("run_id", ["1", "not-a-uuid", "0" * 40, str(uuid.uuid4())])
def test_a_run_id_that_is_no_run_is_a_404(client, run_id):
    """Protects the run endpoints from ids that are not UUIDs (a 500 before)."""
    assert APIClient().get(f"/api/demos/runs/{run_id}/").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"/lab/runs/{run_id}/").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db(transaction=True)
def test_a_run_message_carries_no_time_limits_so_the_workers_own_apply(
    redis_broker, learner, settings
):
    """Protects DEMOS_SOFT_TIME_LIMIT / DEMOS_TIME_LIMIT set on the worker alone: the
    web process used to put its own limits in every message, which override the
    worker's. The message now carries none, and the task's limits are the worker's."""
    import json

    settings.DEMOS_SOFT_TIME_LIMIT, settings.DEMOS_TIME_LIMIT = 1, 2  # the web's: unused
    api = APIClient()
    api.force_authenticate(learner)
    response = api.post("/api/demos/runs/", {"family": "gan"}, format="json")
    assert response.status_code == HTTPStatus.CREATED
    raw = redis.Redis.from_url(redis_broker.conf.broker_url).lpop(settings.DEMOS_QUEUE)
    message = json.loads(raw)
    assert message["headers"]["timelimit"] in ([None, None], None)


@pytest.mark.django_db(transaction=True)
def test_a_run_finished_before_the_answer_is_answered_whole(learner):
    """Protects the answer to a run request when the task ran at the commit (eager mode,
    or a quick worker): the run comes back as stored, result and device included, not a
    "succeeded" shell with the queued run's empty fields."""
    from learning_platform.celery import app

    app.conf.task_always_eager = True
    try:
        api = APIClient()
        api.force_authenticate(learner)
        body = api.post("/api/demos/runs/", {"family": "gan"}, format="json").json()
    finally:
        app.conf.task_always_eager = False
    assert body["status"] == "succeeded" and body["device"] and body["result"]["points"]
