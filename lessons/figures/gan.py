"""Figures of the GAN lessons: a GAN learning the ring of eight Gaussians (its samples
over its discriminator's belief D), a run that collapses with the original minimax
loss, and the shipped grid GAN with and without rejection sampling.

A GAN needs thousands of steps to learn the ring (half a minute per run here), far
more than a figure may take. So the runs are recorded once, with exactly the Lab's live
training (``generators.live``, the same knobs and seed give the same snapshots as the
Lab's training page), into ``traces/gan-ring.json``: every ``EVERY`` steps the modes
covered, and at a few steps the samples and D's logit on a grid. The figures draw from
that record; ``python -m lessons.figures.gan`` records it again (about 2 minutes), and
a test checks that the first snapshot still comes out of the code as recorded.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize

import generators
from generators import data, live
from lessons.figures import canvas, modeling
from lessons.figures.registry import figure

TRACE = Path(__file__).resolve().parent / "traces" / "gan-ring.json"
SEED = 2  # of the three seeds the generators README reports, the one where minimax collapses most
EVERY = 100  # steps between two records of the modes covered
LOOK_AT = (100, 300, 1000, 3000)  # steps at which samples and D's surface are kept
EXTENT = 1.6  # D's grid covers [−EXTENT, EXTENT]²
GRID = 40  # D's grid: points per side
RUNS = {  # name → the Lab's training knobs (the rest at their defaults, 3,000 steps)
    "stable": {"dataset": "ring", "loss": "non_saturating"},
    "no-r1": {"dataset": "ring", "loss": "non_saturating", "r1": 0.0, "lr_d": 0.005},
    "minimax": {"dataset": "ring", "loss": "minimax", "r1": 0.0, "lr_d": 0.005},
}
TITLES = {
    "stable": "non-saturating, R1 0.1",
    "no-r1": "non-saturating, no R1",
    "minimax": "minimax, no R1",
}


def _grid() -> torch.Tensor:
    v = torch.linspace(-EXTENT, EXTENT, GRID)
    yy, xx = torch.meshgrid(v.flip(0), v, indexing="ij")  # row 0 is the top
    return torch.stack([xx, yy], -1).reshape(-1, 2)


def record_run(params: dict, seed: int = SEED, steps: int | None = None) -> dict:
    """Train as ``generators.train_live`` does (same knobs, seed and order of random
    draws) and keep, every EVERY steps, the modes covered and the share of high-quality
    samples, and at LOOK_AT the samples and D's logits on the grid."""
    p = live.training_check("gan", {**params, "steps": steps or 3000, "snapshot_every": EVERY})
    with modeling.one_thread():
        torch.manual_seed(seed)
        g = torch.Generator().manual_seed(seed)
        run = live.LIVE["gan"][1](p, None, g, torch.device("cpu"))
        out = {"params": p, "seed": seed, "steps": [], "modes": [], "high_quality": [], "looks": {}}
        for i in range(p["steps"]):
            run.step(i)
            if (i + 1) % EVERY:
                continue
            samples, measure = run.look()
            out["steps"].append(i + 1)
            out["modes"].append(measure["modes"])
            out["high_quality"].append(measure["high_quality"])
            if i + 1 in LOOK_AT:
                with torch.no_grad():
                    logits = run.model.D(_grid()).reshape(GRID, GRID)
                out["looks"][str(i + 1)] = {
                    "points": samples["points"],
                    "d_logits": np.round(logits.numpy().astype(np.float64), 2).tolist(),
                }
    return out


def record() -> None:
    """Train every run of RUNS and write the trace the figures draw from."""
    trace = {
        "made_by": "python -m lessons.figures.gan",
        "grid": {"extent": EXTENT, "points_per_side": GRID},
        "runs": {name: record_run(params) for name, params in RUNS.items()},
    }
    TRACE.parent.mkdir(exist_ok=True)
    TRACE.write_text(json.dumps(trace, separators=(",", ":")) + "\n")


def load_trace() -> dict:
    return json.loads(TRACE.read_text())


BELIEF = {"cmap": "RdBu", "vmin": 0, "vmax": 1, "alpha": 0.55}  # red: fake, blue: real


def _belief_key(fig, axes) -> None:
    """A colour bar under the panels: what the shading means."""
    key = fig.colorbar(
        ScalarMappable(Normalize(0, 1), cmap=BELIEF["cmap"]),
        ax=axes,
        orientation="horizontal",
        fraction=0.05,
        pad=0.04,
        aspect=40,
        alpha=BELIEF["alpha"],
    )
    key.set_label("σ(D(x)): D's belief that x is real")
    key.set_ticks([0, 0.5, 1])


def _modes(ax, modes: np.ndarray, extent: float) -> None:
    ax.scatter(*modes.T, marker="x", s=40, color=canvas.INK, lw=1.5, zorder=4)
    ax.set_xlim(-extent, extent)
    ax.set_ylim(-extent, extent)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])


def _look(ax, look: dict) -> None:
    """D's belief that x is real, σ(D(x)), under the generator's samples."""
    belief = 1 / (1 + np.exp(-np.asarray(look["d_logits"])))
    e = EXTENT
    ax.imshow(belief, extent=(-e, e, -e, e), interpolation="bilinear", **BELIEF)
    pts = np.asarray(look["points"])
    ax.scatter(*pts.T, s=4, color=canvas.INK, lw=0, alpha=0.6, zorder=3)
    _modes(ax, data.ring_modes(), EXTENT)


@figure("gan-ring-training.png", lesson="generative-adversarial-networks")
def ring_training():
    run = load_trace()["runs"]["stable"]
    fig, axes = canvas.new(height=7.2, nrows=2, ncols=2, layout="constrained")
    for ax, step in zip(axes.flat, LOOK_AT, strict=True):
        _look(ax, run["looks"][str(step)])
        k = run["steps"].index(step)
        ax.set_title(f"step {step}: {run['modes'][k]} of 8 modes", fontsize=11)
    _belief_key(fig, axes)
    return canvas.png(fig)


@figure("gan-collapse.png", lesson="adversarial-objectives")
def collapse():
    """The same fast discriminator (no R1, lr_d 0.005): the non-saturating loss keeps
    finding modes, the minimax loss collapses onto a few."""
    runs = load_trace()["runs"]
    fig, axes = canvas.new(height=4.4, ncols=2, layout="constrained")
    for ax, name in zip(axes, ("no-r1", "minimax"), strict=True):
        run = runs[name]
        _look(ax, run["looks"][str(LOOK_AT[-1])])
        ax.set_title(f"{TITLES[name]}\n{run['modes'][-1]} of 8 modes", fontsize=11)
    _belief_key(fig, axes)
    return canvas.png(fig)


@figure("gan-modes.svg", lesson="adversarial-objectives")
def modes_over_training():
    runs = load_trace()["runs"]
    fig, axes = canvas.new(height=4.6, nrows=len(runs), sharex=True)
    colours = (canvas.PALETTE[2], canvas.PALETTE[4], canvas.PALETTE[5])
    for ax, (name, run), colour in zip(axes, runs.items(), colours, strict=True):
        ax.fill_between(run["steps"], run["modes"], step="post", color=colour, alpha=0.35, lw=0)
        ax.step(run["steps"], run["modes"], where="post", color=colour)
        ax.set_title(TITLES[name], fontsize=11, loc="left")
        ax.set_ylim(0, 8.4)
        ax.set_yticks([0, 4, 8])
        ax.set_xlim(run["steps"][0], run["steps"][-1])
    axes[1].set_ylabel("modes covered (of 8)")
    axes[-1].set_xlabel("training step")
    fig.tight_layout()
    return canvas.svg(fig)


@figure("gan-rejection.png", lesson="training-and-sampling")
def rejection():
    """The shipped grid GAN: its generator's raw samples, and those that discriminator
    rejection sampling keeps."""
    fig, axes = canvas.new(height=3.9, ncols=2)
    for ax, keep in zip(axes, (False, True), strict=True):
        with modeling.one_thread():
            out = generators.sample("gan", seed=0, dataset="grid", n=2000, rejection=keep)
        pts = np.round(out["points"].astype(np.float64), 4)
        _modes(ax, data.grid_modes(), 5.4)
        ax.collections[0].set(color="#bbbbbb", zorder=1, sizes=[25])
        ax.scatter(*pts.T, s=2, color=canvas.PALETTE[4], lw=0, alpha=0.7, zorder=3)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        m = out["metrics"]
        name = "with rejection (DRS)" if keep else "generator alone"
        ax.set_title(f"{name}\n{m['high_quality']:.0%} within 3 sd of a mode", fontsize=11)
    fig.tight_layout()
    return canvas.png(fig)


if __name__ == "__main__":
    record()
    print(f"wrote {TRACE}")
