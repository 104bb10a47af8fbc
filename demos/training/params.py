"""Training knobs, checked by the generators' own rules before a training is queued.

Knobs, bounds, defaults and the rules between them (at most 100 snapshots a run), and
the drawn points' bounds, are ``generators.live``'s: the page, the API and the worker
say the same thing. ``train_live`` checks them again (the backstop)."""

from __future__ import annotations

import functools

from ..params import SEED_MAX, by_family

DRAWN = "drawn"  # the dataset a learner draws on the page's canvas


@functools.cache
def training_schema() -> dict[str, dict]:
    """Family name → its entry of ``generators.training_families()`` (with ``by_name``)."""
    import generators

    return by_family(generators.training_families())


def training_check(
    *, family: str, params: dict, seed: int, points: list | None
) -> tuple[dict, list | None]:
    """The knobs with every default filled in and the points (for the drawn dataset
    only, else None), or ``generators.ParameterError`` naming the field."""
    from generators import live
    from generators.params import ParameterError

    clean = live.training_check(family, params)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= SEED_MAX:
        raise ParameterError("seed", f"seed must be a whole number between 0 and {SEED_MAX}")
    if clean.get("dataset") != DRAWN:
        return clean, None
    return clean, [[round(a, 4), round(b, 4)] for a, b in live.drawn_points(points).tolist()]


def trained_sample_parameter(config: dict) -> dict:
    """The one knob of sampling a trained model (how many), for its kind of data."""
    from generators import live

    return live.sample_params(config)[0].as_dict()
