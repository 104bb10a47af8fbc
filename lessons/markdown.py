"""Lesson Markdown → safe HTML, with math left for KaTeX and code highlighted.

Math: pymdown's arithmatex wraps `$...$` and `$$...$$` in `<span class="arithmatex">`
/ `<div class="arithmatex">` with `\\(...\\)` / `\\[...\\]` inside; KaTeX's auto-render
typesets those in the browser. The HTML is then cleaned by nh3 with an allow-list, so
a `<script>`, an `onclick` or a `javascript:` link in a lesson renders inert.
"""

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
    "td": {"align", "style"},
    "th": {"align", "style"},
}


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
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return Rendered(html=clean, headings=tuple(_flatten(md.toc_tokens)))
