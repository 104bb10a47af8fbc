"""Figure files for tests: a small SVG, PNG and explorable JSON, and the small path
with them in its bundle and shown by its lessons."""

import dataclasses
import io
import json

from PIL import Image

from lessons.authoring.bundle import PathBundle
from lessons.authoring.figures import figure_check
from tests.lessons.authoring.own import small_bundle

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'width="300pt" height="150pt" viewBox="0 0 300 150">'
    b'<defs><style type="text/css">*{stroke-linecap: butt}</style>'
    b'<path id="dot" d="M 0 0 L 1 1"/></defs>'
    b'<g clip-path="url(#c)"><rect x="0" y="0" width="300" height="150" style="fill: #ffffff"/>'
    b'<use xlink:href="#dot" x="10" y="10"/></g></svg>'
)


def png(width: int = 40, height: int = 30, colour: str = "#0072B2") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


EXPLORABLE = json.dumps({"kind": "slider", "values": [1, 2, 3]}).encode()

FIGURE_LESSON = (
    "## Look\n\n"
    '![A line from corner to corner](figures/line.svg "The line rises: look at its slope.")\n\n'
    '![A blue square](figures/square.png "Drag the slider: the square stays blue.")\n'
)


def figure_bundle(slug: str = "small", square: bytes | None = None) -> PathBundle:
    """The small path with three figures: an SVG, and a PNG that is an explorable's
    still (square.json beside it), both shown in lesson three."""
    bundle = small_bundle(slug)
    three = bundle.lessons[2]
    bundle.lessons[2] = dataclasses.replace(three, body=three.body + "\n" + FIGURE_LESSON)
    bundle.figures = [
        figure_check("line.svg", SVG),
        figure_check("square.json", EXPLORABLE),
        figure_check("square.png", square or png()),
    ]
    return bundle
