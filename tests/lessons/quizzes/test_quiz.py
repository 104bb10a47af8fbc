"""The quiz: scoring (partial credit on multiple answers), stable shuffling, the
one-question-at-a-time flow with and without htmx, refusals, history, and content."""

import re
import threading
from http import HTTPStatus

import pytest
from django.db import IntegrityError, connection, transaction
from django.template.defaultfilters import floatformat
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.timezone import now as django_now

from lessons.markdown import render_markdown
from lessons.models import QuestionKind, QuizAnswer, QuizAttempt
from lessons.quizzes import grading as quizzes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "kind, chosen, correct, points",
    [
        (QuestionKind.SINGLE, {1}, {1}, 1.0),
        (QuestionKind.SINGLE, {2}, {1}, 0.0),
        (QuestionKind.MULTIPLE, {1, 2, 3}, {1, 2, 3}, 1.0),
        (QuestionKind.MULTIPLE, {1, 2}, {1, 2, 3}, 2 / 3),
        (QuestionKind.MULTIPLE, {1, 2, 4}, {1, 2, 3}, 1 / 3),
        (QuestionKind.MULTIPLE, {1, 4}, {1, 2}, 0.0),
        (QuestionKind.MULTIPLE, {1, 2, 3, 4}, {1, 2}, 0.0),
        (QuestionKind.MULTIPLE, {4, 5}, {1, 2}, 0.0),
    ],
    ids=["single-right", "single-wrong", "multi-all", "multi-two-of-three",
         "multi-one-slip", "multi-cancel", "multi-everything", "multi-all-wrong"],
)  # fmt: skip
def test_scoring_gives_partial_credit_on_multiple_answers(kind, chosen, correct, points):
    """Protects the stated rule: max(0, (right chosen − wrong chosen) / right options);
    single-answer questions are all or nothing; choosing everything earns nothing."""
    assert quizzes.answer_points(kind=kind, chosen=chosen, correct=correct) == pytest.approx(points)


def start(client, path) -> QuizAttempt:
    """Press the quiz page's start button as the page offers it: next to an unfinished
    attempt it is "Start a new attempt", which names (and so finishes) that one."""
    page = client.get(reverse("path_quiz", args=[path.slug])).content.decode()
    replacing = re.findall(r'name="replacing" value="(\d+)"', page)
    response = client.post(reverse("quiz_start", args=[path.slug]), {"replacing": replacing})
    assert response.status_code == HTTPStatus.FOUND
    return QuizAttempt.objects.latest("id")


def press_start(client, path, **data) -> int:
    """A plain POST to the start button (a double click, a retry): the attempt it opens."""
    response = client.post(reverse("quiz_start", args=[path.slug]), data)
    assert response.status_code == HTTPStatus.FOUND
    return int(response["Location"].rstrip("/").rsplit("/", 1)[1])


def attempt_url(attempt, name="quiz_attempt"):
    return reverse(name, args=[attempt.path.slug, attempt.id])


def shown_order(client, attempt) -> tuple[list[int], list[list[int]]]:
    rows = quizzes.attempt_review(attempt=attempt)
    return [r.question.id for r in rows], [[o.id for o in r.options] for r in rows]


def test_shuffle_is_stable_per_attempt_and_new_per_retake(client, first_path):
    """Protects the order: a reload shows the same questions and options in the same
    order (seeded per attempt); a retake draws a new order of both."""
    first = start(client, first_path)
    shown = [option_values(client.get(attempt_url(first))) for _ in range(2)]
    assert shown[0] == shown[1] and len(shown[0]) >= 4
    again = QuizAttempt.objects.get(id=first.id)
    assert shown_order(client, first) == shown_order(client, again)
    orders = {tuple(shown_order(client, start(client, first_path))[0]) for _ in range(4)}
    options = {
        tuple(map(tuple, shown_order(client, start(client, first_path))[1])) for _ in range(4)
    }
    assert len(orders) > 1 and len(options) > 1
    assert sorted(shown_order(client, first)[0]) == sorted(
        first_path.quiz_questions.values_list("id", flat=True)
    )


def option_values(response) -> list[str]:
    return re.findall(r'name="option" value="(\d+)"', response.content.decode())


def answer(client, attempt, question_id, option_ids, htmx=False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    data = {"question": question_id, "option": option_ids}
    return client.post(attempt_url(attempt, "quiz_answer"), data, **headers)


def test_whole_quiz_without_javascript_scores_and_reviews_every_answer(client, first_path):
    """Protects the plain-form flow: each answer redirects to its feedback (explanation
    and lesson link), then to the next question; the last finishes the attempt, and the
    score page reviews every question with the points the rule gives."""
    attempt = start(client, first_path)
    rows = quizzes.attempt_review(attempt=attempt)
    expected = 0.0
    for index, row in enumerate(rows):
        page = client.get(attempt_url(attempt)).content.decode()
        assert f'name="question" value="{row.question.id}"' in page
        correct = sorted(row.correct)
        wrong = [o.id for o in row.options if not o.correct]
        if index % 3 == 0:  # right
            chosen, expected = correct, expected + 1
        elif row.question.kind == QuestionKind.MULTIPLE and len(correct) > 1:  # partial
            chosen = correct[:-1]
            expected += (len(correct) - 1) / len(correct)
        else:  # wrong
            chosen = wrong[:1]
        response = answer(client, attempt, row.question.id, chosen)
        assert response.status_code == HTTPStatus.FOUND
        feedback = client.get(response["Location"]).content.decode()
        assert render_markdown(row.question.explanation).html in feedback
        assert row.question.lesson_url() in feedback
    attempt.refresh_from_db()
    assert attempt.finished_at is not None
    assert attempt.score == pytest.approx(expected)
    result = client.get(attempt_url(attempt, "quiz_result")).content.decode()
    total = first_path.quiz_questions.count()
    assert f'class="score">{floatformat(expected, "-2")} / {total} ' in result
    assert result.count('class="result-item') == total
    assert "max(0, (right chosen − wrong chosen) ÷ number of right options)" in result


def test_answer_with_htmx_returns_the_feedback_partial(client, first_path):
    """Protects the htmx flow: the answer's response is the `quiz-step` fragment with the
    verdict and a Next button that loads the next question in place."""
    attempt = start(client, first_path)
    row = quizzes.attempt_review(attempt=attempt)[0]
    response = answer(client, attempt, row.question.id, sorted(row.correct), htmx=True)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert html.lstrip().startswith('<section id="quiz-step"') and "<html" not in html
    assert "Right." in html and f'hx-get="{attempt_url(attempt)}"' in html
    step = client.get(attempt_url(attempt), HTTP_HX_REQUEST="true").content.decode()
    second = quizzes.attempt_review(attempt=attempt)[1]
    assert f'name="question" value="{second.question.id}"' in step


def test_bad_answers_are_refused_with_a_4xx_and_change_nothing(client, first_path):
    """Protects the answer form: answering twice, an option of another question, no
    option, several options on a single-answer question, a question outside the
    attempt, and answering after the attempt finished: clear 4xx, nothing stored."""
    attempt = start(client, first_path)
    rows = quizzes.attempt_review(attempt=attempt)
    first, second = rows[0], rows[1]
    assert answer(client, attempt, first.question.id, sorted(first.correct)).status_code == 302
    single = next(r for r in rows[1:] if r.question.kind == QuestionKind.SINGLE)

    def state():
        return list(QuizAnswer.objects.values_list("id", "question_id", "points")), list(
            QuizAttempt.objects.values_list("id", "finished_at", "score")
        )

    before = state()
    cases = [
        ((first.question.id, [first.options[0].id]), HTTPStatus.CONFLICT, "already answered"),
        ((second.question.id, [first.options[0].id]), HTTPStatus.BAD_REQUEST, "does not belong"),
        ((second.question.id, []), HTTPStatus.BAD_REQUEST, "Choose an answer"),
        ((single.question.id, [o.id for o in single.options[:2]]), HTTPStatus.BAD_REQUEST, "one"),
        ((999999, [first.options[0].id]), HTTPStatus.BAD_REQUEST, "not part of this attempt"),
        ((second.question.id, ["x"]), HTTPStatus.BAD_REQUEST, "not understood"),
    ]
    for (question, options), status, message in cases:
        response = answer(client, attempt, question, options, htmx=True)
        assert response.status_code == status, message
        assert message in response.content.decode()
        assert state() == before

    client.post(attempt_url(attempt, "quiz_finish"))
    attempt.refresh_from_db()
    assert attempt.finished_at is not None and attempt.score == 1
    finished = state()
    response = answer(client, attempt, second.question.id, sorted(second.correct))
    assert response.status_code == HTTPStatus.CONFLICT
    assert "finished" in response.content.decode()
    assert state() == finished


def test_attempts_are_private_to_their_learner(client, first_path, learner, django_user_model):
    """Protects ownership: another learner (or an anonymous visitor) gets 404 for an
    attempt's page, its answers and its result, and can change nothing."""
    client.force_login(learner)
    attempt = start(client, first_path)
    row = quizzes.attempt_review(attempt=attempt)[0]
    other = Client()
    other.force_login(django_user_model.objects.create_user("grace", password="x-long-pass"))
    for visitor in (other, Client()):
        assert visitor.get(attempt_url(attempt)).status_code == HTTPStatus.NOT_FOUND
        assert visitor.get(attempt_url(attempt, "quiz_result")).status_code == 404
        assert answer(visitor, attempt, row.question.id, sorted(row.correct)).status_code == 404
    assert not QuizAnswer.objects.exists()


def test_history_and_best_score_on_quiz_and_path_pages(client, first_path, learner):
    """Protects the history: every attempt is listed with its score; the best one is
    shown on the quiz page and on the path page."""
    client.force_login(learner)
    for right in (3, 7):
        attempt = start(client, first_path)
        for index, row in enumerate(quizzes.attempt_review(attempt=attempt)):
            chosen = row.correct if index < right else {o.id for o in row.options} - row.correct
            quizzes.answer_record(
                attempt=attempt,
                question_id=row.question.id,
                option_ids=sorted(chosen)[:1]
                if row.question.kind == QuestionKind.SINGLE
                else sorted(chosen),
            )
    start(client, first_path)  # one in progress
    html = client.get(reverse("path_quiz", args=[first_path.slug])).content.decode()
    n = first_path.quiz_questions.count()
    best, other = f"7 / {n} ({round(700 / n)}%)", f"3 / {n} ({round(300 / n)}%)"
    assert f"Best score: <strong>7 / {n}</strong> ({round(700 / n)}%)" in html
    assert other in html and "in progress" in html and "Resume" in html
    path_html = client.get(first_path.get_absolute_url()).content.decode()
    assert f"Best score: {best}" in path_html


def test_anonymous_attempts_are_kept_on_sign_in(client, first_path, learner):
    """Protects anonymous quizzes: attempts live in the session, then become the
    learner's when they sign in."""
    attempt = start(client, first_path)
    assert attempt.learner is None
    client.post(reverse("login"), {"username": "ada", "password": "a-long-passphrase"})
    attempt.refresh_from_db()
    assert attempt.learner == learner


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "anonymous"])
def test_starting_again_resumes_the_open_attempt_and_a_retake_is_new(
    client, first_path, learner, signed_in
):
    """Protects quiz start from double submits: pressing Start again while an attempt is
    open goes back to that attempt; once it is finished, Start begins a new one."""
    if signed_in:
        client.force_login(learner)
    first = press_start(client, first_path)
    assert press_start(client, first_path) == first
    assert QuizAttempt.objects.get().session_key == (
        "" if signed_in else client.session.session_key
    )
    client.post(attempt_url(QuizAttempt.objects.get(id=first), "quiz_finish"))
    assert press_start(client, first_path) != first
    assert QuizAttempt.objects.filter(finished_at__isnull=True).count() == 1


def test_start_a_new_attempt_finishes_the_unfinished_one_once(client, first_path, learner):
    """Protects "Start a new attempt" next to an unfinished one: that one is finished as
    it stands (its answers scored) and a new one opens; the same press sent again goes
    to that new attempt, it does not start a third."""
    client.force_login(learner)
    old = QuizAttempt.objects.get(id=press_start(client, first_path))
    row = quizzes.attempt_review(attempt=old)[0]
    answer(client, old, row.question.id, sorted(row.correct))
    new = press_start(client, first_path, replacing=old.id)
    assert press_start(client, first_path, replacing=old.id) == new != old.id
    old.refresh_from_db()
    assert old.finished_at is not None and old.score == 1
    assert QuizAttempt.objects.count() == 2


def test_the_database_holds_one_open_attempt_per_learner_and_per_session(first_path, learner):
    """Protects the rule below the service: a second open attempt at a path, for one
    learner or one anonymous session, is refused by the database; finished ones and
    other sessions are not limited."""

    def add(**owner):
        QuizAttempt.objects.create(path=first_path, seed=1, question_ids=[], **owner)

    for owner in ({"learner": learner}, {"session_key": "s" * 32}):
        add(**owner)
        with pytest.raises(IntegrityError), transaction.atomic():
            add(**owner)
        add(**owner, finished_at=django_now(), score=0)
    add(session_key="t" * 32)
    assert QuizAttempt.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_by_one_learner_open_one_attempt(first_path, learner):
    """Protects the start service under concurrency: four threads (four database
    connections) start the same learner's quiz at once; one attempt is created, and
    every call returns it."""
    barrier, results = threading.Barrier(4), []

    def begin():
        request = RequestFactory().post("/")
        request.user, request.session = learner, {}
        try:
            barrier.wait()
            results.append(quizzes.attempt_start(request=request, path=first_path))
        finally:
            connection.close()

    threads = [threading.Thread(target=begin) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    attempt = QuizAttempt.objects.get()
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert {a.id for a, _ in results} == {attempt.id}


def test_sign_in_with_an_open_attempt_on_both_sides_keeps_one_open(client, first_path, learner):
    """Protects the merge on sign-in: the learner's own open attempt stays open, the
    anonymous one (stored under the session key, or listed in a session from before)
    is finished as it stands, and all become the learner's."""
    mine = QuizAttempt.objects.create(path=first_path, learner=learner, seed=1, question_ids=[])
    anonymous = QuizAttempt.objects.get(id=press_start(client, first_path))
    listed = QuizAttempt.objects.create(path=first_path, seed=2, question_ids=[])
    session = client.session
    session[quizzes.SESSION_ATTEMPTS] = [listed.id]
    session.save()
    client.post(reverse("login"), {"username": "ada", "password": "a-long-passphrase"})
    attempts = QuizAttempt.objects.filter(learner=learner)
    assert set(attempts.values_list("id", flat=True)) == {mine.id, anonymous.id, listed.id}
    assert attempts.get(finished_at__isnull=True) == mine


def test_the_paths_quiz_has_25_questions_each_linked_to_a_real_section(client, first_path):
    """Protects the content: 25 questions (nine of them predict-then-sample), the first
    as the brief asks, both kinds, and every lesson link's anchor is a heading id on
    that lesson's page."""
    questions = list(first_path.quiz_questions.select_related("lesson"))
    assert len(questions) == 25
    assert questions[0].text == (
        "What is the primary difference between a generative model and a discriminative model?"
    )
    assert {q.kind for q in questions} == {QuestionKind.SINGLE, QuestionKind.MULTIPLE}
    for question in questions:
        assert question.section
        html = client.get(question.lesson.get_absolute_url()).content.decode()
        assert f'id="{question.section}"' in html, question.key
    assert first_path.flashcards.count() == 23
    assert all(card.lesson_id for card in first_path.flashcards.all())
