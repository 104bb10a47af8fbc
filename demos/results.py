"""A sampler's output as JSON for the database and the API (worker side).

NumPy arrays become lists rounded to what a picture needs; the request's echo
(family, params, seed, device, seconds) is dropped because the run stores it; 2-D
results gain ``reference``, points of the true data drawn with a fixed seed, so the
page can show the samples over what the model tried to learn."""

from __future__ import annotations

from typing import Any

DIGITS = 3  # decimals kept: pixels in [0, 1] need no more
MAX_FRAME_SAMPLES = 16  # diffusion frames are kept for the first 16 samples only
REFERENCE_POINTS = 1000
ECHOED = {"family", "params", "seed", "device", "seconds"}


def plain(value: Any) -> Any:
    import numpy as np

    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            return np.round(value.astype(float), DIGITS).tolist()
        return value.tolist()
    if isinstance(value, (np.floating, float)):
        return round(float(value), DIGITS + 1)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def result_to_json(out: dict, reference: list | None = None, dataset: str | None = None) -> dict:
    """The sampler's dict as JSON-able values, with ``reference`` for 2-D datasets: the
    points given (a learner's drawing), else a fixed draw of the toy dataset."""
    out = {k: v for k, v in out.items() if k not in ECHOED} | {"_params": out.get("params", {})}
    for key in ("frames", "x0_previews"):
        if key in out:
            out[key] = out[key][:, :MAX_FRAME_SAMPLES]
    if "points" in out and reference is not None:
        out["reference"] = reference
    elif "points" in out:
        import torch

        from generators import data

        sampler = data.TOY_SAMPLERS.get(dataset or out["_params"].get("dataset"))
        if sampler is not None:
            g = torch.Generator().manual_seed(1234)
            out["reference"] = sampler(REFERENCE_POINTS, g).numpy()
    del out["_params"]
    return plain(out)
