"""Lesson Markdown: math survives for KaTeX, code is highlighted, HTML is made inert."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons.markdown import render_markdown, sanitize_html
from tests.payloads import PAYLOADS, assert_inert


def test_script_tags_and_event_handlers_are_removed():
    """Protects learners from a lesson body (a learner's own copy, later) running code."""
    html = render_markdown(
        'Hi <script>alert("x")</script><img src="x.png" onerror="alert(1)">'
        '<a href="#" onclick="alert(2)">a</a><iframe src="https://e.com"></iframe>'
    ).html
    assert "<script" not in html and "alert(" not in html.replace('src="x.png"', "")
    assert "onerror" not in html and "onclick" not in html and "<iframe" not in html


def test_javascript_links_lose_their_href():
    """Protects: `javascript:` URLs in Markdown or raw HTML are not clickable."""
    html = render_markdown(
        "[click](javascript:alert(1)) <a href='JaVaScRiPt:alert(1)'>x</a> [ok](https://arxiv.org)"
    ).html
    assert "javascript" not in html.lower()
    assert 'href="https://arxiv.org"' in html


def test_math_is_left_for_katex_untouched():
    """Protects: inline and display LaTeX reach the browser intact, not mangled by
    Markdown's emphasis rules (`_` and `*` inside formulas)."""
    html = render_markdown(
        "Inline $\\bar\\alpha_t x_0 * y_1$.\n\n"
        "$$\n\\mathbb{E}\\|\\epsilon - \\epsilon_\\theta\\|^2\n$$\n"
    ).html
    assert '<span class="arithmatex">\\(\\bar\\alpha_t x_0 * y_1\\)</span>' in html
    assert '<div class="arithmatex">\\[' in html and "\\epsilon_\\theta" in html


def test_code_is_highlighted_and_headings_feed_the_contents():
    """Protects the in-page contents list and highlighted code blocks, which a keyboard
    can focus and so scroll (an author's own tabindex is still removed)."""
    rendered = render_markdown("## First part\n\n### Detail\n\n```python\nx = 1\n```\n")
    assert [(h.id, h.level) for h in rendered.headings] == [("first-part", 2), ("detail", 3)]
    assert '<h2 id="first-part">' in rendered.html
    assert '<div class="highlight"><pre tabindex="0">' in rendered.html
    assert 'class="n"' in rendered.html
    assert "tabindex" not in render_markdown('<p tabindex="5">x</p>\n').html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_renders_inert(payload):
    """Protects every reader of a shared path: no script, style, tracking image,
    borrowed layout class or htmx attribute survives the one sanitizer."""
    assert_inert(render_markdown(payload).html)
    assert_inert(sanitize_html(payload))


def test_table_alignment_survives_without_style():
    """Protects: Markdown column alignment still works once `style` is refused."""
    html = render_markdown("|a|b|\n|:-|-:|\n|1|2|").html
    assert '<td align="right">2</td>' in html and "style" not in html


def test_a_bundle_figure_is_kept_and_a_remote_image_is_not():
    """Protects: images come from the path's own figures/ folder only."""
    html = render_markdown("![ours](figures/noise.svg) ![theirs](https://t.example/p.gif)").html
    assert 'src="figures/noise.svg"' in html
    assert "t.example" not in html


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(PAYLOADS + ["text", "**b**", "\n\n", "|", "<", ">", '"']), max_size=8)
)
def test_any_mix_of_payloads_renders_inert(parts):
    """Protects against payloads that only act in combination (split tags, nesting)."""
    assert_inert(render_markdown("".join(parts)).html)
