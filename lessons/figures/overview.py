"""Figures for the overview lessons: generative against discriminative, which family
for which medium, WaveNet's dilated convolutions, latent diffusion's compression, the
layers of defence, quantising our model's weights, our models' training curves, and
what one sample costs each family.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.patches import Rectangle

from generators import diffusion as diffusion_family
from generators import store

from . import canvas
from .diagrams import BLUE, GREEN, ORANGE, PURPLE, SKY, VERMILION
from .registry import figure
from .transformer import text_model

# ----------------------------------------------------------------------------- introduction


def _gaussian_log_density(points: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    diff = points - mean
    inv = np.linalg.inv(cov)
    return -0.5 * np.einsum("...i,ij,...j->...", diff, inv, diff) - 0.5 * math.log(
        (2 * math.pi) ** 2 * np.linalg.det(cov)
    )


@figure("overview-generative-vs-discriminative.svg", lesson="introduction")
def generative_vs_discriminative() -> bytes:
    """Two classes of 2-D points: a discriminative model keeps only the boundary
    p(y | x) = ½; a generative model describes where the points are, p(x | y), and can
    draw new ones."""
    rng = np.random.default_rng(0)
    means = [np.array([-1.2, 0.4]), np.array([1.3, -0.3])]
    covs = [np.array([[0.6, 0.3], [0.3, 0.5]]), np.array([[0.5, -0.2], [-0.2, 0.7]])]
    data = [
        np.round(rng.multivariate_normal(m, c, 120), 3) for m, c in zip(means, covs, strict=True)
    ]
    fitted = [(d.mean(0), np.cov(d.T)) for d in data]
    xs, ys = np.meshgrid(np.linspace(-4, 4, 161), np.linspace(-3, 3, 121))
    grid = np.stack([xs, ys], -1)
    logs = [_gaussian_log_density(grid, m, c) for m, c in fitted]
    colours = (BLUE, VERMILION)
    fig, (left, right) = canvas.new(6.4, 6.4, nrows=2, sharex=True, layout="constrained")
    for ax in (left, right):
        ax.set_aspect("equal")
        ax.set_xlim(-4, 4)
        ax.set_ylim(-3, 3)
        ax.set_yticks([-2, 0, 2])
    for d, colour in zip(data, colours, strict=True):
        left.scatter(*d.T, s=10, color=colour, alpha=0.7, linewidths=0)
    # A discriminative model of p(y | x) with a linear boundary (a shared covariance).
    pooled = (fitted[0][1] + fitted[1][1]) / 2
    odds = _gaussian_log_density(grid, fitted[0][0], pooled) - _gaussian_log_density(
        grid, fitted[1][0], pooled
    )
    left.contour(xs, ys, np.round(odds, 4), levels=[0], colors=[canvas.INK], linewidths=2)
    left.set_title("Discriminative: only the boundary p(y | x) = ½", fontsize=11)
    new = [np.round(rng.multivariate_normal(m, c, 25), 3) for m, c in fitted]
    for log_density, colour, sample in zip(logs, colours, new, strict=True):
        right.contour(
            xs,
            ys,
            np.round(np.exp(log_density), 4),
            levels=[0.03, 0.1, 0.2],
            colors=[colour],
            linewidths=1.2,
        )
        right.scatter(*sample.T, s=30, marker="x", color=colour, linewidths=1.5)
    right.set_title("Generative: p(x | y) for each class, and new samples (×)", fontsize=11)
    right.set_xlabel("$x_1$")
    for ax in (left, right):
        ax.set_ylabel("$x_2$")
    return canvas.svg(fig)


# ----------------------------------------------------------------------------- applications

MEDIA = ["Text, code", "Images", "Audio", "Video", "Molecules, 3-D"]
FAMILIES = ["Autoregressive", "VAE / VQ-VAE", "GAN", "Flow", "Diffusion"]
# (medium, family) → "main" or "also", as the applications lesson describes them.
USES = {
    ("Text, code", "Autoregressive"): "main",
    ("Images", "Diffusion"): "main",
    ("Images", "GAN"): "also",
    ("Images", "Autoregressive"): "also",
    ("Audio", "Autoregressive"): "main",
    ("Audio", "VAE / VQ-VAE"): "also",
    ("Audio", "Diffusion"): "also",
    ("Video", "Diffusion"): "main",
    ("Molecules, 3-D", "Diffusion"): "main",
}


@figure("overview-family-by-medium.svg", lesson="applications")
def family_by_medium() -> bytes:
    """Which family leads (filled) or also serves (ring) each medium."""
    fig, ax = canvas.new(6.4, 4.4)
    for i, medium in enumerate(MEDIA):
        for j, family in enumerate(FAMILIES):
            use = USES.get((medium, family))
            if use == "main":
                ax.plot(j, i, "o", markersize=20, color=BLUE)
            elif use == "also":
                ax.plot(
                    j,
                    i,
                    "o",
                    markersize=16,
                    markerfacecolor="white",
                    markeredgecolor=BLUE,
                    markeredgewidth=2.5,
                )
            else:
                ax.plot(j, i, ".", markersize=4, color="#cccccc")
    ax.set_xticks(range(len(FAMILIES)), [f.replace(" / ", "/\n") for f in FAMILIES], fontsize=10)
    ax.set_yticks(range(len(MEDIA)), MEDIA)
    ax.invert_yaxis()
    ax.set_xlim(-0.6, len(FAMILIES) - 0.4)
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.xaxis.tick_top()
    ax.text(
        len(FAMILIES) - 0.4,
        len(MEDIA) - 0.3,
        "●  leads     ○  also used (audio codecs: VQ-VAE tokens)",
        ha="right",
        va="top",
        fontsize=10,
        color=canvas.MUTED,
    )
    ax.set_ylim(len(MEDIA) + 0.1, -0.6)
    return canvas.svg(fig)


@figure("overview-dilated-convolutions.svg", lesson="applications-by-medium")
def dilated_convolutions() -> bytes:
    """WaveNet's stack of dilated causal convolutions: dilation 1, 2, 4, 8, so the
    receptive field of one output doubles with each layer, to 16 samples."""
    n, dilations = 16, (1, 2, 4, 8)
    fig, ax = canvas.new(6.4, 3.8)
    ax.axis("off")
    # Walk back from the last output to find which units feed it.
    used = {len(dilations): {n - 1}}
    for level in range(len(dilations), 0, -1):
        d = dilations[level - 1]
        used[level - 1] = {i for j in used[level] for i in (j, j - d) if i >= 0}
    for level in range(len(dilations) + 1):
        for i in range(n):
            on = i in used[level]
            ax.plot(i, level, "o", markersize=9, color=BLUE if on else "#dddddd", zorder=3)
        if level:
            d = dilations[level - 1]
            for j in used[level]:
                for i in (j, j - d):
                    ax.plot([i, j], [level - 1, level], color=BLUE, linewidth=1.6)
            ax.text(n - 0.2, level, f"dilation {d}", va="center", fontsize=11)
    ax.text(n - 0.2, 0, "input samples", va="center", fontsize=11)
    ax.text(
        -0.6, len(dilations) + 0.45, "one output sees 16 past samples through 4 layers", fontsize=11
    )
    ax.set_xlim(-0.8, n + 3.5)
    ax.set_ylim(-0.5, len(dilations) + 0.8)
    return canvas.svg(fig)


@figure("overview-latent-compression.svg", lesson="current-state")
def latent_compression() -> bytes:
    """A 512×512×3 image against its 64×64×4 latent, with areas to scale."""
    image, latent = 512 * 512 * 3, 64 * 64 * 4
    fig, ax = canvas.new(6.4, 4.0)
    ax.axis("off")
    side_image = math.sqrt(image)
    side_latent = math.sqrt(latent)
    ax.add_patch(
        Rectangle((0, 0), side_image, side_image, facecolor=SKY, edgecolor=BLUE, linewidth=2)
    )
    x0 = side_image + 120
    ax.add_patch(
        Rectangle(
            (x0, 0), side_latent, side_latent, facecolor=ORANGE, edgecolor=VERMILION, linewidth=2
        )
    )
    ax.text(
        side_image / 2,
        side_image / 2,
        f"pixels\n512 × 512 × 3\n= {image:,} values",
        ha="center",
        va="center",
        fontsize=13,
    )
    ax.text(
        x0 + side_latent / 2,
        side_latent + 40,
        f"latent\n64 × 64 × 4\n= {latent:,}",
        ha="center",
        va="bottom",
        fontsize=13,
    )
    ax.text(
        x0 - 60,
        side_image * 0.75,
        f"{image // latent}× fewer values\nfor every denoising step",
        ha="left",
        va="center",
        fontsize=12,
        color=canvas.INK,
    )
    ax.set_xlim(-10, x0 + 600)
    ax.set_ylim(-10, side_image + 10)
    ax.set_aspect("equal")
    return canvas.svg(fig)


# ----------------------------------------------------------------------------- risks

LAYERS = ["Data", "Training", "Evaluation\n& audits", "Deployment", "Provenance\n& policy"]
# Risk → the layers its mitigations sit in, as the lesson's table lists them.
DEFENCES = {
    "Hallucination": {
        "Training": "RLHF",
        "Evaluation\n& audits": "evaluation",
        "Deployment": "retrieval,\ncitations",
    },
    "Bias": {"Data": "curation", "Training": "alignment\ntuning", "Evaluation\n& audits": "audits"},
    "Deepfakes": {"Deployment": "safety\nfilters", "Provenance\n& policy": "watermarks,\npolicy"},
    "IP and privacy": {
        "Data": "dedup,\nDP-SGD",
        "Evaluation\n& audits": "extraction\naudits",
        "Deployment": "output\nfilters",
    },
    "Environmental\ncost": {"Training": "efficient\nmodels", "Deployment": "distilled\nmodels"},
}


@figure("overview-defence-layers.svg", lesson="risks-and-mitigations")
def defence_layers() -> bytes:
    """Each risk is met at several layers of the pipeline; none is covered by one."""
    fig, ax = canvas.new(6.4, 5.2)
    risks = list(DEFENCES)
    for i, risk in enumerate(risks):
        for j, layer in enumerate(LAYERS):
            what = DEFENCES[risk].get(layer)
            colour = (BLUE, GREEN, ORANGE, PURPLE, VERMILION)[j]
            if what:
                ax.add_patch(
                    Rectangle(
                        (j - 0.47, i - 0.44), 0.94, 0.88, facecolor=colour + "33", edgecolor=colour
                    )
                )
                ax.text(j, i, what, ha="center", va="center", fontsize=9.5)
    ax.set_xticks(range(len(LAYERS)), LAYERS, fontsize=10)
    ax.set_yticks(range(len(risks)), risks, fontsize=11)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    ax.set_xlim(-0.5, len(LAYERS) - 0.5)
    ax.set_ylim(len(risks) - 0.5, -0.5)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    return canvas.svg(fig)


# ----------------------------------------------------------------------------- future


def quantise(w: np.ndarray, bits: int) -> np.ndarray:
    """Symmetric per-tensor quantisation: w ≈ s·q with q = round(w / s) in
    [−(2^(b−1) − 1), 2^(b−1) − 1] and s = max|w| / (2^(b−1) − 1)."""
    levels = 2 ** (bits - 1) - 1
    s = np.abs(w).max() / levels
    return s * np.round(w / s)


@figure("overview-quantisation.svg", lesson="future-directions")
def quantisation() -> bytes:
    """Our text model's first attention weights rounded to b bits, and the error."""
    w = text_model().blocks[0].attn.c_attn.weight.detach().numpy().astype(np.float64).ravel()
    w = np.round(w, 5)
    fig, (top, bottom) = canvas.new(6.4, 5.8, nrows=2, layout="constrained")
    top.hist(w, bins=120, color=SKY, density=True)
    levels = np.unique(quantise(w, 4))
    for v in levels:
        top.axvline(v, color=VERMILION, linewidth=0.8, alpha=0.8)
    top.set_xlabel("weight value (first attention layer of our text model)")
    top.set_ylabel("density")
    top.set_title(f"4 bits: every weight snaps to one of {len(levels)} levels (red)", fontsize=11)
    bits = list(range(2, 9))
    errors = [
        float(np.sqrt(np.mean((quantise(w, b) - w) ** 2)) / np.sqrt(np.mean(w**2))) for b in bits
    ]
    bottom.plot(bits, errors, "o-", color=BLUE)
    for b, e in zip(bits, errors, strict=True):
        bottom.text(
            b,
            e * 1.25,
            f"{100 * e:.0f}%" if e >= 0.01 else f"{100 * e:.1f}%",
            ha="center",
            fontsize=10,
        )
    bottom.set_yscale("log")
    bottom.set_ylim(min(errors) / 2, 3)
    bottom.set_xlabel("bits per weight")
    bottom.set_ylabel("relative RMS error")
    return canvas.svg(fig)


# ----------------------------------------------------------------------------- our models

CURVES = [  # (checkpoint, title, what the loss is)
    ("autoregressive-text", "Transformer, lesson text", "cross-entropy per character"),
    ("vae-digits", "VAE, digits", "negative ELBO"),
    ("gan-digits", "GAN, digits", "discriminator loss"),
    ("flow-digits", "Flow, digits", "negative log-likelihood"),
    ("diffusion-digits", "Diffusion, digits", "noise-prediction MSE"),
]


@figure("overview-training-curves.svg", lesson="implementation-examples")
def training_curves() -> bytes:
    """The training loss of each shipped model, from its checkpoint's own record."""
    fig, axes = canvas.new(6.4, 7.4, nrows=3, ncols=2, layout="constrained")
    for ax, (name, title, what) in zip(axes.flat, CURVES, strict=False):
        meta = store.read_meta(name)
        losses = np.asarray(meta["loss_curve"], dtype=float)
        steps = (np.arange(len(losses)) + 0.5) * meta["steps"] / len(losses)
        ax.plot(steps, losses, color=BLUE)
        ax.set_title(title, fontsize=11)
        ax.set_ylabel(what, fontsize=9)
        ax.tick_params(labelsize=9)
        ax.set_xlabel("step", fontsize=9)
    for ax in axes.flat[len(CURVES) :]:
        ax.axis("off")
    return canvas.svg(fig)


@figure("overview-cost-per-sample.svg", lesson="summary")
def cost_per_sample() -> bytes:
    """Network passes to draw one digit with each of our models, from their configs."""
    ar = store.read_meta("autoregressive-digits")["config"]
    diffusion = store.read_meta("diffusion-digits")["config"]
    ddim = next(p.default for p in diffusion_family.PARAMS if p.name == "num_inference_steps")
    passes = {
        "GAN": 1,
        "VAE": 1,
        "Flow": 1,
        "Autoregressive\n(one per pixel)": ar["block_size"] - 1,
        f"Diffusion, DDIM\n({ddim} steps)": ddim,
        f"Diffusion, DDPM\n({diffusion['T']} steps)": diffusion["T"],
    }
    fig, ax = canvas.new(6.4, 4.4)
    colours = [VERMILION, GREEN, PURPLE, BLUE, ORANGE, ORANGE]
    names = list(passes)
    ax.barh(names, list(passes.values()), color=colours)
    for i, v in enumerate(passes.values()):
        ax.text(v * 1.15, i, f"{v:,}", va="center", fontsize=11)
    ax.set_xscale("log")
    ax.set_xlim(0.8, max(passes.values()) * 6)
    ax.invert_yaxis()
    ax.set_xlabel("network passes for one sample (log scale)")
    ax.tick_params(axis="y", labelsize=10)
    return canvas.svg(fig)
