"""Demo parameters, checked by the generators' own schema before a run is queued.

Bounds, types and defaults are ``generators``' (``families()`` / ``params.validate``),
so the page, the API and the sampler agree. Rules that tie two parameters together
also live in the generators; most of them are checked before a family's ``demo``
loads its model, so ``parameters_check`` runs the demo with a loader that stops
there. The three rules checked only after loading are repeated by the family's
presenter (``form_check``), so a learner gets the message on the form rather than in a
failed run (which stays the backstop).
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from .presenters import presenter_for

SEED_MAX = 2**63 - 1


class _ModelWouldLoad(Exception):
    """Raised by the dry-run loader: every check before loading passed."""


def _refuse_load(name: str):
    raise _ModelWouldLoad(name)


def by_family(families: list[dict]) -> dict[str, dict]:
    """Family name → its entry, with its parameters also ``by_name``: how both the
    sampling and the training schemas of ``generators`` are read."""
    return {f["name"]: {**f, "by_name": {p["name"]: p for p in f["parameters"]}} for f in families}


@functools.cache
def schema() -> dict[str, dict]:
    """Family name → its entry of ``generators.families()`` (parameters by name)."""
    import generators

    return by_family(generators.families())


def parameters_check(*, family: str, params: dict, seed: int) -> dict:
    """The parameters with defaults filled in, or ``generators.ParameterError``."""
    import torch

    import generators
    from generators.params import ParameterError, validate

    if family not in generators.REGISTRY:
        allowed = ", ".join(generators.REGISTRY)
        raise ParameterError("family", f"family must be one of {allowed} (got {family!r})")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= SEED_MAX:
        raise ParameterError("seed", f"seed must be a whole number between 0 and {SEED_MAX}")
    module = generators.REGISTRY[family]["module"]
    clean = validate(module.PARAMS, params)
    try:
        module.demo(_refuse_load, dict(clean), None, torch.device("cpu"), None)
    except _ModelWouldLoad:
        pass
    presenter_for(family).form_check(clean)
    return clean


@functools.cache
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def checkpoint_version(family: str) -> str:
    """The generators' version and a digest of the family's shipped checkpoints: a
    retrained model gets a new version, so its runs are not confused with older ones."""
    from generators import store

    h = hashlib.sha256()
    for p in sorted(store.CHECKPOINT_DIR.glob(f"{family}-*.safetensors")):
        st = p.stat()
        h.update(p.name.encode() + _file_digest(str(p), st.st_size, st.st_mtime_ns).encode())
    return f"{store.VERSION}+{h.hexdigest()[:12]}"


def input_key(*, family: str, params: dict, seed: int, version: str) -> str:
    """Same family, parameters, seed and checkpoint → same key (and the same result)."""
    blob = json.dumps([family, params, seed, version], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def trained_parameters_check(*, training, family: str, params: dict, seed: int) -> dict:
    """Sampling parameters for a learner's trained model (``sample_trained``'s), with
    the training's dataset recorded so the run's page draws the right data."""
    from generators import live
    from generators.params import ParameterError, validate

    if training.family != family:
        raise ParameterError("training", f"that training is of the family {training.family}")
    if training.config is None or training.state_deleted_at or not training.finished:
        raise ParameterError("training", "that training has no trained model to sample from")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= SEED_MAX:
        raise ParameterError("seed", f"seed must be a whole number between 0 and {SEED_MAX}")
    clean = validate(
        live.sample_params(training.config), {k: v for k, v in params.items() if k != "dataset"}
    )
    return {**clean, "dataset": training.dataset}
