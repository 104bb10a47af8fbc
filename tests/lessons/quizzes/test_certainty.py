"""Certainty-based marking: the marks as stated, the certainty stored beside the points,
the switch (signed in and anonymous), the calibration plot and the API."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from lessons.models import Certainty, QuizAnswer, QuizAttempt, StudyPreference
from lessons.quizzes import grading as quizzes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "points, certainty, mark",
    [
        (1.0, Certainty.LOW, 1), (1.0, Certainty.MEDIUM, 2), (1.0, Certainty.HIGH, 3),
        (0.0, Certainty.LOW, 0), (0.0, Certainty.MEDIUM, -2), (0.0, Certainty.HIGH, -6),
        (0.5, Certainty.HIGH, -1.5), (2 / 3, Certainty.MEDIUM, 2 / 3),
    ],
)  # fmt: skip
def test_certainty_marks_follow_gardner_medwin(points, certainty, mark):
    """Protects the stated scheme: right 1/2/3, wrong 0/−2/−6, partial points weighing
    the two linearly."""
    assert quizzes.certainty_mark(points=points, certainty=certainty) == pytest.approx(mark)


def start(client, path) -> QuizAttempt:
    client.post(reverse("quiz_start", args=[path.slug]))
    return QuizAttempt.objects.latest("id")


def post_answer(client, attempt, row, *, right: bool, certainty=""):
    chosen = sorted(row.correct) if right else [o.id for o in row.options if not o.correct][:1]
    url = reverse("quiz_answer", args=[attempt.path.slug, attempt.id])
    return client.post(url, {"question": row.question.id, "option": chosen, "certainty": certainty})


def test_answer_stores_certainty_and_mark_beside_points(client, first_path):
    """Protects the stored answer: a wrong "sure" answer keeps 0 points and records
    certainty 3 and mark −6; an answer without certainty has neither; the feedback and
    the score page say the marks."""
    attempt = start(client, first_path)
    rows = quizzes.attempt_review(attempt=attempt)
    assert post_answer(client, attempt, rows[0], right=False, certainty="3").status_code == 302
    assert post_answer(client, attempt, rows[1], right=True, certainty="2").status_code == 302
    assert post_answer(client, attempt, rows[2], right=True).status_code == 302
    first, second, third = (QuizAnswer.objects.get(question=r.question) for r in rows[:3])
    assert (first.points, first.certainty, first.mark) == (0, 3, -6)
    assert (second.points, second.certainty, second.mark) == (1, 2, 2)
    assert (third.points, third.certainty, third.mark) == (1, None, None)
    feedback = client.get(
        reverse("quiz_attempt", args=[first_path.slug, attempt.id])
        + f"?after={rows[0].question.id}"
    )
    assert "−6" in feedback.content.decode() or "-6" in feedback.content.decode()
    client.post(reverse("quiz_finish", args=[first_path.slug, attempt.id]))
    page = client.get(reverse("quiz_result", args=[first_path.slug, attempt.id])).content.decode()
    assert re.search(r"Certainty-based marks: <strong>-4</strong>", page)
    assert 'role="img"' in page and '<title id="calibration-title">' in page
    assert "Fairly sure: 1 of 1 right" in page and "Sure: 0 of 1 right" in page


def test_bad_certainty_is_refused_and_nothing_written(client, first_path):
    """Protects bad input: a certainty other than 1–3 (or not a number) is a 400 with a
    message and records no answer."""
    attempt = start(client, first_path)
    row = quizzes.attempt_review(attempt=attempt)[0]
    for bad in ["4", "0", "sure"]:
        response = post_answer(client, attempt, row, right=True, certainty=bad)
        assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not QuizAnswer.objects.exists()


def test_certainty_switch_hides_the_question_signed_in_and_anonymous(client, first_path, learner):
    """Protects the switch: the certainty question shows by default; switching it off
    hides it, kept in the study settings when signed in and in the session (written
    only then) when anonymous."""
    attempt = start(client, first_path)
    url = reverse("quiz_attempt", args=[first_path.slug, attempt.id])
    assert 'name="certainty"' in client.get(url).content.decode()
    assert quizzes.SESSION_CERTAINTY not in client.session
    client.post(reverse("quiz_certainty", args=[first_path.slug]), {"certainty": "off"})
    assert client.session[quizzes.SESSION_CERTAINTY] is False
    assert 'name="certainty"' not in client.get(url).content.decode()

    client.force_login(learner)
    attempt = start(client, first_path)
    url = reverse("quiz_attempt", args=[first_path.slug, attempt.id])
    assert 'name="certainty"' in client.get(url).content.decode()
    client.post(reverse("quiz_certainty", args=[first_path.slug]), {"certainty": "off"})
    assert StudyPreference.objects.get(learner=learner).certainty is False
    assert 'name="certainty"' not in client.get(url).content.decode()
    client.post(reverse("quiz_certainty", args=[first_path.slug]), {"certainty": "on"})
    assert StudyPreference.objects.get(learner=learner).certainty is True


def test_api_answer_takes_certainty_and_returns_the_mark(client, first_path, learner):
    """Protects the API: `certainty` is optional, its mark comes back with the points,
    and a certainty outside 1–3 is a 400 with field errors."""
    client.force_login(learner)
    attempt = client.post("/api/quiz-attempts/", {"path": first_path.slug}).json()
    question = attempt["questions"][0]
    url = f"/api/quiz-attempts/{attempt['id']}/answers/"
    first_option = question["options"][0]["id"]
    body = {"question": question["id"], "options": [first_option], "certainty": 7}
    bad = client.post(url, body, content_type="application/json")
    assert bad.status_code == HTTPStatus.BAD_REQUEST and "certainty" in bad.json()
    row = quizzes.attempt_review(attempt=QuizAttempt.objects.get(id=attempt["id"]))[0]
    body = {"question": question["id"], "options": sorted(row.correct), "certainty": 3}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == HTTPStatus.CREATED
    assert (response.json()["certainty"], response.json()["mark"]) == (3, 3)
