"""Train it yourself, through the API, the pages and the services: what is refused
(and that nothing is written then), who may see a training, cancelling, the reaper,
and the clean-up of anonymous weights. The worker tests are in test_training_worker.py."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

import generators
from demos.models import TrainingRun, TrainingSnapshot
from demos.training import services
from demos.training.services import training_execute, training_request, trainings_reap

TINY = {"dataset": "drawn", "steps": 40, "snapshot_every": 10, "width": 16}
DRAWN = [[0.0, 0.0], [1.0, 1.0], [2.0, -1.0], [-1.0, 2.0]]


@pytest.fixture
def queued(monkeypatch):
    """Trainings are queued but never sent: no broker, no worker."""
    sent = []
    monkeypatch.setattr(services, "enqueue", lambda name, **kw: sent.append(kw) or True)
    return sent


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def start(client, **body):
    return client.post(
        "/api/demos/trainings/",
        {"family": "gan", "params": TINY, "points": DRAWN, **body},
        format="json",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, field",
    [
        ({"params": {**TINY, "steps": 5}}, "steps"),
        ({"params": {**TINY, "loss": "wasserstein"}}, "loss"),
        ({"params": {**TINY, "snapshot_every": 5, "steps": 20000}}, "snapshot_every"),
        ({"params": {**TINY, "colour": 3}}, "colour"),
        ({"points": None}, "points"),
        ({"points": [[9.0, 0.0], [0.0, 0.0]]}, "points"),
        ({"family": "vae", "params": {"dataset": "ring"}}, "dataset"),  # VAE: digits only
    ],
)
def test_bad_knobs_or_points_get_400_naming_the_field_and_write_nothing(
    learner, queued, body, field, django_capture_on_commit_callbacks
):
    """Protects the form's promise: a bad knob, an unknown one, the snapshot rule, a
    drawn dataset without (or with out-of-bounds) points, a dataset the family cannot learn → 400
    naming the field; no training row, nothing sent to the queue."""
    with django_capture_on_commit_callbacks(execute=True):
        response = start(api_for(learner), **body)
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.json()
    assert field in response.json()
    assert not TrainingRun.objects.exists() and not queued


@pytest.mark.django_db
def test_one_training_at_a_time_per_learner_then_429(
    learner, queued, django_capture_on_commit_callbacks
):
    """Protects the train worker from one learner: a second training while the first is
    queued gets 429 with Retry-After; once the first is stopped, a new one is taken."""
    client = api_for(learner)
    with django_capture_on_commit_callbacks(execute=True):
        first = start(client)
    assert first.status_code == HTTPStatus.CREATED
    with django_capture_on_commit_callbacks(execute=True):
        second = start(client)
    assert second.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(second["Retry-After"]) > 0
    assert TrainingRun.objects.count() == 1 and len(queued) == 1
    assert queued[0]["queue"] == "train"
    cancel = client.post(f"/api/demos/trainings/{first.json()['id']}/cancel/")
    assert cancel.status_code == HTTPStatus.ACCEPTED and cancel.json()["status"] == "cancelled"
    assert start(client).status_code == HTTPStatus.CREATED


@pytest.mark.django_db
def test_the_site_wide_queue_bound_gives_429_with_retry_after(django_user_model, queued, settings):
    """Protects the queue: beyond TRAININGS_MAX_QUEUED waiting trainings, a new one is
    refused with 429 and Retry-After, and not written."""
    settings.TRAININGS_MAX_QUEUED = 2
    users = [django_user_model.objects.create_user(username=f"u{i}") for i in range(3)]
    codes = [start(api_for(u)).status_code for u in users]
    assert codes == [HTTPStatus.CREATED, HTTPStatus.CREATED, HTTPStatus.TOO_MANY_REQUESTS]
    assert TrainingRun.objects.count() == 2


@pytest.mark.django_db
def test_another_learner_can_neither_read_nor_cancel_nor_sample_a_training(
    learner, django_user_model, queued, client
):
    """Protects privacy: someone else's training is 404 in the API (read, cancel), on
    its page, and cannot be sampled through the runs API; the list holds only yours."""
    training_id = start(api_for(learner)).json()["id"]
    other = api_for(django_user_model.objects.create_user(username="eve"))
    assert other.get(f"/api/demos/trainings/{training_id}/").status_code == HTTPStatus.NOT_FOUND
    cancel = other.post(f"/api/demos/trainings/{training_id}/cancel/")
    assert cancel.status_code == HTTPStatus.NOT_FOUND
    assert other.get("/api/demos/trainings/").json()["count"] == 0
    sample = other.post(
        "/api/demos/runs/", {"family": "gan", "training": training_id}, format="json"
    )
    assert sample.status_code == HTTPStatus.BAD_REQUEST and "training" in sample.json()
    assert client.get(f"/lab/trainings/{training_id}/").status_code == HTTPStatus.NOT_FOUND
    assert TrainingRun.objects.get().cancel_requested is False
    assert api_for(learner).get(f"/api/demos/trainings/{training_id}/").status_code == 200


@pytest.mark.django_db
def test_cancel_stops_within_one_snapshot_and_keeps_the_trained_state(monkeypatch, queued):
    """Protects "Stop training": asked to stop after the first snapshot (step 10), the
    training ends at the next step with one last snapshot, cancelled, with its weights
    and config kept, and can be sampled from."""
    run = training_request(
        family="gan", params=TINY, seed=0, points=DRAWN, learner=None,
        session_key="s", client_ip="1.1.1.1",
    )  # fmt: skip
    real = generators.train_live

    def train_and_cancel(family, *, on_snapshot, **kwargs):
        def snapshot(snap):
            on_snapshot(snap)
            services.training_cancel(run=run)

        return real(family, on_snapshot=snapshot, **kwargs)

    monkeypatch.setattr(generators, "train_live", train_and_cancel)
    training_execute(run_id=run.id)
    run.refresh_from_db()
    assert run.status == TrainingRun.Status.CANCELLED, run.error
    assert list(TrainingSnapshot.objects.filter(run=run).values_list("step", flat=True)) == [10, 11]
    assert run.step == 11 and run.total == 40
    assert run.state and run.config["family"] == "gan"
    out = generators.sample_trained("gan", state=bytes(run.state), config=run.config, seed=0, n=5)
    assert len(out["points"]) == 5


@pytest.mark.django_db
def test_the_reaper_fails_a_silent_training_and_the_page_says_why(client, queued):
    """Protects against trainings "running" forever: one whose worker stopped
    reporting is failed with the reason when trainings are next read."""
    client.get("/lab/gan/train/")  # a session
    response = client.post(
        "/lab/gan/train/start/",
        {"dataset": "ring", "steps": 100, "snapshot_every": 10, "seed": 0, "loss": "hinge",
         "lr_g": 0.001, "lr_d": 0.001, "d_steps": 1, "r1": 0.1, "width": 16},
    )  # fmt: skip
    assert response.status_code == HTTPStatus.FOUND, response.content[:2000]
    run = TrainingRun.objects.get()
    long_ago = timezone.now() - timedelta(minutes=5)
    TrainingRun.objects.filter(id=run.id).update(
        status="running", started_at=long_ago, heartbeat_at=long_ago
    )
    page = client.get(response["Location"])
    assert page.status_code == HTTPStatus.OK
    run.refresh_from_db()
    assert run.status == TrainingRun.Status.FAILED
    assert "stopped reporting" in run.error and "stopped reporting" in page.content.decode()


@pytest.mark.django_db
def test_cleanup_deletes_old_anonymous_weights_only(django_user_model, settings):
    """Protects the database from abandoned sessions: anonymous weights older than
    TRAINING_STATE_TTL_HOURS are deleted (record kept, marked); a learner's stay."""
    old = timezone.now() - timedelta(hours=settings.TRAINING_STATE_TTL_HOURS + 1)
    common = {"family": "gan", "dataset": "ring", "params": {}, "status": "succeeded",
              "measure": {}, "config": {}, "state": b"w", "finished_at": old}  # fmt: skip
    anon = TrainingRun.objects.create(session_key="s", **common)
    mine = TrainingRun.objects.create(learner=django_user_model.objects.create(), **common)
    fresh = TrainingRun.objects.create(session_key="t", **{**common, "finished_at": timezone.now()})
    trainings_reap()
    anon.refresh_from_db(), mine.refresh_from_db(), fresh.refresh_from_db()
    assert anon.state is None and anon.state_deleted_at is not None
    assert mine.state is not None and fresh.state is not None


@pytest.mark.django_db
@pytest.mark.parametrize("family", ["autoregressive", "vae", "gan", "flow", "diffusion"])
def test_each_familys_lab_page_and_lesson_link_its_training_page(client, first_path, family):
    """Protects the way in: "Train it yourself" from each family's Lab page and from the
    demo in the lesson that teaches it, to a training page that answers."""
    from demos.catalog import BY_NAME

    url = f"/lab/{family}/train/"
    assert f'href="{url}"' in client.get(f"/lab/{family}/").content.decode()
    lesson = client.get(f"/paths/{first_path.slug}/lessons/{BY_NAME[family].lesson_slug}/")
    assert f'href="{url}"' in lesson.content.decode()
    assert client.get(url).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_two_of_your_trainings_compare_side_by_side_and_no_one_elses(client, django_user_model):
    """Protects "compare two of your runs" (minimax against non-saturating on the ring):
    the page names the knob that differs and shows both; a training of someone else,
    one id, or an id that is not one answer 404."""
    ada = django_user_model.objects.create_user("ada", password="x-long-passphrase")
    bob = django_user_model.objects.create_user("bob", password="x-long-passphrase")
    mine = [
        TrainingRun.objects.create(
            family="gan", dataset="ring", seed=0, learner=ada,
            params={"dataset": "ring", "loss": loss, "steps": 40},
        )
        for loss in ("non_saturating", "minimax")
    ]  # fmt: skip
    other = TrainingRun.objects.create(
        family="gan", dataset="ring", seed=0, learner=bob, params={"dataset": "ring"}
    )
    client.force_login(ada)
    url = "/lab/trainings/compare/"
    html = client.get(url, {"t": [mine[0].id, mine[1].id]}).content.decode()
    assert "minimax" in html and "non_saturating" in html and ">loss<" in html
    for ids in ([mine[0].id, other.id], [mine[0].id], ["x", mine[0].id], [mine[0].id] * 2):
        assert client.get(url, {"t": ids}).status_code == HTTPStatus.NOT_FOUND, ids
