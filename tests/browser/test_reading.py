"""A new learner reads the first path in a real browser (Debian's chromium)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_learner_reads_a_lesson_sees_math_and_marks_it_complete(page, live_server, first_path):
    """Protects the whole reading flow as a learner meets it: home → path → tree →
    lesson with KaTeX-typeset math → "Mark complete" via htmx → the bar moves."""
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="How does generative AI work?").first.click()
    page.wait_for_url("**/paths/how-generative-ai-works/")
    assert page.locator("progress").first.get_attribute("value") == "0"

    page.locator(".tree").get_by_role("link", name="Latent-variable modelling and ELBO").click()
    page.wait_for_url("**/lessons/latent-variables-and-the-elbo/")
    page.locator(".lesson-body .katex").first.wait_for()  # KaTeX ran, offline
    assert page.locator(".lesson-body .katex-error").count() == 0

    progress = page.locator("#lesson-progress progress")
    assert progress.get_attribute("value") == "0"
    page.get_by_role("button", name="Mark complete").click()
    page.get_by_text("You completed this lesson.").wait_for()
    assert progress.get_attribute("value") == "1"
    assert page.url.endswith("/lessons/latent-variables-and-the-elbo/")  # no reload

    page.goto(live_server.url + first_path.get_absolute_url())
    assert page.locator("progress").first.get_attribute("value") == "1"
    assert page.get_by_text("Continue where you left off").is_visible()


def test_every_lesson_typesets_its_math_without_errors(page, live_server, first_path):
    """Protects the content: every formula in every lesson is valid KaTeX."""
    bad = []
    for lesson in first_path.lessons.order_by("id"):
        page.goto(live_server.url + lesson.get_absolute_url())
        page.wait_for_load_state("load")
        page.wait_for_function("() => window.renderMathInElement !== undefined")
        errors = page.locator(".lesson-body .katex-error").count()
        raw = page.locator(".lesson-body .arithmatex:not(:has(.katex))").count()
        if errors or raw:
            bad.append((lesson.slug, errors, raw))
    assert bad == []


def test_lesson_page_reads_on_a_phone(browser, live_server, first_path):
    """Protects phone-width reading: nothing wider than the screen but formulas and
    code, which scroll inside their own boxes."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + first_path.lessons.get(slug="diffusion-models").get_absolute_url())
    page.locator(".lesson-body .katex").first.wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 390
