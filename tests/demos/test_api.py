"""The demos API: ask for a run, read it, your own runs, the families' schemas."""

from http import HTTPStatus

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from demos.models import DemoRun


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
def test_families_list_every_parameter_with_default_and_bounds(api):
    """Protects the schema a client builds its form from: the generators' own."""
    import generators

    body = api.get("/api/demos/families/").json()
    assert [f["name"] for f in body] == [f["name"] for f in generators.families()]
    diffusion = api.get("/api/demos/families/diffusion/").json()
    steps = next(p for p in diffusion["parameters"] if p["name"] == "num_inference_steps")
    assert steps == {**steps, "type": "int", "default": 20, "min": 1, "max": 1000}
    assert api.get("/api/demos/families/nope/").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_post_queues_a_run_and_get_reads_it_back(api):
    """Protects the API round trip: 201 with the queued run, then GET by id."""
    response = api.post(
        "/api/demos/runs/",
        {"family": "diffusion", "seed": 4, "params": {"num_inference_steps": 20}},
        format="json",
    )
    assert response.status_code == HTTPStatus.CREATED, response.json()
    body = response.json()
    assert body["status"] == "queued" and body["seed"] == 4
    assert body["params"]["num_inference_steps"] == 20 and body["params"]["sampler"] == "ddim"
    assert body["url"].endswith(f"/lab/runs/{body['id']}/")
    again = api.get(f"/api/demos/runs/{body['id']}/")
    assert again.status_code == HTTPStatus.OK and again.json()["id"] == body["id"]
    assert api.get("/api/demos/runs/00000000-0000-0000-0000-000000000000/").status_code == (
        HTTPStatus.NOT_FOUND
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"family": "autoregressive", "params": {"temperature": 5}}, "temperature", "0.1 and 2.0"),
        ({"family": "autoregressive", "params": {"top_k": "many"}}, "top_k", "a number"),
        ({"family": "autoregressive", "params": {"wings": 2}}, "wings", "unknown parameter"),
        ({"family": "gan", "params": {"dataset": "digits", "n": 500}}, "n", "1 and 64"),
        ({"family": "flow", "params": {"points": [[1, 2, 3]]}}, "points", "[x, y] pairs"),
        ({"family": "unicorn"}, "family", "not a valid choice"),
        ({"family": "vae", "seed": -3}, "seed", "greater than or equal to 0"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field_and_the_range(api, payload, field, message):
    """Protects the API's input: wrong type, out of bounds, unknown, or against another
    parameter → 400 with the field and the allowed range; nothing is queued."""
    response = api.post("/api/demos/runs/", payload, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in " ".join(response.json()[field])
    assert not DemoRun.objects.exists()


@pytest.mark.django_db
def test_rate_limit_on_the_api_is_a_429_with_retry_after(api, settings):
    """Protects the workers from scripted clients: the per-address limit applies."""
    settings.DEMOS_RUNS_PER_MINUTE_PER_IP = 2
    for seed in range(2):
        payload = {"family": "gan", "seed": seed}
        assert api.post("/api/demos/runs/", payload, format="json").status_code == 201
    response = api.post("/api/demos/runs/", {"family": "gan", "seed": 7}, format="json")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) >= 1


@pytest.mark.django_db
def test_a_learner_lists_only_their_own_runs(django_user_model):
    """Protects privacy: the run list is the caller's own; another learner's runs are
    not in it."""
    ada = django_user_model.objects.create_user("ada", password="x-long-passphrase")
    bob = django_user_model.objects.create_user("bob", password="x-long-passphrase")
    clients = {}
    for user in (ada, bob):
        clients[user] = APIClient()
        clients[user].credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user)}")
    ada_run = clients[ada].post("/api/demos/runs/", {"family": "vae"}, format="json").json()
    bob_run = clients[bob].post("/api/demos/runs/", {"family": "gan"}, format="json").json()
    ada_list = [r["id"] for r in clients[ada].get("/api/demos/runs/").json()["results"]]
    assert ada_list == [ada_run["id"]] and bob_run["id"] not in ada_list
    assert [r["id"] for r in APIClient().get("/api/demos/runs/").json()["results"]] == []


@pytest.mark.django_db
def test_a_session_post_without_csrf_token_is_refused(django_user_model):
    """Protects against cross-site POSTs riding on a browser session, signed in or not."""
    ada = django_user_model.objects.create_user("ada", password="x-long-passphrase")
    for login in (True, False):
        api = APIClient(enforce_csrf_checks=True)
        if login:
            api.force_login(ada)
        else:
            api.cookies["sessionid"] = "an-anonymous-browser-session"
        response = api.post("/api/demos/runs/", {"family": "vae"}, format="json")
        assert response.status_code == HTTPStatus.FORBIDDEN, login
    assert not DemoRun.objects.exists()


@pytest.mark.django_db
def test_schema_names_the_demo_endpoints(tmp_path):
    """Protects the OpenAPI schema: it validates and has the demos' endpoints."""
    import yaml
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    paths = set(yaml.safe_load(out.read_text())["paths"])
    assert {
        "/api/demos/runs/",
        "/api/demos/runs/{id}/",
        "/api/demos/families/",
        "/api/demos/families/{name}/",
    } <= paths


@pytest.mark.django_db
def test_clients_without_a_session_are_limited_by_address_alone(settings):
    """Protects API clients with no session from sharing one per-learner budget: the
    per-learner limit counts a learner's or a session's runs, never "nobody's"."""
    settings.DEMOS_RUNS_PER_MINUTE = 1
    for seed, ip in enumerate(["10.0.0.1", "10.0.0.2", "10.0.0.3"]):
        response = APIClient(REMOTE_ADDR=ip).post(
            "/api/demos/runs/", {"family": "gan", "seed": seed}, format="json"
        )
        assert response.status_code == HTTPStatus.CREATED
