"""Lesson Markdown → safe HTML, with math left for KaTeX and code highlighted.

Math: pymdown's arithmatex wraps `$...$` and `$$...$$` in `<span class="arithmatex">`
/ `<div class="arithmatex">` with `\\(...\\)` / `\\[...\\]` inside; KaTeX's auto-render
typesets those in the browser. The HTML is then cleaned by `sanitize_html`, the one
allow-list every piece of learner-written HTML passes through (pages, previews, the API,
the Anki export): a `<script>`, an `onclick`, a `style`, a `javascript:` link or an
image from another site renders inert.

Figures: an image of the path's `figures/` folder alone in its paragraph, with alt text
and a title, becomes `<figure><img …><figcaption>title</figcaption></figure>`. Given
the path's `FigureSet`, its `src` becomes the figure's URL (versioned by its hash, so a
changed file is a new URL and a new cache key here), with the file's width and height
so the page does not jump as it loads; a figure with a `<stem>.json` beside it is an
explorable (`class="explorable" data-explorable="<the JSON's URL>"`), its image the
still shown without JavaScript.
"""

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import lru_cache

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

EXTENSIONS = [
    "pymdownx.arithmatex",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.tilde",
    "tables",
    "toc",
    "sane_lists",
]
EXTENSION_CONFIG = {
    "pymdownx.arithmatex": {"generic": True},
    "pymdownx.highlight": {"css_class": "highlight", "guess_lang": False},
    "toc": {"permalink": False, "toc_depth": "2-3"},
    # Column alignment as an attribute: `style` is never allowed through the sanitizer.
    "tables": {"use_align_attribute": True},
}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li",
    "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id"},
    "a": {"href", "title"},
    "figure": {"data-explorable"},
    "img": {"src", "alt", "title", "width", "height", "loading", "decoding"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Classes the renderer itself emits (math, code blocks, Pygments' short token names):
# an author's own class could borrow the site's layout classes and cover the page.
SAFE_CLASS = re.compile(r"arithmatex|highlight|explorable|[a-z]{1,2}[0-9]?")
# Images come from a path's own bundle only (its figures/ folder, as written in the
# Markdown or as the URL the renderer makes of it): an image from another site would
# load for every reader, a tracking pixel on a shared path.
BUNDLE_IMAGE = re.compile(r"figures/[A-Za-z0-9][A-Za-z0-9._-]*\.(?:png|svg|jpg|jpeg|webp)")
FIGURE_URL = r"/paths/[A-Za-z0-9_-]+/figures/[a-z0-9][a-z0-9-]*\.{}(?:\?v=[0-9a-f]+)?"
FIGURE_IMAGE_URL = re.compile(FIGURE_URL.format("(?:png|svg|jpg|jpeg|webp)"))
FIGURE_DATA_URL = re.compile(FIGURE_URL.format("json"))
CAPTION_MATH = re.compile(r"(?<!\\)\$([^$\n]+?)(?<!\\)\$")
ATTRIBUTE_VALUES = {"loading": {"lazy"}, "decoding": {"async"}}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [name for name in value.split() if SAFE_CLASS.fullmatch(name)]
        return " ".join(kept) or None
    if tag == "img" and attribute == "src":
        ours = BUNDLE_IMAGE.fullmatch(value) or FIGURE_IMAGE_URL.fullmatch(value)
        return value if ours and ".." not in value else None
    if attribute == "data-explorable":
        return value if FIGURE_DATA_URL.fullmatch(value) else None
    if attribute in ATTRIBUTE_VALUES:
        return value if value in ATTRIBUTE_VALUES[attribute] else None
    return value


def sanitize_html(html: str) -> str:
    """Learner-written HTML cut down to the allow-list above; safe to show anyone."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_attribute_filter,
    )


@dataclass(frozen=True)
class FigureFile:
    name: str  # in the bundle's figures/ folder
    url: str  # where it is served, versioned by its hash
    width: int | None
    height: int | None


@dataclass(frozen=True)
class FigureSet:
    """A path's figure files, as the renderer needs them (hashable: part of the cache
    key, so a changed figure renders afresh)."""

    files: tuple[FigureFile, ...] = ()

    def get(self, name: str) -> FigureFile | None:
        return next((f for f in self.files if f.name == name), None)


class _Figures(Treeprocessor):
    """Bundle images → their URLs; an image alone in a paragraph, with a title, → a
    `<figure>` with that title as its caption (an explorable's when it has data)."""

    def __init__(self, md, figures: FigureSet | None):
        super().__init__(md)
        self.figures = figures

    def run(self, root):
        for parent in root.iter():
            for index, child in enumerate(parent):
                if child.tag == "img":
                    self.image(child)
                elif child.tag == "p" and self.alone(child):
                    parent[index] = self.figure(child)

    @staticmethod
    def alone(paragraph) -> bool:
        if len(paragraph) != 1 or (paragraph.text or "").strip():
            return False
        image = paragraph[0]
        return (
            image.tag == "img"
            and not (image.tail or "").strip()
            and bool(image.get("title", "").strip())
            and image.get("src", "").startswith("figures/")
        )

    def image(self, image) -> None:
        name = image.get("src", "").removeprefix("figures/")
        known = self.figures.get(name) if self.figures and image.get("src") != name else None
        if known is None:
            return
        image.set("src", known.url)
        if known.width and known.height:
            image.set("width", str(known.width))
            image.set("height", str(known.height))
        image.set("loading", "lazy")
        image.set("decoding", "async")

    def figure(self, paragraph):
        image = paragraph[0]
        name = image.get("src", "").removeprefix("figures/")
        data = self.figures.get(name.rsplit(".", 1)[0] + ".json") if self.figures else None
        self.image(image)
        figure = etree.Element("figure")
        if data is not None:
            figure.set("class", "explorable")
            figure.set("data-explorable", data.url)
        image.tail = None
        figure.append(image)
        caption = etree.SubElement(figure, "figcaption")
        # `$…$` in a caption is math, as in the text: the delimiters KaTeX's auto-render
        # looks for on the page (a title is plain text to Markdown, never typeset).
        caption.text = CAPTION_MATH.sub(r"\\(\1\\)", image.attrib.pop("title"))
        return figure


class _FigureExtension(markdown.Extension):
    def __init__(self, figures: FigureSet | None):
        super().__init__()
        self.figures = figures

    def extendMarkdown(self, md):
        # after "inline" (20), which makes the <img> elements
        md.treeprocessors.register(_Figures(md, self.figures), "figures", 15)


@dataclass(frozen=True)
class Heading:
    id: str
    title: str
    level: int


@dataclass(frozen=True)
class Rendered:
    html: str
    headings: tuple[Heading, ...]  # the in-page contents, from ## and ### headings


def _flatten(tokens) -> list[Heading]:
    out = []
    for token in tokens:
        out.append(Heading(id=token["id"], title=token["name"], level=token["level"]))
        out.extend(_flatten(token["children"]))
    return out


@lru_cache(maxsize=512)
def render_markdown(source: str, figures: FigureSet | None = None) -> Rendered:
    """Render a lesson body; `figures`: its path's (see the module's docstring).
    Cached by the text and the figures: a lesson renders once per process, and again
    when a figure it could show changes."""
    md = markdown.Markdown(
        extensions=[*EXTENSIONS, _FigureExtension(figures)], extension_configs=EXTENSION_CONFIG
    )
    html = md.convert(source)
    html = _scrollable_by_keyboard(sanitize_html(html))
    return Rendered(html=html, headings=tuple(_flatten(md.toc_tokens)))


def _scrollable_by_keyboard(html: str) -> str:
    """Code blocks scroll sideways when a line is long (on a phone, often): a keyboard
    user scrolls them only if they can take focus. Added after sanitizing, which
    removes every author's `tabindex`."""
    return re.sub(r"<pre(?=[\s>])", '<pre tabindex="0"', html)
