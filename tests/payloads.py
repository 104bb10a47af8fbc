"""Hostile learner-written content: what a shared path must not smuggle to its readers.

Each payload is Markdown or raw HTML a learner could type into a lesson, a card or a
question. `assert_inert` states what none of them may leave behind once sanitized.
"""

import re
from html.parser import HTMLParser

PAYLOADS = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    '<table><tr><td style="position:fixed;inset:0;z-index:99999">cover</td></tr></table>',
    '<th style="background:url(https://evil.example/t.gif)">x</th>',
    '<div style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</div>',
    '<p class="container modal-is-open overlay">borrowed classes</p>',
    "![pixel](https://tracker.example/p.gif?u=1)",
    "![pixel](//tracker.example/p.gif)",
    "![pixel](/media/podcasts/x.mp3)",
    "![up](figures/../../etc/passwd.png)",
    '<img src="https://tracker.example/p.gif" width=1 height=1>',
    '<img srcset="https://tracker.example/p.gif 1x">',
    "[click](javascript:alert(1))",
    "<a href='JaVaScRiPt:alert(1)'>x</a>",
    '<a href="data:text/html,<script>alert(1)</script>">d</a>',
    '<a href="vbscript:msgbox(1)">v</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><img src=x onerror=alert(1)></mtext></math>",
    '<form action="https://evil.example"><input name=p></form>',
    '<link rel=stylesheet href="https://evil.example/s.css">',
    "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<video src="https://evil.example/v.mp4" autoplay></video>',
    '<audio src="https://evil.example/a.mp3" autoplay></audio>',
    '<p onmouseover="alert(1)">hover</p>',
    '<span hx-get="/logout/" hx-trigger="load">htmx</span>',
    '<div data-flip-area hx-post="/x/">attrs</div>',
    "`<script>` in code is text",
    "<<script>script>alert(1)<</script>/script>",
    '<img src="figures/ok.svg" alt="a figure of our own">',
]

FORBIDDEN_TAGS = {
    "script", "iframe", "object", "embed", "form", "input", "link", "style", "meta", "base",
    "video", "audio", "svg", "math",
}  # fmt: skip
UNSAFE_SCHEME = re.compile(r"\s*(javascript|vbscript|data):", re.I)
BORROWED_CLASS = re.compile(r"container|modal|overlay")


class _Tags(HTMLParser):
    """Every start tag with its attributes, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def assert_inert(html: str) -> None:
    """Fails naming the first tag in `html` that could act on, track or cover a reader.
    Escaped text (`&lt;script&gt;`) is text and passes."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in FORBIDDEN_TAGS, f"<{tag}> survived in {html!r}"
        for name, value in attrs.items():
            where = f"<{tag} {name}={value!r}> in {html!r}"
            assert not name.startswith(("on", "hx-", "data-")), where
            assert name not in {"style", "srcset"}, where
            assert not UNSAFE_SCHEME.match(value), where
            assert not (name == "class" and BORROWED_CLASS.search(value)), where
        if tag == "img" and "src" in attrs:
            assert attrs["src"].startswith("figures/"), f"remote image in {html!r}"
