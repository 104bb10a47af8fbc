"""What a run's page draws: its result turned into figures for the template."""

from __future__ import annotations

import json

from . import drawing
from .models import DemoRun

FLOW_EXTENTS = {"moons": [-1.5, 2.5, -1.0, 1.5], "ring": [-1.5, 1.5, -1.5, 1.5]}
STEPS_SHOWN = 60  # the per-step candidate table shows the first steps only


def figures(run: DemoRun) -> dict:
    """Everything the result partial needs, by family; empty until the run succeeds."""
    r = run.result or {}
    if run.status != DemoRun.Status.SUCCEEDED or not r:
        return {}
    p = run.params
    fig: dict = {}
    if "text" in r:
        fig["text"] = _text(r, p)
    if "images" in r and run.family != "diffusion":
        n = len(r["images"])
        cols = p.get("grid_size") if p.get("mode") == "grid" else None
        if p.get("mode") == "interpolate":
            cols = n
        fig["grid"] = drawing.image_grid(r["images"], cols=cols)
        fig["grid_caption"] = _grid_caption(run, n)
    if "originals" in r:
        fig["originals"] = drawing.image_grid(r["originals"], cols=min(len(r["originals"]), 8))
        fig["grid"] = drawing.image_grid(r["images"], cols=min(len(r["images"]), 8))
    if "endpoints" in r:
        fig["endpoints"] = drawing.image_grid(r["endpoints"], cols=2)
    if "log_likelihood" in r and "images" in r:
        ll = r["log_likelihood"]
        fig["mean_log_likelihood"] = sum(ll) / len(ll)
    if "test_latents" in r:
        fig["latents"] = drawing.scatter(
            r["test_latents"],
            labels=r["test_labels"],
            marks=[[p["z1"], p["z2"]]],
            extent=[-3.5, 3.5, -3.5, 3.5],
            title="Test digits in the 2-D latent space, coloured by digit",
        )
        fig["image_at_z"] = drawing.image_grid([r["image_at_z"]], scale=12)
        fig["palette"] = drawing.PALETTE
    if "points" in r:
        fig.update(_points(run, r, p))
    if run.family == "diffusion":
        fig.update(_diffusion(r))
    return fig


def _grid_caption(run: DemoRun, n: int) -> str:
    mode = run.params.get("mode")
    if mode == "grid":
        return "The latent plane decoded: z₁ from −3 (left) to 3, z₂ from 3 (top) to −3."
    if mode == "interpolate":
        return "A straight line in latent space, from the first digit to the second."
    return f"{n} samples."


def _text(r: dict, p: dict) -> dict:
    steps = []
    for i, ch in enumerate(r["text"]):
        cands = r.get("candidates") or []
        options = cands[i] if i < len(cands) else []
        steps.append(
            {
                "char": ch,
                "shown": {"\n": "↵", " ": "␣"}.get(ch, ch),
                "candidates": [
                    {
                        "token": {"\n": "↵", " ": "␣"}.get(c["token"], c["token"]),
                        "prob": c["prob"],
                        "percent": round(100 * c["prob"]),
                        "chosen": c["token"] == ch,
                    }
                    for c in options
                ],
            }
        )
    return {
        "prompt": p.get("prompt", ""),
        "steps": steps,
        "table": [s for s in steps if s["candidates"]][:STEPS_SHOWN],
        "beams": r.get("beams") or [],
        "has_candidates": bool(r.get("candidates")),
    }


def _points(run: DemoRun, r: dict, p: dict) -> dict:
    dataset = p["dataset"]
    extent = FLOW_EXTENTS.get(dataset) if run.family == "flow" else None
    if "extent" in r:
        extent = r["extent"]
    background = drawing.heatmap(r["log_density"]) if "log_density" in r else None
    out = {
        "scatter": drawing.scatter(
            r["points"],
            reference=r.get("reference", []),
            marks=r.get("modes", []),
            extent=extent,
            background=background,
            title=f"{len(r['points'])} samples (blue) over the true {dataset} data (grey)",
        ),
        "dataset": dataset,
    }
    if "log_density" in r:
        out["density_json"] = json.dumps(
            {"extent": r["extent"], "grid": r["log_density"]}, separators=(",", ":")
        )
    if "log_likelihood" in r and r["log_likelihood"]:
        ll = r["log_likelihood"]
        out["mean_log_likelihood"] = sum(ll) / len(ll)
    if "metrics" in r:
        out["metrics"] = r["metrics"]
    if "points_log_likelihood" in r:
        out["asked_points"] = list(zip(p["points"], r["points_log_likelihood"], strict=True))
    return out


def _diffusion(r: dict) -> dict:
    n = len(r["images"])
    out = {"grid": drawing.image_grid(r["images"]), "grid_caption": f"{n} digits, x₀."}
    shown = min(n, 8)
    out["frames"] = [
        {
            "step": step,
            "x_t": drawing.image_grid(xt[:shown], cols=1, scale=4),
            "x0": drawing.image_grid(x0[:shown], cols=1, scale=4),
        }
        for step, xt, x0 in zip(r["frame_steps"], r["frames"], r["x0_previews"], strict=True)
    ]
    return out


def live_frames(run: DemoRun) -> list[dict]:
    """Diffusion while running: the first sample's x̂₀ previews so far."""
    return [
        {"step": f["step"], "image": drawing.image_grid([f["image"]], scale=5)}
        for f in run.live_frames or []
    ]
