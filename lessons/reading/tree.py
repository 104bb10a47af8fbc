"""The lesson tree as the reading pages show it, built once per content version.

The tree (every lesson but its body) and its HTML are cached with the path's content
version; a learner's ticks and the lesson being read are filled into the cached HTML
per request, so nobody's progress is ever stored in it. The tree's template leaves a
`<!--done:ID-->` mark where a tick may go and a `data-lesson="ID"` on every link.
"""

import re

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lessons.cache import cached
from lessons.markdown import Rendered, render_markdown
from lessons.models import LearningPath, Lesson

from .selectors import LessonNode

DONE_MARK = re.compile(r"<!--done:(\d+)-->")


def tree_html(
    *,
    path: LearningPath,
    nodes: list[LessonNode],
    completed: set[int],
    current: Lesson | None = None,
    part: str = "tree",
    depth: int = 0,
) -> SafeString:
    """`nodes` (the tree, or `part`: a chapter's lessons) as HTML with this learner's
    ticks and the current lesson marked."""

    def render() -> str:
        return render_to_string("lessons/reading/_tree.html", {"nodes": nodes, "depth": depth})

    html = cached(path.id, f"html:{part}", render)
    tick = f'<span class="done" title="{_("Completed")}" aria-label="completed">✓</span>'
    html = DONE_MARK.sub(lambda m: tick if int(m[1]) in completed else "", html)
    if current is not None:
        mark = f'data-lesson="{current.id}"'
        html = html.replace(mark, f'{mark} aria-current="page"')
    return mark_safe(html)  # noqa: S308 (our template's output, escaped there)


def lesson_body(*, path: LearningPath, lesson: Lesson) -> Rendered:
    """The lesson's Markdown rendered: HTML and in-page headings."""

    def render() -> Rendered:
        body = Lesson.objects.filter(pk=lesson.pk).values_list("body", flat=True).get()
        return render_markdown(body)

    return cached(path.id, f"body:{lesson.pk}", render)
