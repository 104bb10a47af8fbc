"""What the model-side figure modules share: torch on one thread, digits of any size
drawn as pixels, pictures packed into data URIs for explorables, and the exact noised
density of a Gaussian mixture (the ideal denoiser that the 2-D diffusion figures use).

No figures are registered here.
"""

from __future__ import annotations

import base64
import io
import json
import math
from contextlib import contextmanager

import numpy as np
import torch
from PIL import Image

from lessons.figures import canvas

GREYS = "gray_r"  # ink dark on the white card, as the digits are drawn in the Lab
GAP_INK = 0.06  # the faint grey between digits of a mosaic


@contextmanager
def one_thread():
    """Run torch on one thread inside, then restore: sums of floats split over threads
    come out in another order, and the figure would change with the machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def square(images: np.ndarray) -> np.ndarray:
    """(n, P) or (n, s, s) pixels → (n, s, s), whatever size the models draw (8 or 28)."""
    images = np.asarray(images, dtype=np.float64)
    if images.ndim == 3:
        return images
    side = math.isqrt(images.shape[-1])
    if side * side != images.shape[-1]:
        raise ValueError(f"{images.shape[-1]} pixels are not a square image")
    return images.reshape(len(images), side, side)


def upscale(picture: np.ndarray, at_least: int = 400) -> np.ndarray:
    """Each pixel repeated k×k times, k whole, so the picture has ≥ ``at_least`` pixels a
    side: resampled to the figure's size, a 1-pixel gap would otherwise come out one or
    two pixels wide at random."""
    k = max(1, -(-at_least // max(picture.shape)))
    return np.kron(picture, np.ones((k, k)))


def show(ax, image: np.ndarray, lo: float = 0.0, hi: float = 1.0, **imshow) -> None:
    """One digit (or a mosaic of them) in the axes, ink dark on white, no ticks."""
    picture = upscale(np.round(image, 4))
    ax.imshow(picture, cmap=GREYS, vmin=lo, vmax=hi, interpolation="nearest", **imshow)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color(canvas.MUTED)
        spine.set_linewidth(0.8)


def mosaic(images: np.ndarray, rows: int, cols: int, gap: int = 1) -> np.ndarray:
    """(rows·cols, s, s) in [0, 1] → one (rows·(s+gap)−gap, …) picture, with faint
    grey gaps so that neighbouring digits stay apart."""
    images = square(images)
    s = images.shape[1]
    out = np.full((rows * (s + gap) - gap, cols * (s + gap) - gap), GAP_INK)
    for k, img in enumerate(images[: rows * cols]):
        r, c = divmod(k, cols)
        out[r * (s + gap) : r * (s + gap) + s, c * (s + gap) : c * (s + gap) + s] = img
    return out


def png_data_uri(picture: np.ndarray) -> str:
    """A (h, w) array in [0, 1] (1 = ink) as a greyscale PNG data URI, ink dark."""
    grey = np.round(255 * (1 - np.clip(picture, 0, 1))).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(grey, mode="L").save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def sprite(images: np.ndarray) -> str:
    """(n, s, s) in [0, 1] side by side in one row, as a PNG data URI (no gaps): the
    widget cuts frame k out at x = k·s."""
    images = square(images)
    return png_data_uri(np.concatenate(list(images), axis=1))


def to_json(value: dict) -> bytes:
    """An explorable's data as compact UTF-8 JSON, keys in the order written."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


# ----------------------------------------------------------------------------- mixtures


class GaussianMixture:
    """p(x) = Σ_k w_k N(x; μ_k, s² I) in 2-D. Noised by the forward process, it stays a
    mixture: q(x_t) = Σ_k w_k N(x_t; √ᾱ μ_k, (ᾱ s² + 1 − ᾱ) I), so its score, and with it
    the ideal noise prediction ε*(x_t) = −√(1 − ᾱ) ∇ log q(x_t), are exact."""

    def __init__(self, means: np.ndarray, sd: float, weights: np.ndarray | None = None):
        self.means = np.asarray(means, dtype=np.float64)
        self.sd = float(sd)
        k = len(self.means)
        self.weights = np.full(k, 1 / k) if weights is None else np.asarray(weights) / sum(weights)

    def _responsibilities(self, x: np.ndarray, alpha_bar: float):
        mu = math.sqrt(alpha_bar) * self.means  # (K, 2)
        var = alpha_bar * self.sd**2 + 1 - alpha_bar
        d2 = ((x[:, None, :] - mu[None]) ** 2).sum(-1)  # (n, K)
        logits = np.log(self.weights)[None] - d2 / (2 * var)
        log_norm = np.logaddexp.reduce(logits, axis=1, keepdims=True)
        return np.exp(logits - log_norm), mu, var, log_norm[:, 0]

    def log_density(self, x: np.ndarray, alpha_bar: float = 1.0) -> np.ndarray:
        """(n,) log q(x_t) at noise level ᾱ (1: the data itself)."""
        _, _, var, log_norm = self._responsibilities(x, alpha_bar)
        return log_norm - math.log(2 * math.pi * var)

    def score(self, x: np.ndarray, alpha_bar: float = 1.0) -> np.ndarray:
        """(n, 2) ∇_x log q(x_t) = Σ_k r_k (√ᾱ μ_k − x) / var."""
        r, mu, var, _ = self._responsibilities(x, alpha_bar)
        return (r @ mu - x) / var

    def eps(self, x: np.ndarray, alpha_bar: float) -> np.ndarray:
        """The ideal ε-prediction E[ε | x_t] = −√(1 − ᾱ) ∇ log q(x_t)."""
        return -math.sqrt(1 - alpha_bar) * self.score(x, alpha_bar)

    def blurred(self, sigma: float) -> GaussianMixture:
        """The mixture of x + σε, ε ~ N(0, I): each component widened to √(s² + σ²)."""
        return GaussianMixture(self.means, math.hypot(self.sd, sigma), self.weights)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        k = rng.choice(len(self.means), size=n, p=self.weights)
        return self.means[k] + self.sd * rng.standard_normal((n, 2))


def moons_mixture(n_angles: int = 200) -> GaussianMixture:
    """Two moons as generators.data draws them (a uniform angle on each half circle,
    N(0, 0.05²) around it), the angle integral taken as a sum over ``n_angles``."""
    from generators import data

    t = (np.arange(n_angles) + 0.5) * math.pi / n_angles
    outer = np.stack([np.cos(t), np.sin(t)], 1)
    inner = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1)
    return GaussianMixture(np.concatenate([outer, inner]), data.MOONS_NOISE)
