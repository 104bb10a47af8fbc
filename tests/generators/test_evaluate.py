import math

import numpy as np

from generators import evaluate


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
