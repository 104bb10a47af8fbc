"""Figures and explorables in a real browser: the images load, the loader mounts an
explorable's widget from its data (on load and after an htmx swap), and every shipped
explorable answers the keyboard."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from lessons.authoring.bundle import FIGURE_IMAGE
from lessons.authoring.services import path_import
from tests.conftest import FIRST_PATH_DIR
from tests.lessons.figure_files import figure_bundle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOADED = """() => [...document.querySelectorAll('.lesson-body figure img')]
  .every(img => img.complete && img.naturalWidth > 0)"""
# Each image scrolled into view (they load lazily), given 10 s to decode: the broken ones.
BROKEN = """async () => {
  const broken = [];
  for (const img of document.querySelectorAll('.lesson-body figure img')) {
    img.scrollIntoView();
    const late = new Promise(resolve => setTimeout(resolve, 10000));
    await Promise.race([img.decode().catch(() => null), late]);
    if (!(img.naturalWidth > 0)) broken.push(img.getAttribute('src'));
  }
  return broken;
}"""

# A stand-in widget, served by the test in place of static/js/explorables/slider.js:
# it checks the loader's side of the contract (data fetched, script loaded by kind,
# mount called once per figure) without depending on any shipped widget.
TEST_WIDGET = """
Explorables.register("slider", function (figure, data) {
  var label = document.createElement("label");
  label.textContent = "Value";
  var input = document.createElement("input");
  input.type = "range"; input.min = 0; input.max = data.values.length - 1; input.value = 0;
  label.appendChild(input);
  var live = document.createElement("p");
  live.setAttribute("aria-live", "polite");
  live.textContent = "value " + data.values[0];
  input.addEventListener("input", function () {
    live.textContent = "value " + data.values[input.value];
  });
  figure.appendChild(label); figure.appendChild(live);
  window.mounted = (window.mounted || 0) + 1;
});
"""


def _lessons_showing(predicate) -> list[str]:
    """Slugs of the shipped path's lessons whose Markdown shows a figure matching."""
    found = []
    for file in sorted((FIRST_PATH_DIR / "lessons").glob("*.md")):
        names = [m["name"] for m in FIGURE_IMAGE.finditer(file.read_text())]
        if any(predicate(name) for name in names):
            found.append(file.stem)
    return found


def _has_data(name: str) -> bool:
    return (FIRST_PATH_DIR / "figures" / (Path(name).stem + ".json")).is_file()


def test_a_lessons_figures_load_and_its_explorable_mounts_on_load_and_after_a_swap(
    page, live_server, learner
):
    """Protects the figure path end to end: served images decode in the page (the
    policy and types right), the loader fetches an explorable's JSON, loads its
    widget by kind and mounts it once, in the light theme; the editor's htmx preview
    mounts a fresh one."""
    path, _ = path_import(bundle=figure_bundle())
    path.owner = learner
    path.save(update_fields=["owner"])
    page.route(
        re.compile(r".*/static/js/explorables/slider\.js$"),
        lambda route: route.fulfill(body=TEST_WIDGET, content_type="text/javascript"),
    )
    page.goto(live_server.url + reverse("lesson_detail", args=[path.slug, "three"]))
    page.wait_for_function(LOADED)
    explorable = page.locator("figure.explorable")
    explorable.and_(page.locator("[data-explorable-state=ready]")).wait_for()
    assert explorable.get_attribute("data-theme") == "light"
    live = explorable.locator("[aria-live]")
    assert live.text_content() == "value 1"
    explorable.locator("input[type=range]").first.focus()
    page.keyboard.press("ArrowRight")
    assert live.text_content() == "value 2"
    assert page.evaluate("window.mounted") == 1

    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_username").fill("ada")
    page.locator("#id_password").fill("a-long-passphrase")
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(live_server.url + reverse("lesson_edit", args=[path.slug, "three"]))
    page.locator("#preview figure.explorable[data-explorable-state=ready]").wait_for()
    page.locator("textarea[name=body]").fill(
        '![A blue square](figures/square.png "Again.")\n\nMore text.\n'
    )
    page.locator("#preview").get_by_text("More text.").wait_for()  # swapped in
    page.locator("#preview figure.explorable[data-explorable-state=ready]").wait_for()
    assert page.evaluate("window.mounted") == 2


@pytest.mark.parametrize("lesson", _lessons_showing(lambda name: True))
def test_every_figure_of_the_shipped_lessons_loads(page, live_server, first_path, lesson):
    """Protects the shipped content: every figure in each lesson that shows one loads,
    explorables' stills included (the loader is blocked, as for a reader without
    JavaScript, so no widget hides its still)."""
    page.route(re.compile(r".*/static/js/explorables\.js$"), lambda route: route.abort())
    page.goto(live_server.url + reverse("lesson_detail", args=[first_path.slug, lesson]))
    page.wait_for_load_state("load")
    assert page.locator(".lesson-body figure img").count() > 0
    assert page.evaluate(BROKEN) == []


@pytest.mark.parametrize("lesson", _lessons_showing(_has_data))
def test_every_shipped_explorable_answers_the_keyboard(page, live_server, first_path, lesson):
    """Protects keyboard readers, for any widget: each explorable in the lesson mounts,
    its first slider takes focus, and ArrowRight changes what its live region says."""
    page.goto(live_server.url + reverse("lesson_detail", args=[first_path.slug, lesson]))
    figures = page.locator("figure.explorable")
    figures.first.wait_for()
    for index in range(figures.count()):
        figure = figures.nth(index)
        page.wait_for_function(
            "f => f.dataset.explorableState && f.dataset.explorableState !== 'loading'",
            arg=figure.element_handle(),
        )
        assert figure.get_attribute("data-explorable-state") == "ready"
        slider = figure.locator("input[type=range]").first
        live = figure.locator("[aria-live]").first
        slider.focus()
        before = live.text_content()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "([el, text]) => el.textContent !== text", arg=[live.element_handle(), before]
        )
