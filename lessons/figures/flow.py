"""Figures of the flow lesson: the change of variables in 1-D, the shipped two-moons
flow warping its data into a Gaussian step by step, and the exact densities our flows
assign (heat maps).
"""

from __future__ import annotations

import math

import numpy as np
import torch

import generators
from generators import data, store
from generators import flow as realnvp
from lessons.figures import canvas, modeling
from lessons.figures.registry import figure

N_POINTS = 400  # moons points pushed through the flow
STILL_STEPS = (0, 1, 2, 4, 7, 10)  # frames of the still figure (0 = the data)


def _load_moons_flow() -> realnvp.RealNVP:
    model, _ = store.load("flow-moons", realnvp.RealNVP, realnvp.FlowConfig, dev="cpu")
    return model


@torch.no_grad()
def layer_frames() -> dict:
    """Two-moons points (fixed seed) and where each step of the shipped flow
    (ActNorm → swap → affine coupling) moves them, data x to latent z:
    ``frames[k]`` (N, 2) after k steps, ``moon`` 0 upper / 1 lower per point."""
    with modeling.one_thread():
        model = _load_moons_flow()
        x = data.moons(N_POINTS, torch.Generator().manual_seed(0))
        means = modeling.moons_mixture().means
        nearest = ((x.double().numpy()[:, None] - means[None]) ** 2).sum(-1).argmin(1)
        frames, h = [x.numpy()], x
        steps = model.layers
        for k in range(0, len(steps), 3):  # one step = ActNorm, Permutation, coupling
            for layer in steps[k : k + 3]:
                h, _ = layer(h)
            frames.append(h.numpy())
    return {
        "frames": [np.round(f.astype(np.float64), 3) for f in frames],
        "moon": (nearest >= len(means) // 2).astype(int),
    }


@figure("flow-coupling-layers.png", "flow-coupling-layers.json", lesson="flow-based-models")
def coupling_layers():
    out = layer_frames()
    colours = np.array([canvas.PALETTE[0], canvas.PALETTE[4]])[out["moon"]]
    n_steps = len(out["frames"]) - 1
    fig, axes = canvas.new(height=4.8, nrows=2, ncols=3)
    for ax, k in zip(axes.flat, STILL_STEPS, strict=True):
        pts = out["frames"][k]
        ax.scatter(*pts.T, s=4, c=colours, lw=0)
        ax.set_title("data x" if k == 0 else f"after {k} step{'s' if k > 1 else ''}", fontsize=11)
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_xticks([])
        ax.set_yticks([])
    axes.flat[-1].set_title(f"after {n_steps} steps: z", fontsize=11)
    fig.tight_layout()
    png = canvas.png(fig)
    explorable = {
        "kind": "coupling-layers",
        "labels": ["data x"] + [f"after step {k}" for k in range(1, n_steps + 1)],
        "groups": out["moon"].tolist(),
        "colours": [canvas.PALETTE[0], canvas.PALETTE[4]],
        "group_names": ["upper moon", "lower moon"],
        "frames": [f.tolist() for f in out["frames"]],
    }
    return png, modeling.to_json(explorable)


# 1-D change of variables, in the lesson's direction: f maps data x to latent z, and
# sampling runs f⁻¹(z) = z + A·tanh(B·z), monotone since its slope 1 + A·B·sech² ≥ 1.
# It stretches the middle of the Gaussian apart, so p(x) has two bumps.
A, B = 1.5, 2.0


def f_inverse(z: np.ndarray) -> np.ndarray:
    return z + A * np.tanh(B * z)


def f(x: np.ndarray) -> np.ndarray:
    """z = f(x), by bisection (f⁻¹ is increasing and |f⁻¹(z) − z| ≤ A)."""
    lo, hi = x - A - 1e-9, x + A + 1e-9
    for _ in range(60):
        mid = (lo + hi) / 2
        below = f_inverse(mid) < x
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2


def df_dx(x: np.ndarray) -> np.ndarray:
    """|df/dx| = 1 / (slope of f⁻¹ at z = f(x))."""
    return 1 / (1 + A * B / np.cosh(B * f(x)) ** 2)


def pushed_density(x: np.ndarray) -> np.ndarray:
    """p_x(x) = p_z(f(x)) · |df/dx|: the change of variables in 1-D."""
    z = f(x)
    return np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi) * df_dx(x)


@figure("flow-change-of-variables.svg", lesson="flow-based-models")
def change_of_variables():
    x = np.linspace(-5, 5, 400)
    samples = f_inverse(np.random.default_rng(0).standard_normal(20000))
    fig, axes = canvas.new(height=3.6, ncols=2)
    axes[0].plot(x, np.round(f(x), 5), color=canvas.PALETTE[4], label="z = f(x)")
    axes[0].plot(x, np.round(df_dx(x), 5), color=canvas.PALETTE[5], ls="--", label="|df/dx|")
    axes[0].set_title("the map and its stretch", fontsize=11)
    axes[0].set_xlabel("x")
    axes[0].set_ylim(-3.2, 3.2)
    axes[0].legend(frameon=False, fontsize=10, loc="upper left")
    counts, edges = np.histogram(samples, bins=60, range=(-5, 5), density=True)
    axes[1].bar(
        edges[:-1],
        np.round(counts, 5),
        width=np.diff(edges),
        align="edge",
        color="#dddddd",
        label="samples f⁻¹(z)",
    )
    p_z = np.exp(-0.5 * x**2) / math.sqrt(2 * math.pi)
    axes[1].plot(x, np.round(p_z, 5), color=canvas.MUTED, ls=":", label=r"$p_z$")
    axes[1].plot(
        x,
        np.round(pushed_density(x), 5),
        color=canvas.PALETTE[4],
        label=r"$p_x = p_z(f(x))\,|df/dx|$",
    )
    axes[1].set_title("densities", fontsize=11)
    axes[1].set_xlabel("z or x")
    axes[1].set_ylim(0, 0.55)
    axes[1].legend(frameon=False, fontsize=10, loc="upper center")
    fig.tight_layout()
    return canvas.svg(fig)


@figure("flow-density.png", lesson="flow-based-models")
def density_maps():
    """The exact log-density log p(x) of the shipped moons and ring flows on a grid,
    shown over its top 8 nats (the ring's modes are very sharp)."""
    fig, axes = canvas.new(height=3.6, ncols=2)
    for ax, dataset in zip(axes, ("moons", "ring"), strict=True):
        with modeling.one_thread():
            out = generators.sample(
                "flow", seed=0, dataset=dataset, n=1, density=True, grid_size=120
            )
        log_p = np.round(out["log_density"].astype(np.float64), 3)
        top = log_p.max()
        shown = ax.imshow(log_p, cmap="magma_r", extent=out["extent"], vmin=top - 8, vmax=top)
        ax.set_title(f"{dataset}: log p(x)", fontsize=11)
        ax.set_xticks([])
        ax.set_yticks([])
        fig.colorbar(shown, ax=ax, shrink=0.7)
    fig.tight_layout()
    return canvas.png(fig)
