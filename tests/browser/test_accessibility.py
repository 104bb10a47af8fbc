"""axe-core on every kind of page, in a real browser, light and dark.

axe (vendored into static/vendor/axe/ by scripts/vendor.sh) is never part of a page:
the test injects it. One browser, one live server, one walk through the site as a
learner meets it; the test fails listing every serious or critical violation."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe" / "axe.min.js"
# A lesson with math and glossary terms, checked when the path shows no figure.
LESSON = "maximum-likelihood-and-cross-entropy"
FIGURE = re.compile(r"\]\(figures/([a-z0-9-]+)\.(?:png|svg)")
# In dark mode only the colours change: the dark pass runs the contrast rule alone.
RUN_AXE = """async (rules) => {
  const options = {resultTypes: ["violations"]};
  if (rules) options.runOnly = rules;
  const result = await axe.run(document, options);
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ${v.help} at ` +
              v.nodes.slice(0, 4).map(n => n.target.join(" ")).join(" | "));
}"""


def lessons_to_check(path) -> list:
    """Few lessons that together show every kind of explorable the path ships (each
    widget draws its own controls), or else the one with the most figures, or LESSON."""
    folder = Path(settings.BASE_DIR) / "lessons" / "content" / path.slug / "figures"

    def kinds(lesson) -> set[str]:
        files = (folder / f"{stem}.json" for stem in FIGURE.findall(lesson.body))
        return {json.loads(f.read_bytes())["kind"] for f in files if f.is_file()}

    lessons = list(path.lessons.order_by("id"))
    shown = {lesson.slug: kinds(lesson) for lesson in lessons}
    chosen, missing = [], set().union(*shown.values())
    while missing:  # greedy: the lesson showing most of the kinds not yet seen
        best = max(lessons, key=lambda lesson: len(shown[lesson.slug] & missing))
        chosen.append(best)
        missing -= shown[best.slug]
    if not chosen:
        best = max(lessons, key=lambda lesson: len(FIGURE.findall(lesson.body)))
        chosen = [best if FIGURE.search(best.body) else path.lessons.get(slug=LESSON)]
    return chosen


# KaTeX ran and every explorable mounted (or gave up).
MOUNTED = """() => window.renderMathInElement !== undefined && !document.querySelector(
  'figure[data-explorable]:not([data-explorable-state=ready]):not([data-explorable-state=failed])')"""


def violations(page, name: str) -> list[str]:
    """Serious and critical violations on the page now, light and dark."""
    page.wait_for_load_state("load")
    if page.evaluate("typeof window.axe") == "undefined":  # not yet injected on this page
        page.add_script_tag(path=str(AXE))
        # Pico fades colours in 0.2 s: without this, axe would measure the colours
        # halfway between light and dark just after the switch.
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    found = []
    for scheme, rules in (("light", None), ("dark", ["color-contrast"])):
        page.emulate_media(color_scheme=scheme)
        found += [f"{name} [{scheme}]: {problem}" for problem in page.evaluate(RUN_AXE, rules)]
    page.emulate_media(color_scheme="light")
    return found


@pytest.fixture
def finished_runs(learner, monkeypatch):
    """A diffusion sample and a tiny GAN training of the learner's, run here in the test
    (no broker, no worker): their pages are what a learner sees when they finish."""
    from demos import services as demo_services
    from demos.training import services as training_services

    monkeypatch.setattr(demo_services, "enqueue", lambda *a, **k: True)
    monkeypatch.setattr(training_services, "enqueue", lambda *a, **k: True)
    owner = {"learner": learner, "session_key": "", "client_ip": "127.0.0.1"}
    run = demo_services.run_request(
        family="diffusion", params={"sampler": "ddim", "num_inference_steps": 5}, seed=0, **owner
    )
    demo_services.run_execute(run_id=run.id)
    training = training_services.training_request(
        family="gan",
        params={"dataset": "ring", "steps": 40, "snapshot_every": 10, "width": 16},
        seed=0,
        points=None,
        **owner,
    )
    training_services.training_execute(run_id=training.id)
    return run, training


def test_no_serious_or_critical_accessibility_violation_on_any_kind_of_page(
    page, live_server, first_path, learner, finished_runs
):
    """Protects every learner who reads with a screen reader, a keyboard or low vision:
    home, path, lesson (math, figures, glossary terms), glossary, resources, podcast,
    flashcards and study, quiz, attempt and result, the Lab, a family, a run, compare,
    training form and result, the editor, sign-in and sign-up have no serious or
    critical axe violation in light or dark mode."""
    from lessons.authoring.services import path_clone, path_import
    from tests.browser.test_figures import TEST_WIDGET
    from tests.lessons.figure_files import figure_bundle

    run, training = finished_runs
    url = live_server.url
    slug = first_path.slug
    found = []

    def check(name: str, address: str | None = None) -> None:
        if address is not None:
            page.goto(url + address)
        found.extend(violations(page, name))

    page.goto(url + "/")
    assert page.evaluate("typeof window.axe") == "undefined"  # no page ships axe itself
    check("sign-in", reverse("login"))
    check("sign-up", reverse("signup"))
    check("home (anonymous)", "/")
    page.goto(url + reverse("login"))
    page.get_by_label("Username").fill(learner.username)
    page.get_by_label("Password").fill("a-long-passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/")

    check("home", "/")
    check("path", first_path.get_absolute_url())
    for lesson in lessons_to_check(first_path):
        page.goto(url + lesson.get_absolute_url())
        page.wait_for_function(MOUNTED)
        assert page.locator("figure[data-explorable-state=failed]").count() == 0
        check(f"lesson {lesson.slug}")
    if not page.locator(".lesson-body .term").count():  # a lesson with a term, then
        page.goto(url + first_path.lessons.get(slug=LESSON).get_absolute_url())
    term = page.locator(".lesson-body .term > a").first
    term.focus()
    assert page.locator(".lesson-body .term-tip").first.is_visible()
    check("lesson, a term's tooltip open")
    # the figure card and an explorable's controls, whatever figures the path ships
    figures, _ = path_import(bundle=figure_bundle("figures"))
    page.route(
        re.compile(r".*/static/js/explorables/slider\.js$"),
        lambda route: route.fulfill(body=TEST_WIDGET, content_type="text/javascript"),
    )
    page.goto(url + reverse("lesson_detail", args=[figures.slug, "three"]))
    page.locator("figure.explorable[data-explorable-state=ready]").wait_for()
    check("lesson with a figure and an explorable")
    check("glossary", reverse("path_glossary", args=[slug]))
    page.evaluate("location.hash = document.querySelector('.glossary dt').id")
    check("glossary, a term's entry targeted")  # as a term link in a lesson opens it
    check("resources", reverse("path_resources", args=[slug]))
    check("podcast", reverse("path_podcast", args=[slug]))
    check("flashcards", reverse("path_flashcards", args=[slug]))
    check("study", reverse("path_flashcards_study", args=[slug]))
    check("quiz", reverse("path_quiz", args=[slug]))
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url("**/quiz/attempts/*/")
    check("quiz attempt")
    page.get_by_role("button", name="Finish now").click()
    page.wait_for_url("**/result/")
    check("quiz result")
    check("lab", reverse("lab"))
    check("lab family", reverse("demo_family", args=["diffusion"]))
    check("run result", reverse("demo_run", args=[run.id]))
    check("compare", reverse("lab_compare"))
    check("training form", reverse("training_train", args=["gan"]))
    check("training result", reverse("training_detail", args=[training.id]))
    copy = path_clone(path=first_path, owner=learner)
    check("editor", reverse("path_edit", args=[copy.slug]))
    check("lesson editor", reverse("lesson_edit", args=[copy.slug, LESSON]))
    check("cards editor", reverse("cards_edit", args=[copy.slug]))
    check("quiz editor", reverse("quiz_edit", args=[copy.slug]))
    assert found == [], "\n".join(found)
