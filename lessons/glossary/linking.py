"""Link the first use of each glossary term in a lesson's rendered HTML to its entry.

`link_terms` is a plain function over HTML that `sanitize_html` has already cleaned (so
tags are well formed, text is escaped, there are no comments or scripts). It walks the
HTML tag by tag, keeping a stack of the open elements, and looks for terms only in
text that is not inside a heading, code, a code block, math (arithmatex, typeset by
KaTeX in the browser), a link, a figure or its caption. Names match case-insensitively
on word boundaries, the longest name first (so "reverse KL" wins over "KL"), and each
term links once per lesson, at its first use by any of its names.

A linked word becomes

    <span class="term"><a href="…/glossary/#kl-divergence"
        aria-describedby="term-tip-kl-divergence">KL</a><span class="term-tip"
        role="tooltip" id="term-tip-kl-divergence">The definition.</span></span>

The CSS shows the tooltip while the pair is hovered or the link has keyboard focus; a
screen reader reads the definition as the link's description.
"""

import html
import re
from dataclasses import dataclass
from functools import lru_cache

TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
VOID = {"br", "hr", "img", "wbr", "input", "col", "source", "area", "embed", "meta", "link"}
SKIPPED = {"h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "kbd", "a", "figure", "figcaption"}
MATH_CLASS = re.compile(r"""\bclass=(["'])(?:[^"']*\s)?arithmatex(?:\s[^"']*)?\1""")
TIP_PREFIX = "term-tip-"


@dataclass(frozen=True)
class Term:
    """One glossary entry as the linker needs it."""

    anchor: str  # its id on the glossary page
    names: tuple[str, ...]  # the term and its aliases
    definition: str  # plain text


def _pattern(terms: tuple[Term, ...]) -> re.Pattern | None:
    names = sorted({name for term in terms for name in term.names}, key=lambda n: (-len(n), n))
    if not names:
        return None
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _skips(name: str, attributes: str) -> bool:
    return name in SKIPPED or bool(MATH_CLASS.search(attributes))


@lru_cache(maxsize=512)
def link_terms(source: str, terms: tuple[Term, ...], glossary_url: str) -> str:
    """`source` with the first use of each term linked to `glossary_url#anchor`."""
    pattern = _pattern(terms)
    if pattern is None:
        return source
    by_name = {name.casefold(): term for term in terms for name in term.names}
    linked: set[str] = set()
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # open elements: (name, skips its text)
    position = 0

    def link(text: str) -> str:
        plain = html.unescape(text)
        pieces, start, found = [], 0, False
        for match in pattern.finditer(plain):
            term = by_name[match.group().casefold()]
            if term.anchor in linked:
                continue  # its first use is linked already; a longer name still shadows
            linked.add(term.anchor)
            found = True
            pieces.append(html.escape(plain[start : match.start()], quote=False))
            pieces.append(_markup(term, html.escape(match.group(), quote=False), glossary_url))
            start = match.end()
        if not found:
            return text  # untouched, byte for byte
        pieces.append(html.escape(plain[start:], quote=False))
        return "".join(pieces)

    for tag in TAG.finditer(source):
        text = source[position : tag.start()]
        skipping = any(skips for _name, skips in stack)
        out.append(text if skipping or not text else link(text))
        out.append(tag.group())
        position = tag.end()
        closing, name, attributes = tag.group(1), tag.group(2).lower(), tag.group(3)
        if closing:
            # pop to the matching element (sanitized HTML closes what it opens)
            for index in range(len(stack) - 1, -1, -1):
                if stack[index][0] == name:
                    del stack[index:]
                    break
        elif name not in VOID and not attributes.rstrip().endswith("/"):
            stack.append((name, _skips(name, attributes)))
    rest = source[position:]
    skipping = any(skips for _name, skips in stack)
    out.append(rest if skipping or not rest else link(rest))
    return "".join(out)


def _markup(term: Term, word: str, glossary_url: str) -> str:
    tip = f"{TIP_PREFIX}{term.anchor}"
    href = html.escape(f"{glossary_url}#{term.anchor}")
    definition = html.escape(term.definition, quote=False)
    return (
        f'<span class="term"><a href="{href}" aria-describedby="{html.escape(tip)}">{word}</a>'
        f'<span class="term-tip" role="tooltip" id="{html.escape(tip)}">{definition}</span></span>'
    )
