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
            "unseen digits. Below 1 means closer than real digits: either copying or "
            "only drawing the most typical digits."
        ),
    ),
    (
        _("Train ÷ test"),
        _(
            "A sample's distance to the nearest of 447 training digits divided by its "
            "distance to the nearest of the 447 test digits. A model that learned digits "
            "in general sits as near both (real unseen digits score 0.99); below 1 it "
            "leans toward the digits it trained on: memorization."
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
                "train_test_ratio": d.get("train_test_ratio"),
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
    plot, plot_summary, plot_guidance = None, "", None
    # the labelled table at the default guidance: how the row above and the Lab sample
    steps_key = "diffusion_steps_fid_guided"
    if ev and steps_key not in ev:
        steps_key = "diffusion_steps_fid"  # an evaluation from before the labelled table
    if ev and steps_key in ev:
        fid = ev[steps_key]["fid"]
        if steps_key == "diffusion_steps_fid_guided":
            plot_guidance = ev[steps_key]["guidance_scale"]
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
        "steps_guidance": plot_guidance,
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
