"""The figures' shared look, and matplotlib set up to give the same bytes every run.

Figures are drawn on a white card (the page shows them on white in dark mode too, so
one set of colours is legible in both); colours are Okabe and Ito's palette, which
readers with colour-blindness can tell apart. Text is kept as paths in SVG, so a
figure looks the same whatever fonts the reader has.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

# Okabe & Ito (2008): orange, sky blue, bluish green, yellow, blue, vermilion, purple.
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
INK = "#222222"  # text and axes
MUTED = "#777777"
WIDTH = 6.4  # inches; at 100 dpi a figure is 640 px wide and scales down to 390 px
DPI = 100

STYLE = {
    "svg.hashsalt": "sample-space",  # fixed ids inside the SVG
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 11,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": INK,
    "ytick.color": INK,
    "text.color": INK,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "lines.linewidth": 2.0,
    "image.interpolation": "nearest",
    "path.simplify": False,
}


def new(width: float = WIDTH, height: float = 3.6, **subplots):
    """A fresh (fig, axes) in the house style; ``subplots`` go to ``plt.subplots``."""
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(figsize=(width, height), dpi=DPI, **subplots)
    return fig, axes


def svg(fig) -> bytes:
    """The figure as SVG, byte-for-byte the same for the same drawing (no date)."""
    buffer = io.BytesIO()
    with plt.rc_context(STYLE):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def png(fig) -> bytes:
    """The figure as PNG, without the matplotlib version in its metadata."""
    buffer = io.BytesIO()
    with plt.rc_context(STYLE):
        fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
