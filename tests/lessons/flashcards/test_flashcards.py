"""Flashcards: FSRS scheduling, reviews recorded exactly once, the study pages, bad
input, anonymous learners, history and the Anki export."""

import io
import sqlite3
import threading
import uuid
import zipfile
from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import fsrs
import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from lessons.authoring.bundle import CardSpec, LessonSpec, PathBundle
from lessons.authoring.services import path_import
from lessons.flashcards import scheduling as fc
from lessons.models import CardState, Flashcard, Rating, Review, SessionReview, StudyPreference

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def study_url(path):
    return reverse("path_flashcards_study", args=[path.slug])


def other_path():
    lesson = LessonSpec(slug="o-one", title="One", body="## Part\n\nText.\n")
    card = CardSpec(key="other-card", lesson="o-one", front="Q?", back="A.")
    bundle = PathBundle(
        slug="other", title="Other", summary="", lessons=[lesson], resources=[], cards=[card]
    )
    return path_import(bundle=bundle)[0]


def in_threads(submit, args: list) -> None:
    """`submit(arg)` for each arg, each in its own thread (its own connection)."""
    threads = [threading.Thread(target=submit, args=(arg,)) for arg in args]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def rate(client, path, card, rating, *, reps=0, key=None, htmx=False):
    data = {"card": card.id, "rating": rating, "reps": reps, "key": str(key or uuid.uuid4())}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(study_url(path), data, **headers)


def test_intervals_follow_the_fsrs_library_good_pushes_out_again_brings_back(first_path, learner):
    """Protects the scheduling: each review's due date is exactly what `fsrs` computes
    for the same history (desired retention 0.9, no fuzz); Good pushes a card out to
    days, Again brings it back within minutes."""
    card = first_path.flashcards.first()
    scheduler = fsrs.Scheduler(desired_retention=0.9, enable_fuzzing=False)
    expected = fsrs.Card(card_id=card.id, due=NOW)
    moment = NOW
    for rating in [Rating.GOOD, Rating.GOOD, Rating.GOOD, Rating.AGAIN]:
        review, created = fc.review_record(
            learner=learner, card=card, rating=rating, key=uuid.uuid4(), now=moment
        )
        expected, _ = scheduler.review_card(expected, fsrs.Rating(rating), moment)
        assert created and review.due_after == expected.due
        if rating == Rating.GOOD and review.phase_after == fsrs.State.Review:
            assert review.interval >= timedelta(days=1)
        moment = review.due_after
    assert review.rating == Rating.AGAIN and review.interval <= timedelta(minutes=10)
    state = CardState.objects.get(learner=learner, card=card)
    assert state.reps == 4 and state.due == expected.due
    assert fsrs.Card.from_dict(state.fsrs).stability == pytest.approx(expected.stability)


def test_desired_retention_is_the_learners_setting(first_path, learner):
    """Protects the setting: a higher desired retention gives a shorter interval."""
    card = first_path.flashcards.first()
    fc.review_record(learner=learner, card=card, rating=Rating.EASY, key=uuid.uuid4(), now=NOW)
    normal = Review.objects.get().interval
    StudyPreference.objects.create(learner=learner, desired_retention=0.97)
    other = first_path.flashcards.all()[1]
    fc.review_record(learner=learner, card=other, rating=Rating.EASY, key=uuid.uuid4(), now=NOW)
    assert Review.objects.get(card=other).interval < normal


def test_review_submitted_twice_is_recorded_once(first_path, learner):
    """Protects idempotency: the same key again returns the first review, writes nothing."""
    card, key = first_path.flashcards.first(), uuid.uuid4()
    first, created = fc.review_record(learner=learner, card=card, rating=Rating.GOOD, key=key)
    again, created_again = fc.review_record(learner=learner, card=card, rating=Rating.GOOD, key=key)
    assert created and not created_again and again.id == first.id
    assert Review.objects.count() == 1
    assert CardState.objects.get().reps == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_with_one_key_make_one_review(first_path, learner):
    """Protects idempotency under concurrency: two threads (two database connections)
    submit the same review at the same moment; one row, one rescheduling."""
    card, key = first_path.flashcards.first(), uuid.uuid4()
    barrier, results, errors = threading.Barrier(2), [], []

    def submit():
        try:
            barrier.wait()
            results.append(
                fc.review_record(learner=learner, card=card, rating=Rating.GOOD, key=key)[1]
            )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    in_threads(lambda _: submit(), [1, 2])
    assert errors == []
    assert sorted(results) == [False, True]
    assert Review.objects.filter(learner=learner, key=key).count() == 1
    assert CardState.objects.get(learner=learner, card=card).reps == 1


@pytest.mark.django_db(transaction=True)
def test_two_tabs_rating_one_card_at_once_record_one_review(first_path, learner):
    """Protects the stale-form rule under concurrency: two tabs showing the same card
    submit different ratings (different keys) at the same moment; the card's row lock
    lets one through and the other is refused as stale."""
    card = first_path.flashcards.first()
    barrier, outcomes = threading.Barrier(2), []

    def submit(rating):
        try:
            barrier.wait()
            fc.review_record(
                learner=learner, card=card, rating=rating, key=uuid.uuid4(), expected_reps=0
            )
            outcomes.append("recorded")
        except fc.StaleReview:
            outcomes.append("stale")
        finally:
            connection.close()

    in_threads(submit, [Rating.GOOD, Rating.EASY])
    assert sorted(outcomes) == ["recorded", "stale"]
    assert Review.objects.filter(learner=learner, card=card).count() == 1
    assert CardState.objects.get(learner=learner, card=card).reps == 1


def test_study_queue_puts_due_cards_first_then_a_bounded_number_of_new(client, first_path, learner):
    """Protects the session order: a due card comes before new ones; new cards stop at
    the learner's daily limit, counting cards already started today."""
    StudyPreference.objects.create(learner=learner, new_cards_per_day=3)
    cards = list(first_path.flashcards.all())
    earlier = timezone_now() - timedelta(days=30)
    fc.review_record(
        learner=learner, card=cards[5], rating=Rating.EASY, key=uuid.uuid4(), now=earlier
    )
    client.force_login(learner)
    request = client.get(study_url(first_path)).wsgi_request
    queue = fc.study_queue(request=request, path=first_path)
    assert queue.cards[0] == cards[5]  # due since long ago
    assert queue.new == cards[:3] and queue.counts == {"new": 3, "learning": 0, "due": 1}
    fc.review_record(learner=learner, card=cards[0], rating=Rating.GOOD, key=uuid.uuid4())
    queue = fc.study_queue(request=request, path=first_path)
    assert queue.new == cards[1:3]  # one of today's three is used
    assert queue.counts["learning"] == 1


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def test_path_page_shows_new_learning_and_due_counts(client, first_path, learner):
    """Protects the counts on the path page."""
    client.force_login(learner)
    html = client.get(first_path.get_absolute_url()).content.decode()
    assert "<strong>10</strong> new" in html and "<strong>0</strong> learning" in html


def test_study_without_javascript_flip_and_rate_with_plain_forms(client, first_path, learner):
    """Protects the no-JS path: the front shows a link to the answer; the answer shows
    four submit buttons with their intervals; a rating redirects to the next card."""
    client.force_login(learner)
    first = first_path.flashcards.first()
    html = client.get(study_url(first_path)).content.decode()
    assert f"?show={first.id}" in html and "Show answer" in html
    html = client.get(study_url(first_path), {"show": first.id}).content.decode()
    for label, interval in [("Again", "1 min"), ("Good", "10 min"), ("Easy", "8 d")]:
        assert f'<span class="rating-label">{label}</span>' in html
        assert f'<span class="rating-interval">{interval}</span>' in html
    response = rate(client, first_path, first, Rating.GOOD)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == study_url(first_path)
    assert Review.objects.get().rating == Rating.GOOD
    second = first_path.flashcards.all()[1]
    assert f"?show={second.id}" in client.get(study_url(first_path)).content.decode()


def test_study_with_htmx_gets_the_card_partial(client, first_path, learner):
    """Protects the htmx path: flip and rate answer with the `study-card` fragment only."""
    client.force_login(learner)
    first = first_path.flashcards.first()
    flipped = client.get(study_url(first_path), {"show": first.id}, HTTP_HX_REQUEST="true")
    assert flipped.content.decode().lstrip().startswith('<section id="study-card"')
    response = rate(client, first_path, first, Rating.EASY, htmx=True)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK and html.lstrip().startswith("<section")
    assert "<html" not in html and Review.objects.count() == 1


@pytest.mark.parametrize(
    "change, status",
    [
        ("other-path-card", HTTPStatus.BAD_REQUEST),
        ("rating-7", HTTPStatus.BAD_REQUEST),
        ("rating-text", HTTPStatus.BAD_REQUEST),
        ("bad-key", HTTPStatus.BAD_REQUEST),
        ("stale", HTTPStatus.CONFLICT),
        ("key-reused-other-card", HTTPStatus.CONFLICT),
    ],
)
def test_bad_review_is_refused_with_a_4xx_and_changes_nothing(
    client, first_path, learner, change, status
):
    """Protects the review form against every bad input: a card of another path, an
    unknown rating, a malformed key, a stale form (rated meanwhile in another tab) and
    a key already used for another card. Clear 4xx, message shown, nothing written."""
    client.force_login(learner)
    card, second = first_path.flashcards.all()[:2]
    used = uuid.uuid4()
    fc.review_record(learner=learner, card=card, rating=Rating.GOOD, key=used)
    before = (
        list(Review.objects.values_list("id", flat=True)),
        list(CardState.objects.values_list("id", "reps", "due")),
    )
    data = {"card": card.id, "rating": 3, "reps": 1, "key": str(uuid.uuid4())}
    if change == "other-path-card":
        data["card"] = other_path().flashcards.get().id
    elif change == "rating-7":
        data["rating"] = 7
    elif change == "rating-text":
        data["rating"] = "good"
    elif change == "bad-key":
        data["key"] = "not-a-uuid"
    elif change == "stale":
        data["reps"] = 0
    elif change == "key-reused-other-card":
        data.update(card=second.id, reps=0, key=str(used))
    response = client.post(study_url(first_path), data, HTTP_HX_REQUEST="true")
    assert response.status_code == status
    assert 'class="form-error"' in response.content.decode()
    after = (
        list(Review.objects.values_list("id", flat=True)),
        list(CardState.objects.values_list("id", "reps", "due")),
    )
    assert after == before


def test_show_of_a_card_of_another_path_is_not_found(client, first_path):
    """Protects the flip link: only the path's own cards can be shown."""
    foreign = other_path().flashcards.get()
    response = client.get(study_url(first_path), {"show": foreign.id})
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_anonymous_learner_studies_in_the_session_and_keeps_it_on_sign_up(client, first_path):
    """Protects anonymous study: ratings live in the session with the same schedule and
    the same idempotency, and move to the account on sign-up, with their times."""
    card = first_path.flashcards.first()
    key = uuid.uuid4()
    assert rate(client, first_path, card, Rating.GOOD, key=key).status_code == HTTPStatus.FOUND
    assert rate(client, first_path, card, Rating.GOOD, key=key).status_code == HTTPStatus.FOUND
    history = client.get(reverse("flashcard_detail", args=[first_path.slug, card.key]))
    assert history.content.decode().count("<td>Good</td>") == 1
    assert rate(client, first_path, card, Rating.AGAIN, reps=0).status_code == HTTPStatus.CONFLICT
    assert Review.objects.count() == 0

    response = client.post(
        reverse("signup"),
        {"username": "newbie", "password1": "a-long-passphrase", "password2": "a-long-passphrase"},
    )
    assert response.status_code == HTTPStatus.FOUND
    review = Review.objects.get()
    assert (review.learner.username, review.card, review.key) == ("newbie", card, key)
    assert CardState.objects.get(card=card).reps == 1


def anonymous(session=None):
    request = RequestFactory().get("/")
    request.user, request.session = AnonymousUser(), session or SessionStore()
    return request


def test_anonymous_reviews_are_rows_under_the_session_key_not_in_the_session(client, first_path):
    """Protects anonymous reviews from a concurrent request of the same browser: each is
    its own row under the session's key (the session is created by the first review and
    its cookie sent), nothing is written into the session data."""
    card = first_path.flashcards.first()
    assert rate(client, first_path, card, Rating.GOOD).status_code == HTTPStatus.FOUND
    key = client.cookies["sessionid"].value
    row = SessionReview.objects.get()
    assert (row.session_key, row.card, row.rating, row.reps_before) == (key, card, 3, 0)
    assert fc.SESSION_REVIEWS not in client.session


def test_anonymous_replay_gives_the_schedule_signed_in_reviews_give(first_path, learner):
    """Protects the replay: ratings kept under a session, then moved on sign-in, leave
    each card exactly where the same ratings recorded signed in would, and the session's
    rows are deleted."""
    request, cards = anonymous(), list(first_path.flashcards.all()[:2])
    plan = [(cards[0], Rating.GOOD, 0), (cards[1], Rating.AGAIN, 1), (cards[0], Rating.EASY, 30)]
    for card, rating, minutes in plan:
        at = NOW + timedelta(minutes=minutes)
        assert fc.review_record_anonymous(
            session=request.session, card=card, rating=rating, key=uuid.uuid4(), now=at
        )
    replayed = fc.standings(request=request, path=first_path)
    fc.reviews_keep_anonymous(
        session=request.session, learner=learner, session_keys={request.session.session_key}
    )
    assert not SessionReview.objects.exists()
    for card in cards:
        state = CardState.objects.get(learner=learner, card=card)
        assert state.fsrs == replayed[card.id].fsrs.to_dict()
        assert state.reps == replayed[card.id].reps
    assert Review.objects.filter(learner=learner).count() == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("expected_reps, outcomes", [(0, ["recorded", "stale"]), (None, None)])
def test_two_anonymous_tabs_rating_one_card_at_once(first_path, expected_reps, outcomes):
    """Protects an anonymous card's order under concurrency: two requests of one session
    rate the same card at once (different keys). From two forms rendered after the same
    review one is refused as stale, as signed in; without `expected_reps` both are kept,
    one after the other (the card's review count is unique per session)."""
    card, session = first_path.flashcards.first(), SessionStore()
    session.save()
    barrier, results = threading.Barrier(2), []

    def submit(rating):
        try:
            barrier.wait()
            fc.review_record_anonymous(
                session=SessionStore(session.session_key),
                card=card,
                rating=rating,
                key=uuid.uuid4(),
                expected_reps=expected_reps,
            )
            results.append("recorded")
        except fc.StaleReview:
            results.append("stale")
        finally:
            connection.close()

    in_threads(submit, [Rating.GOOD, Rating.EASY])
    rows = SessionReview.objects.filter(session_key=session.session_key, card=card)
    assert sorted(results) == (outcomes or ["recorded", "recorded"])
    assert rows.count() == (1 if outcomes else 2)
    assert list(rows.values_list("reps_before", flat=True)) == list(range(rows.count()))


def test_a_session_list_from_before_is_moved_into_the_table_when_read(client, first_path):
    """Protects sessions from before the table: their list of reviews is read (moved into
    the table, then dropped from the session) and counts as before: the card's history
    shows it, the same key sent again records nothing, and sign-up keeps it."""
    card, key = first_path.flashcards.first(), uuid.uuid4()
    session = client.session
    item = {"card": card.id, "rating": 3, "at": NOW.isoformat(), "key": str(key)}
    session[fc.SESSION_REVIEWS] = [item, {**item, "card": 999999, "key": str(uuid.uuid4())}]
    session.save()
    history = client.get(reverse("flashcard_detail", args=[first_path.slug, card.key]))
    assert history.content.decode().count("<td>Good</td>") == 1
    assert fc.SESSION_REVIEWS not in client.session
    row = SessionReview.objects.get()
    assert (row.session_key, row.key, row.reviewed_at) == (session.session_key, key, NOW)
    assert rate(client, first_path, card, Rating.GOOD, key=key).status_code == HTTPStatus.FOUND
    assert SessionReview.objects.count() == 1
    client.post(
        reverse("signup"),
        {"username": "newbie", "password1": "a-long-passphrase", "password2": "a-long-passphrase"},
    )
    assert Review.objects.get().key == key and not SessionReview.objects.exists()


def test_card_page_shows_the_learners_history(client, first_path, learner):
    """Protects a card's history: each review with its rating and next interval."""
    card = first_path.flashcards.get(key="elbo")
    fc.review_record(learner=learner, card=card, rating=Rating.AGAIN, key=uuid.uuid4(), now=NOW)
    fc.review_record(
        learner=learner,
        card=card,
        rating=Rating.EASY,
        key=uuid.uuid4(),
        now=NOW + timedelta(minutes=2),
    )
    client.force_login(learner)
    html = client.get(reverse("flashcard_detail", args=[first_path.slug, "elbo"])).content.decode()
    assert "<td>Again</td>" in html and "<td>Easy</td>" in html
    assert "<td>1 min</td>" in html
    assert "evidence lower bound" in html


def test_deck_page_lists_every_card_to_flip_and_links_the_export(client, first_path):
    """Protects browsing: an anonymous visitor sees all 23 cards (front and back in a
    <details>, a flip without JavaScript), the counts and the Anki download."""
    html = client.get(reverse("path_flashcards", args=[first_path.slug])).content.decode()
    assert html.count("<details>") == 23
    assert reverse("path_flashcards_anki", args=[first_path.slug]) in html


def test_anki_export_reads_back_as_the_paths_notes_tagged_by_lesson(client, first_path):
    """Protects the .apkg: a zip whose SQLite collection holds one note per card, with
    front and back HTML and the lesson's slug as its tag."""
    response = client.get(reverse("path_flashcards_anki", args=[first_path.slug]))
    assert response.status_code == HTTPStatus.OK
    assert 'filename="how-generative-ai-works.apkg"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "collection.anki2" in archive.namelist()
    with open_sqlite(archive.read("collection.anki2")) as db:
        notes = db.execute("select flds, tags from notes").fetchall()
        decks = db.execute("select decks from col").fetchone()[0]
    assert len(notes) == 23 and first_path.title in decks
    by_front = {flds.split("\x1f")[0]: (flds.split("\x1f"), tags.split()) for flds, tags in notes}
    elbo = first_path.flashcards.get(key="elbo")
    fields, tags = next(v for k, v in by_front.items() if "evidence lower bound" in k)
    assert tags == [elbo.lesson.slug]
    assert "arithmatex" in fields[1] and fields[2] == elbo.lesson.title


class open_sqlite:
    def __init__(self, data: bytes):
        import tempfile

        self.file = tempfile.NamedTemporaryFile(suffix=".anki2")
        self.file.write(data)
        self.file.flush()

    def __enter__(self):
        self.db = sqlite3.connect(self.file.name)
        return self.db

    def __exit__(self, *exc):
        self.db.close()
        self.file.close()


def test_study_settings_are_saved_and_validated(client, first_path, learner):
    """Protects the settings form: valid values are stored; out-of-range ones get a 400
    with the form and change nothing."""
    client.force_login(learner)
    url = reverse("path_flashcards_settings", args=[first_path.slug])
    ok = client.post(url, {"desired_retention": "0.85", "new_cards_per_day": "5"})
    assert ok.status_code == HTTPStatus.FOUND
    bad = client.post(url, {"desired_retention": "1.5", "new_cards_per_day": "5"})
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    pref = StudyPreference.objects.get(learner=learner)
    assert (pref.desired_retention, pref.new_cards_per_day) == (0.85, 5)
    assert not Flashcard.objects.filter(path__slug="nope").exists()


def test_done_for_now_says_when_the_next_card_is_due_and_what_waits(client, first_path, learner):
    """Protects the end of a session: with today's new cards used up the page says so,
    when the next card comes due, and how many new cards wait for tomorrow."""
    StudyPreference.objects.create(learner=learner, new_cards_per_day=2)
    for card in first_path.flashcards.all()[:2]:
        fc.review_record(learner=learner, card=card, rating=Rating.EASY, key=uuid.uuid4())
    client.force_login(learner)
    html = client.get(study_url(first_path)).content.decode()
    assert "You are done for now." in html and "The next card comes due in" in html
    assert "21 new cards wait for tomorrow" in html


def test_deck_and_study_pages_read_all_cards_in_constant_queries(
    client, first_path, learner, django_assert_max_num_queries
):
    """Protects against N+1: the deck lists 23 cards with their lesson links, and the
    study page shows a card, in a fixed handful of queries (session, user, path, cards,
    card states, study settings, today's new cards, settings form; on the study page
    also the FSRS parameters in use, learner's then site's, and why the card is queued)."""
    client.force_login(learner)
    for name in ["path_flashcards", "path_flashcards_study"]:
        url = reverse(name, args=[first_path.slug])
        client.get(url)
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == HTTPStatus.OK


def test_the_queue_says_when_it_next_changes_with_no_review(client, first_path, learner):
    """Protects pages kept with the card counts (lessons/cache.py keeps them this long):
    with no review, the queue changes when a waiting card comes within the learn-ahead
    window of its due time, or at midnight, when the day's new cards start anew; never
    later."""
    card = first_path.flashcards.order_by("id").first()
    fc.review_record(learner=learner, card=card, rating=Rating.EASY, key=uuid.uuid4(), now=NOW)
    due = CardState.objects.get(learner=learner, card=card).due
    client.force_login(learner)
    request = client.get(study_url(first_path)).wsgi_request
    for now in (NOW, due - timedelta(hours=1)):
        queue = fc.study_queue(request=request, path=first_path, now=now)
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
        assert queue.changes_at == min(due - fc.LEARN_AHEAD, midnight)
        earlier = fc.study_queue(
            request=request, path=first_path, now=queue.changes_at - timedelta(seconds=1)
        )
        assert (earlier.cards, earlier.counts) == (queue.cards, queue.counts)
    assert card in fc.study_queue(request=request, path=first_path, now=due).due
