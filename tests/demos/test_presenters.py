"""The presenters: one per generators family, found by name, and nothing else."""

import pytest

from demos.presenters import presenter_for, presenters


def test_every_family_has_a_presenter():
    """Protects "adding a family touches one file": the site presents exactly the
    generators' families, each by its own presenter."""
    import generators

    assert {p.family for p in presenters()} == set(generators.REGISTRY)
    for p in presenters():
        assert presenter_for(p.family) is p


def test_an_unknown_family_is_a_clear_error():
    """Protects callers from a silent fallback: a family with no presenter is named."""
    with pytest.raises(LookupError, match="no presenter for the family 'markov'"):
        presenter_for("markov")


def test_names_result_lists_each_name_marked_new_and_spells_out_the_first():
    """Protects the Lab's names demo: every sampled name is shown, marked new or
    remembered, and the first one is drawn letter by letter after the prompt, its
    end shown as ↵."""
    p = presenter_for("autoregressive")
    result = {
        "names": ["mara", "marek"],
        "new": [True, False],
        "text": "ra\n",
        "candidates": [[{"token": "r", "prob": 0.6}], [{"token": "a", "prob": 0.5}], []],
    }
    fig = p.figures(result, {"dataset": "names", "prompt": "Ma"})
    assert [n["name"] for n in fig["names"]] == ["mara", "marek"]
    assert [n["new"] for n in fig["names"]] == [True, False] and fig["new_count"] == 1
    assert fig["text"]["prompt"] == "ma"
    assert [s["shown"] for s in fig["text"]["steps"]] == ["r", "a", "↵"]


def test_names_beam_result_shows_scores_and_no_letter_table():
    """A beam search over names shows each name with its log p, and no per-letter table
    (beams have none)."""
    p = presenter_for("autoregressive")
    result = {
        "names": ["jon", "john"],
        "new": [False, False],
        "beams": [{"text": "jon", "log_prob": -3.0}, {"text": "john", "log_prob": -3.5}],
        "text": "n\n",
        "candidates": [],
    }
    fig = p.figures(result, {"dataset": "names", "prompt": "jo", "strategy": "beam"})
    assert [n["log_prob"] for n in fig["names"]] == [-3.0, -3.5] and "text" not in fig


@pytest.mark.parametrize(
    "clean, field",
    [
        ({"dataset": "names", "prompt": "an-ne", "strategy": "sample", "n": 4}, "prompt"),
        ({"dataset": "digits28", "prompt": "", "strategy": "sample", "n": 17}, "n"),
        ({"dataset": "digits28", "prompt": "", "strategy": "beam", "n": 4}, "strategy"),
    ],
)
def test_the_form_repeats_the_names_and_28x28_rules(clean, field):
    """The Lab's form says at once what the run would refuse: letters only in a name
    prompt, at most 16 digits of 784 steps, no beam search over pixels."""
    from generators.params import ParameterError

    with pytest.raises(ParameterError) as e:
        presenter_for("autoregressive").form_check(clean)
    assert e.value.field == field
