"""Figures of the score-matching lesson: the score ∇ log p of a 2-D density, as arrows,
at several noise levels σ. The density is a ring of eight Gaussians, whose noised score
is exact (``modeling.GaussianMixture``), so the arrows are the very field a denoiser
learns to approximate.
"""

from __future__ import annotations

import numpy as np

from generators import data
from lessons.figures import canvas, modeling
from lessons.figures.registry import figure

SIGMAS = (0.05, 0.5)  # noise levels of the panels, small to large
RING_SD = 0.1  # wider than the GAN's ring (0.01), so the modes are visible at this scale
EXTENT = 2.0
ARROWS = 11  # per side


def ring() -> modeling.GaussianMixture:
    return modeling.GaussianMixture(data.ring_modes(), RING_SD)


def score_grid(sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Grid points (n, 2) and the score ∇ log q_σ there (n, 2)."""
    v = np.linspace(-EXTENT * 0.9, EXTENT * 0.9, ARROWS)
    xy = np.stack(np.meshgrid(v, v), -1).reshape(-1, 2)
    return xy, ring().blurred(sigma).score(xy)


@figure("score-field.svg", lesson="score-matching-and-the-diffusion-objective")
def score_field():
    fig, axes = canvas.new(height=3.6, ncols=len(SIGMAS))
    v = np.linspace(-EXTENT, EXTENT, 120)
    mesh = np.stack(np.meshgrid(v, v), -1).reshape(-1, 2)
    for ax, sigma in zip(axes, SIGMAS, strict=True):
        q = ring().blurred(sigma)
        density = np.exp(q.log_density(mesh)).reshape(len(v), len(v))
        ax.imshow(
            np.round(density / density.max(), 4),
            cmap="Greys",
            origin="lower",
            extent=(-EXTENT, EXTENT, -EXTENT, EXTENT),
            vmin=0,
            vmax=1.6,
            interpolation="bilinear",
        )
        xy, s = score_grid(sigma)
        # arrows show direction; length grows as √|score|, capped, else the arrows
        # far from a sharp density would cover the panel
        norm = np.linalg.norm(s, axis=1, keepdims=True)
        length = np.minimum(np.sqrt(norm / np.percentile(norm, 95)), 1.0)
        u = np.round(s / np.maximum(norm, 1e-12) * length, 4)
        ax.quiver(
            *xy.T,
            *u.T,
            color=canvas.PALETTE[4],
            angles="xy",
            scale_units="xy",
            scale=1 / (0.9 * 2 * EXTENT / ARROWS),
            width=0.008,
        )
        ax.set_title(rf"σ = {sigma:g}: $\nabla \log q_\sigma(x)$", fontsize=11)
        ax.set_xlim(-EXTENT, EXTENT)
        ax.set_ylim(-EXTENT, EXTENT)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return canvas.svg(fig)


# Song & Ermon's (2019) example: a mixture with unequal weights, far-apart modes
LANGEVIN_MIXTURE = {"means": [[-5.0, -5.0], [5.0, 5.0]], "weights": [0.2, 0.8], "sd": 1.0}
LANGEVIN_SIGMAS = np.geomspace(10.0, 0.1, 10)  # annealing: large noise to small
LANGEVIN_STEPS = 100  # per noise level; plain Langevin runs all 1,000 at the data's score
LANGEVIN_ETA = 0.1  # step size, in units of the current density's variance


def langevin(annealed: bool, n: int = 600, seed: int = 0) -> np.ndarray:
    """(n, 2) samples by Langevin dynamics x ← x + (η/2) ∇ log p(x) + √η z from uniform
    starts on [−8, 8]², with the exact score: of the data's density throughout, or of
    the noised densities q_σ from large σ to small (annealed)."""
    p = modeling.GaussianMixture(
        np.array(LANGEVIN_MIXTURE["means"]), LANGEVIN_MIXTURE["sd"], LANGEVIN_MIXTURE["weights"]
    )
    rng = np.random.default_rng(seed)
    x = rng.uniform(-8, 8, (n, 2))
    sigmas = LANGEVIN_SIGMAS if annealed else np.zeros(len(LANGEVIN_SIGMAS))
    for sigma in sigmas:
        q = p.blurred(float(sigma))
        eta = LANGEVIN_ETA * q.sd**2  # a step in proportion to the width being sampled
        for _ in range(LANGEVIN_STEPS):
            x = x + eta / 2 * q.score(x) + np.sqrt(eta) * rng.standard_normal(x.shape)
    return np.round(x, 4)


def heavier_share(x: np.ndarray) -> float:
    """The share of samples on the heavier mode's side (x₁ + x₂ > 0)."""
    return float((x.sum(1) > 0).mean())


@figure("score-langevin.svg", lesson="score-matching-and-the-diffusion-objective")
def langevin_figure():
    fig, axes = canvas.new(height=3.6, ncols=2, sharex=True, sharey=True)
    true = LANGEVIN_MIXTURE["weights"][1]
    for ax, annealed in zip(axes, (False, True), strict=True):
        x = langevin(annealed)
        ax.scatter(*x[:400].T, s=5, color=canvas.PALETTE[4], lw=0, alpha=0.6)
        name = "annealed Langevin" if annealed else "Langevin, data score only"
        share = heavier_share(x)
        ax.set_title(f"{name}\n{share:.0%} at the upper mode (true {true:.0%})", fontsize=11)
        ax.set_aspect("equal")
        ax.set_xlim(-9, 9)
        ax.set_ylim(-9, 9)
    fig.tight_layout()
    return canvas.svg(fig)
