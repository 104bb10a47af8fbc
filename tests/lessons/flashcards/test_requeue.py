"""Mistakes come back: a missed quiz question (or one right but "not sure") makes the
cards of its lesson due now for that learner only, once per answer, and the study page
says why; a lesson without cards gets a card made from the question."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons.authoring.selectors import path_bundle
from lessons.authoring.services import path_clone
from lessons.flashcards import scheduling as fc
from lessons.models import CardRequeue, CardState, Flashcard, QuizAttempt, Rating
from lessons.quizzes import grading as quizzes

pytestmark = pytest.mark.django_db


def answer(client, path, question_key, *, right: bool, certainty="") -> QuizAttempt:
    """Answer one question (by key) in the learner's open attempt."""
    client.post(reverse("quiz_start", args=[path.slug]))
    attempt = QuizAttempt.objects.filter(finished_at=None).latest("id")
    row = next(r for r in quizzes.attempt_review(attempt=attempt) if r.question.key == question_key)
    chosen = sorted(row.correct) if right else [o.id for o in row.options if not o.correct][:1]
    url = reverse("quiz_answer", args=[path.slug, attempt.id])
    client.post(url, {"question": row.question.id, "option": chosen, "certainty": certainty})
    return attempt


def question_with_cards(path):
    return next(q for q in path.quiz_questions.all() if q.lesson.flashcards.exists())


def test_wrong_answer_makes_lesson_cards_due_for_that_learner_only_once(
    client, first_path, learner, django_user_model
):
    """Protects the loop: a miss puts every card of the question's lesson in the
    learner's queue, due now, with one note per card; another learner's queue is
    untouched; the same answer posted again adds nothing."""
    other = django_user_model.objects.create_user(username="bo", password="a-long-passphrase")
    question = question_with_cards(first_path)
    cards = set(question.lesson.flashcards.values_list("id", flat=True))
    client.force_login(learner)
    attempt = answer(client, first_path, question.key, right=False)
    states = CardState.objects.filter(learner=learner)
    assert set(states.values_list("card_id", flat=True)) == cards
    assert all(state.due <= timezone.now() for state in states)
    assert CardRequeue.objects.filter(learner=learner).count() == len(cards)
    assert not CardState.objects.filter(learner=other).exists()
    row = next(r for r in quizzes.attempt_review(attempt=attempt) if r.question == question)
    url = reverse("quiz_answer", args=[first_path.slug, attempt.id])
    client.post(url, {"question": question.id, "option": [o.id for o in row.options][:1]})
    assert CardRequeue.objects.filter(learner=learner).count() == len(cards)


def test_right_answer_requeues_only_when_not_sure(client, first_path, learner):
    """Protects the rule: right and "fairly sure" brings nothing back; right and "not
    sure" brings the lesson's cards back."""
    client.force_login(learner)
    questions = [q for q in first_path.quiz_questions.all() if q.lesson.flashcards.exists()]
    answer(client, first_path, questions[0].key, right=True, certainty="2")
    assert not CardRequeue.objects.exists()
    answer(client, first_path, questions[1].key, right=True, certainty="1")
    assert CardRequeue.objects.filter(card__lesson=questions[1].lesson).exists()


def test_card_scheduled_later_is_brought_forward_and_due_card_stays(client, first_path, learner):
    """Protects "due now" without duplicates: a card reviewed and scheduled days ahead
    is due now after a miss, keeping its memory (stability); one CardState per card."""
    question = question_with_cards(first_path)
    card = question.lesson.flashcards.first()
    fc.review_record(learner=learner, card=card, rating=Rating.EASY, key=uuid.uuid4())
    before = CardState.objects.get(learner=learner, card=card)
    assert before.due > timezone.now() + timedelta(days=1)
    client.force_login(learner)
    answer(client, first_path, question.key, right=False)
    after = CardState.objects.get(learner=learner, card=card)
    assert after.due <= timezone.now()
    assert after.fsrs["stability"] == before.fsrs["stability"] and after.reps == before.reps
    assert CardState.objects.filter(learner=learner, card=card).count() == 1


def test_study_page_says_why_until_the_card_is_reviewed(client, first_path, learner):
    """Protects the reason: the study page shows "you missed the question …" on a
    requeued card, and no longer once that card has been reviewed."""
    question = question_with_cards(first_path)
    client.force_login(learner)
    answer(client, first_path, question.key, right=False)
    page = client.get(reverse("path_flashcards_study", args=[first_path.slug])).content.decode()
    assert "You missed the question" in page
    for card in question.lesson.flashcards.all():
        fc.review_record(learner=learner, card=card, rating=Rating.GOOD, key=uuid.uuid4())
    page = client.get(reverse("path_flashcards_study", args=[first_path.slug])).content.decode()
    assert "You missed the question" not in page


def test_lesson_without_cards_gets_a_card_from_the_question(client, first_path, learner):
    """Protects the fallback: a miss on a question whose lesson has no cards makes one
    card from the question (front: its text; back: the right answer and explanation),
    studied by that learner only, kept out of the deck everyone sees and of exports."""
    question = next(q for q in first_path.quiz_questions.all() if not q.lesson.flashcards.exists())
    client.force_login(learner)
    answer(client, first_path, question.key, right=False)
    card = Flashcard.objects.get(question=question)
    assert card.front == question.text and question.explanation in card.back
    assert CardState.objects.get(learner=learner).card == card
    study = client.get(reverse("path_flashcards_study", args=[first_path.slug])).content.decode()
    assert "You missed the question" in study
    client.logout()
    deck = client.get(reverse("path_flashcards", args=[first_path.slug])).content.decode()
    assert card.key not in deck
    assert card.key not in {spec.key for spec in path_bundle(path=first_path).cards}
    copy = path_clone(path=first_path, owner=learner)
    assert not copy.flashcards.filter(front=question.text).exists()


def test_anonymous_miss_queues_nothing(client, first_path):
    """Protects the stated choice: anonymous learners' misses write no card state (their
    schedule is a replay of their ratings); the quiz invites them to sign in."""
    question = question_with_cards(first_path)
    answer(client, first_path, question.key, right=False)
    assert (
        not CardRequeue.objects.exists()
        and not Flashcard.objects.filter(question__isnull=False).exists()
    )
    page = client.get(reverse("path_quiz", args=[first_path.slug])).content.decode()
    assert "come back as flashcards" in page
