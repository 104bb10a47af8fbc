"""A new learner studies flashcards with the keyboard and takes the whole quiz, in a
real browser (Debian's chromium)."""

import re

import pytest
from django.template.defaultfilters import floatformat

from lessons.models import CardState, QuizAttempt, Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_learner_studies_three_cards_by_keyboard_then_takes_the_quiz(
    page, live_server, first_path
):
    """Protects the recall-and-test flow end to end: sign up; the path page links the
    deck with its counts; on the study page Space flips and 1–4 rate, via htmx with
    no page load; three cards are reviewed once each; then all sixteen
    questions are answered one at a time with feedback, and the score page shows. All
    the math of the 23 cards and 25 questions typesets without a KaTeX error."""
    page.goto(live_server.url + "/accounts/signup/")
    page.locator("#id_username").fill("newlearner")
    page.locator("#id_password1").fill("a-long-passphrase")
    page.locator("#id_password2").fill("a-long-passphrase")
    page.locator("main").get_by_role("button", name="Sign up").click()
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + first_path.get_absolute_url())
    page.get_by_role("link", name=re.compile("Flashcards")).click()
    page.get_by_role("button", name="Study now").click()
    page.wait_for_url("**/flashcards/study/")
    loads = []
    page.on("load", lambda p: loads.append(p.url))
    for rating in ["3", "4", "1"]:
        front = page.locator("#study-card .face-front").inner_text()
        page.keyboard.press("Space")
        page.locator("#study-card .face-back").wait_for()
        assert page.locator("#study-card .rating-interval").count() == 4
        page.keyboard.press(rating)
        page.wait_for_function(
            "front => !document.querySelector('#study-card .face-back') && "
            "document.querySelector('#study-card .face-front').innerText !== front",
            arg=front,
        )
    assert loads == []  # htmx swapped every card in place
    assert page.locator("#study-card .katex-error").count() == 0
    reviews = Review.objects.filter(learner__username="newlearner")
    assert sorted(reviews.values_list("rating", flat=True)) == [1, 3, 4]
    assert CardState.objects.filter(learner__username="newlearner").count() == 3

    page.goto(live_server.url + first_path.get_absolute_url())
    page.get_by_role("link", name=re.compile("Quiz")).click()
    page.get_by_role("button", name="Start the quiz").click()
    total = first_path.quiz_questions.count()
    for number in range(1, total + 1):
        page.get_by_text(f"Question {number} of {total}").wait_for()
        page.locator("#quiz-step label.option").first.click()
        page.get_by_role("button", name="Check answer").click()
        page.locator("#quiz-step .explanation").wait_for()
        assert page.locator("#quiz-step .verdict").is_visible()
        if number < total:
            page.get_by_role("button", name="Next question").click()
    page.get_by_role("button", name="See your score").click()
    page.wait_for_url("**/result/")
    attempt = QuizAttempt.objects.get(learner__username="newlearner")
    assert attempt.finished_at is not None and attempt.answers.count() == total
    score = page.locator("h1.score").inner_text()
    assert score.startswith(f"{floatformat(attempt.score, '-2')} / {total}")
    assert page.locator(".result-item").count() == total
    untypeset = ".arithmatex:not(:has(.katex)), .katex-error"
    assert page.locator(untypeset).count() == 0  # every question, option, explanation
    page.goto(live_server.url + f"{first_path.get_absolute_url()}flashcards/")
    page.wait_for_function("() => document.querySelector('.card-list .katex')")
    assert page.locator(untypeset).count() == 0  # every card's front and back
