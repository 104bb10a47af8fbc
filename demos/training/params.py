"""Training knobs, checked by the generators' own rules before a training is queued.

The knobs, their bounds and defaults are ``generators.training_families()``'s, turned
back into ``generators.params.Param`` so the same ``validate`` checks them here, in the
API and in the worker. The drawn dataset's points are checked here too, with the
bounds the page's canvas keeps to; ``train_live`` checks them again (the backstop)."""

from __future__ import annotations

import functools
import math

from ..params import SEED_MAX

DRAWN = "drawn"  # the dataset a learner draws on the page's canvas
POINTS_MIN, POINTS_MAX = 8, 2000
POINTS_BOUND = 4.0  # |x|, |y| at most: the canvas spans [-4, 4]²


@functools.cache
def training_schema() -> dict[str, dict]:
    """Family name → its entry of ``generators.training_families()`` (with ``by_name``)."""
    import generators

    return {
        f["name"]: {**f, "by_name": {p["name"]: p for p in f["parameters"]}}
        for f in generators.training_families()
    }


def _param(d: dict):
    from generators.params import Param

    bound = d.get("max", d.get("max_length"))
    return Param(
        d["name"], d["type"], d["default"], d.get("help", ""), d.get("min"), bound,
        tuple(d.get("choices", ())),
    )  # fmt: skip


def training_check(
    *, family: str, params: dict, seed: int, points: list | None
) -> tuple[dict, list | None]:
    """The knobs with every default filled in and the points (only for the drawn
    dataset), or ``generators.ParameterError`` naming the field."""
    from generators.params import ParameterError, validate

    schema = training_schema()
    if family not in schema:
        allowed = ", ".join(schema)
        raise ParameterError("family", f"family must be one of {allowed} (got {family!r})")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= SEED_MAX:
        raise ParameterError("seed", f"seed must be a whole number between 0 and {SEED_MAX}")
    entry = schema[family]
    clean = validate([_param(p) for p in entry["parameters"]], params)
    dataset = clean.get("dataset", entry["datasets"][0])
    if dataset not in entry["datasets"]:
        allowed = ", ".join(entry["datasets"])
        raise ParameterError("dataset", f"dataset must be one of {allowed} (got {dataset!r})")
    if dataset != DRAWN:
        return clean, None
    return clean, points_check(points)


def points_check(points) -> list[list[float]]:
    from generators.params import ParameterError

    if not points:
        raise ParameterError("points", "draw some points first: the drawn dataset needs them")
    try:
        pts = [[round(float(a), 4), round(float(b), 4)] for a, b in points]
    except (TypeError, ValueError):
        raise ParameterError("points", "points must be a list of [x, y] pairs") from None
    if not POINTS_MIN <= len(pts) <= POINTS_MAX:
        raise ParameterError(
            "points", f"draw between {POINTS_MIN} and {POINTS_MAX} points (got {len(pts)})"
        )
    if not all(math.isfinite(v) and abs(v) <= POINTS_BOUND for p in pts for v in p):
        bound = f"{POINTS_BOUND:g}"
        raise ParameterError("points", f"every x and y must be between -{bound} and {bound}")
    return pts
