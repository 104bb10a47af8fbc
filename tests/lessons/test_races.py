"""One learner's study writes raced across several web processes (gunicorn, 8 workers):
simultaneous requests of one browser session or one account lose nothing and duplicate
nothing. Each test prints what it sent and what the database holds."""

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import pytest
import requests
from django.urls import reverse
from rest_framework.authtoken.models import Token

from lessons.models import QuizAttempt, SessionReview
from tests.web_workers import WORKERS

PAIRS = 30
STARTS = 20


def at_once(send, jobs: list) -> list[requests.Response]:
    """`send(job)` for every job, all released at the same instant."""
    start = threading.Barrier(len(jobs))

    def run(job):
        start.wait()
        return send(job)

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def browser(url: str) -> requests.Session:
    """A browser that has loaded a form: it sends the CSRF cookie back as the header."""
    session = requests.Session()
    assert session.get(url, timeout=30).ok
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session


def sign_in(base: str, username: str) -> requests.Session:
    session = browser(f"{base}{reverse('login')}")
    form = {"username": username, "password": "a-long-passphrase"}
    response = session.post(f"{base}{reverse('login')}", form, allow_redirects=False, timeout=30)
    assert response.status_code == HTTPStatus.FOUND
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]  # rotated on sign-in
    return session


def test_simultaneous_anonymous_reviews_from_one_session_are_all_kept(web_workers, first_path):
    """Protects an anonymous learner's reviews: 30 pairs of ratings posted at the same
    instant by one browser session (one cookie, two different cards each time), spread
    over several web processes, are all stored; none overwrites the other (the list in
    the session of before kept 28 of 61: lost ones made later forms stale, 409)."""
    study = f"{web_workers}{reverse('path_flashcards_study', args=[first_path.slug])}"
    session = browser(study)
    cards = list(first_path.flashcards.order_by("position", "id"))
    reps: Counter[int] = Counter()

    def rate(card) -> requests.Response:
        form = {"card": card.id, "rating": 3, "reps": reps[card.id], "key": str(uuid.uuid4())}
        return session.post(study, form, allow_redirects=False, timeout=300)

    assert rate(cards[0]).status_code == HTTPStatus.FOUND  # opens the session: its cookie
    reps[cards[0].id] += 1
    sent, statuses = 1, []
    for pair in range(PAIRS):
        both = [cards[1 + (2 * pair) % 15], cards[1 + (2 * pair + 1) % 15]]
        statuses += [r.status_code for r in at_once(rate, both)]
        reps.update(card.id for card in both)
        sent += 2
    key = session.cookies["sessionid"]
    stored = SessionReview.objects.filter(session_key=key).count()
    print(f"{WORKERS} web workers, one anonymous session: {sent} reviews sent, {stored} stored")
    assert set(statuses) == {HTTPStatus.FOUND}, Counter(statuses)
    assert stored == sent == 2 * PAIRS + 1
    per_card = Counter(SessionReview.objects.values_list("card_id", flat=True))
    assert per_card == reps


@pytest.fixture
def ada(django_user_model):
    return django_user_model.objects.create_user(username="ada", password="a-long-passphrase")


def test_simultaneous_quiz_starts_through_the_api_make_one_attempt(web_workers, first_path, ada):
    """Protects quiz start (API, token): 20 POSTs at once by one learner start exactly
    one attempt; every answer names it (201 for the one that started it, 200 after)."""
    token = Token.objects.create(user=ada).key

    def start(_):
        return requests.post(
            f"{web_workers}/api/quiz-attempts/",
            json={"path": first_path.slug},
            headers={"Authorization": f"Token {token}"},
            timeout=300,
        )

    responses = at_once(start, range(STARTS))
    attempts = QuizAttempt.objects.filter(learner=ada)
    statuses = Counter(r.status_code for r in responses)
    print(f"{WORKERS} web workers, API: {STARTS} starts sent, {attempts.count()} attempt stored")
    assert statuses == {HTTPStatus.CREATED: 1, HTTPStatus.OK: STARTS - 1}, statuses
    assert attempts.count() == 1
    assert {r.json()["id"] for r in responses} == {attempts.get().id}


def form_starts(session, url: str, data: dict | None = None) -> set[str]:
    """STARTS presses of a start button at once; the attempt pages they redirect to."""

    def press(_):
        return session.post(url, data or {}, allow_redirects=False, timeout=300)

    responses = at_once(press, range(STARTS))
    assert {r.status_code for r in responses} == {HTTPStatus.FOUND}
    return {r.headers["Location"] for r in responses}


def test_simultaneous_quiz_starts_by_form_make_one_attempt(web_workers, first_path, ada):
    """Protects the quiz's Start button (signed in by session): 20 presses at once start
    one attempt; then 20 presses at once of "Start a new attempt" next to it finish it
    and start exactly one more."""
    session = sign_in(web_workers, "ada")
    url = f"{web_workers}{reverse('quiz_start', args=[first_path.slug])}"
    locations = form_starts(session, url)
    first = QuizAttempt.objects.get(learner=ada)
    assert locations == {reverse("quiz_attempt", args=[first_path.slug, first.id])}
    locations = form_starts(session, url, {"replacing": first.id})
    attempts = QuizAttempt.objects.filter(learner=ada)
    print(f"{WORKERS} web workers, signed in: 2 × {STARTS} starts sent, {attempts.count()} stored")
    assert attempts.count() == 2
    first.refresh_from_db()
    second = attempts.get(finished_at__isnull=True)
    assert first.finished_at is not None
    assert locations == {reverse("quiz_attempt", args=[first_path.slug, second.id])}


def test_simultaneous_anonymous_quiz_starts_make_one_attempt(web_workers, first_path):
    """Protects the Start button of an anonymous learner: after a first attempt (which
    opens the session) is finished, 20 presses at once with that one session cookie
    start exactly one new attempt, kept for that session."""
    quiz = f"{web_workers}{reverse('path_quiz', args=[first_path.slug])}"
    session = browser(quiz)
    url = f"{web_workers}{reverse('quiz_start', args=[first_path.slug])}"
    first = session.post(url, allow_redirects=False, timeout=30)
    assert first.status_code == HTTPStatus.FOUND
    finish = f"{web_workers}{first.headers['Location']}finish/"
    assert session.post(finish, allow_redirects=False, timeout=30).status_code == 302
    locations = form_starts(session, url)
    key = session.cookies["sessionid"]
    attempts = QuizAttempt.objects.filter(session_key=key, learner__isnull=True)
    print(f"{WORKERS} web workers, anonymous: {STARTS} starts sent, {attempts.count() - 1} stored")
    assert attempts.count() == 2
    second = attempts.get(finished_at__isnull=True)
    assert locations == {reverse("quiz_attempt", args=[first_path.slug, second.id])}
    page = session.get(f"{web_workers}{reverse('quiz_attempt', args=[first_path.slug, second.id])}")
    assert page.status_code == HTTPStatus.OK
