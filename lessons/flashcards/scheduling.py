"""Flashcards scheduled by FSRS: reads (the study queue, counts, a card's history) and
writes (recording a review exactly once, keeping an anonymous learner's reviews).

Signed-in learners keep a `CardState` per card (the `fsrs.Card` as JSON) and a `Review`
per rating. Anonymous learners keep only their reviews, a `SessionReview` row each under
their session's key; their card states are rebuilt by replaying them through the same
scheduler, which is exact because fuzzing is off. On sign-in they are replayed into the
database. (Sessions from before kept that list inside the session: it is moved into the
table the first time it is read.)
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from uuid import UUID

import fsrs
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lessons.cache import cached
from lessons.models import (
    CardPhase,
    CardState,
    Flashcard,
    LearningPath,
    Rating,
    Review,
    SessionReview,
)
from lessons.sessions import session_key_for_writes

from .parameters import parameters_in_use

SESSION_REVIEWS = "card_reviews"  # before SessionReview: [{"card", "rating", "at", "key"}]
ANONYMOUS_TRIES = 5  # inserts of one anonymous review racing others of the same card
LEARN_AHEAD = timedelta(minutes=20)  # as Anki: a learning step this close is shown now


class ReviewRefused(Exception):
    """A review that cannot be recorded; `status` is the HTTP status to answer with."""

    status = HTTPStatus.BAD_REQUEST

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleReview(ReviewRefused):
    """The form was rendered before a later review of the same card."""

    status = HTTPStatus.CONFLICT


STALE = _("This card was rated in the meantime (another tab?). Nothing was changed.")


class KeyReused(ReviewRefused):
    """The idempotency key already recorded a different review."""

    status = HTTPStatus.CONFLICT


def desired_retention(*, user: User | AnonymousUser) -> float:
    pref = getattr(user, "study_preference", None) if user.is_authenticated else None
    return pref.desired_retention if pref else settings.FSRS_DESIRED_RETENTION


def new_cards_per_day(*, user: User | AnonymousUser) -> int:
    pref = getattr(user, "study_preference", None) if user.is_authenticated else None
    return pref.new_cards_per_day if pref else settings.FLASHCARDS_NEW_PER_DAY


def scheduler_for(
    *, retention: float, weights: tuple[float, ...] = fsrs.scheduler.DEFAULT_PARAMETERS
) -> fsrs.Scheduler:
    # No fuzzing: the interval printed on a button is the one the review then gets, and
    # an anonymous learner's session replays to exactly the same schedule.
    return fsrs.Scheduler(parameters=weights, desired_retention=retention, enable_fuzzing=False)


def weights_for(*, user: User | AnonymousUser) -> tuple[float, ...]:
    """The FSRS weights this learner is scheduled with (see parameters.py)."""
    return parameters_in_use(user=user).weights


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def fresh_card(card: Flashcard, now: datetime) -> fsrs.Card:
    return fsrs.Card(card_id=card.id, due=_utc(now))


# --- reads -------------------------------------------------------------------------


@dataclass
class Standing:
    """Where a learner stands with one card."""

    fsrs: fsrs.Card
    reps: int  # reviews so far; 0 for a new card

    @property
    def is_new(self) -> bool:
        return self.reps == 0

    @property
    def phase(self) -> CardPhase | None:
        return None if self.is_new else CardPhase(int(self.fsrs.state))


@dataclass
class HistoryRow:
    reviewed_at: datetime
    rating: Rating
    phase: CardPhase
    interval: timedelta
    stability: float
    difficulty: float

    @property
    def interval_text(self) -> str:
        return interval_text(self.interval)


def _session_reviews(session) -> QuerySet[SessionReview]:
    """An anonymous learner's reviews, each card's in the order given (none without a
    session)."""
    _session_list_move(session)
    if session.session_key is None:
        return SessionReview.objects.none()
    return SessionReview.objects.filter(session_key=session.session_key)


def _session_list_move(session) -> None:
    """Move a session's list of reviews (kept there before `SessionReview`) into the
    table, once: a request racing this one inserts the same rows, which the unique keys
    turn into nothing; the list itself is then dropped from the session."""
    if SESSION_REVIEWS not in session:
        return
    items = session[SESSION_REVIEWS]
    ids = {item["card"] for item in items}
    cards = set(Flashcard.objects.filter(id__in=ids).values_list("id", flat=True))
    owner = session_key_for_writes(session)
    reps: Counter[int] = Counter()
    rows = []
    for item in items:
        if item["card"] in cards:  # cards deleted since are left out
            rows.append(
                SessionReview(
                    session_key=owner,
                    card_id=item["card"],
                    key=UUID(item["key"]),
                    rating=item["rating"],
                    reps_before=reps[item["card"]],
                    reviewed_at=datetime.fromisoformat(item["at"]),
                )
            )
            reps[item["card"]] += 1
    SessionReview.objects.bulk_create(rows, ignore_conflicts=True)
    del session[SESSION_REVIEWS]


def _replay(reviews, retention: float) -> dict[int, tuple[Standing, list]]:
    """Session reviews (each card's oldest first) → each card's standing and history,
    scheduled with the site's weights (read only when there is something to replay)."""
    reviews = list(reviews)
    if not reviews:
        return {}
    scheduler = scheduler_for(retention=retention, weights=weights_for(user=AnonymousUser()))
    result: dict[int, tuple[Standing, list]] = {}
    for item in reviews:
        at = item.reviewed_at
        standing, history = result.get(item.card_id, (None, []))
        card = standing.fsrs if standing else fsrs.Card(card_id=item.card_id, due=_utc(at))
        card, _log = scheduler.review_card(card, fsrs.Rating(item.rating), _utc(at))
        history = [
            *history,
            HistoryRow(
                reviewed_at=at,
                rating=Rating(item.rating),
                phase=CardPhase(int(card.state)),
                interval=card.due - _utc(at),
                stability=card.stability,
                difficulty=card.difficulty,
            ),
        ]
        result[item.card_id] = (Standing(card, len(history)), history)
    return result


def standings(*, request, path: LearningPath) -> dict[int, Standing]:
    """This learner's standing with every card of the path they have reviewed (one
    query either way)."""
    if request.user.is_authenticated:
        return {
            state.card_id: Standing(fsrs.Card.from_dict(state.fsrs), state.reps)
            for state in CardState.objects.filter(learner=request.user, card__path=path)
        }
    reviews = _session_reviews(request.session).filter(card__path=path)
    replayed = _replay(reviews, desired_retention(user=request.user))
    return {card_id: standing for card_id, (standing, _) in replayed.items()}


def card_history(*, request, card: Flashcard) -> list[HistoryRow]:
    """Every review of one card by this learner, oldest first."""
    if request.user.is_authenticated:
        return [
            HistoryRow(
                reviewed_at=r.reviewed_at,
                rating=Rating(r.rating),
                phase=CardPhase(r.phase_after),
                interval=r.due_after - r.reviewed_at,
                stability=r.stability_after,
                difficulty=r.difficulty_after,
            )
            for r in Review.objects.filter(learner=request.user, card=card)
        ]
    reviews = _session_reviews(request.session).filter(card=card)
    replayed = _replay(reviews, settings.FSRS_DESIRED_RETENTION)
    return replayed.get(card.id, (None, []))[1]


def _new_seen_today(*, request, path: LearningPath, now: datetime) -> int:
    """Cards of the path whose first review was today (the server's day)."""
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if request.user.is_authenticated:
        return Review.objects.filter(
            learner=request.user, card__path=path, phase_before__isnull=True, reviewed_at__gte=start
        ).count()
    firsts = _session_reviews(request.session).filter(card__path=path, reps_before=0)
    return firsts.filter(reviewed_at__gte=start).count()


@dataclass
class StudyQueue:
    """A study session: cards due now (oldest first), then today's new cards."""

    cards_all: list[Flashcard]  # every card of the path, in its order
    due: list[Flashcard]
    new: list[Flashcard]
    standings: dict[int, Standing]
    counts: dict[str, int]  # new (left today), learning, due (in review)
    next_due: datetime | None  # when the next scheduled card comes due, if none now
    held_back: int = 0  # unseen cards past today's new-card limit
    changes_at: datetime | None = None  # the first time the queue may change unreviewed

    @property
    def cards(self) -> list[Flashcard]:
        return self.due + self.new

    def seconds_unchanged(self) -> float | None:
        """How long this queue (its cards and counts) stays as it is if the learner
        writes nothing: what a page showing the counts may be kept for."""
        if self.changes_at is None:
            return None
        return (self.changes_at - timezone.now()).total_seconds()

    def standing(self, card: Flashcard, now: datetime) -> Standing:
        return self.standings.get(card.id) or Standing(fresh_card(card, now), 0)


def study_queue(*, request, path: LearningPath, now: datetime | None = None) -> StudyQueue:
    """The learner's queue for a path. Due cards come first, by due time; then unseen
    cards in the path's order, at most the learner's new-cards-per-day less those
    already started today. When nothing else is left, learning steps due within
    `LEARN_AHEAD` are shown early, as Anki does. Three queries when signed in (states,
    study settings, today's new cards; the deck comes from the cache), whatever the
    number of cards, and one more once the learner has cards made from quiz questions
    they missed (see requeue.py), which are not part of the deck."""
    now = now or timezone.now()
    # The deck changes only with the path's content: read once per content version.
    deck = path.flashcards.filter(question=None).select_related("lesson")
    cards = cached(path.id, "deck", lambda: list(deck))
    known = standings(request=request, path=path)
    in_deck = {card.id for card in cards}
    if any(card_id not in in_deck for card_id in known):
        cards = cards + list(
            path.flashcards.filter(id__in=set(known) - in_deck).select_related("lesson")
        )
    for card in cards:  # their links need the path's slug: no query per card
        card.path = path
        if card.lesson:
            card.lesson.path = path
    due, waiting, unseen = [], [], []
    for card in cards:
        standing = known.get(card.id)
        if standing is None:
            unseen.append(card)
        elif standing.fsrs.due <= now:
            due.append(card)
        else:
            waiting.append(card)
    due.sort(key=lambda card: known[card.id].fsrs.due)
    left = max(
        0,
        new_cards_per_day(user=request.user) - _new_seen_today(request=request, path=path, now=now),
    )
    new = unseen[:left]
    if not due and not new:
        soon = [
            c
            for c in waiting
            if known[c.id].fsrs.due <= now + LEARN_AHEAD and known[c.id].phase != CardPhase.REVIEW
        ]
        due = sorted(soon, key=lambda card: known[card.id].fsrs.due)
    learning = sum(
        1 for s in known.values() if s.phase in (CardPhase.LEARNING, CardPhase.RELEARNING)
    )
    in_review = sum(1 for c in due if known[c.id].phase == CardPhase.REVIEW)
    later = [known[c.id].fsrs.due for c in waiting if c not in due]
    # With no review, the queue changes only when a waiting card comes within LEARN_AHEAD
    # of its due time, or at midnight, when the day's new cards start anew.
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    midnight = timezone.make_aware(datetime.combine(tomorrow, datetime.min.time()))
    changes_at = min([midnight, *(known[c.id].fsrs.due - LEARN_AHEAD for c in waiting)])
    return StudyQueue(
        cards_all=cards,
        due=due,
        new=new,
        standings=known,
        # a card a quiz miss queued before it was ever studied counts as new
        counts={
            "new": len(new) + sum(1 for c in due if known[c.id].is_new),
            "learning": learning,
            "due": in_review,
        },
        next_due=min(later) if later and not due and not new else None,
        held_back=len(unseen) - len(new),
        changes_at=changes_at,
    )


@dataclass
class Choice:
    rating: Rating
    interval: timedelta

    @property
    def interval_text(self) -> str:
        return interval_text(self.interval)


def rating_choices(
    *,
    standing: Standing,
    retention: float,
    now: datetime,
    weights: tuple[float, ...] = fsrs.scheduler.DEFAULT_PARAMETERS,
) -> list[Choice]:
    """The four ratings with the interval each would give, exactly as `review_record`
    would compute it now (given the learner's `weights`)."""
    scheduler = scheduler_for(retention=retention, weights=weights)
    choices = []
    for rating in Rating:
        card, _log = scheduler.review_card(standing.fsrs, fsrs.Rating(rating), _utc(now))
        choices.append(Choice(rating=rating, interval=card.due - _utc(now)))
    return choices


def interval_text(interval: timedelta) -> str:
    """An interval as a learner reads it on a button: "10 min", "3 d", "2.1 mo"."""
    minutes = interval.total_seconds() / 60
    if minutes < 60:
        return _("%(n)d min") % {"n": max(1, round(minutes))}
    hours = minutes / 60
    if hours < 24:
        return _("%(n)d h") % {"n": round(hours)}
    days = hours / 24
    if days < 30:
        return _("%(n)d d") % {"n": round(days)}
    if days < 365:
        return _("%(n).1f mo") % {"n": days / 30}
    return _("%(n).1f y") % {"n": days / 365}


# --- writes ------------------------------------------------------------------------


def state_locked(*, learner: User, card: Flashcard, now: datetime) -> CardState:
    """The learner's state of a card, locked until the transaction ends; a new card's
    (due now, never reviewed) is made first."""
    state, _created = CardState.objects.get_or_create(
        learner=learner,
        card=card,
        defaults={"fsrs": fresh_card(card, now).to_dict(), "phase": CardPhase.LEARNING, "due": now},
    )
    return CardState.objects.select_for_update().get(id=state.id)


def review_record(
    *,
    learner: User,
    card: Flashcard,
    rating: Rating,
    key: UUID,
    expected_reps: int | None = None,
    now: datetime | None = None,
) -> tuple[Review, bool]:
    """Record one rating of a card and reschedule it with FSRS, exactly once per key.

    The same key sent again (a double click, a retry, the API) returns the review it
    first recorded, with `created` False. `expected_reps`, sent by the study form, is
    the number of reviews the form was rendered after; if another review came first
    (a second tab) the form is stale and nothing is written. The card's state row is
    locked for the duration, so concurrent submissions are serialized.
    """
    now = now or timezone.now()
    with transaction.atomic():
        existing = _review_by_key(learner, key, card, rating)
        if existing:
            return existing, False
        state = state_locked(learner=learner, card=card, now=now)
        existing = _review_by_key(learner, key, card, rating)  # committed while we waited
        if existing:
            return existing, False
        if expected_reps is not None and state.reps != expected_reps:
            raise StaleReview(STALE)
        before = fsrs.Card.from_dict(state.fsrs)
        retention = desired_retention(user=learner)
        weights = weights_for(user=learner)
        after, _log = scheduler_for(retention=retention, weights=weights).review_card(
            before, fsrs.Rating(rating), _utc(now)
        )
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    learner=learner,
                    card=card,
                    key=key,
                    rating=rating,
                    reviewed_at=now,
                    phase_before=int(before.state) if state.reps else None,
                    phase_after=int(after.state),
                    due_after=after.due,
                    stability_after=after.stability,
                    difficulty_after=after.difficulty,
                )
        except IntegrityError:  # the key was used for another card in a parallel request
            raise KeyReused(_("This review key was already used.")) from None
        state.fsrs, state.phase, state.due = after.to_dict(), int(after.state), after.due
        state.reps += 1
        state.save(update_fields=["fsrs", "phase", "due", "reps", "updated_at"])
    return review, True


def _review_by_key(learner: User, key: UUID, card: Flashcard, rating: Rating) -> Review | None:
    return _same_review(Review.objects.filter(learner=learner, key=key).first(), card, rating)


def _same_review(existing, card: Flashcard, rating: Rating):
    """The review already recorded under a key, which must be this one (else 409)."""
    if existing and (existing.card_id, existing.rating) != (card.id, int(rating)):
        raise KeyReused(_("This review key was already used for a different review."))
    return existing


def review_record_anonymous(
    *,
    session,
    card: Flashcard,
    rating: Rating,
    key: UUID,
    expected_reps: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Record an anonymous learner's rating under their session's key, once per key:
    one INSERT, so reviews posted at once by one browser are all kept. Returns whether
    it was recorded now (False: the key was seen before). The session is saved first if
    it is new. Refusals as `review_record`'s; a stale form stays refused when two race,
    as the card's count of earlier reviews is unique in the table."""
    now = now or timezone.now()
    _session_list_move(session)
    owner = session_key_for_writes(session)
    reviews = SessionReview.objects.filter(session_key=owner)
    for _try in range(ANONYMOUS_TRIES):
        if _same_review(reviews.filter(key=key).first(), card, rating):
            return False
        reps = reviews.filter(card=card).count()
        if expected_reps is not None and reps != expected_reps:
            raise StaleReview(STALE)
        try:
            with transaction.atomic():
                SessionReview.objects.create(
                    session_key=owner,
                    card=card,
                    key=key,
                    rating=rating,
                    reps_before=reps,
                    reviewed_at=now,
                )
            return True
        except IntegrityError:  # this key, or this card's next review, was just taken
            continue
    raise StaleReview(STALE)


def reviews_keep_anonymous(*, session, learner: User, session_keys: set[str]) -> None:
    """On sign-up or sign-in, replay the anonymous reviews (stored under any of
    `session_keys`) into the learner's schedule, then delete them. Cards the learner
    already studied while signed in keep their own history."""
    _session_list_move(session)
    reviews = SessionReview.objects.filter(session_key__in=session_keys)
    with transaction.atomic():
        rows = list(reviews.select_related("card"))  # each card's in order
        studied = set(
            CardState.objects.filter(
                learner=learner, card__in={r.card_id for r in rows}
            ).values_list("card_id", flat=True)
        )
        for row in rows:
            if row.card_id in studied:
                continue
            review_record(
                learner=learner,
                card=row.card,
                rating=Rating(row.rating),
                key=row.key,
                now=row.reviewed_at,
            )
        reviews.delete()
