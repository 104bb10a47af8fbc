"""Small plots drawn on the server as SVG: bars and a line, light enough to inline in a
page. Each plot is an image with a title and a description for screen readers, and
prints its numbers as text beside the marks; colours come from the stylesheet
(`.plot …` classes, `currentColor`), so dark mode needs nothing here."""

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 40  # margins: the y axis's numbers, the x labels


@dataclass
class Band:
    """A shaded range drawn behind one bar, e.g. where its value should lie."""

    low: float
    high: float


def _frame(plot_id: str, title: str, desc: str, body: list[str]) -> SafeString:
    head = (
        f'<svg class="plot" id="{escape(plot_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(plot_id)}-title {escape(plot_id)}-desc" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(plot_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(plot_id)}-desc">{escape(desc)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # every text above is escaped


def _y(value: float, y_max: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / y_max)


def _axes(y_max: float, y_format: str) -> list[str]:
    """The baseline and three gridlines with their numbers."""
    parts = []
    for fraction in (0, 0.5, 1):
        y = _y(y_max * fraction, y_max)
        parts.append(
            f'<line class="plot-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="plot-tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(y_format.format(y_max * fraction))}</text>"
        )
    return parts


def _room_above(top: float) -> int:
    """A whole, even top for the y axis a little above the highest value, so the
    gridline halfway is a whole number too."""
    room = max(2, math.ceil(top * 1.15))
    return room + room % 2


def _label_every(n: int) -> int:
    return max(1, -(-n // 10))  # at most about ten x labels


def bar_chart(
    *,
    plot_id: str,
    title: str,
    desc: str,
    labels: list[str],
    values: list[float | None],
    y_max: float | None = None,
    y_format: str = "{:g}",
    value_format: str = "{:g}",
    bands: list[Band | None] | None = None,
) -> SafeString:
    """One bar per label; a value of None draws no bar and prints "–"."""
    y_max = y_max or _room_above(max([v for v in values if v is not None] + [0]))
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(values))
    every = _label_every(len(values))
    parts = _axes(y_max, y_format)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + slot * index
        band = bands[index] if bands else None
        if band is not None:
            y_high, y_low = _y(band.high, y_max), _y(band.low, y_max)
            parts.append(
                f'<rect class="plot-band" x="{x + 2:.1f}" y="{y_high:.1f}" '
                f'width="{slot - 4:.1f}" height="{y_low - y_high:.1f}"/>'
            )
        if value is not None:
            y = _y(value, y_max)
            parts.append(
                f'<rect class="plot-bar" x="{x + slot * 0.2:.1f}" y="{y:.1f}" '
                f'width="{slot * 0.6:.1f}" height="{HEIGHT - BOTTOM - y:.1f}"/>'
            )
        if len(values) <= 12:  # room for every number
            text = "–" if value is None else value_format.format(value)
            y_text = _y(value or 0, y_max) - 4
            parts.append(
                f'<text class="plot-value" x="{x + slot / 2:.1f}" y="{y_text:.1f}" '
                f'text-anchor="middle">{escape(text)}</text>'
            )
        if index % every == 0:
            parts.append(
                f'<text class="plot-label" x="{x + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    return _frame(plot_id, title, desc, parts)


def line_chart(
    *,
    plot_id: str,
    title: str,
    desc: str,
    labels: list[str],
    values: list[float],
    y_max: float,
    y_format: str = "{:g}",
    reference: float | None = None,
) -> SafeString:
    """A line through the values, with a dot on each; `reference` draws a dashed line
    across (e.g. a target)."""
    step = (WIDTH - LEFT - RIGHT) / max(1, len(values))
    points = [(LEFT + step * (i + 0.5), _y(v, y_max)) for i, v in enumerate(values)]
    every = _label_every(len(values))
    parts = _axes(y_max, y_format)
    if reference is not None:
        y = _y(reference, y_max)
        parts.append(
            f'<line class="plot-reference" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
        )
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="plot-line" points="{path}"/>')
    for index, ((x, y), label) in enumerate(zip(points, labels, strict=True)):
        parts.append(f'<circle class="plot-dot" cx="{x:.1f}" cy="{y:.1f}" r="3.5"/>')
        if index % every == 0:
            parts.append(
                f'<text class="plot-label" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    return _frame(plot_id, title, desc, parts)
