"""A learner listens to the path's episode in a real browser (Debian's chromium)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clicking_a_chapter_seeks_the_player_and_the_transcript_follows(
    page, live_server, first_path
):
    """Protects listening: the Range-served audio loads, clicking the second chapter
    moves the player's current time there, and the transcript highlights the line
    being spoken at that time (the chapter's first sentence)."""
    chapter = first_path.episode.chapters[1]
    page.goto(live_server.url + first_path.get_absolute_url())
    page.get_by_role("link", name="Podcast").click()
    page.wait_for_url("**/podcast/")
    page.wait_for_function("document.getElementById('episode-audio').readyState >= 1")
    duration = page.evaluate("document.getElementById('episode-audio').duration")
    assert abs(duration - first_path.episode.duration) < 1

    page.locator(".chapters").get_by_role("link", name=chapter["title"]).click()
    page.wait_for_function(
        f"document.getElementById('episode-audio').currentTime >= {chapter['start']} - 0.05"
    )
    # Pause, so a slow machine's playback cannot move on while we look.
    now = page.evaluate(
        "(() => { const a = document.getElementById('episode-audio');"
        " a.pause(); return a.currentTime; })()"
    )
    assert chapter["start"] - 0.05 <= now < chapter["start"] + 2.5

    page.wait_for_function("document.querySelectorAll('#transcript .cue.is-current').length == 1")
    current = page.locator("#transcript .cue.is-current")
    start, end = (float(current.get_attribute(a)) for a in ("data-start", "data-end"))
    assert start >= chapter["start"] - 0.01  # a line of the second chapter...
    assert start - 1 <= now < end  # ...the one being spoken now
    if now < chapter["start"] + 1:
        assert current.inner_text() == "The path names five families."
    current_chapter = page.locator(".chapters a[aria-current='true']")
    assert chapter["title"] in current_chapter.inner_text()
    # The highlighted line is in view inside the transcript's scrolling box.
    visible = page.evaluate(
        """() => {
          const box = document.getElementById('transcript').getBoundingClientRect();
          const cue = document.querySelector('.cue.is-current').getBoundingClientRect();
          return cue.top >= box.top && cue.bottom <= box.bottom;
        }"""
    )
    assert visible

    # Speed is a labelled control; the place the learner stopped survives a reload.
    page.get_by_label("Speed").select_option("1.5")
    assert page.evaluate("document.getElementById('episode-audio').playbackRate") == 1.5
    page.reload()
    page.wait_for_function("document.getElementById('episode-audio').readyState >= 1")
    page.get_by_text("Picked up where you stopped").wait_for()
    resumed = page.evaluate("document.getElementById('episode-audio').currentTime")
    assert resumed == pytest.approx(now, abs=0.2)
    assert page.evaluate("document.getElementById('episode-audio').playbackRate") == 1.5
