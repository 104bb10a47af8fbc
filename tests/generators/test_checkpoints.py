"""The shipped checkpoints load, are small, carry their config and reproduce the
metrics recorded when they were trained (on a small slice, within tolerance)."""

import pytest
import torch

import generators
from generators import store, train
from generators.evaluate import ClassifierConfig, DigitClassifier, classifier_accuracy

NAMES = sorted(train.TARGETS)


def test_every_target_has_a_shipped_checkpoint_and_all_are_small():
    total = 0
    for name in [*NAMES, "classifier-digits"]:
        path = store.checkpoint_path(name)
        assert path.exists(), name
        total += path.stat().st_size + path.with_suffix(".json").stat().st_size
    assert total < 30 * 2**20


@pytest.mark.parametrize("name", NAMES)
def test_checkpoint_reproduces_its_recorded_slice_metrics(name):
    meta = store.read_meta(name)
    assert {"config", "version", "seed", "train_seconds", "command"} <= set(meta)
    model, _ = store.load(name, *generators._classes(name), dev=torch.device("cpu"))
    recorded = meta["slice_metrics"]
    text = recorded.get("heldout_slice")
    now = train.slice_metrics(name, model, text=text)
    for key, value in recorded.items():
        if isinstance(value, float):
            assert now[key] == pytest.approx(value, rel=0.02, abs=0.02), key
        else:
            assert now[key] == value, key


def test_classifier_checkpoint_reaches_97_percent_on_test_digits():
    model, meta = store.load(
        "classifier-digits", DigitClassifier, ClassifierConfig, dev=torch.device("cpu")
    )
    assert classifier_accuracy(model) >= 0.97
