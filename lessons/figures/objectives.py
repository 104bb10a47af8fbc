"""Figures of training objectives: forward against reverse KL, maximum likelihood,
what FID compares, and perplexity (ours, and why it depends on the tokenizer).

Everything is computed with NumPy from fixed seeds or from our checkpoints' recorded
measurements, and rounded before it is drawn.
"""

from __future__ import annotations

import json
import math

import numpy as np
from matplotlib.patches import Ellipse

from generators import store

from . import canvas
from .registry import figure

# ----------------------------------------------------------------------------- KL

# The target: a two-bump mixture, heavier on the left so the two fits differ clearly.
MIXTURE = ((0.6, -2.0, 0.7), (0.4, 2.2, 0.6))  # (weight, mean, sd) of each Gaussian
GRID = (-25.0, 25.0, 2501)  # x from, x to, points: dx = 0.02, wide enough for any slider q


def grid() -> np.ndarray:
    return np.linspace(*GRID)


def log_normal(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    return -0.5 * ((x - mu) / sigma) ** 2 - math.log(sigma * math.sqrt(2 * math.pi))


def target_log_density(x: np.ndarray) -> np.ndarray:
    """log p(x) of the mixture, computed in log space so the tails stay finite."""
    parts = np.stack([math.log(w) + log_normal(x, m, s) for w, m, s in MIXTURE])
    top = parts.max(0)
    return top + np.log(np.exp(parts - top).sum(0))


def kl_pair(log_p: np.ndarray, x: np.ndarray, mu: float, sigma: float) -> tuple[float, float]:
    """(KL(p‖q), KL(q‖p)) for q = N(mu, sigma²), as Riemann sums on the grid x.

    The widget computes exactly these sums in JavaScript."""
    dx = x[1] - x[0]
    log_q = log_normal(x, mu, sigma)
    p, q = np.exp(log_p), np.exp(log_q)
    forward = float(np.sum(p * (log_p - log_q)) * dx)
    reverse = float(np.sum(q * (log_q - log_p)) * dx)
    return forward, reverse


def best_fits(log_p: np.ndarray, x: np.ndarray) -> dict[str, tuple[float, float]]:
    """The Gaussian (mu, sigma) minimising each KL, searched on a 0.05 grid."""
    mus = np.round(np.arange(-4.0, 4.0001, 0.05), 2)
    sigmas = np.round(np.arange(0.3, 3.0001, 0.05), 2)
    best = {"forward": (math.inf, 0.0, 1.0), "reverse": (math.inf, 0.0, 1.0)}
    for mu in mus:
        for sigma in sigmas:
            f, r = kl_pair(log_p, x, float(mu), float(sigma))
            if f < best["forward"][0]:
                best["forward"] = (f, float(mu), float(sigma))
            if r < best["reverse"][0]:
                best["reverse"] = (r, float(mu), float(sigma))
    return {name: (mu, sigma) for name, (_, mu, sigma) in best.items()}


@figure("objectives-kl.svg", "objectives-kl.json", lesson="maximum-likelihood-and-cross-entropy")
def kl() -> tuple[bytes, bytes]:
    """One Gaussian fitted to a two-bump density by each KL, with both numbers."""
    x = grid()
    log_p = np.round(target_log_density(x), 4)
    fits = best_fits(log_p, x)
    fig, axes = canvas.new(6.4, 5.4, nrows=2, sharex=True, layout="constrained")
    titles = {
        "forward": "Minimising KL(p‖q): q covers both modes",
        "reverse": "Minimising KL(q‖p): q sits on one mode",
    }
    for ax, (name, (mu, sigma)) in zip(axes, fits.items(), strict=True):
        forward, reverse = kl_pair(log_p, x, mu, sigma)
        ax.fill_between(x, np.exp(log_p), color=canvas.PALETTE[1], alpha=0.5, label="target p")
        ax.plot(x, np.exp(log_normal(x, mu, sigma)), color=canvas.PALETTE[5], label="Gaussian q")
        ax.set_title(titles[name], fontsize=11)
        ax.text(
            0.99,
            0.95,
            f"μ = {mu:.2f}, σ = {sigma:.2f}\nKL(p‖q) = {forward:.2f}\nKL(q‖p) = {reverse:.2f}",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=10,
        )
        ax.set_ylabel("density")
        ax.set_ylim(0, 0.62)
    axes[0].legend(loc="upper left", frameon=False, fontsize=10)
    axes[1].set_xlabel("x")
    axes[1].set_xlim(-6, 6)
    data = {
        "kind": "kl",
        "x0": GRID[0],
        "dx": round(float(x[1] - x[0]), 6),
        "log_p": log_p.tolist(),
        "fits": {name: {"mu": mu, "sigma": sigma} for name, (mu, sigma) in fits.items()},
        "start": {"mu": 0.0, "sigma": 1.0},
        "mu_range": [-4.0, 4.0],
        "sigma_range": [0.3, 3.0],
    }
    return canvas.svg(fig), json.dumps(data, separators=(",", ":")).encode()


# ----------------------------------------------------------------------------- MLE


def mle_data() -> np.ndarray:
    """300 draws from a fixed skewed distribution (a gamma), seed 0."""
    return np.round(np.random.default_rng(0).gamma(4.0, 1.0, 300), 3)


def gaussian_nll(data: np.ndarray, mu: float, sigma: float) -> float:
    """Average negative log-likelihood of the data under N(mu, sigma²), in nats."""
    return float(-log_normal(data, mu, sigma).mean())


@figure("objectives-maximum-likelihood.svg", lesson="maximum-likelihood-and-cross-entropy")
def maximum_likelihood() -> bytes:
    """A Gaussian model against a data histogram, and the NLL as its mean moves."""
    data = mle_data()
    mu_hat, sigma_hat = float(data.mean()), float(data.std())
    fig, (left, right) = canvas.new(6.4, 5.6, nrows=2, layout="constrained")
    xs = np.linspace(-2, 14, 400)
    left.hist(data, bins=30, density=True, color=canvas.PALETTE[1], alpha=0.6, label="data")
    for mu, colour, name in (
        (mu_hat, canvas.PALETTE[4], "maximum likelihood"),
        (mu_hat + 2.5, canvas.PALETTE[5], "mean moved +2.5"),
    ):
        nll = gaussian_nll(data, mu, sigma_hat)
        left.plot(
            xs, np.exp(log_normal(xs, mu, sigma_hat)), color=colour, label=f"{name}: NLL {nll:.2f}"
        )
    left.set_xlabel("x")
    left.set_ylabel("density")
    left.legend(frameon=False, fontsize=10)
    mus = np.linspace(mu_hat - 4, mu_hat + 4, 161)
    right.plot(mus, [gaussian_nll(data, m, sigma_hat) for m in mus], color=canvas.INK)
    right.axvline(mu_hat, color=canvas.PALETTE[4], linestyle="--")
    right.annotate(
        f"minimum at the sample mean {mu_hat:.2f}",
        (mu_hat, gaussian_nll(data, mu_hat, sigma_hat)),
        xytext=(mu_hat + 0.3, gaussian_nll(data, mu_hat, sigma_hat) + 0.9),
        fontsize=10,
        arrowprops=dict(arrowstyle="->", color=canvas.INK),
    )
    right.set_xlabel("the model's mean μ (σ fixed)")
    right.set_ylabel("average NLL (nats)")
    return canvas.svg(fig)


# ----------------------------------------------------------------------------- FID


def _sqrtm_psd(a: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh(a)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(mu1, cov1, mu2, cov2) -> tuple[float, float]:
    """(‖μ₁−μ₂‖², Tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½)): FID's two terms (Heusel et al. 2017)."""
    root1 = _sqrtm_psd(cov1)
    cross = _sqrtm_psd(root1 @ cov2 @ root1)  # same trace as (Σ₁Σ₂)^½, and symmetric
    return float(np.sum((mu1 - mu2) ** 2)), float(np.trace(cov1 + cov2 - 2 * cross))


def _ellipse(ax, mean, cov, colour):
    values, vectors = np.linalg.eigh(cov)
    angle = math.degrees(math.atan2(vectors[1, 1], vectors[0, 1]))
    for k in (1, 2):
        w, h = 2 * k * np.sqrt(values[::-1])
        ax.add_patch(Ellipse(mean, w, h, angle=angle, fill=False, color=colour, linewidth=2 / k))


@figure("objectives-fid.svg", lesson="evaluation")
def fid() -> bytes:
    """Real and generated features as two Gaussians: FID compares their means and
    covariances, nothing else."""
    rng = np.random.default_rng(0)
    real = rng.multivariate_normal([0.0, 0.0], [[1.0, 0.6], [0.6, 1.0]], 400)
    fake = rng.multivariate_normal([1.2, -0.4], [[0.5, -0.1], [-0.1, 0.4]], 400)
    stats = [(np.round(s.mean(0), 3), np.round(np.cov(s.T), 3)) for s in (real, fake)]
    mean_term, cov_term = frechet_distance(*stats[0], *stats[1])
    fig, ax = canvas.new(6.4, 5.4)
    for points, (mean, cov), colour, name in zip(
        (real, fake),
        stats,
        (canvas.PALETTE[4], canvas.PALETTE[5]),
        ("real", "generated"),
        strict=True,
    ):
        ax.scatter(*np.round(points, 3).T, s=6, color=colour, alpha=0.35, linewidths=0)
        _ellipse(ax, mean, cov, colour)
        ax.plot(
            *mean,
            marker="X",
            markersize=12,
            color=colour,
            markeredgecolor="white",
            label=f"{name}: mean μ, covariance Σ",
        )
    ax.annotate(
        "",
        stats[1][0],
        stats[0][0],
        arrowprops=dict(arrowstyle="<->", color=canvas.INK, linewidth=1.5),
    )
    ax.set_aspect("equal")
    ax.set_xlim(-3.5, 3.8)
    ax.set_ylim(-3.2, 3.2)
    ax.set_xlabel("feature 1")
    ax.set_ylabel("feature 2")
    ax.legend(loc="upper left", frameon=False, fontsize=10)
    ax.set_title(
        r"$\mathrm{FID} = \Vert\mu_r - \mu_g\Vert^2"
        r" + \mathrm{Tr}(\Sigma_r + \Sigma_g - 2(\Sigma_r\Sigma_g)^{1/2})$"
        + f"\n= {mean_term:.2f} + {cov_term:.2f} = {mean_term + cov_term:.2f}",
        fontsize=11,
    )
    return canvas.svg(fig)


# ----------------------------------------------------------------------------- perplexity


@figure("objectives-perplexity.svg", lesson="maximum-likelihood-and-cross-entropy")
def perplexity() -> bytes:
    """Held-out perplexity of n-gram models and our Transformer, and the same model's
    perplexity counted per byte, character and word."""
    text = json.loads((store.CHECKPOINT_DIR / "evaluation.json").read_text())["text"]
    ngrams = {f"{n}-gram": v for n, v in sorted(text["ngram_nats_per_char"].items())}
    rows = {**ngrams, "our Transformer": text["model_nats_per_char"]}
    meta = store.read_meta("autoregressive-text")["slice_metrics"]
    sample = meta["heldout_slice"]
    nats_per_char = meta["nats_per_char"]
    units = {
        "character": 1.0,
        "subword token\n(4 chars, typical BPE)": 4.0,
        f"word\n({len(sample) / len(sample.split()):.1f} chars here)": len(sample)
        / len(sample.split()),
    }
    fig, (top, bottom) = canvas.new(6.4, 6.2, nrows=2, layout="constrained")
    names = list(rows)
    values = [math.exp(v) for v in rows.values()]
    colours = [canvas.PALETTE[1]] * (len(names) - 1) + [canvas.PALETTE[4]]
    top.barh(names, values, color=colours)
    for i, v in enumerate(values):
        top.text(v + 0.4, i, f"{v:.1f}", va="center", fontsize=10)
    top.invert_yaxis()
    top.set_xlabel("perplexity per character on held-out lesson text")
    top.set_xlim(0, max(values) * 1.15)
    per_unit = {name: math.exp(nats_per_char * chars) for name, chars in units.items()}
    bottom.bar(list(per_unit), list(per_unit.values()), color=canvas.PALETTE[4])
    for i, v in enumerate(per_unit.values()):
        bottom.text(
            i,
            v * 1.15,
            f"{v:,.0f}" if v > 100 else f"{v:.1f}",
            ha="center",
            va="bottom",
            fontsize=10,
        )
    bottom.set_yscale("log")
    bottom.set_ylim(1, max(per_unit.values()) * 30)
    bottom.set_ylabel("perplexity per unit")
    bottom.set_title("The same model and text, counted per character, token or word", fontsize=11)
    return canvas.svg(fig)
