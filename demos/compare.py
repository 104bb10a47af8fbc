"""The comparison page's content: the evaluation table with a plain sentence per
column, a sample grid per family, and the DDPM-vs-DDIM steps curve."""

from __future__ import annotations

import json
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from . import drawing, selectors

SAMPLES_DIR = Path(__file__).resolve().parent / "static" / "demos" / "samples"

# (key in evaluation.json "digits", what the page calls it, checkpoint, Lab family)
MODELS = [
    (
        "autoregressive",
        _("Transformer (pixel by pixel)"),
        "autoregressive-digits",
        "autoregressive",
    ),
    ("vae", _("VAE, 2-D latent"), "vae-digits", "vae"),
    ("vae-z16", _("VAE, 16-D latent"), "vae-digits-z16", "vae"),
    ("flow", _("Normalizing flow"), "flow-digits", "flow"),
    ("gan", _("GAN"), "gan-digits", "gan"),
    ("diffusion", _("Diffusion (DDIM, 50 steps)"), "diffusion-digits", "diffusion"),
]
# The parameters that draw 16 digits from each checkpoint (manage.py demo_samples).
SAMPLE_PARAMS = {
    "autoregressive-digits": {"dataset": "digits", "n": 16},
    "vae-digits": {"mode": "sample", "latent_dim": 2, "n": 16},
    "vae-digits-z16": {"mode": "sample", "latent_dim": 16, "n": 16},
    "flow-digits": {"dataset": "digits", "n": 16},
    "gan-digits": {"dataset": "digits", "n": 16},
    "diffusion-digits": {"sampler": "ddim", "num_inference_steps": 50, "n": 16},
}

COLUMNS = [
    (
        _("Test NLL"),
        _(
            "How surprised the model is by digits it never saw, in nats per image: lower is "
            "better. Only models with a likelihood can be scored; the VAE and the "
            "dequantized flow give an upper bound."
        ),
    ),
    (
        _("Digits-FID"),
        _(
            "How far the samples' features are from real test digits' features, as our "
            "own digit classifier sees them: lower means more realistic and more varied."
        ),
    ),
    (
        _("Copy ratio"),
        _(
            "How close samples sit to their nearest training digit, relative to real "
            "unseen digits: below 1 would mean the model is copying its training set."
        ),
    ),
    (
        _("Sampling time"),
        _("Time to draw 16 digits on one CPU thread: what a learner waits for."),
    ),
    (
        _("Parameters"),
        _("How many numbers the model learned: a rough measure of its size."),
    ),
    (
        _("Training time"),
        _("Seconds it took to train on one CPU, from the checkpoint's record."),
    ),
]


def _timings() -> dict:
    path = SAMPLES_DIR / "timings.json"
    return json.loads(path.read_text()) if path.exists() else {}


def compare_context() -> dict:
    ev = selectors.evaluation()
    timings = _timings()
    rows = []
    for key, title, checkpoint, family in MODELS:
        d = (ev or {}).get("digits", {}).get(key, {})
        meta = selectors.checkpoint_meta(checkpoint) or {}
        rows.append(
            {
                "title": title,
                "family": family,
                "measured": bool(d),
                "nll": d.get("nll"),
                "nll_kind": d.get("nll_kind", ""),
                "fid": d.get("fid"),
                "copy_ratio": d.get("copy_ratio"),
                "milliseconds": _ms(timings.get(checkpoint)),
                "parameters": _thousands(selectors.checkpoint_parameters(checkpoint)),
                "train_seconds": meta.get("train_seconds"),
            }
        )
    grids = [
        {"title": title, "family": family, "image": f"demos/samples/{checkpoint}.png"}
        for key, title, checkpoint, family in MODELS
        if (SAMPLES_DIR / f"{checkpoint}.png").exists()
    ]
    plot, plot_summary = None, ""
    if ev and "diffusion_steps_fid" in ev:
        fid = ev["diffusion_steps_fid"]["fid"]
        series = {}
        for sampler in ("ddpm", "ddim"):
            pts = sorted(
                (int(k.split("-")[1]), v) for k, v in fid.items() if k.startswith(sampler + "-")
            )
            series[sampler.upper()] = pts
        plot = drawing.line_plot(series, x_label="sampling steps", y_label="digits-FID")
        plot_summary = _steps_summary(series)
    return {
        "evaluation": ev,
        "rows": rows,
        "columns": COLUMNS,
        "grids": grids,
        "steps_plot": plot,
        "steps_summary": plot_summary,
        "baselines": (ev or {}).get("baselines"),
    }


def _thousands(n: int | None) -> str | None:
    return None if n is None else f"{n:,}".replace(",", " ")


def thumbnail(family: str) -> str | None:
    """A static path to 16 digits drawn by the family, when demo_samples has run."""
    for _key, _title, checkpoint, fam in MODELS:
        if fam == family and (SAMPLES_DIR / f"{checkpoint}.png").exists():
            return f"demos/samples/{checkpoint}.png"
    return None


def _ms(seconds: float | None) -> str | None:
    return None if seconds is None else f"{1000 * seconds:.1f}"


def _steps_summary(series: dict[str, list[tuple[int, float]]]) -> str:
    """One sentence that says what the measured curve shows, whichever way it goes."""
    parts = []
    for name, pts in series.items():
        if len(pts) >= 2:
            (s0, f0), (s1, f1) = pts[0], pts[-1]
            parts.append(f"{name} goes from {f0:.1f} at {s0} steps to {f1:.1f} at {s1}")
    few = {name: pts[0][1] for name, pts in series.items() if pts}
    if len(few) == 2:
        best = min(few, key=few.get)
        parts.append(f"at the fewest steps {best} is ahead")
    return "Measured here: " + "; ".join(parts) + "." if parts else ""
