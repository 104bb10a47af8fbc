"""Lesson Markdown: math survives for KaTeX, code is highlighted, HTML is made inert."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons.markdown import FigureFile, FigureSet, render_markdown, sanitize_html
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


FIGURES = FigureSet(
    files=(
        FigureFile("plot.svg", "/paths/p/figures/plot.svg?v=0a1b", 600, 300),
        FigureFile("plot.json", "/paths/p/figures/plot.json?v=2c3d", None, None),
        FigureFile("digit.png", "/paths/p/figures/digit.png?v=4e5f", 28, 28),
    )
)


def test_an_image_alone_with_a_title_is_a_figure_and_others_stay_images():
    """Protects the figure syntax: only an image alone in its paragraph, with a title,
    becomes <figure> with a caption; an inline image or one without a title stays an
    <img> (with its figure URL and size)."""
    html = render_markdown(
        '![Digit](figures/digit.png "A seven.")\n\n'
        "Inline ![d](figures/digit.png) here.\n\n"
        "![untitled](figures/digit.png)\n",
        FIGURES,
    ).html
    assert html.count("<figure>") == 1 and "<figcaption>A seven.</figcaption>" in html
    assert html.count('src="/paths/p/figures/digit.png?v=4e5f"') == 3
    assert html.count('width="28"') == 3 and 'title="' not in html


def test_a_figure_with_data_beside_it_is_an_explorable_with_its_still():
    """Protects the explorables' markup the loader looks for."""
    html = render_markdown('![Plot](figures/plot.svg "Move it.")', FIGURES).html
    assert html.startswith(
        '<figure class="explorable" data-explorable="/paths/p/figures/plot.json?v=2c3d">'
        '<img alt="Plot" decoding="async" height="300" loading="lazy" '
        'src="/paths/p/figures/plot.svg?v=0a1b" width="600">'
    )


def test_without_the_paths_figures_a_figure_keeps_its_bundle_name():
    """Protects texts rendered outside a path (cards, quiz): still a <figure>, with the
    relative name, never a made-up URL."""
    html = render_markdown('![Plot](figures/plot.svg "Caption.")').html
    assert '<figure><img alt="Plot" src="figures/plot.svg"><figcaption>' in html


@pytest.mark.parametrize(
    "written",
    [
        '<figure data-explorable="https://t.example/x.json"></figure>',
        '<figure data-explorable="/paths/p/figures/x.svg"></figure>',
        '<figure data-explorable="javascript:alert(1)"></figure>',
        '<img src="/paths/p/figures/../../admin/x.png">',
        '<img src="https://t.example/paths/p/figures/x.png">',
        '<img src="figures/x.png" loading="eager" decoding="sync" onload="alert(1)">',
    ],
)
def test_authors_cannot_point_figures_elsewhere(written):
    """Protects the allow-list's new attributes: data-explorable only to a path's JSON,
    an image only from a path's figures, loading and decoding only as the renderer
    writes them."""
    html = render_markdown(written).html
    assert "t.example" not in html and "javascript" not in html and "admin" not in html
    assert "data-explorable" not in html and "eager" not in html and "onload" not in html


def test_math_in_a_caption_is_typeset_like_the_text():
    """Protects captions with formulas: `$…$` becomes KaTeX's inline delimiters, as
    arithmatex does in the body; an escaped dollar stays a dollar."""
    html = render_markdown('![A](figures/a.svg "Keep $\\sqrt{\\bar\\alpha_t}$ of it, \\$5.")').html
    assert "<figcaption>Keep \\(\\sqrt{\\bar\\alpha_t}\\) of it, $5.</figcaption>" in html
