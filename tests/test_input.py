"""Bad input at the edge of every request: a clear 400, never a 500, nothing written.

Protects the class of bug the audit found one case at a time: NUL bytes in a slug or a
query value reaching PostgreSQL, lone surrogates and deep nesting in JSON bodies, and
JSON bodies that are not objects.
"""

from http import HTTPStatus

import pytest
from rest_framework.test import APIClient

from demos.models import DemoRun
from lessons.models import QuizAttempt

POST_ENDPOINTS = ["/api/demos/runs/", "/api/quiz-attempts/", "/api/reviews/"]


@pytest.fixture
def api(learner):
    client = APIClient()
    client.force_authenticate(learner)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/paths/a%00b/",
        "/api/flashcards/?path=a%00b",
        "/api/flashcards/due/?path=a%00b",
        "/api/quiz-questions/?path=a%00b",
        "/paths/a%00b/",
        "/paths/how%01/lessons/x/",
        "/lab/?family=%00",
    ],
)
def test_a_control_character_in_the_url_is_a_400(url, api):
    """Protects every view from NUL and control characters in paths and query values."""
    for client in (api, APIClient()):
        response = client.get(url)
        assert response.status_code == HTTPStatus.BAD_REQUEST, (url, response.status_code)


@pytest.mark.django_db
def test_a_nul_in_a_posted_path_value_is_a_400(api):
    """Protects POST /api/quiz-attempts/ from a NUL in its `path` value, query or body."""
    assert api.post("/api/quiz-attempts/?path=a%00b").status_code == HTTPStatus.BAD_REQUEST
    response = api.post("/api/quiz-attempts/", {"path": "a\x00b"}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not QuizAttempt.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
@pytest.mark.parametrize(
    "body",
    [
        b'{"family": "\\ud800"}',
        b'{"path": "\\udfff", "question": 1}',
        b"[]",
        b'"s"',
        b"42",
        b"null",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b"\xff\xfe not utf-8",
        b'{"family": "vae"',
    ],
)
def test_a_bad_json_body_is_a_400(endpoint, body, api):
    """Protects every JSON endpoint: wrong type at the top, lone surrogates, nesting
    past any limit and broken encodings answer 400 with a reason and write nothing."""
    for client in (api, APIClient()):
        response = client.generic("POST", endpoint, body, content_type="application/json")
        assert response.status_code in (HTTPStatus.BAD_REQUEST, HTTPStatus.UNAUTHORIZED), (
            endpoint,
            body[:20],
            response.status_code,
        )
        assert response.json()["detail"]
    assert not DemoRun.objects.exists() and not QuizAttempt.objects.exists()


@pytest.mark.django_db
def test_anonymous_token_calls_get_401_with_a_challenge():
    """Protects the convention for token auth: 401 with WWW-Authenticate, not 403."""
    response = APIClient().get("/api/reviews/")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Token"
