"""Linking glossary terms in a rendered lesson (lessons/glossary/linking.py): unit cases
and a property test over Markdown that hypothesis writes and the real renderer turns
into sanitized HTML."""

import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessons.glossary.linking import Term, link_terms
from lessons.markdown import render_markdown

URL = "/paths/p/glossary/"
TERMS = (
    Term("kl-divergence", ("KL divergence", "Kullback–Leibler divergence", "KL"), "Differs."),
    Term("reverse-kl", ("reverse KL",), "Mode seeking <not a tag> & more."),
    Term("score", ("score",), "A gradient."),
    Term("score-matching", ("score matching",), "Fits the score."),
    Term("amp", ("amp",), "Not an entity."),  # must never match inside `&amp;`
    Term("lt", ("lt",), "Not an entity either."),
    Term("c", ("C++",), "A name ending in punctuation."),
)
# The markup link_terms adds around a linked word, to strip it back out.
LINK = re.compile(
    r'<span class="term"><a href="[^"]*" aria-describedby="[^"]*">([^<]*)</a>'
    r'<span class="term-tip" role="tooltip" id="[^"]*">[^<]*</span></span>'
)
SKIPPED = {"h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "a", "figure", "figcaption"}


class Events(HTMLParser):
    """The HTML as a list of events (text merged and unescaped), checking as it goes
    that every closing tag closes the innermost open element; records each glossary
    link's anchor and whether it sits inside something that must not hold one."""

    VOID = {"br", "hr", "img"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.events, self.stack, self.anchors, self.misplaced = [], [], [], []
        self.feed(html)
        self.close()
        assert self.stack == [], f"left open: {self.stack}"

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "span" and attributes.get("class") == "term":
            inside = [
                name
                for name, attrs_ in self.stack
                if name in SKIPPED or "arithmatex" in (attrs_.get("class") or "")
            ]
            if inside:
                self.misplaced.append(inside)
        if tag == "a" and attributes.get("aria-describedby"):
            self.anchors.append(attributes["href"].split("#", 1)[1])
        self.events.append(("start", tag, sorted(attrs)))
        if tag not in self.VOID:
            self.stack.append((tag, attributes))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()
        self.events.append(("end", tag))

    def handle_data(self, data):
        if self.events and self.events[-1][0] == "data":
            self.events[-1] = ("data", self.events[-1][1] + data)
        else:
            self.events.append(("data", data))


def test_first_use_of_each_term_links_once_with_its_definition():
    """Protects the basic promise: the first use (by any name, any case) links to the
    entry and carries the definition as the link's description; later uses stay text."""
    html = render_markdown("We use kl here, then KL divergence, then KL again.\n").html
    out = link_terms(html, TERMS, URL)
    assert out.count('href="/paths/p/glossary/#kl-divergence"') == 1
    assert '#kl-divergence" aria-describedby="term-tip-kl-divergence">kl</a>' in out
    assert 'role="tooltip" id="term-tip-kl-divergence">Differs.</span>' in out
    assert "then KL divergence, then KL again." in out


def test_longest_name_wins_and_shadows_shorter_ones_inside_it():
    """Protects "reverse KL" from being linked as "KL": the longest name matches first,
    and a later "reverse KL" still shadows its "KL" after both are linked."""
    html = render_markdown("The reverse KL is not KL. Another reverse KL.\n").html
    out = link_terms(html, TERMS, URL)
    assert ">reverse KL</a>" in out and ">KL</a>" in out
    assert out.count("#reverse-kl") == 1 and out.count("#kl-divergence") == 1
    assert out.endswith("Another reverse KL.</p>")


def test_terms_are_not_linked_in_headings_code_math_links_or_figures():
    """Protects the places a link would be wrong: headings, inline code, code blocks,
    math (which KaTeX typesets), existing links, figures and their captions."""
    source = (
        "## KL in a heading\n\n`KL` and $\\mathrm{KL}$ and [KL](https://example.org)\n\n"
        "```\nKL\n```\n\n$$\nKL\n$$\n\n"
        '<figure><img src="figures/a.png" alt="KL"><figcaption>KL</figcaption></figure>\n\n'
        "Finally KL.\n"
    )
    out = link_terms(render_markdown(source).html, TERMS, URL)
    assert out.count('class="term"') == 1
    assert "Finally <span" in out


def test_entities_and_word_boundaries_are_respected():
    """Protects the HTML's escapes and whole words: "amp" never matches inside `&amp;`,
    "score" not inside "scores" or "underscore", and the definition is escaped."""
    out = link_terms(render_markdown("A & B < C, scores, underscore.\n").html, TERMS, URL)
    assert 'class="term"' not in out
    out = link_terms(render_markdown("The reverse KL & amp.\n").html, TERMS, URL)
    assert "Mode seeking &lt;not a tag&gt; &amp; more." in out
    assert "KL</a>" in out and "&amp; <span" in out  # `&amp;` kept, "amp" linked after it


def test_no_terms_returns_the_html_unchanged():
    """Protects paths without a glossary: their lessons render exactly as before."""
    html = render_markdown("KL everywhere.\n").html
    assert link_terms(html, (), URL) is html


NAMES = [name for term in TERMS for name in term.names]
WORD = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(NAMES).map(str.upper),
    st.sampled_from(NAMES).map(str.lower),
    st.sampled_from(["the", "a", "scores", "amplitude", "&", "<", ">", "'", '"', "x_t", "é"]),
)
SENTENCE = st.lists(WORD, min_size=1, max_size=8).map(" ".join)
BLOCK = st.one_of(
    SENTENCE.map(lambda s: f"{s}.\n"),
    SENTENCE.map(lambda s: f"## {s}\n"),
    SENTENCE.map(lambda s: f"Code `{s}` then {s}.\n"),
    SENTENCE.map(lambda s: f"Math ${s}$ and {s}.\n"),
    SENTENCE.map(lambda s: f"$$\n{s}\n$$\n"),
    SENTENCE.map(lambda s: f"```\n{s}\n```\n"),
    SENTENCE.map(lambda s: f"A [{s}](https://example.org) then *{s}* and **{s}**.\n"),
    SENTENCE.map(lambda s: f"- {s}\n- {s}\n"),
    SENTENCE.map(lambda s: f"| {s} |\n|---|\n| {s} |\n"),
    SENTENCE.map(lambda s: f"> {s}\n"),
    SENTENCE.map(
        lambda s: (
            f'<figure><img src="figures/a.png" alt="{s}"><figcaption>{s}</figcaption></figure>\n'
        )
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(BLOCK, min_size=1, max_size=8).map("\n".join))
def test_linking_never_breaks_html_nor_links_where_it_must_not(source):
    """Protects every lesson page, whatever its Markdown: the linked HTML is well formed,
    differs from the rendered HTML only by the added links (same elements, same text),
    holds no link inside a heading, code, math, a link or a figure, and links each term
    at most once."""
    html = render_markdown(source).html
    out = link_terms(html, TERMS, URL)
    linked = Events(out)
    assert linked.misplaced == []
    assert len(linked.anchors) == len(set(linked.anchors))
    assert Events(LINK.sub(r"\1", out)).events == Events(html).events
