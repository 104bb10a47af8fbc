"""The flow-matching lesson's figure: the straight training lines from noise to data
cross, while the ODE paths of the velocity field they average to bend and never cross.

The velocity field is exact, not learned: for a finite set of data points x₁⁽ⁱ⁾ and the
straight path x_t = (1 − t) x₀ + t x₁ with x₀ ~ N(0, I), the point x at time t lies on
the line to x₁⁽ⁱ⁾ with density N(x; t x₁⁽ⁱ⁾, (1 − t)² I), so the average velocity there is
v(x, t) = Σᵢ wᵢ (x₁⁽ⁱ⁾ − x) / (1 − t) with weights wᵢ ∝ N(x; t x₁⁽ⁱ⁾, (1 − t)² I). That
is the field a perfectly trained network would learn on these data (Lipman et al. 2023).
"""

from __future__ import annotations

import numpy as np
import torch

from generators import data
from lessons.figures import canvas
from lessons.figures.registry import figure

N_DATA = 256  # the data set the field averages over
N_LINES = 24  # training pairs and ODE paths drawn
EULER_STEPS = 100


def moons_data() -> np.ndarray:
    return data.moons(N_DATA, torch.Generator().manual_seed(0)).double().numpy()


def velocity(x: np.ndarray, t: float, x1: np.ndarray) -> np.ndarray:
    """The exact marginal velocity at points x (n, 2) and time t < 1, data x1 (m, 2)."""
    d2 = ((x[:, None, :] - t * x1[None]) ** 2).sum(-1)  # (n, m)
    log_w = -d2 / (2 * (1 - t) ** 2)
    w = np.exp(log_w - log_w.max(1, keepdims=True))
    w /= w.sum(1, keepdims=True)
    return (w[:, :, None] * (x1[None] - x[:, None])).sum(1) / (1 - t)


def ode_paths(x0: np.ndarray, x1: np.ndarray, steps: int = EULER_STEPS) -> np.ndarray:
    """Euler's method from t = 0 to t = 1 − 1/steps along the exact field: (steps, n, 2)."""
    path, x = [x0], x0
    for k in range(steps - 1):
        t = k / steps
        x = x + velocity(x, t, x1) / steps
        path.append(x)
    return np.stack(path)


@figure("flow-matching-paths.svg", lesson="flow-matching-and-rectified-flow")
def paths() -> bytes:
    x1 = moons_data()
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal((N_LINES, 2))
    pair = x1[rng.choice(N_DATA, N_LINES, replace=False)]
    ode = np.round(ode_paths(x0, x1), 3)
    fig, axes = canvas.new(height=3.4, ncols=2, sharex=True, sharey=True)
    titles = ("Training pairs: straight lines", "The ODE: curved paths")
    for ax, title in zip(axes, titles, strict=True):
        ax.scatter(*x1.T, s=6, color=canvas.MUTED, lw=0, label="data x₁")
        ax.scatter(*x0.T, s=14, color=canvas.PALETTE[4], lw=0, label="noise x₀")
        ax.set_title(title, fontsize=11)
        ax.set_aspect("equal")
        ax.set_xlim(-2.6, 2.9)
        ax.set_ylim(-2.6, 2.6)
    for a, b in zip(x0, pair, strict=True):
        axes[0].plot([a[0], b[0]], [a[1], b[1]], color=canvas.PALETTE[0], lw=1.0, alpha=0.8)
    for i in range(N_LINES):
        axes[1].plot(ode[:, i, 0], ode[:, i, 1], color=canvas.PALETTE[5], lw=1.0, alpha=0.9)
    axes[1].scatter(*ode[-1].T, s=14, color=canvas.PALETTE[5], lw=0, label="where x₀ lands")
    axes[0].legend(loc="lower left", fontsize=8, frameon=False)
    axes[1].legend(loc="lower left", fontsize=8, frameon=False)
    fig.tight_layout()
    return canvas.svg(fig)
