"""Figures of the VAE lessons, from the shipped VAEs through ``generators.sample``: the
2-D latent plane (decoded, and where the test digits land), reconstructions by the 2-D
and 16-D models, and each test digit's ELBO split into its two terms.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import MaxNLocator

import generators
from lessons.figures import canvas, modeling
from lessons.figures.registry import figure

# decodes per side of the latent plane: 15 of the 8x8 digits, 12 of the 28x28 ones,
# which keeps the still under 300 KB and its data under 200 KB
GRID, GRID_LARGE_DIGITS = 15, 12
# ten classes need ten colours: Okabe & Ito's without the yellow (too pale on white),
# then black, grey, and Paul Tol's wine and dark green
CLASS_COLOURS = [c for c in canvas.PALETTE if c != "#F0E442"] + [
    "#000000",
    "#999999",
    "#882255",
    "#117733",
]
CODES_LIMIT = 4.0  # the codes figure shows z in [−4, 4]²; a few codes lie further out


def _sample(**params) -> dict:
    with modeling.one_thread():
        return generators.sample("vae", seed=0, **params)


@figure("vae-latent-plane.png", "vae-latent-plane.json", lesson="variational-autoencoders")
def latent_plane():
    """The decoder's mean image at each z of a square grid over [−3, 3]² (rows from z₂
    high to low), and the same decodes as the explorable's data."""
    out = _sample(mode="grid", grid_size=GRID)
    if modeling.square(out["images"]).shape[-1] > 16:
        out = _sample(mode="grid", grid_size=GRID_LARGE_DIGITS)
    images = modeling.square(out["images"])
    grid = math.isqrt(len(images))
    x0, x1, y0, y1 = out["grid_extent"]  # the centres of the corner decodes
    h = (x1 - x0) / (grid - 1) / 2  # half a cell: each decode covers its centre ± h
    fig, ax = canvas.new(height=6.4)
    extent = (x0 - h, x1 + h, y0 - h, y1 + h)
    modeling.show(ax, modeling.mosaic(images, grid, grid), extent=extent)
    ax.set_xlabel("z₁")
    ax.set_ylabel("z₂")
    ax.set_xticks([-3, -1.5, 0, 1.5, 3])
    ax.set_yticks([-3, -1.5, 0, 1.5, 3])
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.tight_layout()
    png = canvas.png(fig)
    explorable = {
        "kind": "latent-plane",
        "extent": [x0, x1, y0, y1],  # z of the corner decodes' centres
        "grid": grid,
        "size": int(images.shape[-1]),
        # row r, column c of the sprite is the decode at z = (z₁ of c, z₂ of r), z₂ falling
        "sprite": modeling.png_data_uri(modeling.mosaic(images, grid, grid, gap=0)),
        "codes": np.round(out["test_latents"], 2).tolist(),
        "labels": [int(v) for v in out["test_labels"]],
        "colours": CLASS_COLOURS,
    }
    return png, modeling.to_json(explorable)


@figure("vae-latent-codes.svg", lesson="variational-autoencoders")
def latent_codes():
    """Where the encoder puts the test digits: the mean μ(x) of q(z | x), by class."""
    out = _sample(mode="sample", n=1)
    z, labels = np.round(out["test_latents"], 3), out["test_labels"]
    fig, ax = canvas.new(height=5.6)
    theta = np.linspace(0, 2 * np.pi, 200)
    for r in (1, 2):  # where the prior N(0, I) puts most of its mass
        ax.plot(r * np.cos(theta), r * np.sin(theta), color=canvas.MUTED, lw=0.8, ls=":")
    for digit in range(10):
        pts = z[labels == digit]
        ax.scatter(*pts.T, s=12, color=CLASS_COLOURS[digit], lw=0, alpha=0.85)
        cx, cy = np.median(pts, axis=0)
        ax.text(
            cx,
            cy,
            str(digit),
            fontsize=15,
            weight="bold",
            ha="center",
            va="center",
            color=CLASS_COLOURS[digit],
            bbox={
                "boxstyle": "circle,pad=0.15",
                "fc": "white",
                "ec": CLASS_COLOURS[digit],
                "lw": 1.2,
            },
        )
    ax.set_aspect("equal")
    ax.set_xlim(-CODES_LIMIT, CODES_LIMIT)
    ax.set_ylim(-CODES_LIMIT, CODES_LIMIT)
    ax.set_xlabel("z₁")
    ax.set_ylabel("z₂")
    fig.tight_layout()
    return canvas.svg(fig)


@figure("vae-reconstructions.png", lesson="variational-autoencoders")
def reconstructions():
    """Test digits, decoded from their own codes by the 2-D and the 16-D model."""
    n = 8
    two = _sample(mode="reconstruct", n=n, latent_dim=2)
    sixteen = _sample(mode="reconstruct", n=n, latent_dim=16)
    rows = (
        ("test digits", two["originals"]),
        ("2-D code", two["images"]),
        ("16-D code", sixteen["images"]),
    )
    fig, axes = canvas.new(height=3.6, nrows=3)
    for ax, (name, images) in zip(axes, rows, strict=True):
        modeling.show(ax, modeling.mosaic(images, 1, n))
        ax.set_ylabel(name, rotation=0, ha="right", va="center")
    fig.tight_layout()
    return canvas.png(fig)


def elbo_terms(latent_dim: int, n: int = 64) -> dict:
    """Per test digit (the first n): the reconstruction cost −E_q log p(x | z) and the
    KL(q(z | x) ‖ p(z)), in nats; their sum is −ELBO."""
    out = _sample(mode="reconstruct", n=n, latent_dim=latent_dim)
    kl = np.asarray(out["kl"], dtype=np.float64)
    reconstruction = -(np.asarray(out["elbo"], dtype=np.float64) + kl)
    return {"kl": np.round(kl, 3), "reconstruction": np.round(reconstruction, 3)}


@figure("vae-elbo-terms.svg", lesson="latent-variables-and-the-elbo")
def elbo_split():
    fig, ax = canvas.new(height=4.2)
    both = {d: elbo_terms(d) for d in (2, 16)}
    top = max(max(v["kl"].max() for v in both.values()) * 1.1, 1)
    rec = np.concatenate([v["reconstruction"] for v in both.values()])
    pad = 0.08 * (rec.max() - rec.min())
    lo, hi = rec.min() - pad, rec.max() + pad
    # lines of equal −ELBO = KL + reconstruction, at round values whatever the scale
    for total in MaxNLocator(8).tick_values(lo, hi + top):
        ax.plot([0, top], [total, total - top], color="#dddddd", lw=0.8, zorder=0)
    for (d, terms), colour in zip(
        both.items(), (canvas.PALETTE[0], canvas.PALETTE[4]), strict=True
    ):
        mean = terms["kl"].mean() + terms["reconstruction"].mean()
        ax.scatter(
            terms["kl"],
            terms["reconstruction"],
            s=16,
            color=colour,
            lw=0,
            label=f"{d}-D code: mean −ELBO {mean:.1f} nats",
        )
    ax.set_xlim(0, top)
    ax.set_ylim(lo, hi)
    ax.set_xlabel("KL(q(z|x) ‖ p(z)), nats")
    ax.set_ylabel(r"$-\mathbb{E}_q \log p(x|z)$, nats")
    ax.legend(frameon=True, fontsize=10, loc="upper right", facecolor="white", edgecolor="white")
    fig.tight_layout()
    return canvas.svg(fig)


@figure("vae-interpolation.png", lesson="variational-autoencoders")
def interpolation():
    """A straight line in the 2-D latent plane between the codes of two test digits
    (shown at the ends, as drawn), decoded at eight even steps, for a few pairs."""
    pairs = ((0, 6), (2, 3), (1, 4), (7, 9))
    fig, axes = canvas.new(height=4.0, nrows=len(pairs))
    for ax, (a, b) in zip(axes, pairs, strict=True):
        out = _sample(mode="interpolate", digit_a=a, digit_b=b, steps=8)
        ends = modeling.square(out["endpoints"])
        row = np.concatenate([ends[:1], modeling.square(out["images"]), ends[1:]])
        modeling.show(ax, modeling.mosaic(row, 1, len(row)))
        ax.set_ylabel(f"{a} → {b}", rotation=0, ha="right", va="center")
    fig.tight_layout()
    return canvas.png(fig)
