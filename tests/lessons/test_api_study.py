"""The study API: due cards, idempotent reviews, the quiz and attempts; session and
token authentication; every learner sees and changes only their own records."""

import uuid
from http import HTTPStatus

import pytest
import yaml
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lessons.models import CardState, QuizAnswer, QuizAttempt, Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def grace(django_user_model):
    return django_user_model.objects.create_user(username="grace", password="another-passphrase")


def client_for(user) -> APIClient:
    """A client authenticated with the learner's token, as a mobile app would be."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def test_due_cards_then_a_review_posted_twice_is_one_row(first_path, learner):
    """Protects the review endpoint: the queue lists new cards with the interval of each
    rating; the same key posted twice gives 201 then 200 with the same review; the card
    leaves the queue."""
    api = client_for(learner)
    due = api.get("/api/flashcards/due/", {"path": first_path.slug})
    assert due.status_code == HTTPStatus.OK
    first = due.json()[0]
    assert first["state"] == "new" and first["reps"] == 0
    assert first["intervals"] == {"1": 60, "2": 330, "3": 600, "4": 8 * 86400}
    body = {"card": first["card"]["id"], "rating": 3, "key": str(uuid.uuid4()), "expected_reps": 0}
    created = api.post("/api/reviews/", body, format="json")
    again = api.post("/api/reviews/", body, format="json")
    assert (created.status_code, again.status_code) == (HTTPStatus.CREATED, HTTPStatus.OK)
    assert created.json() == again.json() and created.json()["interval_seconds"] == 600
    assert Review.objects.count() == 1
    ids = [
        item["card"]["id"]
        for item in api.get("/api/flashcards/due/", {"path": first_path.slug}).json()
    ]
    assert first["card"]["id"] not in ids


@pytest.mark.parametrize(
    "change, status",
    [
        ({"rating": 5}, HTTPStatus.BAD_REQUEST),
        ({"key": "nope"}, HTTPStatus.BAD_REQUEST),
        ({"card": 999999}, HTTPStatus.BAD_REQUEST),
        ({"expected_reps": 3}, HTTPStatus.CONFLICT),
    ],
    ids=["unknown-rating", "bad-key", "unknown-card", "stale"],
)
def test_bad_reviews_get_a_json_4xx_and_change_nothing(first_path, learner, change, status):
    """Protects the review endpoint against bad input: field errors or a conflict,
    never a row."""
    card = first_path.flashcards.first()
    body = {"card": card.id, "rating": 3, "key": str(uuid.uuid4()), "expected_reps": 0} | change
    response = client_for(learner).post("/api/reviews/", body, format="json")
    assert response.status_code == status
    assert response.json()
    assert not Review.objects.exists() and not CardState.objects.exists()


def test_learners_only_see_and_change_their_own_records(first_path, learner, grace):
    """Protects privacy between two learners: reviews and attempts are listed only to
    their owner; another learner's attempt is 404 to read, answer or finish; the
    anonymous are asked to sign in."""
    ada, other = client_for(learner), client_for(grace)
    card = first_path.flashcards.first()
    ada.post("/api/reviews/", {"card": card.id, "rating": 3, "key": str(uuid.uuid4())})
    attempt = ada.post("/api/quiz-attempts/", {"path": first_path.slug}, format="json").json()
    assert other.get("/api/reviews/").json()["results"] == []
    assert len(ada.get("/api/reviews/").json()["results"]) == 1
    assert other.get("/api/quiz-attempts/").json()["results"] == []
    question = attempt["questions"][0]
    body = {"question": question["id"], "options": [question["options"][0]["id"]]}
    for response in (
        other.get(f"/api/quiz-attempts/{attempt['id']}/"),
        other.post(f"/api/quiz-attempts/{attempt['id']}/answers/", body, format="json"),
        other.post(f"/api/quiz-attempts/{attempt['id']}/finish/"),
    ):
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert not QuizAnswer.objects.exists()
    assert QuizAttempt.objects.get().finished_at is None
    anonymous = APIClient()
    for url in (
        "/api/reviews/",
        "/api/quiz-attempts/",
        f"/api/flashcards/due/?path={first_path.slug}",
    ):
        assert anonymous.get(url).status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)


def test_quiz_through_the_api_with_session_auth(first_path, learner):
    """Protects the quiz endpoints: questions without their answers; an attempt in its
    own order; answers with feedback; 409 on a second answer; the marked result once
    finished."""
    api = APIClient()
    api.force_login(learner)
    questions = api.get("/api/quiz-questions/", {"path": first_path.slug}).json()
    assert len(questions) == first_path.quiz_questions.count() > 0
    assert "correct" not in questions[0]["options"][0]
    attempt = api.post("/api/quiz-attempts/", {"path": first_path.slug}, format="json")
    assert attempt.status_code == HTTPStatus.CREATED
    attempt = attempt.json()
    assert attempt["result"] is None and attempt["total"] == len(questions)
    url = f"/api/quiz-attempts/{attempt['id']}/answers/"
    for index, question in enumerate(attempt["questions"]):
        body = {"question": question["id"], "options": [question["options"][0]["id"]]}
        feedback = api.post(url, body, format="json")
        assert feedback.status_code == HTTPStatus.CREATED
        assert feedback.json()["finished"] == (index == len(questions) - 1)
        if index == 0:
            assert api.post(url, body, format="json").status_code == HTTPStatus.CONFLICT
    result = api.get(f"/api/quiz-attempts/{attempt['id']}/").json()
    assert len(result["result"]) == len(questions) and result["score"] == sum(
        r["points"] for r in result["result"]
    )
    wrong = {"question": attempt["questions"][0]["id"], "options": [1]}
    assert api.post(url, wrong, format="json").status_code == HTTPStatus.CONFLICT


def test_study_endpoints_are_in_the_openapi_schema(tmp_path):
    """Protects discoverability: every study endpoint is in the schema, with the review's
    input fields and token authentication offered."""
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    for path in [
        "/api/flashcards/",
        "/api/flashcards/due/",
        "/api/reviews/",
        "/api/quiz-questions/",
        "/api/quiz-attempts/",
        "/api/quiz-attempts/{id}/",
        "/api/quiz-attempts/{id}/answers/",
        "/api/quiz-attempts/{id}/finish/",
    ]:
        assert path in schema["paths"], path
    review_input = schema["components"]["schemas"]["ReviewInput"]["properties"]
    assert set(review_input) == {"card", "rating", "key", "expected_reps"}
    assert "tokenAuth" in schema["components"]["securitySchemes"]
