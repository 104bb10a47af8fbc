"""Timelines: the milestones of the history lesson, the reading order of the readings
lesson, and the representative systems. Years are the ones the lessons state."""

from __future__ import annotations

from matplotlib.lines import Line2D

from . import canvas
from .registry import figure

FAMILY_COLOURS = {
    "VAE": canvas.PALETTE[2],
    "GAN": canvas.PALETTE[5],
    "Flow": canvas.PALETTE[6],
    "Autoregressive": canvas.PALETTE[4],
    "Diffusion": canvas.PALETTE[0],
    "Other": canvas.MUTED,
}

# (year, milestone, family) as the history lesson tells them.
MILESTONES = [
    (2013, "VAE (Kingma & Welling)", "VAE"),
    (2014, "GAN (Goodfellow et al.)", "GAN"),
    (2015, "diffusion's seed (Sohl-Dickstein et al.)", "Diffusion"),
    (2016, "PixelCNN, WaveNet", "Autoregressive"),
    (2017, "RealNVP (Dinh et al.)", "Flow"),
    (2017, "Transformer (Vaswani et al.)", "Autoregressive"),
    (2017, "Wasserstein GAN", "GAN"),
    (2018, "GPT (Radford et al.)", "Autoregressive"),
    (2018, "Glow (Kingma & Dhariwal)", "Flow"),
    (2019, "score models (Song & Ermon)", "Diffusion"),
    (2020, "DDPM (Ho et al.)", "Diffusion"),
    (2020, "GPT-3 (Brown et al.)", "Autoregressive"),
    (2021, "score SDEs; diffusion beats GANs", "Diffusion"),
    (2022, "latent diffusion (Stable Diffusion)", "Diffusion"),
]


def _timeline(rows, title_colours, height):
    """Years down the left, one labelled dot per row, coloured by family."""
    fig, ax = canvas.new(6.4, height)
    ax.axis("off")
    n = len(rows)
    ax.plot([0.0, 0.0], [0.3, n - 0.7], color=canvas.MUTED, linewidth=2)
    last = None
    for i, (year, text, family) in enumerate(rows):
        y = n - 1 - i
        colour = title_colours[family]
        ax.plot(0.0, y, "o", markersize=11, color=colour, markeredgecolor="white")
        if year != last:
            ax.text(-0.12, y, str(year), ha="right", va="center", fontsize=12, fontweight="bold")
        ax.text(0.12, y, text, ha="left", va="center", fontsize=12)
        last = year
    ax.set_xlim(-0.8, 3.2)
    ax.set_ylim(-2.0, n - 0.2)
    used = [f for f in title_colours if any(r[2] == f for r in rows)]
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=9, color=title_colours[f]) for f in used
    ]
    ax.legend(
        handles,
        used,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=3,
        frameon=False,
        fontsize=11,
    )
    return fig


@figure("history-timeline.svg", lesson="history")
def timeline() -> bytes:
    """The deep generative milestones from 2013 to 2022, by family."""
    return canvas.svg(_timeline(MILESTONES, FAMILY_COLOURS, 6.6))


# The reading lesson's six papers, in its order (by concept, not by date).
READINGS = [
    ("Kingma & Welling", 2013, "VAE: reparameterization", "VAE"),
    ("Goodfellow et al.", 2014, "GAN: the minimax game", "GAN"),
    ("Vaswani et al.", 2017, "Transformer: attention", "Autoregressive"),
    ("Ho et al.", 2020, "DDPM", "Diffusion"),
    ("Song & Ermon", 2019, "scores, Langevin", "Diffusion"),
    ("Rombach et al.", 2022, "latent diffusion", "Diffusion"),
]


@figure("history-reading-order.svg", lesson="readings")
def reading_order() -> bytes:
    """The six foundational papers in the order the lesson reads them, placed by year."""
    fig, ax = canvas.new(6.4, 4.8)
    for spine in ("left",):
        ax.spines[spine].set_visible(False)
    ax.set_yticks([])
    n = len(READINGS)
    for i, (who, year, what, family) in enumerate(READINGS):
        y = n - i
        colour = FAMILY_COLOURS[family]
        ax.plot(year, y, "o", markersize=18, color=colour, markeredgecolor="white", zorder=3)
        ax.text(
            year,
            y,
            str(i + 1),
            ha="center",
            va="center",
            fontsize=9,
            color="white",
            zorder=4,
            fontweight="bold",
        )
        ha, dx = ("right", -0.35) if year >= 2017 else ("left", 0.35)
        ax.text(year + dx, y, f"{who}: {what}", ha=ha, va="center", fontsize=11)
    ax.set_xlim(2012, 2023)
    ax.set_ylim(0.3, n + 0.7)
    ax.set_xticks(range(2013, 2023))
    ax.set_xticklabels([f"’{y % 100:02d}" for y in range(2013, 2023)])
    ax.set_xlabel("year published; the numbers give the reading order")
    return canvas.svg(fig)


# (year, system, kind) from the representative systems lesson's table.
SYSTEMS = [
    (2017, "RealNVP (Glow 2018)", "Flow"),
    (2017, "VQ-VAE", "VAE"),
    (2020, "GPT-3", "Autoregressive"),
    (2021, "CLIP (contrastive encoder)", "Other"),
    (2022, "Latent diffusion", "Diffusion"),
    (2022, "PaLM", "Autoregressive"),
    (2023, "LLaMA", "Autoregressive"),
]


@figure("history-systems.svg", lesson="representative-systems")
def systems() -> bytes:
    """The seven representative systems by year and kind."""
    return canvas.svg(_timeline(SYSTEMS, FAMILY_COLOURS, 4.6))
