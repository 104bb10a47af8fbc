"""Flashcard screens: the deck, the study session, a card's history, the Anki export and
the learner's study settings, and the deck editor. htmx requests get the `study-card`
partial; every form also works as a plain POST followed by a redirect."""

import uuid
from functools import partial
from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lessons import svgplot
from lessons.cache import cached, shared_path_page
from lessons.lookups import editable_path, readable_path
from lessons.markdown import render_markdown
from lessons.models import Flashcard, LearningPath, Lesson, Rating, StudyPreference
from lessons.reading.selectors import lesson_tree, tree_in_order

from . import scheduling as fc
from . import services
from .anki import deck_apkg
from .forms import CardForm, PreferenceForm, ReviewForm
from .parameters import MIN_REVIEWS, own_review_count, parameters_in_use
from .requeue import requeue_reason
from .statistics import learner_statistics


def _preference_form(request: HttpRequest, data=None) -> PreferenceForm:
    """The learner's settings, or the site's defaults until they save their own."""
    pref = StudyPreference.objects.filter(learner=request.user).first() or StudyPreference(
        learner=request.user,
        desired_retention=settings.FSRS_DESIRED_RETENTION,
        new_cards_per_day=settings.FLASHCARDS_NEW_PER_DAY,
    )
    return PreferenceForm(data, instance=pref)


def _face(text: str) -> str:
    return render_markdown(text).html


def _study_context(request, path, *, show: Flashcard | None = None, error: str = "") -> dict:
    """What the study card shows: the queue's first card (front), or `show` flipped."""
    now = timezone.now()
    queue = fc.study_queue(request=request, path=path, now=now)
    card = show or (queue.cards[0] if queue.cards else None)
    context = {"path": path, "queue": queue, "card": card, "flipped": show is not None}
    context["error"] = error
    if card is not None:
        standing = queue.standing(card, now)
        context.update(
            standing=standing,
            front=_face(card.front),
            back=_face(card.back),
            key=uuid.uuid4(),
            choices=fc.rating_choices(
                standing=standing,
                retention=fc.desired_retention(user=request.user),
                now=now,
                weights=fc.weights_for(user=request.user),
            ),
            reason=(
                requeue_reason(learner=request.user, card=card)
                if request.user.is_authenticated
                else None
            ),
        )
    return context


def _deck_cards(path: LearningPath, cards: list[Flashcard]) -> list:
    """(card, front HTML, back HTML) in deck order; the faces rendered once per content
    version of the path (from the cards read then: never older than that version)."""

    def render() -> dict[int, tuple[str, str]]:
        return {c.id: (_face(c.front), _face(c.back)) for c in path.flashcards.all()}

    faces = cached(path.id, "deck-faces", render)
    return [
        (card, *(faces.get(card.id) or (_face(card.front), _face(card.back)))) for card in cards
    ]


@require_GET
def deck(request: HttpRequest, slug: str) -> HttpResponse:
    def page(path) -> HttpResponse:
        queue = fc.study_queue(request=request, path=path)
        form = _preference_form(request) if request.user.is_authenticated else None
        cards = _deck_cards(path, queue.cards_all)
        context = {"path": path, "queue": queue, "cards": cards, "form": form}
        if form is not None:
            context.update(_fsrs_context(request))
        return render(request, "lessons/flashcards/flashcards.html", context)

    return shared_path_page(request, lookup=partial(readable_path, request, slug), render=page)


def _fsrs_context(request) -> dict:
    """Which FSRS parameters schedule this learner, for the note that says so."""
    return {
        "fsrs_in_use": parameters_in_use(user=request.user),
        "own_reviews": own_review_count(user=request.user),
        "min_reviews": MIN_REVIEWS,
    }


@require_http_methods(["GET", "POST"])
def study(request: HttpRequest, slug: str) -> HttpResponse:
    path = readable_path(request, slug)
    template = (
        "lessons/flashcards/study.html#study-card"
        if request.htmx
        else "lessons/flashcards/study.html"
    )
    if request.method == "GET":
        show = None
        if "show" in request.GET:  # the flip: this card's answer side
            card_id = request.GET["show"]
            show = path.flashcards.filter(id=card_id).first() if card_id.isdigit() else None
            if show is None:
                raise Http404(_("No such card in this path."))
        return render(request, template, _study_context(request, path, show=show))

    error, status = _review(request, path)
    if not error:
        if not request.htmx:
            return redirect("path_flashcards_study", slug=path.slug)
        return render(request, template, _study_context(request, path))
    return render(request, template, _study_context(request, path, error=error), status=status)


def _review(request: HttpRequest, path: LearningPath) -> tuple[str, HTTPStatus]:
    """Record the posted rating; returns an error message ("" when recorded) and the
    status to answer it with."""
    form = ReviewForm(request.POST)
    if not form.is_valid():
        message = _("That rating was not understood: choose Again, Hard, Good or Easy.")
        return message, HTTPStatus.BAD_REQUEST
    card = path.flashcards.filter(id=form.cleaned_data["card"]).first()
    if card is None:
        return _("That card is not part of this path."), HTTPStatus.BAD_REQUEST
    try:
        _record(request, card, form.cleaned_data)
    except fc.ReviewRefused as refused:
        return refused.message, refused.status
    return "", HTTPStatus.OK


def _record(request, card: Flashcard, data: dict) -> None:
    common = {
        "card": card,
        "rating": Rating(data["rating"]),
        "key": data["key"],
        "expected_reps": data["reps"],
    }
    if request.user.is_authenticated:
        fc.review_record(learner=request.user, **common)
    else:
        fc.review_record_anonymous(session=request.session, **common)


@require_GET
def card_detail(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    path = readable_path(request, slug)
    card = get_object_or_404(path.flashcards.select_related("lesson"), key=key)
    context = {
        "path": path,
        "card": card,
        "front": _face(card.front),
        "back": _face(card.back),
        "history": fc.card_history(request=request, card=card),
    }
    return render(request, "lessons/flashcards/card.html", context)


@require_GET
def anki_export(request: HttpRequest, slug: str) -> HttpResponse:
    path = readable_path(request, slug)
    response = HttpResponse(deck_apkg(path=path), content_type="application/apkg")
    response["Content-Disposition"] = f'attachment; filename="{path.slug}.apkg"'
    return response


@require_POST
@login_required
def preferences(request: HttpRequest, slug: str) -> HttpResponse:
    path = readable_path(request, slug)
    form = _preference_form(request, request.POST)
    if form.is_valid():
        form.save()
        return redirect("path_flashcards", slug=path.slug)
    queue = fc.study_queue(request=request, path=path)
    cards = _deck_cards(path, queue.cards_all)
    context = {"path": path, "queue": queue, "cards": cards, "form": form, **_fsrs_context(request)}
    return render(
        request, "lessons/flashcards/flashcards.html", context, status=HTTPStatus.BAD_REQUEST
    )


@require_GET
@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """The learner's statistics page: every plot drawn here as SVG, its numbers beside it."""
    stats = learner_statistics(learner=request.user)
    context = {
        "stats": stats,
        "plots": _statistics_plots(stats),
        "table": list(zip(stats.reviews_per_day, stats.forecast, strict=True)),
        **_fsrs_context(request),
    }
    return render(request, "lessons/flashcards/statistics.html", context)


def _daily_chart(plot_id: str, title: str, days: list) -> str:
    """A bar per day of `days` ((date, count) pairs), labelled month-day."""
    return svgplot.bar_chart(
        plot_id=plot_id,
        title=title,
        desc=", ".join(f"{d:%Y-%m-%d}: {n}" for d, n in days),
        labels=[f"{d:%m-%d}" for d, _n in days],
        values=[n for _d, n in days],
    )


def _statistics_plots(stats) -> dict:
    plots = {
        "reviews": _daily_chart(
            "reviews-per-day", str(_("Reviews per day, last 30 days")), stats.reviews_per_day
        ),
        "forecast": _daily_chart(
            "forecast", str(_("Cards due each day, next 30 days")), stats.forecast
        ),
        "states": svgplot.bar_chart(
            plot_id="card-states",
            title=str(_("Your cards by state")),
            desc=", ".join(f"{name}: {n}" for name, n in stats.by_state.items()),
            labels=list(stats.by_state),
            values=list(stats.by_state.values()),
        ),
    }
    if stats.retention_weeks:
        plots["retention"] = svgplot.line_chart(
            plot_id="retention",
            title=str(_("True retention per week against your desired retention")),
            desc=", ".join(
                f"week of {w.start:%Y-%m-%d}: {w.passed} of {w.reviews}"
                for w in stats.retention_weeks
            ),
            labels=[f"{w.start:%m-%d}" for w in stats.retention_weeks],
            values=[100 * w.rate for w in stats.retention_weeks],
            y_max=100,
            y_format="{:.0f}%",
            reference=100 * stats.desired_retention,
        )
    if stats.attempts:
        plots["attempts"] = svgplot.line_chart(
            plot_id="quiz-attempts",
            title=str(_("Quiz scores over time")),
            desc=", ".join(
                f"{a.finished_at:%Y-%m-%d} {a.path.title}: {a.percent}%" for a in stats.attempts
            ),
            labels=[f"{a.finished_at:%m-%d}" for a in stats.attempts],
            values=[a.percent or 0 for a in stats.attempts],
            y_max=100,
            y_format="{:.0f}%",
        )
    return plots


# --- the deck editor (the path's owner and staff) ----------------------------------


def _lesson_choices(path: LearningPath) -> tuple[list[tuple[int, str]], dict[int, Lesson]]:
    ordered = tree_in_order(lesson_tree(path=path))
    lessons = {node.lesson.id: node.lesson for node in ordered}
    return [(node.lesson.id, f"{node.number} {node.lesson.title}") for node in ordered], lessons


def _card_form(card, lessons, data=None) -> CardForm:
    initial = {"lesson": card.lesson_id, "front": card.front, "back": card.back}
    return CardForm(data, initial=initial, lessons=lessons, prefix=f"card-{card.pk}")


def _cards_page(request, path, *, status=HTTPStatus.OK, add_form=None, failed=None):
    """The deck editor; `failed` is (card, its form) to show again with its errors."""
    choices, _lessons = _lesson_choices(path)
    cards = list(
        path.flashcards.filter(question=None).select_related("lesson").order_by("position", "id")
    )
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
    return render(request, "lessons/flashcards/edit_cards.html", context, status=status)


@require_http_methods(["GET", "POST"])
def cards_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """List the path's cards to edit; POST adds one."""
    path = editable_path(request, slug)
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
    path = editable_path(request, slug)
    card = get_object_or_404(path.flashcards.filter(question=None), pk=card_id)
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
    path = editable_path(request, slug)
    services.card_delete(card=get_object_or_404(path.flashcards.filter(question=None), pk=card_id))
    messages.success(request, _("Card deleted."))
    return redirect("cards_edit", slug=path.slug)
