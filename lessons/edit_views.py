"""Making a path your own: clone, edit, share, export and import. One function view per
screen or action: parse → selector/service → render. Tree actions answer htmx with the
editor's `editor-tree` partial and plain form posts with a redirect, so the editor works
without JavaScript too. Edit URLs: 404 when the path is not readable, 403 when it is
but the user is neither its owner nor staff."""

from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .archive import bundle_from_zip, bundle_to_zip
from .bundle import BundleError
from .forms import (
    BundleUploadForm,
    CardForm,
    LessonAddForm,
    LessonEditForm,
    LessonRenameForm,
    PathSettingsForm,
    PreviewForm,
    QuestionForm,
)
from .markdown import render_markdown
from .models import LearningPath, Lesson

MOVES = {"up", "down", "in", "out"}


def _readable_path(request: HttpRequest, slug: str) -> LearningPath:
    return get_object_or_404(selectors.path_readable(user=request.user), slug=slug)


def _editable_path(request: HttpRequest, slug: str) -> LearningPath:
    path = _readable_path(request, slug)
    if not selectors.path_can_edit(user=request.user, path=path):
        raise PermissionDenied(
            _("Only the owner of this path can edit it. Make it your own to edit a copy.")
        )
    return path


def _preview(body: str):
    """The lesson page's own renderer, without its cache: previews are typed once."""
    return render_markdown.__wrapped__(body)


# --- clone, export, import ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def path_clone(request: HttpRequest, slug: str) -> HttpResponse:
    path = _readable_path(request, slug)
    if request.method == "POST":
        copy = services.path_clone(path=path, owner=request.user)
        messages.success(request, _("This copy is yours: private until you share it."))
        return redirect("path_edit", slug=copy.slug)
    return render(request, "lessons/path_clone.html", {"path": path})


@require_GET
def path_export(request: HttpRequest, slug: str) -> HttpResponse:
    path = _readable_path(request, slug)
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
    return render(request, "lessons/path_upload.html", {"form": form}, status=status)


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
    context.update(path=path, tree=selectors.lesson_tree(path=path))
    template = "lessons/path_edit.html"
    if request.htmx and request.resolver_match.url_name != "path_edit":
        template += "#editor-tree"
    return render(request, template, context, status=status)


def _tree_done(request: HttpRequest, path: LearningPath) -> HttpResponse:
    if request.htmx:
        return _editor(request, path)
    return redirect("path_edit", slug=path.slug)


@require_http_methods(["GET", "POST"])
def path_edit(request: HttpRequest, slug: str) -> HttpResponse:
    path = _editable_path(request, slug)
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
    path = _editable_path(request, slug)
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
    path = _editable_path(request, slug)
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
    path = _editable_path(request, slug)
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
    path = _editable_path(request, slug)
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
    path = _editable_path(request, slug)
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
        "rendered": _preview(form["body"].value() or ""),
    }
    return render(request, "lessons/lesson_edit.html", context, status=status)


@require_POST
def lesson_preview(request: HttpRequest, slug: str, lesson_slug: str) -> HttpResponse:
    path = _editable_path(request, slug)
    _lesson(path, lesson_slug)
    form = PreviewForm(request.POST)
    if not form.is_valid():
        context = {"preview_error": form.errors["body"][0]}
        return render(
            request, "lessons/lesson_edit.html#preview", context, status=HTTPStatus.BAD_REQUEST
        )
    context = {"rendered": _preview(form.cleaned_data["body"])}
    return render(request, "lessons/lesson_edit.html#preview", context)


# --- flashcards and quiz questions --------------------------------------------------


def _lesson_choices(path: LearningPath) -> tuple[list[tuple[int, str]], dict[int, Lesson]]:
    ordered = selectors.tree_in_order(selectors.lesson_tree(path=path))
    lessons = {node.lesson.id: node.lesson for node in ordered}
    return [(node.lesson.id, f"{node.number} {node.lesson.title}") for node in ordered], lessons


def _card_form(card, lessons, data=None) -> CardForm:
    initial = {"lesson": card.lesson_id, "front": card.front, "back": card.back}
    return CardForm(data, initial=initial, lessons=lessons, prefix=f"card-{card.pk}")


def _cards_page(request, path, *, status=HTTPStatus.OK, add_form=None, failed=None):
    """The deck editor; `failed` is (card, its form) to show again with its errors."""
    choices, _lessons = _lesson_choices(path)
    cards = list(path.flashcards.select_related("lesson").order_by("position", "id"))
    for card in cards:  # shown as learners see it, math and all
        card.front_html = render_markdown(card.front).html
    forms = [
        failed[1] if failed and failed[0].pk == card.pk else _card_form(card, choices)
        for card in cards
    ]
    context = {
        "path": path,
        "cards": list(zip(cards, forms, strict=True)),
        "failed_id": failed[0].pk if failed else None,
        "add_form": add_form or CardForm(lessons=choices, prefix="new"),
    }
    return render(request, "lessons/edit_cards.html", context, status=status)


@require_http_methods(["GET", "POST"])
def cards_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """List the path's cards to edit; POST adds one."""
    path = _editable_path(request, slug)
    if request.method == "GET":
        return _cards_page(request, path)
    choices, lessons = _lesson_choices(path)
    form = CardForm(request.POST, lessons=choices, prefix="new")
    if not form.is_valid():
        return _cards_page(request, path, add_form=form, status=HTTPStatus.BAD_REQUEST)
    data = form.cleaned_data
    services.card_add(
        path=path, lesson=lessons[data["lesson"]], front=data["front"], back=data["back"]
    )
    messages.success(request, _("Card added."))
    return redirect("cards_edit", slug=path.slug)


@require_POST
def card_update(request: HttpRequest, slug: str, card_id: int) -> HttpResponse:
    path = _editable_path(request, slug)
    card = get_object_or_404(path.flashcards, pk=card_id)
    choices, lessons = _lesson_choices(path)
    form = _card_form(card, choices, request.POST)
    if not form.is_valid():
        return _cards_page(request, path, failed=(card, form), status=HTTPStatus.BAD_REQUEST)
    data = form.cleaned_data
    services.card_update(
        card=card, lesson=lessons[data["lesson"]], front=data["front"], back=data["back"]
    )
    messages.success(request, _("Card saved."))
    return redirect("cards_edit", slug=path.slug)


@require_POST
def card_delete(request: HttpRequest, slug: str, card_id: int) -> HttpResponse:
    path = _editable_path(request, slug)
    services.card_delete(card=get_object_or_404(path.flashcards, pk=card_id))
    messages.success(request, _("Card deleted."))
    return redirect("cards_edit", slug=path.slug)


def _places(path: LearningPath) -> tuple[list[tuple[str, str]], dict[int, Lesson]]:
    """Where a question can point: each lesson, and each of its ## and ### headings."""
    ordered = selectors.tree_in_order(selectors.lesson_tree(path=path))
    places = []
    for node in ordered:
        places.append((str(node.lesson.id), f"{node.number} {node.lesson.title}"))
        for heading in render_markdown(node.lesson.body).headings:
            places.append((f"{node.lesson.id}#{heading.id}", f"{node.number} › {heading.title}"))
    return places, {node.lesson.id: node.lesson for node in ordered}


def _question_form(question, places, data=None) -> QuestionForm:
    initial = {"kind": "single"}
    if question is not None:
        place = str(question.lesson_id or "")
        initial = {
            "place": f"{place}#{question.section}" if question.section else place,
            "kind": question.kind,
            "text": question.text,
            "explanation": question.explanation,
        }
        for row, option in enumerate(question.options.all()):
            initial[f"option_{row}"], initial[f"correct_{row}"] = option.text, option.correct
    prefix = f"question-{question.pk}" if question is not None else "new"
    return QuestionForm(data, initial=initial, places=places, prefix=prefix)


def _quiz_page(request, path, *, status=HTTPStatus.OK, add_form=None, failed=None):
    places, _lessons = _places(path)
    questions = list(
        path.quiz_questions.select_related("lesson")
        .prefetch_related("options")
        .order_by("position", "id")
    )
    for question in questions:
        question.text_html = render_markdown(question.text).html
    forms = [
        failed[1] if failed and failed[0].pk == q.pk else _question_form(q, places)
        for q in questions
    ]
    context = {
        "path": path,
        "questions": list(zip(questions, forms, strict=True)),
        "failed_id": failed[0].pk if failed else None,
        "add_form": add_form or _question_form(None, places),
    }
    return render(request, "lessons/edit_quiz.html", context, status=status)


def _save_question(request, path, question, form, lessons) -> HttpResponse:
    data = form.cleaned_data
    if data["lesson_id"] not in lessons:
        return HttpResponse(status=HTTPStatus.BAD_REQUEST)
    services.question_save(
        path=path,
        question=question,
        lesson=lessons[data["lesson_id"]],
        section=data["section"],
        kind=data["kind"],
        text=data["text"],
        explanation=data["explanation"],
        options=data["options"],
    )
    messages.success(request, _("Question saved."))
    return redirect("quiz_edit", slug=path.slug)


@require_http_methods(["GET", "POST"])
def quiz_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """List the path's quiz questions to edit; POST adds one."""
    path = _editable_path(request, slug)
    if request.method == "GET":
        return _quiz_page(request, path)
    places, lessons = _places(path)
    form = _question_form(None, places, request.POST)
    if not form.is_valid():
        return _quiz_page(request, path, add_form=form, status=HTTPStatus.BAD_REQUEST)
    return _save_question(request, path, None, form, lessons)


@require_POST
def question_update(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    path = _editable_path(request, slug)
    question = get_object_or_404(path.quiz_questions, pk=question_id)
    places, lessons = _places(path)
    form = _question_form(question, places, request.POST)
    if not form.is_valid():
        return _quiz_page(request, path, failed=(question, form), status=HTTPStatus.BAD_REQUEST)
    return _save_question(request, path, question, form, lessons)


@require_POST
def question_delete(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    path = _editable_path(request, slug)
    services.question_delete(question=get_object_or_404(path.quiz_questions, pk=question_id))
    messages.success(request, _("Question deleted."))
    return redirect("quiz_edit", slug=path.slug)
