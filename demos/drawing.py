"""Results as pictures, made on the server: PNG image grids (as data: URIs), SVG
scatter plots and line plots, a density heat-map. No chart library, no CDN."""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence

import numpy as np
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Ten colours that stay apart for common colour-vision deficiencies (Okabe-Ito + two).
PALETTE = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
    "#D55E00", "#F0E442", "#000000", "#999999", "#8E44AD",
]  # fmt: skip
# A perceptually ordered ramp (viridis, 6 stops) for the density heat-map.
RAMP = np.array(
    [[68, 1, 84], [65, 68, 135], [42, 120, 142], [34, 168, 132], [122, 209, 81], [253, 231, 37]],
    dtype=float,
)


DENSITY_RANGE = 8.0  # nats of log-density the heat-map's colours span


def _png(pixels: np.ndarray) -> str:
    """(h, w) grey or (h, w, 3) RGB values in 0..255 → a PNG data: URI."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buf, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def image_grid(images: Sequence, cols: int | None = None, scale: int = 6, gap: int = 1) -> str:
    """Square digits in [0, 1] (ink high), 8x8 or 28x28, → one PNG grid, dark ink on
    paper, as a data URI. ``scale`` is for an 8x8 digit: a larger digit is drawn about
    as large (28x28 at scale 6 gets 2 pixels per pixel)."""
    imgs = np.asarray(images, dtype=float)
    side = int(round(math.sqrt(imgs[0].size)))
    imgs = imgs.reshape(-1, side, side)
    scale = max(1, round(scale * 8 / side))
    n = len(imgs)
    cols = cols or min(n, max(1, math.ceil(math.sqrt(n))))
    rows = math.ceil(n / cols)
    cell = side * scale
    step = cell + gap * scale
    canvas = np.full((rows * step - gap * scale, cols * step - gap * scale), 255.0)
    for i, img in enumerate(imgs):
        r, c = divmod(i, cols)
        big = np.kron(1 - np.clip(img, 0, 1), np.ones((scale, scale))) * 255
        canvas[r * step : r * step + cell, c * step : c * step + cell] = big
    return _png(canvas)


def heatmap(log_density: Sequence) -> str:
    """A grid of log p → PNG in the viridis ramp (row 0 at the top)."""
    z = np.asarray(log_density, dtype=float)
    finite = z[np.isfinite(z)]
    hi = finite.max() if finite.size else 1.0
    lo = hi - DENSITY_RANGE  # everything over 8 nats below the peak is equally dark
    t = np.clip((np.nan_to_num(z, nan=lo, neginf=lo) - lo) / max(hi - lo, 1e-9), 0, 1)
    pos = t * (len(RAMP) - 1)
    i = np.minimum(pos.astype(int), len(RAMP) - 2)
    f = (pos - i)[..., None]
    rgb = RAMP[i] * (1 - f) + RAMP[i + 1] * f
    return _png(rgb)


class Frame:
    """Maps data coordinates to an SVG canvas of ``size`` pixels with y pointing up."""

    def __init__(self, extent: Sequence[float], size: int = 360, pad: int = 8):
        self.x0, self.x1, self.y0, self.y1 = (float(v) for v in extent)
        self.size, self.pad = size, pad

    def x(self, v: float) -> float:
        return round(self.pad + (v - self.x0) / (self.x1 - self.x0) * (self.size - 2 * self.pad), 1)

    def y(self, v: float) -> float:
        return round(
            self.size - self.pad - (v - self.y0) / (self.y1 - self.y0) * (self.size - 2 * self.pad),
            1,
        )


def extent_of(*point_sets: Sequence, margin: float = 0.1) -> list[float]:
    pts = np.concatenate([np.asarray(p, dtype=float).reshape(-1, 2) for p in point_sets if len(p)])
    pts = pts[np.isfinite(pts).all(1)]
    lo, hi = np.percentile(pts, 0.5, axis=0), np.percentile(pts, 99.5, axis=0)
    span = max(hi - lo) * (1 + 2 * margin) / 2
    mid = (lo + hi) / 2
    return [mid[0] - span, mid[0] + span, mid[1] - span, mid[1] + span]


def scatter(
    points: Sequence,
    *,
    reference: Sequence = (),
    marks: Sequence = (),
    labels: Sequence | None = None,
    extent: Sequence[float] | None = None,
    background: str | None = None,
    title: str = "",
    size: int = 360,
) -> SafeString:
    """An SVG: reference points (the true data) in grey, samples in colour, ``marks``
    as rings; ``background`` a data: URI image stretched over the extent."""
    extent = list(extent or extent_of(points, reference, marks))
    fr = Frame(extent, size)
    out = [
        f'<svg class="plot" viewBox="0 0 {size} {size}" role="img" '
        f'data-extent="{",".join(f"{v:.4f}" for v in extent)}" data-pad="{fr.pad}" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<rect class="plot-bg" x="0" y="0" width="{size}" height="{size}"/>',
    ]
    if background:
        inner = size - 2 * fr.pad
        out.append(
            f'<image href="{background}" x="{fr.pad}" y="{fr.pad}" width="{inner}" '
            f'height="{inner}" preserveAspectRatio="none"/>'
        )
    out.append('<g class="ref">')
    out += [f'<circle cx="{fr.x(a)}" cy="{fr.y(b)}" r="1.6"/>' for a, b in reference]
    out.append('</g><g class="marks">')  # under the samples, so a mode's cloud shows
    out += [f'<circle cx="{fr.x(a)}" cy="{fr.y(b)}" r="9"/>' for a, b in marks]
    out.append('</g><g class="samples">')
    for i, (a, b) in enumerate(points):
        if not (math.isfinite(a) and math.isfinite(b)):
            continue
        fill = f' style="fill:{PALETTE[int(labels[i]) % 10]}"' if labels is not None else ""
        out.append(f'<circle cx="{fr.x(a)}" cy="{fr.y(b)}" r="1.8"{fill}/>')
    out.append("</g></svg>")
    return mark_safe("".join(out))


def line_plot(
    series: dict[str, list[tuple[float, float]]],
    *,
    x_label: str,
    y_label: str,
    log_x: bool = True,
    width: int = 560,
    height: int = 320,
) -> SafeString:
    """A small SVG line plot with axes, ticks at the data's x values, and a legend."""
    left, right, top, bottom = 56, 16, 16, 48
    xs = sorted({x for pts in series.values() for x, _ in pts})
    ys = [y for pts in series.values() for _, y in pts]
    fx = (lambda v: math.log10(v)) if log_x else (lambda v: v)
    x0, x1 = fx(xs[0]), fx(xs[-1])
    y1 = max(ys) * 1.1
    px = lambda v: round(left + (fx(v) - x0) / max(x1 - x0, 1e-9) * (width - left - right), 1)  # noqa: E731
    py = lambda v: round(top + (1 - v / y1) * (height - top - bottom), 1)  # noqa: E731
    out = [
        f'<svg class="plot line-plot" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(y_label)} against {escape(x_label)}">',
        f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width - right}" '
        f'y2="{height - bottom}"/><line class="axis" x1="{left}" y1="{top}" x2="{left}" '
        f'y2="{height - bottom}"/>',
    ]
    for x in xs:
        out.append(
            f'<text class="tick" x="{px(x)}" y="{height - bottom + 18}" '
            f'text-anchor="middle">{x:g}</text>'
        )
    for k in range(5):
        v = y1 * k / 4
        out.append(
            f'<text class="tick" x="{left - 6}" y="{py(v) + 4}" text-anchor="end">{v:.0f}</text>'
            f'<line class="grid" x1="{left}" y1="{py(v)}" x2="{width - right}" y2="{py(v)}"/>'
        )
    out.append(
        f'<text class="label" x="{(left + width - right) / 2}" y="{height - 8}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
        f'<text class="label" x="14" y="{(top + height - bottom) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {(top + height - bottom) / 2})">{escape(y_label)}</text>'
    )
    for i, (name, pts) in enumerate(series.items()):
        colour = PALETTE[i]
        path = " ".join(f"{'M' if j == 0 else 'L'}{px(x)} {py(y)}" for j, (x, y) in enumerate(pts))
        out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        out += [
            f'<circle cx="{px(x)}" cy="{py(y)}" r="4" fill="{colour}"><title>{escape(name)}, '
            f"{x:g} steps: {y:.1f}</title></circle>"
            for x, y in pts
        ]
        lx = width - right - 150
        ly = top + 14 + 20 * i
        out.append(
            f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 22}" y2="{ly - 4}" stroke="{colour}" '
            f'stroke-width="2.5"/><text class="legend" x="{lx + 28}" y="{ly}">{escape(name)}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))


def loss_curve(
    series: dict[str, list[tuple[float, float]]], *, width: int = 560, height: int = 220
) -> SafeString:
    """Losses against training steps as an SVG: linear axes, five ticks each, one line
    per loss with its legend. Empty series: an empty frame."""
    left, right, top, bottom = 48, 24, 12, 36  # room for the last step label
    pts = [p for line in series.values() for p in line]
    xs = [x for x, _ in pts] or [0.0, 1.0]
    ys = [y for _, y in pts if math.isfinite(y)] or [0.0, 1.0]
    x0, x1 = min(xs), max(max(xs), min(xs) + 1)
    y0, y1 = min(0.0, min(ys)), max(ys) if max(ys) > min(0.0, min(ys)) else 1.0
    px = lambda v: round(left + (v - x0) / (x1 - x0) * (width - left - right), 1)  # noqa: E731
    py = lambda v: round(top + (1 - (v - y0) / (y1 - y0)) * (height - top - bottom), 1)  # noqa: E731
    out = [
        f'<svg class="plot loss-curve" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Training losses against steps">',
        f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width - right}" '
        f'y2="{height - bottom}"/><line class="axis" x1="{left}" y1="{top}" x2="{left}" '
        f'y2="{height - bottom}"/>',
    ]
    for k in range(5):
        xv, yv = x0 + (x1 - x0) * k / 4, y0 + (y1 - y0) * k / 4
        out.append(
            f'<text class="tick" x="{px(xv)}" y="{height - bottom + 16}" '
            f'text-anchor="middle">{xv:.0f}</text>'
            f'<text class="tick" x="{left - 6}" y="{py(yv) + 4}" text-anchor="end">{yv:.2g}</text>'
            f'<line class="grid" x1="{left}" y1="{py(yv)}" x2="{width - right}" y2="{py(yv)}"/>'
        )
    out.append(
        f'<text class="label" x="{(left + width - right) / 2}" y="{height - 4}" '
        f'text-anchor="middle">step</text>'
    )
    for i, (name, line) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        ok = [(x, y) for x, y in line if math.isfinite(y)]
        path = " ".join(f"{'M' if j == 0 else 'L'}{px(x)} {py(y)}" for j, (x, y) in enumerate(ok))
        out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        lx, ly = width - right - 90, top + 14 + 18 * i
        out.append(
            f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 18}" y2="{ly - 4}" stroke="{colour}" '
            f'stroke-width="2"/><text class="legend" x="{lx + 24}" y="{ly}">'
            f"{escape(name)} loss</text>"
        )
    out.append("</svg>")
    return mark_safe("".join(out))
