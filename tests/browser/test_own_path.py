"""A new learner makes the first path their own in a real browser (Debian's chromium)."""

import pytest

from lessons.models import Flashcard, LearningPath, Lesson, Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_make_the_path_your_own_rename_a_lesson_add_a_card_and_study_it(
    page, live_server, first_path
):
    """Protects the whole "make it your own" flow as a learner meets it: path page →
    sign up → private copy → rename a lesson in place (htmx, no reload) → rewrite it
    with a live KaTeX preview → save → the copy's lesson page shows it → add a
    flashcard → study the copy's deck until it comes up, flip it, rate it. The
    original does not change."""
    page.goto(live_server.url + first_path.get_absolute_url())
    page.get_by_role("button", name="Make it your own").click()
    page.locator("#id_username").fill("lin")
    page.locator("#id_password1").fill("a-long-passphrase-1")
    page.locator("#id_password2").fill("a-long-passphrase-1")
    page.locator("main").get_by_role("button", name="Sign up").click()
    page.get_by_role("button", name="Make my copy").click()
    page.wait_for_url("**/paths/how-generative-ai-works-lin/edit/")
    page.get_by_text("This copy is yours").wait_for()

    node = page.locator("#node-history")
    node.get_by_text("Rename").click()
    node.get_by_label("New title for “Short history and milestones”").fill(
        "A short history, my way"
    )
    editor_url = page.url
    node.get_by_role("button", name="Save title").click()
    page.locator("#node-history .edit-title", has_text="A short history, my way").wait_for()
    assert page.url == editor_url  # swapped in place by htmx

    page.locator("#node-history .edit-title").click()
    page.wait_for_url("**/edit/lessons/history/")
    body = page.get_by_label("Text (Markdown, $math$ for formulas)")
    body.fill("## Mine\n\nThe energy of a sample: $E = mc^2$.\n")
    page.locator("#preview h2", has_text="Mine").wait_for()
    page.locator("#preview .katex").first.wait_for()  # the live preview typeset the math
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Lesson saved.").wait_for()

    page.get_by_role("link", name="View the lesson").click()
    page.locator(".lesson-body .katex").first.wait_for()
    assert page.locator("h1").inner_text() == "A short history, my way"

    page.goto(live_server.url + "/paths/how-generative-ai-works-lin/edit/")
    page.get_by_role("link", name="Edit the flashcards").click()
    add = page.get_by_role("region", name="Add a card")
    add.get_by_label("From the lesson").select_option(label="1 Introduction and definition")
    add.get_by_label("Front (question, Markdown)").fill("What did I add, $\\alpha$?")
    add.get_by_label("Back (answer, Markdown)").fill("My own card.")
    add.get_by_role("button", name="Add card").click()
    page.get_by_text("Card added.").wait_for()

    page.get_by_role("link", name="Study them").click()
    page.get_by_role("button", name="Study now").click()
    page.wait_for_url("**/how-generative-ai-works-lin/flashcards/study/")
    for _ in range(10):  # new cards come in the path's order; ours follows its lesson's
        front = page.locator("#study-card .face-front")
        front.wait_for()
        mine = "What did I add" in front.inner_text()
        page.keyboard.press("Space")
        page.locator("#study-card .face-back").wait_for()
        if mine:
            assert page.locator("#study-card .face-back").inner_text() == "My own card."
        page.keyboard.press("3")
        page.locator("#study-card .face-back").wait_for(state="detached")
        if mine:
            break
    card = Flashcard.objects.get(path__slug="how-generative-ai-works-lin", back="My own card.")
    assert Review.objects.filter(card=card, learner__username="lin", rating=3).exists()

    copy = LearningPath.objects.get(slug="how-generative-ai-works-lin")
    assert copy.owner.username == "lin" and copy.cloned_from_id == first_path.id
    original = Lesson.objects.get(path=first_path, slug="history")
    assert original.title == "Short history and milestones" and "$E = mc^2$" not in original.body
    assert not first_path.flashcards.filter(back="My own card.").exists()
