"""One function view per screen: parse → selector/service → render. htmx requests get
the named partial of the same template."""

from functools import partial

from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from lessons.cache import cached, csrf_mark, learner_page, learner_part, shared_path_page
from lessons.flashcards import scheduling as flashcards
from lessons.glossary import selectors as glossary
from lessons.lookups import readable_path
from lessons.models import Episode
from lessons.quizzes import grading as quizzes

from . import selectors, services
from .tree import lesson_body, ticks, tree_html


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    paths = selectors.paths_with_progress(request=request)
    return render(request, "lessons/reading/home.html", {"paths": paths})


@require_GET
def path_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lookup = partial(readable_path, request, slug)
    return shared_path_page(request, lookup=lookup, render=partial(_path_page, request))


PATH_TEMPLATE = "lessons/reading/path.html"
PATH_PARTS = ("path-progress", "path-continue", "path-cards", "path-quiz")  # the reader's own


def _path_page(request: HttpRequest, path) -> HttpResponse:
    can_edit = selectors.path_can_edit(user=request.user, path=path)

    def own() -> dict:
        """This reader's parts of the page: read only when a kept page cannot serve."""
        reading = selectors.path_reading(request=request, path=path)
        queue = flashcards.study_queue(request=request, path=path)
        return {
            "path": path,
            "tree": reading.tree,
            "completed": reading.completed,
            "progress": reading.progress,
            "card_counts": queue.counts,
            "best_quiz": quizzes.best_score(quizzes.attempts_of(request=request, path=path)),
            "seconds": queue.seconds_unchanged(),
        }

    def page(placeholders: dict | None) -> HttpResponse:
        mine = own() if placeholders is None else {"path": path}
        context = {
            **mine,
            "tree_html": tree_html(path=path, completed=mine.get("completed")),
            "can_edit": can_edit,
            "glossary_url": glossary.glossary_link(path=path),
            "episode": cached(
                path.id, "episode", lambda: Episode.objects.filter(path=path).first()
            ),
            "learner_parts": PATH_PARTS if placeholders is not None else (),
            **(placeholders or {}),
        }
        return render(request, PATH_TEMPLATE, context)

    fill = partial(_fill, request, PATH_TEMPLATE, PATH_PARTS, own)
    return learner_page(
        request, path_id=path.id, variant=_variant(request, can_edit), render=page, fill=fill
    )


def _variant(request: HttpRequest, can_edit: bool) -> str:
    """Which page kept for every reader this reader gets (see `learner_page`)."""
    variant = "editor" if can_edit else "reader"
    return variant + (":signed-in" if request.user.is_authenticated else ":anonymous")


def _fill(request, template: str, parts, own, html: str) -> tuple[str, float | None]:
    """A learner page with this reader's ticks and their own parts of `template`, and
    for how long they stay true (see `learner_page`)."""
    mine = own()
    html = ticks(html, mine["completed"])
    for part in parts:
        if learner_part(part) in html:
            context = {**mine, "csrf_token": csrf_mark()}
            html = html.replace(learner_part(part), _part(request, template, part, context))
    return html, mine.get("seconds")


def _part(request, template: str, part: str, context: dict) -> str:
    return render_to_string(f"{template}#{part}", context, request)


@require_GET
def lesson_detail(request: HttpRequest, path_slug: str, lesson_slug: str) -> HttpResponse:
    lookup = partial(readable_path, request, path_slug)
    page = partial(_lesson_page, request, lesson_slug=lesson_slug)
    return shared_path_page(request, lookup=lookup, render=page)


LESSON_TEMPLATE = "lessons/reading/lesson.html"
LESSON_PARTS = ("lesson-progress",)  # the reader's own, in LESSON_TEMPLATE
LESSON_LIVE = "lesson-demo"  # the reader's recent Lab runs, which a worker updates


def _lesson_page(request: HttpRequest, path, *, lesson_slug: str) -> HttpResponse:
    ordered = selectors.reading_in_order(path=path)
    index = next((i for i, n in enumerate(ordered) if n.lesson.slug == lesson_slug), None)
    if index is None:
        raise Http404(_("No such lesson in this path."))
    node = ordered[index]
    lesson = node.lesson
    can_edit = selectors.path_can_edit(user=request.user, path=path)

    def own() -> dict:
        """This reader's parts of the page: read only when a kept page cannot serve."""
        reading = selectors.path_reading(request=request, path=path)
        return {
            "path": path,
            "lesson": lesson,
            "completed": reading.completed,
            "progress": reading.progress,
        }

    def page(placeholders: dict | None) -> HttpResponse:
        mine = own() if placeholders is None else {"path": path, "lesson": lesson}
        completed = mine.get("completed")
        context = {
            **mine,
            "node": node,
            "glossary_url": glossary.glossary_link(path=path),
            "rendered": lesson_body(path=path, lesson=lesson),
            "tree_html": tree_html(path=path, completed=completed, current=lesson),
            "chapter_html": tree_html(path=path, completed=completed, chapter=lesson)
            if node.children
            else "",
            "previous": ordered[index - 1].lesson if index > 0 else None,
            "next": ordered[index + 1].lesson if index + 1 < len(ordered) else None,
            "can_edit": can_edit,
            "learner_parts": (*LESSON_PARTS, LESSON_LIVE) if placeholders is not None else (),
            **(placeholders or {}),
        }
        return render(request, LESSON_TEMPLATE, context)

    def live(html: str, token: str) -> str:
        if learner_part(LESSON_LIVE) not in html:  # a lesson with no demo
            return html
        context = {"path": path, "lesson": lesson, "csrf_token": token}
        return html.replace(
            learner_part(LESSON_LIVE), _part(request, LESSON_TEMPLATE, LESSON_LIVE, context)
        )

    fill = partial(_fill, request, LESSON_TEMPLATE, LESSON_PARTS, own)
    return learner_page(
        request,
        path_id=path.id,
        variant=_variant(request, can_edit),
        render=page,
        fill=fill,
        live=live,
    )


@require_POST
def lesson_complete(request: HttpRequest, path_slug: str, lesson_slug: str) -> HttpResponse:
    path = readable_path(request, path_slug)
    lesson = get_object_or_404(path.lessons, slug=lesson_slug)
    services.lesson_complete(request=request, lesson=lesson)
    if not request.htmx:
        return redirect(lesson.get_absolute_url(), permanent=False)
    reading = selectors.path_reading(request=request, path=path)
    context = {
        "path": path,
        "lesson": lesson,
        "completed": reading.completed,
        "progress": reading.progress,
    }
    return render(request, "lessons/reading/lesson.html#lesson-progress", context)


# A figure is a document of its own when opened at its URL: an SVG could run script
# there if one ever got past the bundle's checks. This policy forbids script, plugins,
# forms and every fetch (but the SVG's inline styles and embedded raster images).
FIGURE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
YEAR = 365 * 24 * 3600


@require_safe
def figure(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """One file of a path's figures/, to whoever may read the path. Its URL from the
    lesson carries `?v=<hash>`, so it may be cached for a year; without it, or with an
    older hash, the browser revalidates with the ETag (304 when unchanged)."""
    path = readable_path(request, slug)
    found = selectors.figure_of(path=path, name=name)
    if found is None:
        raise Http404(_("No such figure in this path."))
    etag = f'"{found.sha256}"'
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        bytes(found.data), content_type=found.content_type
    )
    version = request.GET.get("v", "")
    current = len(version) >= 8 and found.sha256.startswith(version)
    scope = "public" if selectors.path_is_public(path) else "private"
    lasting = f"max-age={YEAR}, immutable" if current else "max-age=0, must-revalidate"
    response["ETag"] = etag
    response["Cache-Control"] = f"{scope}, {lasting}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FIGURE_POLICY
    return response


@require_GET
def resources(request: HttpRequest, slug: str) -> HttpResponse:
    def page(path) -> HttpResponse:
        listed = cached(path.id, "resources", lambda: list(path.resources.all()))
        context = {"path": path, "resources": listed}
        return render(request, "lessons/reading/resources.html", context)

    return shared_path_page(request, lookup=partial(readable_path, request, slug), render=page)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)  # signs in, which keeps the session's progress
        target = request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return redirect(target if safe else "home")  # never off-site ("open redirect")
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)
