"""Quiz screens: the quiz's start page with the learner's history, one question at a
time with immediate feedback, and the score page. htmx requests get the `quiz-step`
partial; without JavaScript every form posts and redirects. The quiz editor lists the
path's questions to add, change and delete."""

import json
from http import HTTPStatus

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from demos.catalog import BY_NAME
from demos.services import QueueUnavailable, Refused
from demos.views import run_context
from generators.params import ParameterError
from lessons import svgplot
from lessons.lookups import editable_path, readable_path
from lessons.markdown import render_markdown
from lessons.models import Certainty, LearningPath, Lesson, QuizAttempt
from lessons.reading.selectors import lesson_tree, tree_in_order
from lessons.sessions import session_key_for_writes

from . import grading as quizzes
from . import services
from .demo import (
    DemoMissing,
    DemoNotYet,
    demo_for_answer,
    demo_ordered,
    demo_run,
    demo_summary,
)
from .forms import QuestionForm


def _attempt(request: HttpRequest, path: LearningPath, attempt_id: int) -> QuizAttempt:
    attempt = quizzes.attempt_owned(request=request, path=path, attempt_id=attempt_id)
    if attempt is None:
        raise Http404(_("No such attempt."))
    return attempt


def _md(text: str) -> str:
    return render_markdown(text).html


@require_GET
def quiz_home(request: HttpRequest, slug: str) -> HttpResponse:
    path = readable_path(request, slug)
    attempts = list(quizzes.attempts_of(request=request, path=path))
    context = {
        "path": path,
        "count": path.quiz_questions.count(),
        "attempts": attempts,
        "best": quizzes.best_score(attempts),
        "unfinished": next((a for a in attempts if a.finished_at is None), None),
        "scoring_rule": quizzes.SCORING_RULE,
        **_certainty_context(request),
    }
    return render(request, "lessons/quizzes/quiz.html", context)


def _certainty_context(request) -> dict:
    return {
        "certainty": quizzes.certainty_enabled(request=request),
        "certainty_rule": quizzes.CERTAINTY_RULE,
        "certainty_levels": Certainty.choices,
    }


@require_POST
def quiz_certainty(request: HttpRequest, slug: str) -> HttpResponse:
    """Switch certainty-based marking on ("on") or off (anything else)."""
    path = readable_path(request, slug)
    quizzes.certainty_set(request=request, enabled=request.POST.get("certainty") == "on")
    return redirect("path_quiz", slug=path.slug)


@require_POST
def quiz_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Go to the learner's open attempt, started now if need be. "Start a new attempt"
    next to an unfinished one sends its id as `replacing`: that one is finished first."""
    path = readable_path(request, slug)
    if not path.quiz_questions.exists():
        raise Http404(_("This path has no quiz yet."))
    replacing = request.POST.get("replacing", "")
    attempt, _created = quizzes.attempt_start(
        request=request, path=path, replacing=int(replacing) if replacing.isdigit() else None
    )
    return redirect("quiz_attempt", slug=path.slug, attempt_id=attempt.id)


def _step_context(request, path, attempt, *, after: int | None = None, error: str = "") -> dict:
    """The current step: feedback on the question `after` (just answered), else the
    first unanswered question."""
    rows = quizzes.attempt_review(attempt=attempt)
    answered = sum(1 for row in rows if row.answer)
    feedback = next((row for row in rows if row.question.id == after and row.answer), None)
    current = None if feedback else next((row for row in rows if row.answer is None), None)
    shown = feedback or current
    return {
        "path": path,
        "attempt": attempt,
        "row": shown,
        "feedback": feedback is not None,
        "answered": answered,
        "total": len(rows),
        "last": answered == len(rows),
        "text": _md(shown.question.text) if shown else "",
        "options": [(o, _md(o.text)) for o in shown.options] if shown else [],
        "explanation": _md(shown.question.explanation) if feedback else "",
        **(_demo_context(shown.question) if feedback else {}),
        "error": error,
        "requeued": feedback.answer.requeues.count() if feedback else 0,
        "scoring_rule": quizzes.SCORING_RULE,
        **_certainty_context(request),
    }


def _demo_context(question) -> dict:
    """What the feedback says about the question's demo, if it has one."""
    if not question.demo:
        return {}
    family = BY_NAME[question.demo["family"]].title
    return {"demo_family": family, "demo_params": demo_summary(question.demo)}


@require_GET
def quiz_attempt(request: HttpRequest, slug: str, attempt_id: int) -> HttpResponse:
    path = readable_path(request, slug)
    attempt = _attempt(request, path, attempt_id)
    after = request.GET.get("after")
    after = int(after) if after and after.isdigit() else None
    if attempt.finished_at is not None and after is None:
        return redirect("quiz_result", slug=path.slug, attempt_id=attempt.id)
    context = _step_context(request, path, attempt, after=after)
    if context["row"] is None:  # every question answered: the attempt is finished
        return redirect("quiz_result", slug=path.slug, attempt_id=attempt.id)
    template = (
        "lessons/quizzes/quiz_attempt.html#quiz-step"
        if request.htmx
        else "lessons/quizzes/quiz_attempt.html"
    )
    return render(request, template, context)


@require_POST
def quiz_answer(request: HttpRequest, slug: str, attempt_id: int) -> HttpResponse:
    path = readable_path(request, slug)
    attempt = _attempt(request, path, attempt_id)
    template = (
        "lessons/quizzes/quiz_attempt.html#quiz-step"
        if request.htmx
        else "lessons/quizzes/quiz_attempt.html"
    )
    question = request.POST.get("question", "")
    options = request.POST.getlist("option")
    certainty = request.POST.get("certainty", "")
    if (
        not question.isdigit()
        or not all(o.isdigit() for o in options)
        or not (certainty == "" or certainty.isdigit())
    ):
        refused = quizzes.AnswerRefused(_("That answer was not understood."))
    else:
        try:
            quizzes.answer_record(
                attempt=attempt,
                question_id=int(question),
                option_ids=[int(o) for o in options],
                certainty=int(certainty) if certainty else None,
            )
            refused = None
        except quizzes.AnswerRefused as error:
            refused = error
    if refused is None:
        if not request.htmx:
            url = reverse("quiz_attempt", kwargs={"slug": path.slug, "attempt_id": attempt.id})
            return redirect(f"{url}?after={question}")
        attempt.refresh_from_db()
        return render(request, template, _step_context(request, path, attempt, after=int(question)))
    attempt.refresh_from_db()
    context = _step_context(request, path, attempt, error=refused.message)
    return render(request, template, context, status=refused.status)


@require_POST
def quiz_demo(request: HttpRequest, slug: str, attempt_id: int, question_id: int) -> HttpResponse:
    """Run an answered question's demo in the Lab (reusing an identical finished run)
    and show its panel, which polls until the result is in; without JavaScript, go to
    the run's page. Refused (409) before the question is answered."""
    path = readable_path(request, slug)
    attempt = _attempt(request, path, attempt_id)
    try:
        question = demo_for_answer(attempt=attempt, question_id=question_id)
    except DemoMissing as error:
        raise Http404(str(error)) from None
    except DemoNotYet as error:
        return HttpResponse(str(error), status=HTTPStatus.CONFLICT)
    learner = request.user if request.user.is_authenticated else None
    try:
        run = demo_run(
            demo=question.demo,
            learner=learner,
            session_key="" if learner else session_key_for_writes(request.session),
            client_ip=request.META.get("REMOTE_ADDR", ""),
        )
    except ParameterError as error:  # a demo the generators no longer accept
        template = "lessons/quizzes/_demo.html#demo-refused"
        return render(request, template, {"reason": str(error)}, status=HTTPStatus.BAD_REQUEST)
    except (Refused, QueueUnavailable) as error:
        busy = HTTPStatus.TOO_MANY_REQUESTS
        if isinstance(error, QueueUnavailable):
            busy = HTTPStatus.SERVICE_UNAVAILABLE
        template = "lessons/quizzes/_demo.html#demo-refused"
        response = render(request, template, {"reason": error.reason}, status=busy)
        response["Retry-After"] = str(error.retry_after)
        return response
    if not request.htmx:
        return redirect(run)
    return render(request, "demos/_run_panel.html", run_context(run))


@require_POST
def quiz_finish(request: HttpRequest, slug: str, attempt_id: int) -> HttpResponse:
    path = readable_path(request, slug)
    attempt = _attempt(request, path, attempt_id)
    quizzes.attempt_finish(attempt=attempt)
    return redirect("quiz_result", slug=path.slug, attempt_id=attempt.id)


@require_GET
def quiz_result(request: HttpRequest, slug: str, attempt_id: int) -> HttpResponse:
    path = readable_path(request, slug)
    attempt = _attempt(request, path, attempt_id)
    if attempt.finished_at is None:
        return redirect("quiz_attempt", slug=path.slug, attempt_id=attempt.id)
    rows = [
        (
            row,
            _md(row.question.text),
            [(o, _md(o.text)) for o in row.options],
            _md(row.question.explanation),
        )
        for row in quizzes.attempt_review(attempt=attempt)
    ]
    attempts = list(quizzes.attempts_of(request=request, path=path))
    verdicts = [row.verdict for row, *_ in rows]
    context = {
        "path": path,
        "attempt": attempt,
        "rows": rows,
        "right": verdicts.count("right"),
        "partial": verdicts.count("partial"),
        "wrong": len(verdicts) - verdicts.count("right") - verdicts.count("partial"),
        "best": quizzes.best_score(attempts),
        "scoring_rule": quizzes.SCORING_RULE,
        **_certainty_context(request),
        **_calibration_context(request, path, attempt),
    }
    return render(request, "lessons/quizzes/quiz_result.html", context)


def _calibration_context(request, path: LearningPath, attempt: QuizAttempt) -> dict:
    """The attempt's certainty-based marks, and how often the learner was right at each
    certainty over all their attempts at this quiz, drawn as bars over the range where
    each certainty pays."""
    rows = quizzes.calibration(attempts=quizzes.attempts_of(request=request, path=path))
    plot = None
    if any(row.answered for row in rows):
        plot = svgplot.bar_chart(
            plot_id="calibration",
            title=str(_("How often you were right at each certainty")),
            desc="; ".join(
                f"{row.certainty.label}: {row.right} of {row.answered} right" for row in rows
            ),
            labels=[str(row.certainty.label) for row in rows],
            values=[None if row.rate is None else 100 * row.rate for row in rows],
            y_max=100,
            y_format="{:.0f}%",
            value_format="{:.0f}%",
            bands=[svgplot.Band(100 * row.pays[0], 100 * row.pays[1]) for row in rows],
        )
    return {"marks": quizzes.attempt_marks(attempt=attempt), "calibration": rows, "plot": plot}


# --- the quiz editor (the path's owner and staff) ----------------------------------


def _places(path: LearningPath) -> tuple[list[tuple[str, str]], dict[int, Lesson]]:
    """Where a question can point: each lesson, and each of its ## and ### headings."""
    ordered = tree_in_order(lesson_tree(path=path))
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
        if question.demo:
            initial["demo_family"] = question.demo["family"]
            initial["demo_params"] = json.dumps(demo_ordered(question.demo)["params"])
            initial["demo_seed"] = question.demo.get("seed", 0)
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
    return render(request, "lessons/quizzes/edit_quiz.html", context, status=status)


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
        demo=data["demo"],
    )
    messages.success(request, _("Question saved."))
    return redirect("quiz_edit", slug=path.slug)


@require_http_methods(["GET", "POST"])
def quiz_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """List the path's quiz questions to edit; POST adds one."""
    path = editable_path(request, slug)
    if request.method == "GET":
        return _quiz_page(request, path)
    places, lessons = _places(path)
    form = _question_form(None, places, request.POST)
    if not form.is_valid():
        return _quiz_page(request, path, add_form=form, status=HTTPStatus.BAD_REQUEST)
    return _save_question(request, path, None, form, lessons)


@require_POST
def question_update(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    path = editable_path(request, slug)
    question = get_object_or_404(path.quiz_questions, pk=question_id)
    places, lessons = _places(path)
    form = _question_form(question, places, request.POST)
    if not form.is_valid():
        return _quiz_page(request, path, failed=(question, form), status=HTTPStatus.BAD_REQUEST)
    return _save_question(request, path, question, form, lessons)


@require_POST
def question_delete(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    path = editable_path(request, slug)
    services.question_delete(question=get_object_or_404(path.quiz_questions, pk=question_id))
    messages.success(request, _("Question deleted."))
    return redirect("quiz_edit", slug=path.slug)
