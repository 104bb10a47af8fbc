"""The lesson tree as the reading pages show it, built once per content version.

The tree (every lesson but its body: `selectors.reading_tree`) and its HTML are cached
with the path's content version; a learner's ticks and the lesson being read are
filled into the cached HTML per request, so nobody's progress is ever stored in it.
The tree's template leaves a `<!--done:ID-->` mark where a tick may go and a
`data-lesson="ID"` on every link.

Whatever is cached under a version is read after that version (inside the build):
content read earlier might be older than the version it would be kept under.
"""

import dataclasses
import re

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lessons.cache import cached
from lessons.glossary.linking import link_terms
from lessons.glossary.selectors import lesson_glossary
from lessons.markdown import Rendered, render_markdown
from lessons.models import LearningPath, Lesson

from .selectors import figure_set, reading_tree, tree_in_order

DONE_MARK = re.compile(r"<!--done:(\d+)-->")


def tree_html(
    *,
    path: LearningPath,
    completed: set[int] | None,
    current: Lesson | None = None,
    chapter: Lesson | None = None,
) -> SafeString:
    """The path's tree (or the lessons of `chapter`) as HTML, with this learner's ticks
    and the current lesson marked; with `completed` None, the marks where ticks may go
    are left for `ticks` to fill in later (a page kept for every learner)."""

    def render() -> str:
        # The tree is read here, after the version the HTML is kept under: never older.
        nodes, depth = reading_tree(path=path), 0
        if chapter is not None:
            node = next((n for n in tree_in_order(nodes) if n.lesson.id == chapter.id), None)
            nodes, depth = (node.children if node else []), 1
        return render_to_string("lessons/reading/_tree.html", {"nodes": nodes, "depth": depth})

    part = "tree" if chapter is None else f"chapter:{chapter.id}"
    html = cached(path.id, f"html:{part}", render)
    if completed is not None:
        html = ticks(html, completed)
    if current is not None:
        mark = f'data-lesson="{current.id}"'
        html = html.replace(mark, f'{mark} aria-current="page"')
    return mark_safe(html)  # noqa: S308 (our template's output, escaped there)


def ticks(html: str, completed: set[int]) -> str:
    """`html` with a tick at the mark of each completed lesson and the other marks gone."""
    tick = f'<span class="done" title="{_("Completed")}" aria-label="completed">✓</span>'
    return DONE_MARK.sub(lambda m: tick if int(m[1]) in completed else "", html)


def lesson_body(*, path: LearningPath, lesson: Lesson) -> Rendered:
    """The lesson's Markdown rendered: HTML and in-page headings, the first use of each
    glossary term linked to its entry with its definition."""

    def render() -> Rendered:
        body = Lesson.objects.filter(pk=lesson.pk).values_list("body", flat=True).get()
        rendered = render_markdown(body, figure_set(path=path))
        glossary = lesson_glossary(path=path)
        linked = link_terms(rendered.html, glossary.terms, glossary.url)
        return dataclasses.replace(rendered, html=linked)

    return cached(path.id, f"body:{lesson.pk}", render)
