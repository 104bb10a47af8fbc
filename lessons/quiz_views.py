"""Quiz screens: the quiz's start page with the learner's history, one question at a
time with immediate feedback, and the score page. htmx requests get the `quiz-step`
partial; without JavaScript every form posts and redirects."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from . import quizzes
from .markdown import render_markdown
from .models import LearningPath, QuizAttempt
from .selectors import path_readable


def _path(request: HttpRequest, slug: str) -> LearningPath:
    return get_object_or_404(path_readable(user=request.user), slug=slug)


def _attempt(request: HttpRequest, path: LearningPath, attempt_id: int) -> QuizAttempt:
    attempt = quizzes.attempt_owned(request=request, path=path, attempt_id=attempt_id)
    if attempt is None:
        raise Http404(_("No such attempt."))
    return attempt


def _md(text: str) -> str:
    return render_markdown(text).html


@require_GET
def quiz_home(request: HttpRequest, slug: str) -> HttpResponse:
    path = _path(request, slug)
    attempts = list(quizzes.attempts_of(request=request, path=path))
    context = {
        "path": path,
        "count": path.quiz_questions.count(),
        "attempts": attempts,
        "best": quizzes.best_score(attempts),
        "unfinished": next((a for a in attempts if a.finished_at is None), None),
        "scoring_rule": quizzes.SCORING_RULE,
    }
    return render(request, "lessons/quiz.html", context)


@require_POST
def quiz_start(request: HttpRequest, slug: str) -> HttpResponse:
    path = _path(request, slug)
    if not path.quiz_questions.exists():
        raise Http404(_("This path has no quiz yet."))
    attempt = quizzes.attempt_start(request=request, path=path)
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
        "error": error,
        "scoring_rule": quizzes.SCORING_RULE,
    }


@require_GET
def quiz_attempt(request: HttpRequest, slug: str, attempt_id: int) -> HttpResponse:
    path = _path(request, slug)
    attempt = _attempt(request, path, attempt_id)
    after = request.GET.get("after")
    after = int(after) if after and after.isdigit() else None
    if attempt.finished_at is not None and after is None:
        return redirect("quiz_result", slug=path.slug, attempt_id=attempt.id)
    context = _step_context(request, path, attempt, after=after)
    if context["row"] is None:  # every question answered: the attempt is finished
        return redirect("quiz_result", slug=path.slug, attempt_id=attempt.id)
    template = (
        "lessons/quiz_attempt.html#quiz-step" if request.htmx else "lessons/quiz_attempt.html"
    )
    return render(request, template, context)


@require_POST
def quiz_answer(request: HttpRequest, slug: str, attempt_id: int) -> HttpResponse:
    path = _path(request, slug)
    attempt = _attempt(request, path, attempt_id)
    template = (
        "lessons/quiz_attempt.html#quiz-step" if request.htmx else "lessons/quiz_attempt.html"
    )
    question = request.POST.get("question", "")
    options = request.POST.getlist("option")
    if not question.isdigit() or not all(o.isdigit() for o in options):
        refused = quizzes.AnswerRefused(_("That answer was not understood."))
    else:
        try:
            quizzes.answer_record(
                attempt=attempt, question_id=int(question), option_ids=[int(o) for o in options]
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
def quiz_finish(request: HttpRequest, slug: str, attempt_id: int) -> HttpResponse:
    path = _path(request, slug)
    attempt = _attempt(request, path, attempt_id)
    quizzes.attempt_finish(attempt=attempt)
    return redirect("quiz_result", slug=path.slug, attempt_id=attempt.id)


@require_GET
def quiz_result(request: HttpRequest, slug: str, attempt_id: int) -> HttpResponse:
    path = _path(request, slug)
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
    }
    return render(request, "lessons/quiz_result.html", context)
