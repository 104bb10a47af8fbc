"""The Lab through HTTP: pages, forms with bounds, errors, limits, CSRF, permalinks."""

from datetime import timedelta
from html import unescape
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone

from demos.models import DemoRun
from demos.services import runs_reap

FAMILIES = ["autoregressive", "vae", "gan", "flow", "diffusion"]
HTMX = {"HTTP_HX_REQUEST": "true"}


def finished_run(**fields) -> DemoRun:
    now = timezone.now()
    defaults = dict(
        family="diffusion",
        params={"sampler": "ddim", "num_inference_steps": 2, "n": 1, "n_frames": 2},
        seed=0,
        checkpoint_version="v",
        input_key="k",
        status=DemoRun.Status.SUCCEEDED,
        progress_step=2,
        progress_total=2,
        result={
            "images": [[[0.5] * 8] * 8],
            "frame_steps": [999, 0],
            "frames": [[[[0.1] * 8] * 8], [[[0.9] * 8] * 8]],
            "x0_previews": [[[[0.2] * 8] * 8], [[[0.8] * 8] * 8]],
        },
        device="cpu",
        sampling_seconds=0.1,
        started_at=now,
        finished_at=now,
    )
    return DemoRun.objects.create(**(defaults | fields))


@pytest.mark.django_db
def test_lab_lists_the_five_families_and_the_comparison(client):
    """Protects the Lab's front page: every family and the comparison are one click away."""
    html = client.get("/lab/").content.decode()
    for family in FAMILIES:
        assert f'href="/lab/{family}/"' in html
    assert 'href="/lab/compare/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("family", FAMILIES)
def test_each_family_page_shows_its_form_with_defaults_and_bounds(client, family):
    """Protects the demo forms: built from the generators' schema, so each parameter has
    its default and its bounds on the control, and the form posts with a CSRF token."""
    import generators

    response = client.get(f"/lab/{family}/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "csrfmiddlewaretoken" in html and f'hx-post="/lab/{family}/runs/"' in html
    (schema,) = [f for f in generators.families() if f["name"] == family]
    for p in schema["parameters"]:
        assert f'name="{p["name"]}"' in html
        if p["type"] in ("int", "float"):
            assert f'max="{p["max"]}"' in html


def test_unknown_family_is_404(client, db):
    """Protects the family URL from serving a page for a family that does not exist."""
    assert client.get("/lab/nonsense/").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("family", "lesson"),
    [
        ("autoregressive", "autoregressive-models"),
        ("vae", "variational-autoencoders"),
        ("gan", "generative-adversarial-networks"),
        ("flow", "flow-based-models"),
        ("diffusion", "diffusion-models"),
    ],
)
def test_the_lesson_on_a_family_embeds_its_demo_and_links_the_comparison(
    client, first_path, family, lesson
):
    """Protects "the family's demo embedded in the lesson that teaches it"."""
    html = client.get(f"/paths/{first_path.slug}/lessons/{lesson}/").content.decode()
    assert f'id="demo-{family}"' in html
    assert 'href="/lab/compare/"' in html


@pytest.mark.django_db
def test_other_lessons_have_no_demo(client, first_path):
    """Protects the other lessons from an unrelated demo."""
    html = client.get(f"/paths/{first_path.slug}/lessons/introduction/").content.decode()
    assert 'class="demo"' not in html


@pytest.mark.django_db
def test_posting_the_form_queues_a_run_and_redirects_to_its_permalink(client):
    """Protects the no-JavaScript path: a plain POST makes a queued run and redirects to
    its page, which shows the progress bar and a way to reload."""
    response = client.post("/lab/diffusion/runs/", {"seed": 3, "num_inference_steps": 20})
    run = DemoRun.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/lab/runs/{run.id}/"
    assert run.status == "queued" and run.seed == 3
    assert run.params["num_inference_steps"] == 20 and run.params["sampler"] == "ddim"
    html = client.get(response["Location"]).content.decode()
    assert 'class="run-progress"' in html and "<noscript>" in html


@pytest.mark.django_db
def test_htmx_post_swaps_in_the_demo_with_a_polling_run_panel(client):
    """Protects the htmx path: the demo partial comes back (no page chrome) with a run
    panel that polls its own permalink."""
    response = client.post("/lab/diffusion/runs/", {"seed": 0}, **HTMX)
    run = DemoRun.objects.get()
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<html" not in html and 'id="demo-diffusion"' in html
    assert f'hx-get="/lab/runs/{run.id}/"' in html and 'hx-trigger="every 250ms"' in html


@pytest.mark.django_db
def test_polling_a_finished_run_stops_with_286_and_draws_the_result(client):
    """Protects the end of polling: a finished run answers 286 (htmx stops) with the
    digit grid, the denoising frames, the device and the time taken."""
    run = finished_run()
    response = client.get(f"/lab/runs/{run.id}/", **HTMX)
    assert response.status_code == 286
    html = response.content.decode()
    assert 'class="digits"' in html and "data:image/png;base64," in html
    assert "t=999" in html and "cpu" in html and "0.100 s" in html
    queued = finished_run(status="queued", result=None, input_key="q")
    assert client.get(f"/lab/runs/{queued.id}/", **HTMX).status_code == HTTPStatus.OK


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"guidance_scale": "50"}, "guidance_scale", "between 1.0 and 10.0"),
        ({"num_inference_steps": "abc"}, "num_inference_steps", "Enter a whole number"),
        ({"sampler": "ddpm", "eta": "0.5"}, "eta", "eta applies to the ddim sampler only"),
        ({"seed": "-1"}, "seed", "greater than or equal to 0"),
    ],
)
def test_bad_parameters_are_a_400_with_the_field_and_its_range(client, data, field, message):
    """Protects the form: a value out of bounds, of the wrong type, or against another
    parameter is a 400 with the message beside the field, and no run is made."""
    response = client.post("/lab/diffusion/runs/", data, **HTMX)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html and message in html
    assert not DemoRun.objects.exists()


@pytest.mark.django_db
def test_the_form_needs_a_csrf_token():
    """Protects against cross-site requests: a POST without the token is refused."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/lab/diffusion/runs/", {"seed": 0})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not DemoRun.objects.exists()


@pytest.mark.django_db
def test_too_many_runs_from_one_learner_is_a_429_with_retry_after(client, settings):
    """Protects the workers from one learner: beyond the per-minute limit, 429 with a
    Retry-After in seconds and the reason on the form; identical requests reused from a
    finished run are free."""
    settings.DEMOS_RUNS_PER_MINUTE = 3
    for seed in range(3):
        assert client.post("/lab/gan/runs/", {"seed": seed}, **HTMX).status_code == HTTPStatus.OK
    response = client.post("/lab/gan/runs/", {"seed": 9}, **HTMX)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(response["Retry-After"]) <= 60
    assert "3 runs a minute" in response.content.decode()
    assert DemoRun.objects.count() == 3
    other = Client()  # another learner on the same address is still served
    assert other.post("/lab/gan/runs/", {"seed": 9}, **HTMX).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_too_many_runs_from_one_address_is_a_429(settings):
    """Protects against one client rotating sessions: the per-address limit holds."""
    settings.DEMOS_RUNS_PER_MINUTE_PER_IP = 2
    for seed in range(2):
        assert Client().post("/lab/gan/runs/", {"seed": seed}).status_code == HTTPStatus.FOUND
    response = Client().post("/lab/gan/runs/", {"seed": 5})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS and response["Retry-After"]


@pytest.mark.django_db
def test_a_full_queue_is_a_429_with_retry_after(client, settings):
    """Protects the site when workers fall behind: beyond DEMOS_MAX_QUEUED waiting runs,
    new runs are refused with Retry-After instead of piling up."""
    settings.DEMOS_MAX_QUEUED = 2
    for i in range(2):
        finished_run(status="queued", result=None, input_key=f"q{i}", session_key=f"s{i}")
    response = client.post("/lab/gan/runs/", {"seed": 1}, **HTMX)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) >= 1
    assert "waiting for a worker" in response.content.decode()


@pytest.mark.django_db
def test_the_reaper_ends_silent_running_and_forgotten_queued_runs(settings):
    """Protects "nothing stays queued or running forever": a running run whose worker
    went quiet, one past the time limit, and a queued one nobody took all end failed,
    with a reason; a healthy running run is left alone."""
    now = timezone.now()
    silent = finished_run(
        status="running",
        result=None,
        input_key="a",
        started_at=now - timedelta(seconds=40),
        heartbeat_at=now - timedelta(seconds=31),
    )
    slow = finished_run(
        status="running",
        result=None,
        input_key="b",
        started_at=now - timedelta(seconds=settings.DEMOS_TIME_LIMIT + 10),
        heartbeat_at=now,
    )
    forgotten = finished_run(status="queued", result=None, input_key="c", started_at=None)
    DemoRun.objects.filter(id=forgotten.id).update(created_at=now - timedelta(minutes=11))
    healthy = finished_run(status="running", result=None, input_key="d", heartbeat_at=now)
    assert runs_reap() == 3
    for run, reason in (
        (silent, "stopped reporting"),
        (slow, "time limit"),
        (forgotten, "No worker"),
    ):
        run.refresh_from_db()
        assert run.status == "failed" and reason in run.error and run.finished_at
    healthy.refresh_from_db()
    assert healthy.status == "running"


@pytest.mark.django_db
def test_a_learner_sees_only_their_own_recent_runs(client, django_user_model):
    """Protects privacy: the Lab lists a learner's own runs, never another's."""
    ada = django_user_model.objects.create_user("ada", password="x-long-passphrase")
    bob = django_user_model.objects.create_user("bob", password="x-long-passphrase")
    mine = finished_run(learner=ada, seed=111)
    theirs = finished_run(learner=bob, seed=222, input_key="b")
    client.force_login(ada)
    html = client.get("/lab/").content.decode()
    assert str(mine.id) in html and str(theirs.id) not in html
    html = client.get("/lab/diffusion/").content.decode()
    assert str(mine.id) in html and str(theirs.id) not in html


@pytest.mark.django_db
def test_compare_page_explains_every_column_and_links_each_family(client):
    """Protects the comparison: a plain sentence under every column and a link to each
    family's demo, whether or not the evaluation has been run yet."""
    from demos.compare import COLUMNS

    html = unescape(client.get("/lab/compare/").content.decode())
    for name, sentence in COLUMNS:
        assert str(name) in html and str(sentence).split(":")[0] in html
    for family in FAMILIES:
        assert f'href="/lab/{family}/"' in html


@pytest.mark.django_db
def test_staff_browse_runs_in_the_admin(client, django_user_model):
    """Protects the admin: staff list, filter and open runs; nobody adds one by hand."""
    staff = django_user_model.objects.create_superuser("root", password="x-long-passphrase")
    run = finished_run(error="")
    client.force_login(staff)
    listing = client.get("/admin/demos/demorun/?status__exact=succeeded")
    assert listing.status_code == HTTPStatus.OK and str(run.id) in listing.content.decode()
    assert client.get(f"/admin/demos/demorun/{run.id}/change/").status_code == HTTPStatus.OK
    assert client.get("/admin/demos/demorun/add/").status_code == HTTPStatus.FORBIDDEN


EVALUATION = {
    "baselines": {"independent_pixels_nll": 120.5, "mixture10_nll": 101.2},
    "digits": {
        "autoregressive": {"nll": 80.1, "nll_kind": "exact", "fid": 3.21, "copy_ratio": 1.1},
        "gan": {"nll": None, "fid": 9.87, "copy_ratio": 1.3, "train_test_ratio": 0.97},
        "diffusion": {"nll": None, "fid": 2.5, "copy_ratio": 1.2, "class_accuracy": 0.93},
    },
    "diffusion_steps_fid": {
        "n": 500,
        "fid": {"ddpm-10": 40.0, "ddpm-100": 12.0, "ddim-10": 9.0, "ddim-100": 6.0},
    },
}


@pytest.mark.django_db
def test_compare_page_shows_the_evaluation_and_the_steps_curve(client, monkeypatch):
    """Protects the comparison once `generators.evaluate` has run: the measured values
    in the table (no likelihood said plainly), the baselines, and DDPM vs DDIM drawn as
    an SVG line plot."""
    from demos import selectors

    monkeypatch.setattr(selectors, "evaluation", lambda: EVALUATION)
    html = client.get("/lab/compare/").content.decode()
    assert "80.1" in html and "3.21" in html and "9.87" in html and "none: no likelihood" in html
    assert "0.97" in html and "Train ÷ test" in html
    assert "120.5" in html and "101.2" in html
    assert 'class="plot line-plot"' in html and "DDPM" in html and "DDIM" in html
    assert html.count("<circle") >= 4  # one point per sampler and step count
    assert "DDPM goes from 40.0 at 10 steps to 12.0 at 100" in html
    assert "at the fewest steps DDIM is ahead" in html
    assert "of unconditional samples" in html


@pytest.mark.django_db
def test_compare_page_plots_the_labelled_steps_table_when_there_is_one(client, monkeypatch):
    """Protects the plot's consistency with the table row above it: the diffusion row
    is measured on labelled digits at the default guidance, so the steps curve is too,
    and the caption says so."""
    from demos import selectors

    guided = {"n": 1000, "guidance_scale": 1.5, "fid": {"ddpm-10": 13.0, "ddim-10": 8.8}}
    monkeypatch.setattr(
        selectors, "evaluation", lambda: {**EVALUATION, "diffusion_steps_fid_guided": guided}
    )
    html = client.get("/lab/compare/").content.decode()
    assert "at guidance 1.5" in html and "of unconditional samples" not in html
    assert "at the fewest steps DDIM is ahead" in html


@pytest.mark.django_db
def test_compare_page_labels_the_class_conditional_diffusion_row(client, monkeypatch):
    """Protects an honest table: the diffusion score on labelled digits at guidance 1.5
    is named so, beside an unconditional diffusion row comparable to the other families,
    and the one diffusion sample grid is the unconditional row's."""
    from demos import compare, selectors

    digits = {
        **EVALUATION["digits"],
        "diffusion": {
            **EVALUATION["digits"]["diffusion"],
            "sampler": "DDIM 50 steps, guidance 1.5, labels 0..9 in turn",
        },
        "diffusion-unconditional": {"nll": None, "fid": 31.6, "sampler": "DDIM 50 steps, no label"},
    }
    monkeypatch.setattr(selectors, "evaluation", lambda: {**EVALUATION, "digits": digits})
    html = client.get("/lab/compare/").content.decode()
    assert "Diffusion, class-conditional" in html and "guidance 1.5, labels 0..9 in turn" in html
    assert "Diffusion, unconditional" in html and "31.60" in html and "no label" in html
    grids = [title for title, checkpoint, _ in compare.GRIDS if checkpoint == "diffusion-digits"]
    assert [str(t) for t in grids] == ["Diffusion, unconditional"]
    assert compare.SAMPLE_PARAMS["diffusion-digits"]["guidance_scale"] == 1.0
    monkeypatch.setattr(compare, "_timings", lambda: {"diffusion-digits": 0.0761})
    rows = {r["title"]: r for r in compare.compare_context()["rows"]}
    assert rows["Diffusion, unconditional"]["milliseconds"] == "76.1"
    assert rows["Diffusion, class-conditional"]["milliseconds"] is None  # not its own draw


@pytest.mark.parametrize(
    ("family", "params"),
    [
        ("autoregressive", {"dataset": "text"}),
        ("autoregressive", {"dataset": "digits"}),
        ("vae", {"latent_dim": 2}),
        ("vae", {"latent_dim": 16}),
        ("gan", {"dataset": "digits"}),
        ("flow", {"dataset": "moons"}),
        ("diffusion", {}),
    ],
)
def test_every_shipped_model_states_its_measured_quality(family, params):
    """Protects the result's quality line: each checkpoint's measured figures read as
    short numbers (from the evaluation, else the checkpoint's own held-out slice)."""
    from demos.selectors import quality

    lines = quality(family=family, params=params)
    assert lines
    for label, value in lines:
        assert label and value and len(value) < 80


@pytest.mark.django_db
def test_a_running_diffusion_shows_its_progress_and_frames_so_far(client):
    """Protects the live view: while a run goes on, the panel keeps polling and shows
    step k of n on the progress bar and every x̂₀ preview received so far."""
    run = finished_run(
        status="running",
        result=None,
        progress_step=30,
        progress_total=50,
        live_frames=[{"step": 10, "image": [0.5] * 64}, {"step": 30, "image": [0.9] * 64}],
    )
    response = client.get(f"/lab/runs/{run.id}/", **HTMX)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK  # not 286: polling goes on
    assert 'value="30" max="50"' in html and "step 30 of 50" in html
    assert html.count('alt="x̂₀ at step') == 2


def test_the_latent_tradeoff_sentence_times_both_models_the_same_way(monkeypatch):
    """Protects the compare page's claim about latent diffusion's speed: it quotes the
    table's own timings (demo_samples: one CPU thread, the Lab's defaults) when they
    exist, not an evaluation run's, which may have shared the CPU with other work."""
    from demos.presenters import diffusion as presenter

    row = {"parameters": 1, "fid": 1.0}
    ev = {
        "digits28": {
            "models": {
                "diffusion-digits28": row | {"sample16_seconds": 4.957},
                "diffusion-latent28": row | {"sample16_seconds": 0.022},
            }
        }
    }
    timed = {"diffusion-digits28": 0.6048, "diffusion-latent28": 0.0851}
    monkeypatch.setattr(presenter, "timings", lambda: timed)
    assert "85 ms against 605 ms (7.1x) on one CPU thread" in presenter.latent_tradeoff(ev)
    monkeypatch.setattr(presenter, "timings", dict)
    assert "22 ms against 4957 ms (225.3x) in the evaluation" in presenter.latent_tradeoff(ev)
