"""A learner meets a glossary term in a lesson, in a real browser."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_term_shows_its_definition_on_hover_and_focus_and_links_to_the_glossary(
    page, live_server, first_path
):
    """Protects "define before use": a term's definition is hidden until the pointer is
    on it or the keyboard reaches it, is the link's accessible description, hides on
    Escape, and the link opens the glossary at that term."""
    lesson = first_path.lessons.get(slug="maximum-likelihood-and-cross-entropy")
    page.goto(live_server.url + lesson.get_absolute_url())
    link = page.locator(".lesson-body .term > a").first
    tip = page.locator(".lesson-body .term-tip").first
    assert not tip.is_visible()
    definition = tip.text_content()
    expect(link).to_have_accessible_description(definition)  # read while still hidden

    link.hover()
    assert tip.is_visible()
    page.mouse.move(0, 0)
    assert not tip.is_visible()

    link.focus()
    assert tip.is_visible()
    assert tip.inner_text() == definition
    page.keyboard.press("Escape")
    assert not tip.is_visible()
    assert link.evaluate("a => a === document.activeElement")  # focus stays on the word

    anchor = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_url(f"**/glossary/#{anchor}")
    entry = page.locator(f"dt#{anchor}")
    assert entry.is_visible()
    assert page.locator(f"dt#{anchor} + dd").inner_text().startswith(definition)


def test_a_tooltip_stays_on_a_phone_screen(browser, live_server, first_path):
    """Protects phone readers: an open tooltip fits inside the 390 px screen."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    lesson = first_path.lessons.get(slug="maximum-likelihood-and-cross-entropy")
    page.goto(live_server.url + lesson.get_absolute_url())
    page.locator(".lesson-body .term > a").first.focus()
    box = page.locator(".lesson-body .term-tip").first.bounding_box()
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert width <= 390
