"""The names evaluation: the add-k n-gram ladder and the new-names share."""

import math

import pytest

from generators import evaluate_names as ev

TRAIN = ["anna", "anne", "bob", "bobby", "carl"]


def test_add_k_ngram_is_a_distribution_over_the_27_tokens():
    """For any context, the add-k probabilities of the 27 next tokens sum to 1, so the
    n-gram NLLs are honest numbers to compare the Transformer with."""
    model = ev.NGram(TRAIN, 3)
    letters = "\nabcdefghijklmnopqrstuvwxyz"
    for h in ("\n\n", "an", "zz"):
        total = sum(
            (model.pairs.get((h, c), 0) + 0.1) / (model.contexts.get(h, 0) + 0.1 * 27)
            for c in letters
        )
        assert total == pytest.approx(1.0)


def test_ngram_counts_letters_and_the_end_of_each_name():
    """A name of k letters is k + 1 events: its letters and its end."""
    assert len(list(ev._events(["bob"], 2))) == 4
    uniform = ev.NGram(TRAIN, 1)
    assert uniform.nll(["zz"], k=1e9) == pytest.approx(math.log(27))


def test_ladder_chooses_k_on_the_tune_names_and_reports_the_test_names():
    """Each order's k comes from K_GRID and minimises the tune NLL."""
    ladder = ev.ngram_ladder(TRAIN, ["anny", "bobb"], ["carla"], max_n=3)
    for n, row in ladder.items():
        assert row["k"] in ev.K_GRID
        model = ev.NGram(TRAIN, n)
        assert row["tune"] == pytest.approx(min(model.nll(["anny", "bobb"], k) for k in ev.K_GRID))
