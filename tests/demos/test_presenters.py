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
