"""Mistakes come back: a quiz question a signed-in learner missed (or got right but was
not sure of) puts the flashcards of its lesson in their study queue, due now, with a
note saying why. A lesson with no cards gets one made from the question and its
explanation, which only the learners who missed it study.

Anonymous learners are left out on purpose: their schedule is a replay of their
ratings (see scheduling.py), so "due now" would need a second kind of row in that
replay; the quiz tells them to sign in to have missed questions come back.
"""

from dataclasses import dataclass
from datetime import UTC

import fsrs
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from lessons.models import (
    CardRequeue,
    Flashcard,
    QuizAnswer,
    QuizQuestion,
    Review,
)
from lessons.reading.services import free_slug

from .scheduling import state_locked


def question_card(*, question: QuizQuestion) -> Flashcard:
    """The card made from a question: its text on the front, the right options and the
    explanation on the back. Made once per question; its key is kept free of the deck's."""
    existing = Flashcard.objects.filter(question=question).first()
    if existing is not None:
        return existing
    right = [o.text for o in question.options.filter(correct=True).order_by("position", "id")]
    back = "**" + str(_("Answer")) + ":** " + "; ".join(right) + "\n\n" + question.explanation
    taken = set(question.path.flashcards.values_list("key", flat=True))
    card, _created = Flashcard.objects.get_or_create(
        question=question,
        defaults={
            "path_id": question.path_id,
            "lesson_id": question.lesson_id,
            "key": free_slug(f"quiz-{question.key}", taken, "quiz-question"),
            "front": question.text,
            "back": back,
        },
    )
    return card


def cards_teaching(*, question: QuizQuestion) -> list[Flashcard]:
    """The deck's cards of the question's lesson, else the card made from the question."""
    cards = []
    if question.lesson_id is not None:
        cards = list(Flashcard.objects.filter(lesson_id=question.lesson_id, question=None))
    return cards or [question_card(question=question)]


@transaction.atomic
def mistake_requeue(*, learner: User, answer: QuizAnswer) -> list[CardRequeue]:
    """Make the cards teaching the answer's question due now for this learner, once per
    answer: a card already due stays as it is, a card scheduled later is brought
    forward (its memory state kept), a card never studied enters the queue now."""
    now = timezone.now()
    made = []
    for card in cards_teaching(question=answer.question):
        state = state_locked(learner=learner, card=card, now=now)
        if state.due > now:
            memory = fsrs.Card.from_dict(state.fsrs)
            memory.due = now.astimezone(UTC)
            state.fsrs, state.due = memory.to_dict(), now
            state.save(update_fields=["fsrs", "due", "updated_at"])
        requeue, created = CardRequeue.objects.get_or_create(
            answer=answer, card=card, defaults={"learner": learner, "created_at": now}
        )
        if created:
            made.append(requeue)
    return made


@dataclass
class Reason:
    """Why a card is in the queue: the quiz answer that brought it back."""

    question: QuizQuestion
    certainty: int | None
    missed: bool
    attempt_id: int

    @property
    def text(self) -> str:
        question = Truncator(self.question.text).chars(90)
        if self.missed:
            return _("You missed the question “%(q)s” in the quiz.") % {"q": question}
        return _("You were not sure of the question “%(q)s” in the quiz.") % {"q": question}


def requeue_reason(*, learner: User, card: Flashcard) -> Reason | None:
    """Why the card is in this learner's queue, if a quiz answer put it there and the
    card was not reviewed since (two queries)."""
    requeue = (
        CardRequeue.objects.filter(learner=learner, card=card)
        .select_related("answer__question")
        .first()
    )
    if requeue is None:
        return None
    reviewed = Review.objects.filter(
        learner=learner, card=card, reviewed_at__gte=requeue.created_at
    ).exists()
    if reviewed:
        return None
    answer = requeue.answer
    return Reason(
        question=answer.question,
        certainty=answer.certainty,
        missed=answer.points < 1,
        attempt_id=answer.attempt_id,
    )
