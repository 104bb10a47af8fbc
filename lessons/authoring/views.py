"""Making a path your own: clone, edit, share, export and import. One function view per
screen or action: parse → selector/service → render. Tree actions answer htmx with the
editor's `editor-tree` partial and plain form posts with a redirect, so the editor works
without JavaScript too. Edit URLs: 404 when the path is not readable, 403 when it is
but the user is neither its owner nor staff."""

from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lessons.errors import BundleError
from lessons.lookups import editable_path, readable_path
from lessons.markdown import render_markdown
from lessons.models import LearningPath, Lesson
from lessons.reading.selectors import figure_set, lesson_tree

from . import selectors, services
from .archive import bundle_from_zip, bundle_to_zip
from .forms import (
    BundleUploadForm,
    LessonAddForm,
    LessonEditForm,
    LessonRenameForm,
    PathSettingsForm,
    PreviewForm,
)

MOVES = {"up", "down", "in", "out"}


def _preview(body: str, path: LearningPath):
    """The lesson page's own renderer, with the path's figures, without its cache:
    previews are typed once."""
    return render_markdown.__wrapped__(body, figure_set(path=path))


# --- clone, export, import ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def path_clone(request: HttpRequest, slug: str) -> HttpResponse:
    path = readable_path(request, slug)
    if request.method == "POST":
        copy = services.path_clone(path=path, owner=request.user)
        messages.success(request, _("This copy is yours: private until you share it."))
        return redirect("path_edit", slug=copy.slug)
    return render(request, "lessons/authoring/path_clone.html", {"path": path})


@require_GET
def path_export(request: HttpRequest, slug: str) -> HttpResponse:
    path = readable_path(request, slug)
    response = HttpResponse(
        bundle_to_zip(selectors.path_bundle(path=path)), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{path.slug}.zip"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def path_upload(request: HttpRequest) -> HttpResponse:
    form = BundleUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            bundle = bundle_from_zip(
                form.cleaned_data["bundle"], max_bytes=settings.BUNDLE_MAX_BYTES
            )
        except BundleError as error:
            form.add_error("bundle", _("Nothing was imported. %(error)s") % {"error": error})
        else:
            path = services.path_import_as_new(bundle=bundle, owner=request.user)
            messages.success(request, _("Imported as your own private path."))
            return redirect("path_edit", slug=path.slug)
    status = HTTPStatus.BAD_REQUEST if request.method == "POST" else HTTPStatus.OK
    return render(request, "lessons/authoring/path_upload.html", {"form": form}, status=status)


# --- the path editor ---------------------------------------------------------------


def _editor(request: HttpRequest, path: LearningPath, *, status=HTTPStatus.OK, **context):
    """The editor page, or only its tree for a tree action sent by htmx. `context` may
    carry `settings_form`, `tree_error` and the failed form (`failed_add`,
    `failed_rename`) to show again."""
    context.setdefault(
        "settings_form",
        PathSettingsForm(
            initial={
                "title": path.title,
                "summary": path.summary,
                "visibility": path.visibility,
                "featured": path.featured,
                "published": path.published,
            },
            staff=request.user.is_staff,
        ),
    )
    context.update(path=path, tree=lesson_tree(path=path))
    template = "lessons/authoring/path_edit.html"
    if request.htmx and request.resolver_match.url_name != "path_edit":
        template += "#editor-tree"
    return render(request, template, context, status=status)


def _tree_done(request: HttpRequest, path: LearningPath) -> HttpResponse:
    if request.htmx:
        return _editor(request, path)
    return redirect("path_edit", slug=path.slug)


@require_http_methods(["GET", "POST"])
def path_edit(request: HttpRequest, slug: str) -> HttpResponse:
    path = editable_path(request, slug)
    if request.method == "GET":
        return _editor(request, path)
    form = PathSettingsForm(request.POST, staff=request.user.is_staff)
    if not form.is_valid():
        return _editor(request, path, settings_form=form, status=HTTPStatus.BAD_REQUEST)
    path = services.path_update(path=path, **form.cleaned_data)
    messages.success(request, _("Path settings saved."))
    return redirect("path_edit", slug=path.slug)


@require_POST
def lesson_add(request: HttpRequest, slug: str) -> HttpResponse:
    path = editable_path(request, slug)
    form = LessonAddForm(request.POST)
    if not form.is_valid():
        return _editor(
            request,
            path,
            failed_add=form,
            tree_error=form.errors["title"][0] if "title" in form.errors else _("Bad input."),
            status=HTTPStatus.BAD_REQUEST,
        )
    parent_id = form.cleaned_data["parent"]
    parent = get_object_or_404(path.lessons, pk=parent_id) if parent_id else None
    services.lesson_add(path=path, title=form.cleaned_data["title"], parent=parent)
    return _tree_done(request, path)


def _lesson(path: LearningPath, lesson_slug: str) -> Lesson:
    return get_object_or_404(path.lessons, slug=lesson_slug)


@require_POST
def lesson_rename(request: HttpRequest, slug: str, lesson_slug: str) -> HttpResponse:
    path = editable_path(request, slug)
    lesson = _lesson(path, lesson_slug)
    form = LessonRenameForm(request.POST)
    if not form.is_valid():
        error = form.errors.get("title", [_("Reload the page and try again.")])[0]
        return _editor(
            request,
            path,
            failed_rename=form,
            failed_lesson=lesson.pk,
            tree_error=error,
            status=HTTPStatus.BAD_REQUEST,
        )
    try:
        services.lesson_update(lesson=lesson, **form.cleaned_data)
    except services.EditConflict as conflict:
        message = _(
            "“%(title)s” was changed elsewhere (another tab?) after this page was loaded; "
            "the list now shows it as saved. Rename it again if you still want to."
        ) % {"title": conflict.current.title}
        return _editor(request, path, tree_error=message, status=HTTPStatus.CONFLICT)
    return _tree_done(request, path)


@require_POST
def lesson_move(request: HttpRequest, slug: str, lesson_slug: str) -> HttpResponse:
    path = editable_path(request, slug)
    lesson = _lesson(path, lesson_slug)
    direction = request.POST.get("direction")
    if direction not in MOVES:
        return _editor(request, path, tree_error=_("Unknown move."), status=HTTPStatus.BAD_REQUEST)
    try:
        services.lesson_move(lesson=lesson, direction=direction)
    except ValidationError as error:
        return _editor(request, path, tree_error=error.messages[0], status=HTTPStatus.BAD_REQUEST)
    return _tree_done(request, path)


@require_POST
def lesson_delete(request: HttpRequest, slug: str, lesson_slug: str) -> HttpResponse:
    path = editable_path(request, slug)
    lesson = _lesson(path, lesson_slug)
    try:
        services.lesson_delete(lesson=lesson)
    except ValidationError as error:
        return _editor(request, path, tree_error=error.messages[0], status=HTTPStatus.BAD_REQUEST)
    return _tree_done(request, path)


# --- the lesson editor -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lesson_edit(request: HttpRequest, slug: str, lesson_slug: str) -> HttpResponse:
    """Edit a lesson's title and Markdown, with a live preview. A save carries the
    version the form was made from; if the lesson was saved since, nothing is written:
    the page answers 409 with the typed text kept and the saved one shown beside it."""
    path = editable_path(request, slug)
    lesson = _lesson(path, lesson_slug)
    initial = {"title": lesson.title, "body": lesson.body, "version": lesson.version}
    form = LessonEditForm(request.POST or None, initial=initial)
    status, conflict = HTTPStatus.OK, None
    if request.method == "POST":
        if not form.is_valid():
            status = HTTPStatus.BAD_REQUEST
        elif request.POST.get("action") != "preview":  # "Preview" without JavaScript
            try:
                services.lesson_update(lesson=lesson, **form.cleaned_data)
            except services.EditConflict as error:
                conflict, status = error.current, HTTPStatus.CONFLICT
                # Keep what was typed; a second save now knowingly replaces theirs.
                form = LessonEditForm({**request.POST.dict(), "version": conflict.version})
            else:
                messages.success(request, _("Lesson saved."))
                return redirect("lesson_edit", slug=path.slug, lesson_slug=lesson.slug)
    context = {
        "path": path,
        "lesson": lesson,
        "form": form,
        "conflict": conflict,
        "rendered": _preview(form["body"].value() or "", path),
    }
    return render(request, "lessons/authoring/lesson_edit.html", context, status=status)


@require_POST
def lesson_preview(request: HttpRequest, slug: str, lesson_slug: str) -> HttpResponse:
    path = editable_path(request, slug)
    _lesson(path, lesson_slug)
    form = PreviewForm(request.POST)
    if not form.is_valid():
        context = {"preview_error": form.errors["body"][0]}
        return render(
            request,
            "lessons/authoring/lesson_edit.html#preview",
            context,
            status=HTTPStatus.BAD_REQUEST,
        )
    context = {"rendered": _preview(form.cleaned_data["body"], path)}
    return render(request, "lessons/authoring/lesson_edit.html#preview", context)
