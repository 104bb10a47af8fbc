"""The 28x28 evaluation: bits per dimension, the baselines, and the judge that scores
every family's samples (digits-FID, right digit, copy checks)."""

import math

import numpy as np
import pytest
import torch

from generators import data, evaluate28
from generators.evaluate28 import D28


def test_bits_per_dimension_of_uniform_models_is_eight():
    """Protects the unit every likelihood family is compared in: a uniform model of the
    256 levels costs 8 bits per pixel, and so does the uniform density on [0, 1]^784
    evaluated at dequantized digits."""
    uniform_discrete = -D28 * math.log(256)
    assert evaluate28.bpd_discrete(torch.tensor([uniform_discrete])) == pytest.approx(8.0)
    assert evaluate28.bpd_continuous(torch.zeros(3)) == pytest.approx(8.0)
    # a density twice as high everywhere saves one bit per pixel
    assert evaluate28.bpd_continuous(torch.tensor([D28 * math.log(2)])) == pytest.approx(7.0)


def test_independent_pixels_baseline_beats_uniform_and_a_one_component_mixture_equals_it():
    """Protects the baselines: the per-pixel categoricals are far below 8 bits (most
    pixels are blank), and a mixture with one component is exactly that model."""
    ind = evaluate28.independent_pixels_bpd(alpha=0.1)
    assert 1.0 < ind < 3.0
    assert evaluate28.mixture_bpd(k=1, iters=2, alpha=0.1) == pytest.approx(ind, abs=1e-9)


@pytest.fixture(scope="module")
def judge():
    return evaluate28.Judge28.load()


def test_judge_scores_real_digits_as_real_and_copies_as_copies(judge):
    """Protects the copy checks: unseen digits sit as near the training digits as the
    test digits do (train ÷ test ≈ 1, copy ratio ≈ 1) even when blurred by noise, while
    noisy copies of training digits fall far below; and the classifier reads real
    digits right."""
    val, y = data.digits28_tensor("val")
    r = judge.report(val, labels=y)
    assert r["train_test_ratio"] == pytest.approx(1.0) and 0.85 < r["copy_ratio"] < 1.15
    assert r["right_digit"] >= 0.97 and r["classes_covered"] == 10
    assert r["exact_copies"] == 0
    rng = np.random.default_rng(0)

    def noisy(x):
        return np.clip(x + rng.normal(0, 0.1, x.shape), 0, 1)

    assert 0.85 < judge.train_test_ratio(noisy(val.numpy())) < 1.15
    c = judge.report(noisy(judge.train_pixels[:500].numpy()))
    assert c["train_test_ratio"] < 0.6 and c["copy_ratio"] < 0.6


def test_judge_fid_grows_with_noise_and_it_rejects_bad_input(judge):
    """Protects digits-FID's direction (worse digits score higher) and the API's
    contract: images in [0, 1], 784 pixels each."""
    val = data.digits28_tensor("val")[0].numpy()
    noisy = np.clip(val + np.random.default_rng(0).normal(0, 0.3, val.shape), 0, 1)
    # real unseen digits set the floor (500 of them against 500: the estimate's bias)
    assert judge.fid(noisy) > 5 * judge.fid(val)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        judge.report(val * 255)
    with pytest.raises(ValueError, match="28x28"):
        judge.report(np.zeros((4, 8, 8)))
