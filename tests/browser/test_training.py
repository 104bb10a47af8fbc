"""A new learner trains a GAN in the Lab with a real browser, broker and workers."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def train_worker(redis_broker, transactional_db, settings, tmp_path):
    from django.db import connection

    from tests.demos.conftest import Worker

    settings.TRAINING_QUEUE = f"{settings.DEMOS_QUEUE}-train"
    w = Worker(settings.TRAINING_QUEUE, connection.settings_dict["NAME"], tmp_path / "train.log")
    yield w
    w.stop()


def test_new_learner_trains_a_gan_on_the_ring_then_samples_from_it(
    page, live_server, worker, train_worker
):
    """Protects "Train it yourself" as a learner meets it: GAN Lab page → Train → the
    ring with the default knobs (fewer steps, for time) → snapshots replace each other
    and the loss curve grows without a page load → more modes found at the end than at
    the first snapshot → the slider shows an earlier one → "Sample" draws from the
    trained model on the same page → the same training with the minimax loss ends
    differently."""
    page.goto(live_server.url + "/lab/gan/")
    page.get_by_role("link", name="Train it yourself").click()
    page.wait_for_url("**/lab/gan/train/")
    page.get_by_label("Dataset", exact=True).select_option("ring")
    page.get_by_label("Training steps").fill("300")
    page.get_by_label("Snapshot every (steps)").fill("50")
    page.get_by_role("button", name="Start training").click()
    page.wait_for_url("**/lab/trainings/*/")
    page.evaluate(
        """window.seenSnapshots = new Set();
        new MutationObserver(() => {
          const c = document.querySelector('#snapshot-view figcaption');
          if (c) window.seenSnapshots.add(c.textContent.trim().slice(0, 20));
        }).observe(document.body, {subtree: true, childList: true, characterData: true});"""
    )
    page.locator(".training-succeeded, .training-failed").wait_for(timeout=120_000)
    assert page.locator(".training-failed").count() == 0, page.inner_text("#training-live")
    assert page.evaluate("window.seenSnapshots.size") >= 2  # they changed as it trained
    assert page.locator(".loss-curve path").count() == 2  # d and g
    assert "Modes found" in page.inner_text(".measure-table")

    last = modes_found(page)
    page.locator("input[type=range]").fill("0")  # scrub back to the first snapshot
    page.locator("#snapshot-view figcaption", has_text="Snapshot 1 of 6").wait_for()
    assert modes_found(page) < last, "the mode count rises as the GAN learns"
    non_saturating = page.inner_text(".measure-table")

    page.get_by_role("button", name="Sample").click()
    page.locator("#trained-samples .run-succeeded, #trained-samples .run-failed").wait_for(
        timeout=60_000
    )
    assert page.locator("#trained-samples .run-failed").count() == 0
    assert page.locator("#trained-samples svg.plot .samples circle").count() > 500

    page.goto(live_server.url + "/lab/gan/train/")
    page.get_by_label("Dataset", exact=True).select_option("ring")
    page.get_by_label("Training steps").fill("300")
    page.get_by_label("Snapshot every (steps)").fill("50")
    page.get_by_label("Loss", exact=True).select_option("minimax")
    page.get_by_role("button", name="Start training").click()
    page.wait_for_url("**/lab/trainings/*/")
    page.locator(".training-succeeded, .training-failed").wait_for(timeout=120_000)
    assert page.locator(".training-failed").count() == 0, page.inner_text("#training-live")
    assert "minimax" in page.inner_text("main")
    assert page.inner_text(".measure-table") != non_saturating  # same seed, other loss


def modes_found(page) -> int:
    """The mode count the snapshot shown says, e.g. "Modes found: 7 of 8"."""
    import re

    caption = page.inner_text("#snapshot-view figcaption")
    return int(re.search(r"Modes found: (\d+) of", caption).group(1))
