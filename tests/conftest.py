"""Shared fixtures: the shipped first path, learners, and a real browser."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's guard against
# database access from async code would then refuse the live_server tests' queries.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# `web_workers`: the site under gunicorn with several processes, for races between them.
pytest_plugins = ["tests.web_workers"]

ROOT = Path(__file__).resolve().parent.parent
FIRST_PATH_DIR = ROOT / "lessons" / "content" / "how-generative-ai-works"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: nothing an earlier test cached (about rows
    that are gone now, whose ids may come back) is served to it."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def first_path(db):
    """The shipped "How does generative AI work?" path, loaded as `make run` loads it."""
    from lessons.authoring.bundle import bundle_read
    from lessons.authoring.services import path_import

    path, _ = path_import(bundle=bundle_read(FIRST_PATH_DIR))
    return path


@pytest.fixture
def learner(django_user_model):
    return django_user_model.objects.create_user(username="ada", password="a-long-passphrase")


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright. Missing: fail in CI, skip elsewhere."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
