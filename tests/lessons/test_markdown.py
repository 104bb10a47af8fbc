"""Lesson Markdown: math survives for KaTeX, code is highlighted, HTML is made inert."""

from lessons.markdown import render_markdown


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
    """Protects the in-page contents list and highlighted code blocks."""
    rendered = render_markdown("## First part\n\n### Detail\n\n```python\nx = 1\n```\n")
    assert [(h.id, h.level) for h in rendered.headings] == [("first-part", 2), ("detail", 3)]
    assert '<h2 id="first-part">' in rendered.html
    assert '<div class="highlight"><pre>' in rendered.html and 'class="n"' in rendered.html
