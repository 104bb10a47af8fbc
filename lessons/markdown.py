"""Lesson Markdown → safe HTML, with math left for KaTeX and code highlighted.

Math: pymdown's arithmatex wraps `$...$` and `$$...$$` in `<span class="arithmatex">`
/ `<div class="arithmatex">` with `\\(...\\)` / `\\[...\\]` inside; KaTeX's auto-render
typesets those in the browser. The HTML is then cleaned by `sanitize_html`, the one
allow-list every piece of learner-written HTML passes through (pages, previews, the API,
the Anki export): a `<script>`, an `onclick`, a `style`, a `javascript:` link or an
image from another site renders inert.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import markdown
import nh3

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
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Classes the renderer itself emits (math, code blocks, Pygments' short token names):
# an author's own class could borrow the site's layout classes and cover the page.
SAFE_CLASS = re.compile(r"arithmatex|highlight|[a-z]{1,2}[0-9]?")
# Images come from the path's own bundle only (its figures/ folder): an image from
# another site would load for every reader, a tracking pixel on a shared path.
BUNDLE_IMAGE = re.compile(r"figures/[A-Za-z0-9][A-Za-z0-9._-]*\.(?:png|svg|jpg|jpeg|webp)")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [name for name in value.split() if SAFE_CLASS.fullmatch(name)]
        return " ".join(kept) or None
    if tag == "img" and attribute == "src":
        return value if BUNDLE_IMAGE.fullmatch(value) and ".." not in value else None
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
def render_markdown(source: str) -> Rendered:
    """Render a lesson body. Cached by its text: a lesson renders once per process."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIG)
    html = md.convert(source)
    html = _scrollable_by_keyboard(sanitize_html(html))
    return Rendered(html=html, headings=tuple(_flatten(md.toc_tokens)))


def _scrollable_by_keyboard(html: str) -> str:
    """Code blocks scroll sideways when a line is long (on a phone, often): a keyboard
    user scrolls them only if they can take focus. Added after sanitizing, which
    removes every author's `tabindex`."""
    return re.sub(r"<pre(?=[\s>])", '<pre tabindex="0"', html)
