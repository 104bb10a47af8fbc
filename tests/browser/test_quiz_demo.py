"""Predict, then sample, in a real browser with a real broker and worker."""

import re

import pytest

from demos.models import DemoRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_learner_answers_a_predict_then_sample_question_then_sees_the_model_do_it(
    page, live_server, worker, first_path
):
    """Protects the loop in the browser: the learner answers questions until one
    carries a demo; before the answer there is no demo on the page and no run; after
    it, the Lab's run starts by itself beside the explanation and its result appears
    in place (htmx polling), with the link to the run's page."""
    page.goto(live_server.url + first_path.get_absolute_url() + "quiz/")
    page.get_by_role("button", name="Start the quiz").click()
    total = first_path.quiz_questions.count()
    for number in range(1, total + 1):
        page.get_by_text(f"Question {number} of {total}").wait_for()
        text = page.locator("#quiz-step .question-text").first.inner_text()
        predict = text.startswith("Predict, then sample.")
        assert page.locator(".quiz-demo").count() == 0
        runs = DemoRun.objects.count()
        page.locator("#quiz-step label.option").first.click()
        page.get_by_role("button", name="Check answer").click()
        page.locator("#quiz-step .explanation").wait_for()
        if predict:
            break
        assert runs == DemoRun.objects.count() and page.locator(".quiz-demo").count() == 0
        page.get_by_role("button", name="Next question").click()
    assert predict, "no predict-then-sample question in the quiz"
    assert runs == 0  # nothing was started before this answer
    demo = page.locator(".explain-demo .quiz-demo")
    demo.get_by_role("heading", name="Now see the model do it").wait_for()
    page.locator(".quiz-demo .run-succeeded, .quiz-demo .run-failed").wait_for(timeout=60_000)
    assert page.locator(".quiz-demo .run-failed").count() == 0
    result = page.locator(".quiz-demo .result")
    assert result.locator("img, svg, .generated").count() > 0
    run = DemoRun.objects.get()
    assert re.search(str(run.id), page.locator(".quiz-demo a.permalink").get_attribute("href"))
    assert page.locator(".explain-demo .explanation").is_visible()
