"""The learning loop in a real browser: take the quiz saying how sure you are, miss a
question, and find its card in the study queue with the reason it is there."""

import re

import pytest

from lessons.models import CardRequeue, QuizAnswer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_missed_question_with_certainty_comes_back_as_a_card_with_its_reason(
    page, live_server, first_path, django_user_model
):
    """Protects the loop end to end: a signed-in learner answers the first question
    wrong saying "Sure" (mark −6 shown), the rest right saying "Fairly sure"; the score
    page shows the certainty-based total and the calibration plot; the study queue then
    opens on a card of the missed question's lesson, saying which question was missed."""
    django_user_model.objects.create_user(username="ada", password="a-long-passphrase")
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_username").fill("ada")
    page.locator("#id_password").fill("a-long-passphrase")
    page.locator("main").get_by_role("button", name=re.compile("Sign in|Log in")).click()
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + f"{first_path.get_absolute_url()}quiz/")
    page.get_by_role("button", name="Start the quiz").click()
    total = first_path.quiz_questions.count()
    for number in range(1, total + 1):
        page.get_by_text(f"Question {number} of {total}").wait_for()
        question_id = int(page.locator('#quiz-step input[name="question"]').get_attribute("value"))
        question = first_path.quiz_questions.get(id=question_id)
        right = {o.id for o in question.options.all() if o.correct}
        for box in page.locator('#quiz-step input[name="option"]').all():
            chosen = int(box.get_attribute("value")) in right
            if chosen != (number == 1):  # the first: only wrong options; the rest: right ones
                box.check()
        page.get_by_label("Sure", exact=True).check() if number == 1 else page.get_by_label(
            "Fairly sure"
        ).check()
        page.get_by_role("button", name="Check answer").click()
        page.locator("#quiz-step .explanation").wait_for()
        if number == 1:
            missed = question
            assert "−6" in page.locator("#quiz-step .verdict").inner_text() or "-6" in (
                page.locator("#quiz-step .verdict").inner_text()
            )
            assert page.locator("#quiz-step .requeued").is_visible()
        if number < total:
            page.get_by_role("button", name="Next question").click()
    page.get_by_role("button", name="See your score").click()
    page.wait_for_url("**/result/")
    expected = -6 + 2 * (total - 1)
    assert f"Certainty-based marks: {expected}" in page.locator(".cbm-total").inner_text()
    assert page.locator("svg#calibration title").text_content().startswith("How often")

    answer = QuizAnswer.objects.get(question=missed)
    assert (answer.certainty, answer.mark) == (3, -6)
    requeued = CardRequeue.objects.filter(answer=answer)
    assert requeued.exists()
    page.goto(live_server.url + f"{first_path.get_absolute_url()}flashcards/study/")
    reason = page.locator("#study-card .requeue-reason")
    reason.wait_for()
    assert "You missed the question" in reason.inner_text()
    shown = page.locator("#study-card .face-front").inner_text()
    fronts = [r.card.front for r in requeued.select_related("card")]
    assert any(front.split("$")[0].strip()[:30] in shown for front in fronts)
