import math

import numpy as np

from generators import data, evaluate


def test_frechet_distance_of_a_set_with_itself_is_about_zero():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(500, 16))
    assert abs(evaluate.frechet_distance(a, a)) < 1e-6
    assert evaluate.frechet_distance(a, a + 1.0) > 15  # a shift of 1 in 16 dims: ≈ 16


def test_ngram_ladder_improves_with_order_on_repetitive_text():
    text = "the cat sat on the mat. " * 40
    ladder = evaluate.ngram_ladder(text[:800], text[800:], max_n=3)
    assert ladder[1] > ladder[2] > ladder[3] > 0
    assert ladder[1] < math.log(len(set(text))) + 0.1


def test_independent_pixel_baseline_is_about_106_nats():
    assert 100 < evaluate.independent_pixels_nll() < 112


def test_train_test_ratio_is_one_for_unseen_digits_and_low_for_copies():
    """Protects the memorization check: real digits the models never saw sit as near the
    training digits as the test digits (≈ 1); noisy copies of training digits score far
    below 1, so a model that copies cannot hide behind its diversity."""
    clf, _ = evaluate._load(
        "classifier-digits", (evaluate.DigitClassifier, evaluate.ClassifierConfig)
    )
    judge = evaluate.DigitsJudge(clf)
    val = data.digits_tensor("val")[0].float() / 16
    assert 0.9 < judge.train_test_ratio(val) < 1.1
    rng = np.random.default_rng(0)
    copies = judge.train_pixels.numpy() + rng.normal(0, 0.05, (1000, 64))
    assert judge.train_test_ratio(copies) < 0.8
