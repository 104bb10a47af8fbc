"""The owner edits the flashcards and the quiz of their path through HTTP, with the
bundle's rules; a copy carries its cards and quiz; learning on a copy counts."""

import io
import uuid
from http import HTTPStatus

import pytest
from django.urls import reverse

from lessons.authoring.archive import bundle_from_zip, bundle_to_zip
from lessons.authoring.selectors import path_bundle
from lessons.models import Flashcard, LearningPath, QuizOption, QuizQuestion, Review
from tests.lessons.authoring.own import database_state, owned_path


@pytest.fixture
def path(client, learner):
    client.force_login(learner)
    return owned_path(learner)


def lesson_id(path, slug):
    return path.lessons.get(slug=slug).pk


def exports_cleanly(path: LearningPath) -> bool:
    """The path's .zip reads back: every card and question still fits the bundle."""
    data = bundle_to_zip(path_bundle(path=path))
    return bundle_from_zip(io.BytesIO(data), max_bytes=10**8) == path_bundle(path=path)


@pytest.mark.django_db
def test_add_a_card_where_its_lesson_comes_in_the_deck(client, path):
    """Protects adding cards: a card from lesson "two" lands between the cards of
    lessons one and three, so the deck keeps the reading order."""
    response = client.post(
        reverse("cards_edit", args=[path.slug]),
        {"new-lesson": lesson_id(path, "two"), "new-front": "Why two?", "new-back": "Because."},
    )
    assert response.status_code == HTTPStatus.FOUND
    deck = list(path.flashcards.order_by("position").values_list("key", "position"))
    assert deck == [("square", 0), ("why-two", 1), ("three", 2)]
    page = client.get(reverse("cards_edit", args=[path.slug])).content.decode()
    assert "Card added." in page and "Why two?" in page
    assert exports_cleanly(path)


@pytest.mark.django_db
def test_a_card_with_an_empty_front_keeps_what_was_typed(client, path):
    """Protects card validation: 400, the reason, the typed back still there, nothing
    written."""
    before = database_state()
    response = client.post(
        reverse("cards_edit", args=[path.slug]),
        {"new-lesson": lesson_id(path, "two"), "new-front": " ", "new-back": "Typed answer"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "This cannot be empty." in html and "Typed answer</textarea>" in html
    assert database_state() == before


@pytest.mark.django_db
def test_edit_and_delete_a_card(client, path):
    """Protects changing and removing cards."""
    card = path.flashcards.get(key="three")
    prefix = f"card-{card.pk}"
    response = client.post(
        reverse("card_update", args=[path.slug, card.pk]),
        {
            f"{prefix}-lesson": lesson_id(path, "one"),
            f"{prefix}-front": "3?",
            f"{prefix}-back": "3",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    card.refresh_from_db()
    assert (card.front, card.back, card.lesson.slug) == ("3?", "3", "one")
    client.post(reverse("card_delete", args=[path.slug, card.pk]))
    assert not Flashcard.objects.filter(pk=card.pk).exists()


def question_data(path, prefix="new", **changes):
    data = {
        f"{prefix}-place": f"{lesson_id(path, 'one')}#one",
        f"{prefix}-kind": "single",
        f"{prefix}-text": "What is $x^2$?",
        f"{prefix}-explanation": "Squares.",
        f"{prefix}-option_0": "$x \\cdot x$",
        f"{prefix}-correct_0": "on",
        f"{prefix}-option_1": "$2x$",
    }
    data.update({f"{prefix}-{key}": value for key, value in changes.items()})
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_add_a_quiz_question_with_its_options(client, path):
    """Protects adding questions: the question, its section, its options in order with
    the correct one marked; the quiz page offers it."""
    response = client.post(reverse("quiz_edit", args=[path.slug]), question_data(path))
    assert response.status_code == HTTPStatus.FOUND
    question = path.quiz_questions.get(text="What is $x^2$?")
    assert (question.lesson.slug, question.section, question.kind) == ("one", "one", "single")
    assert list(question.options.values_list("text", "correct")) == [
        ("$x \\cdot x$", True),
        ("$2x$", False),
    ]
    assert exports_cleanly(path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, message",
    [
        ({"correct_0": None}, "needs exactly one correct option (it has 0)"),
        ({"correct_1": "on"}, "needs exactly one correct option (it has 2)"),
        ({"kind": "multiple", "correct_1": "on"}, "some options correct, but not all"),
        ({"option_1": ""}, "at least two options"),
        ({"text": ""}, "This cannot be empty."),
    ],
    ids=["no-correct", "two-correct-single", "all-correct-multiple", "one-option", "no-text"],
)
def test_a_bad_question_is_refused_and_the_form_keeps_it(client, path, changes, message):
    """Protects the quiz's rules, the bundle's own: the reason is shown, what was
    typed stays in the form, and nothing is written."""
    before = database_state()
    data = question_data(path, explanation="My typed explanation", **changes)
    response = client.post(reverse("quiz_edit", args=[path.slug]), data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert message in html and "My typed explanation</textarea>" in html
    assert database_state() == before


@pytest.mark.django_db
def test_editing_a_question_keeps_its_options_in_place(client, path):
    """Protects past answers: options are updated in place (same rows), an emptied
    row is dropped, and the correct mark moves."""
    question = path.quiz_questions.get(key="which")
    ids = list(question.options.values_list("id", flat=True))
    prefix = f"question-{question.pk}"
    data = question_data(
        path, prefix, option_0="Left", correct_0=None, option_1="Right", correct_1="on"
    )
    response = client.post(reverse("question_update", args=[path.slug, question.pk]), data)
    assert response.status_code == HTTPStatus.FOUND
    assert list(question.options.values_list("id", "text", "correct")) == [
        (ids[0], "Left", False),
        (ids[1], "Right", True),
    ]
    client.post(reverse("question_delete", args=[path.slug, question.pk]))
    assert not QuizQuestion.objects.filter(pk=question.pk).exists()
    assert not QuizOption.objects.filter(pk__in=ids).exists()


@pytest.mark.django_db
def test_deleting_a_lesson_takes_its_cards_and_questions_and_export_stays_valid(client, path):
    """Protects the bundle from orphans: a card or question without its lesson could
    not be exported, so they go with the lesson."""
    client.post(reverse("lesson_delete", args=[path.slug, "one"]))
    assert list(path.flashcards.values_list("key", flat=True)) == ["three"]
    assert not path.quiz_questions.exists()
    assert exports_cleanly(path)


@pytest.mark.django_db
def test_a_heading_removed_from_a_lesson_unlinks_its_questions(client, path):
    """Protects the bundle's section check: when the heading a question points at
    disappears from the lesson, the question points at the lesson's top instead."""
    lesson = path.lessons.get(slug="one")
    client.post(
        reverse("lesson_edit", args=[path.slug, "one"]),
        {"title": lesson.title, "body": "No headings now.\n", "version": lesson.version},
    )
    assert path.quiz_questions.get(key="which").section == ""
    assert exports_cleanly(path)


@pytest.mark.django_db
def test_a_copy_carries_cards_and_quiz_tied_to_its_own_lessons(client, learner, first_path):
    """Protects the clone of practice: every card and question (with options) is
    copied, pointing at the copy's lessons, never at the original's."""
    client.force_login(learner)
    client.post(reverse("path_clone", args=[first_path.slug]))
    copy = LearningPath.objects.get(owner=learner)
    assert copy.flashcards.count() == first_path.flashcards.count() > 0
    assert copy.quiz_questions.count() == first_path.quiz_questions.count() > 0
    assert QuizOption.objects.filter(question__path=copy).count() == (
        QuizOption.objects.filter(question__path=first_path).count()
    )
    copy_lessons = set(copy.lessons.values_list("id", flat=True))
    assert set(copy.flashcards.values_list("lesson_id", flat=True)) <= copy_lessons
    assert set(copy.quiz_questions.values_list("lesson_id", flat=True)) <= copy_lessons


@pytest.mark.django_db
def test_reviews_and_quiz_attempts_on_a_copy_work_as_on_the_original(client, learner, first_path):
    """Protects learning on one's own copy: a card reviewed there is recorded for the
    copy's card; a quiz can be started there."""
    client.force_login(learner)
    client.post(reverse("path_clone", args=[first_path.slug]))
    copy = LearningPath.objects.get(owner=learner)
    card = copy.flashcards.order_by("position").first()
    response = client.post(
        reverse("path_flashcards_study", args=[copy.slug]),
        {"card": card.pk, "rating": 3, "reps": 0, "key": uuid.uuid4()},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Review.objects.get(learner=learner).card == card
    started = client.post(reverse("quiz_start", args=[copy.slug]))
    assert started.status_code == HTTPStatus.FOUND
    assert client.get(started["Location"]).status_code == HTTPStatus.OK
