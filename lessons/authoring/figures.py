"""A path's figure files (the bundle's `figures/` folder): the one check of every
figure that comes from outside, whether from a bundle folder, a `.zip` upload or an
import. A leaf: it imports nothing of the app but its limits.

A figure is an image (SVG, PNG, JPEG or WebP) or an explorable's data (JSON). Raster
images are recognised by their first bytes and decoded by Pillow; an SVG is parsed as
XML and every element and attribute must be on an allow-list, because an SVG opened
at its own URL is a document that can run script (`<script>`, `onload=`, a
`javascript:` link, `<foreignObject>` holding HTML) or fetch from elsewhere
(`url(https://…)`, an external entity). A JSON file is an object naming its widget in
`"kind"`. `figure_check` returns what the database stores; it raises FigureError, with
a sentence for people, for anything else.
"""

import hashlib
import io
import json
import re
from dataclasses import dataclass
from xml.parsers import expat

from PIL import Image, UnidentifiedImageError

from lessons.limits import MAX_FIGURE_BYTES, MAX_FIGURE_NAME, MAX_FIGURE_PIXELS

FOLDER = "figures"
NAME = re.compile(r"[a-z0-9][a-z0-9-]*\.(svg|png|jpg|jpeg|webp|json)")
CONTENT_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "json": "application/json",
}
IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp")
PILLOW_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP"}
MAGIC = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}


class FigureError(ValueError):
    """A figure file that is refused; the message says why, for people."""


@dataclass(frozen=True)
class FigureSpec:
    name: str  # in figures/, e.g. "diffusion-noised-digit.png"
    data: bytes
    content_type: str
    sha256: str
    width: int | None  # pixels (CSS pixels for an SVG); None for JSON
    height: int | None

    @property
    def is_image(self) -> bool:
        return self.name.endswith(IMAGE_SUFFIXES)


def figure_check(name: str, data: bytes) -> FigureSpec:
    """The checked figure, or FigureError saying what is wrong with it."""
    match = NAME.fullmatch(name)
    if not match or len(name) > MAX_FIGURE_NAME:
        raise FigureError(
            f"a figure's name is at most {MAX_FIGURE_NAME} lower-case letters, digits and "
            "'-', then .svg, .png, .jpg, .jpeg, .webp or .json"
        )
    if not data:
        raise FigureError("the file is empty")
    if len(data) > MAX_FIGURE_BYTES:
        raise FigureError(f"the file is larger than {MAX_FIGURE_BYTES // 1_000_000} MB")
    suffix = match.group(1)
    width = height = None
    if suffix == "svg":
        width, height = svg_check(data)
    elif suffix == "json":
        _json_check(data)
    else:
        width, height = _raster_check(data, suffix)
    return FigureSpec(
        name=name,
        data=data,
        content_type=CONTENT_TYPES[suffix],
        sha256=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
    )


def _raster_check(data: bytes, suffix: str) -> tuple[int, int]:
    magic = MAGIC.get(suffix)
    if magic and not data.startswith(magic):
        raise FigureError(f"this is not a {suffix.upper()} file")
    if suffix == "webp" and not (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        raise FigureError("this is not a WEBP file")
    try:
        with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[suffix]]) as image:
            width, height = image.size
            if max(width, height) > MAX_FIGURE_PIXELS:  # before decoding: no pixel bomb
                raise FigureError(f"the image is larger than {MAX_FIGURE_PIXELS} pixels a side")
            image.load()  # decodes every pixel: a damaged file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise FigureError(f"a damaged or unreadable {suffix.upper()} file") from error
    return width, height


def _json_check(data: bytes) -> None:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise FigureError("not valid UTF-8 JSON") from error
    if not isinstance(value, dict) or not isinstance(value.get("kind"), str):
        raise FigureError('an explorable\'s data must be a JSON object with a "kind" text')
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value["kind"]):
        raise FigureError('"kind" must be lower-case letters, digits and "-"')


# --- SVG ---------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# matplotlib's <metadata> (RDF, Creative Commons, Dublin Core): inert text.
METADATA_NS = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://purl.org/dc/elements/1.1/",
}
# What a drawing needs, and nothing that can run, link, embed HTML or animate an
# attribute into a script (<script>, <foreignObject>, <a>, <animate>, <set>, <iframe> …).
SVG_ELEMENTS = {
    "svg", "g", "defs", "style", "title", "desc", "metadata", "symbol", "use", "path",
    "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
    "clipPath", "mask", "pattern", "marker", "linearGradient", "radialGradient", "stop",
    "image", "filter", "feGaussianBlur", "feOffset", "feBlend", "feFlood", "feComposite",
    "feMerge", "feMergeNode",
}  # fmt: skip
SVG_ATTRIBUTES = {
    "id", "class", "style", "transform", "version", "viewBox", "preserveAspectRatio",
    "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
    "d", "points", "pathLength", "dx", "dy", "rotate", "textLength", "lengthAdjust",
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "opacity", "color", "clip-path", "clip-rule", "clipPathUnits",
    "mask", "maskUnits", "maskContentUnits", "patternUnits", "patternContentUnits",
    "patternTransform", "gradientUnits", "gradientTransform", "spreadMethod", "fx", "fy",
    "offset", "stop-color", "stop-opacity", "marker-start", "marker-mid", "marker-end",
    "markerWidth", "markerHeight", "markerUnits", "refX", "refY", "orient", "filter",
    "filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation", "mode",
    "operator", "k1", "k2", "k3", "k4", "flood-color", "flood-opacity", "font-family",
    "font-size", "font-style", "font-weight", "text-anchor", "dominant-baseline",
    "alignment-baseline", "baseline-shift", "letter-spacing", "word-spacing",
    "text-decoration", "writing-mode", "visibility", "display", "overflow",
    "shape-rendering", "text-rendering", "image-rendering", "vector-effect", "type",
    "media", "href", "role", "aria-label", "aria-hidden", "focusable",
}  # fmt: skip
# The one DOCTYPE allowed: SVG 1.1's, which matplotlib writes; never an internal subset
# (that is where entities are declared).
SVG_PUBLIC_ID = "-//W3C//DTD SVG 1.1//EN"
# An image inside an SVG may only be embedded raster data (matplotlib's imshow).
DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|webp);base64,[A-Za-z0-9+/=\s]*")
# In CSS and attribute values: url() only to a fragment of this document.
URL_CALL = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
CSS_DANGER = re.compile(r"@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding|\\|<")
MAX_SVG_DEPTH = 64


def _css_ok(text: str) -> bool:
    lowered = text.lower()
    return not URL_CALL.search(lowered) and not CSS_DANGER.search(lowered)


def _length(value: str | None) -> float | None:
    """A width or height attribute in CSS pixels ("460.8pt" → 614.4), or None."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(px|pt|)\s*", value or "")
    if not match:
        return None
    number = float(match.group(1))
    return number * 4 / 3 if match.group(2) == "pt" else number


class _SvgChecker:
    """Reads the document with expat, one event at a time; `fail` on anything not
    allowed. Entities, external DTDs and processing instructions are refused outright."""

    def __init__(self):
        self.depth = 0
        self.in_style = False
        self.style_text: list[str] = []
        self.root: dict[str, str] | None = None
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.entity
        parser.ExternalEntityRefHandler = self.external
        parser.ProcessingInstructionHandler = self.processing_instruction
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        self.parser = parser

    @staticmethod
    def fail(message: str):
        raise FigureError(f"SVG refused: {message}")

    def doctype(self, name, system_id, public_id, has_internal_subset):
        if has_internal_subset or name != "svg" or public_id != SVG_PUBLIC_ID:
            self.fail("only SVG 1.1's own DOCTYPE is allowed, without declarations")

    def entity(self, *args):
        self.fail("entity declarations are not allowed")

    def external(self, *args):
        self.fail("external entities are not allowed")

    def processing_instruction(self, target, data):
        self.fail(f"the processing instruction <?{target}?> is not allowed")

    def start(self, tag: str, attributes: dict[str, str]):
        namespace, _, local = tag.rpartition(" ")
        self.depth += 1
        if self.depth > MAX_SVG_DEPTH:
            self.fail(f"nested more than {MAX_SVG_DEPTH} deep")
        if self.root is None:
            if (namespace, local) != (SVG_NS, "svg"):
                self.fail("the document is not an <svg> element")
            self.root = attributes
        if namespace in METADATA_NS:
            if self.depth < 3:
                self.fail(f"<{local}> belongs inside <metadata>")
        elif namespace != SVG_NS or local not in SVG_ELEMENTS:
            self.fail(f"the element <{local}> is not allowed")
        for name, value in attributes.items():
            self.attribute(local, namespace, name, value)
        self.in_style = namespace == SVG_NS and local == "style"

    def attribute(self, element: str, element_ns: str, name: str, value: str):
        namespace, _, local = name.rpartition(" ")
        if local.lower().startswith("on"):
            self.fail(f"the event attribute {local}= is not allowed")
        if local == "href" and namespace in ("", XLINK_NS):
            inline_image = element == "image" and DATA_IMAGE.fullmatch(value.strip())
            if not value.startswith("#") and not inline_image:
                self.fail(f"a link to '{value[:40]}' (only #fragments inside the document)")
        elif element_ns in METADATA_NS:
            pass  # RDF's attributes on metadata: text, never loaded or run
        elif namespace == XML_NS and local == "space":
            pass
        elif namespace or local not in SVG_ATTRIBUTES:
            self.fail(f"the attribute {local}= on <{element}> is not allowed")
        if not _css_ok(value) and local != "href":
            self.fail(f"the attribute {local}= holds url(), @import or a script")

    def end(self, tag: str):
        self.depth -= 1
        if self.in_style:
            if not _css_ok("".join(self.style_text)):
                self.fail("the <style> holds url(), @import or a script")
            self.style_text = []
        self.in_style = False

    def text(self, data: str):
        if self.in_style:
            self.style_text.append(data)


def svg_check(data: bytes) -> tuple[int, int]:
    """FigureError unless `data` is an SVG drawing made only of allowed elements and
    attributes; else its width and height in CSS pixels (from width/height, or the
    viewBox), for the page to reserve its room before it loads."""
    checker = _SvgChecker()
    try:
        checker.parser.Parse(data, True)
    except expat.ExpatError as error:
        raise FigureError(f"SVG refused: not well-formed XML ({error})") from error
    except RecursionError as error:
        raise FigureError("SVG refused: nested too deep") from error
    root = checker.root or {}
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if (width is None or height is None) and len(box) == 4:
        try:
            width, height = float(box[2]), float(box[3])
        except ValueError:
            pass
    if not width or not height or width <= 0 or height <= 0:
        checker.fail("it needs a width and height (or a viewBox) so the page can size it")
    return round(width), round(height)
