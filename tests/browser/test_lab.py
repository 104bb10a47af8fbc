"""A new learner samples in the Lab with a real browser, a real broker and a worker."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records, from before the first click, whether a progress bar was ever on the page
# (a quick run may finish between two looks) and the largest value it showed.
WATCH_PROGRESS = """
window.sawProgress = false; window.maxProgress = 0;
new MutationObserver(() => {
  for (const bar of document.querySelectorAll("progress.run-progress")) {
    window.sawProgress = true;
    window.maxProgress = Math.max(window.maxProgress, Number(bar.getAttribute("value") || 0));
  }
}).observe(document.body, {subtree: true, childList: true, attributes: true});
"""


def test_new_learner_runs_diffusion_then_the_transformer(page, live_server, worker):
    """Protects the Lab as a learner meets it: Lab → diffusion → DDIM with 20 steps →
    the progress bar appears and the digits grid replaces it, without a page load;
    a click on the flow's density map gives that point's log p; then the Transformer
    writes names by default, each marked new or remembered, the first one's letters
    with the candidates and their probabilities."""
    page.goto(live_server.url + "/lab/")
    page.get_by_role("link", name="Diffusion model").first.click()
    page.wait_for_url("**/lab/diffusion/")
    page.get_by_label("Sampler").select_option("ddim")
    page.get_by_label("Steps").fill("20")
    page.evaluate(WATCH_PROGRESS)
    page.get_by_role("button", name="Sample").click()
    page.locator(".run-succeeded, .run-failed").wait_for(timeout=60_000)
    assert page.locator(".run-failed").count() == 0, page.locator(".run-failed").inner_text()
    grid = page.locator(".run-succeeded img.digits")
    assert page.evaluate("window.sawProgress")
    assert page.url.endswith("/lab/diffusion/")  # swapped in by htmx, no page load
    assert grid.get_attribute("src").startswith("data:image/png;base64,")
    assert grid.evaluate("img => img.naturalWidth") > 3 * 8 * 6  # a 4x4 grid of digits
    assert page.locator(".frames .frame").count() == 10
    assert "cpu" in page.locator(".run-facts").inner_text()  # the device it ran on

    page.goto(live_server.url + "/lab/flow/")  # the density map answers a click
    page.get_by_role("button", name="Sample").click()
    page.locator(".run-succeeded .density svg").click(position={"x": 120, "y": 150})
    assert page.locator(".density-readout").inner_text().startswith("log p(")

    page.get_by_role("link", name="Lab").first.click()
    page.get_by_role("link", name="Transformer").first.click()
    page.wait_for_url("**/lab/autoregressive/")
    page.get_by_role("button", name="Sample").click()
    page.locator(".run-succeeded, .run-failed").wait_for(timeout=60_000)
    assert page.locator(".run-failed").count() == 0, page.locator(".run-failed").inner_text()
    names = page.locator(".names-result .names li")
    assert names.count() == 12  # the Lab's first values ask for 12 names
    assert "12 names" in page.locator(".names-result figcaption").inner_text()
    bars = page.locator(".cand-table .cand-bar")
    assert bars.count() >= 5
    assert "%" in bars.first.inner_text()
    first_char = page.locator(".generated .tok[tabindex]").first
    first_char.focus()
    assert page.locator(".generated .tok:focus .cands").is_visible()
