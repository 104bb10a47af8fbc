"""One learner's study writes raced across several web processes (gunicorn, 8 workers):
simultaneous requests of one browser session or one account lose nothing and duplicate
nothing. Each test prints what it sent and what the database holds."""

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import requests
from django.urls import reverse

from lessons.models import SessionReview
from tests.web_workers import WORKERS

PAIRS = 30


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


def test_simultaneous_anonymous_reviews_from_one_session_are_all_kept(web_workers, first_path):
    """Protects an anonymous learner's reviews: 30 pairs of ratings posted at the same
    instant by one browser session (one cookie, two different cards each time), spread
    over several web processes, are all stored; none overwrites the other (the session
    list of before lost one review of almost every pair)."""
    study = f"{web_workers}{reverse('path_flashcards_study', args=[first_path.slug])}"
    session = browser(study)
    cards = list(first_path.flashcards.order_by("position", "id"))
    reps: Counter[int] = Counter()

    def rate(card) -> requests.Response:
        form = {"card": card.id, "rating": 3, "reps": reps[card.id], "key": str(uuid.uuid4())}
        return session.post(study, form, allow_redirects=False, timeout=60)

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
