"""The shipped checkpoints load, are small, carry their config and reproduce the
metrics recorded when they were trained (on a small slice, within tolerance)."""

import pytest
import torch

import generators
from generators import store, train
from generators.evaluate import ClassifierConfig, DigitClassifier, classifier_accuracy

NAMES = sorted(train.TARGETS)


def test_every_target_has_a_shipped_checkpoint_and_all_are_small():
    """Protects the repository's size: every checkpoint under 10 MB, all under 64 MB
    (the 28x28 models brought the total past the 30 MB of the 8x8 ones)."""
    total = 0
    for name in [*NAMES, "classifier-digits", "classifier-digits28"]:
        path = store.checkpoint_path(name)
        assert path.exists(), name
        size = path.stat().st_size + path.with_suffix(".json").stat().st_size
        assert size < 10 * 2**20, name
        total += size
    assert total < 64 * 2**20


@pytest.mark.parametrize("name", NAMES)
def test_checkpoint_reproduces_its_recorded_slice_metrics(name):
    meta = store.read_meta(name)
    assert {"config", "version", "seed", "train_seconds", "command"} <= set(meta)
    model, _ = store.load(name, *generators._classes(name), dev=torch.device("cpu"))
    recorded = meta["slice_metrics"]
    text = recorded.get("heldout_slice")
    now = train.slice_metrics(name, model, text=text, scale=meta.get("latent_scale"))
    for key, value in recorded.items():
        if isinstance(value, float):
            assert now[key] == pytest.approx(value, rel=0.02, abs=0.02), key
        else:
            assert now[key] == value, key


def test_classifier28_checkpoint_reproduces_its_accuracy_of_at_least_98_percent():
    """Protects the judge of every 28x28 model: digits-FID and right-digit % are only as
    good as the classifier that reads the samples. The target is 98 %; the shipped one
    (3,000 steps on the CPU) reaches 98.2 %, and evaluation.md says so."""
    from generators import evaluate28

    model, meta = store.load(
        evaluate28.CLASSIFIER,
        evaluate28.DigitClassifier28,
        evaluate28.Classifier28Config,
        dev=torch.device("cpu"),
    )
    acc = evaluate28.classifier_accuracy(model)
    assert acc >= 0.98 and acc == pytest.approx(meta["slice_metrics"]["test_accuracy"], abs=0.005)


def test_classifier_checkpoint_reaches_97_percent_on_test_digits():
    model, meta = store.load(
        "classifier-digits", DigitClassifier, ClassifierConfig, dev=torch.device("cpu")
    )
    assert classifier_accuracy(model) >= 0.97
