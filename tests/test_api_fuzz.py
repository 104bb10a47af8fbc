"""Every API operation fuzzed from its own OpenAPI schema, signed in and anonymous.

Protects the API's contract as a whole: whatever a client sends, generated from the
schema and against it, the answer is never a 5xx, and its status code, content type
and body are ones the schema documents. Bounded so the whole run takes a minute or two.
"""

from http import HTTPStatus

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.core.failures import FailureGroup

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.fixture
def api_schema(db, first_path):
    """The schema as the site serves it, with the first path loaded to find. Requests go
    through the WSGI app in this thread; as in Django's test client, a request must not
    close the test's database connection (and with it the test's transaction)."""
    from learning_platform.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same requests on every run: a failure reproduces
    database=None,
)


SENT = [0]  # requests sent, printed for the record (pytest -s)


def fuzz_every_operation(schema, headers: dict) -> list[str]:
    """Each operation's failures, one line each (all operations run, then we report)."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZ
        @given(case=operation.as_strategy())
        def call(case):
            SENT[0] += 1
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            call()
        except (Exception, FailureGroup) as error:  # collected, reported below
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    print(f"{SENT[0]} requests sent so far, {len(failures)} operations failing")
    return failures


def test_api_answers_signed_in_within_its_schema(api_schema, learner):
    token = Token.objects.get_or_create(user=learner)[0]
    failures = fuzz_every_operation(api_schema, {"Authorization": f"Token {token.key}"})
    assert not failures, "\n\n".join(failures)


def test_api_answers_anonymous_within_its_schema(api_schema):
    failures = fuzz_every_operation(api_schema, {})
    assert not failures, "\n\n".join(failures)


def test_real_objects_answer_within_the_schema(api_schema, first_path, learner):
    """Fuzzed slugs and ids rarely name a real object; this walks the API over the
    shipped path, a card, a quiz attempt and a demo family, so that success bodies are
    checked against the schema too (a list served where a page was documented)."""
    from demos.models import DemoRun
    from lessons.models import QuizAttempt

    token = Token.objects.get_or_create(user=learner)[0]
    auth = {"Authorization": f"Token {token.key}"}
    slug, card = first_path.slug, first_path.flashcards.first()
    lesson = first_path.lessons.order_by("position").first()
    start = api_schema["/api/quiz-attempts/"]["POST"].Case(
        body={"path": slug}, media_type="application/json"
    )
    start.call_and_validate(headers=auth, checks=CHECKS)
    attempt = QuizAttempt.objects.get(learner=learner)
    run = DemoRun.objects.create(family="gan", params={}, seed=0, input_key="k", learner=learner)
    calls = [
        ("GET", "/api/paths/", {}, None),
        ("GET", "/api/paths/{slug}/", {"slug": slug}, None),
        ("GET", "/api/paths/{slug}/tree/", {"slug": slug}, None),
        ("GET", "/api/paths/{slug}/lessons/{lesson_slug}/", {"slug": slug, "lesson_slug": lesson.slug}, None),  # noqa: E501
        ("GET", "/api/flashcards/", {}, {"path": slug}),
        ("GET", "/api/flashcards/{id}/", {"id": card.id}, None),
        ("GET", "/api/flashcards/due/", {}, {"path": slug}),
        ("GET", "/api/quiz-questions/", {}, {"path": slug}),
        ("GET", "/api/quiz-attempts/", {}, None),
        ("GET", "/api/quiz-attempts/{id}/", {"id": attempt.id}, None),
        ("GET", "/api/reviews/", {}, None),
        ("GET", "/api/demos/families/", {}, None),
        ("GET", "/api/demos/families/{name}/", {"name": "gan"}, None),
        ("GET", "/api/demos/runs/", {}, None),
        ("GET", "/api/demos/runs/{id}/", {"id": str(run.id)}, None),
    ]  # fmt: skip
    for method, path, path_parameters, query in calls:
        operation = api_schema[path][method]
        case = operation.Case(path_parameters=path_parameters, query=query)
        response = case.call_and_validate(headers=auth, checks=CHECKS)
        assert response.status_code == HTTPStatus.OK, (path, response.status_code)
