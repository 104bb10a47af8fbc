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
        ax.set_title(f"σ = {sigma:g}: ∇ log q_σ(x)", fontsize=11)
        ax.set_xlim(-EXTENT, EXTENT)
        ax.set_ylim(-EXTENT, EXTENT)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return canvas.svg(fig)
