"""The Lab: one page per family, each run's permalink, the comparison of the families.

Views parse, call a selector or a service, and render; htmx requests get the named
partial of the same template (django-template-partials)."""

from __future__ import annotations

from http import HTTPStatus
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from lessons.cache import shared_page

from . import compare as comparison
from . import selectors
from .catalog import BY_NAME, FAMILIES, PATH_SLUG
from .figures import figures, live_frames
from .forms import DemoForm
from .models import DemoRun
from .services import QueueUnavailable, Refused, run_request
from .training.params import training_schema


def owner_of(request: HttpRequest) -> dict:
    """Who asks: the signed-in learner, else the browser's session (made if need be)."""
    if request.user.is_authenticated:
        return {"learner": request.user, "session_key": request.session.session_key or ""}
    if not request.session.session_key:
        request.session.save()
    return {"learner": None, "session_key": request.session.session_key}


def _family_or_404(family: str):
    if family not in BY_NAME:
        raise Http404("No such model family.")
    return BY_NAME[family]


@require_GET
def lab(request: HttpRequest) -> HttpResponse:
    recent = selectors.runs_recent(
        learner=request.user, session_key=request.session.session_key or ""
    )
    cards = [{**vars(f), "thumb": comparison.thumbnail(f.name)} for f in FAMILIES]
    return render(request, "demos/lab.html", {"families": cards, "recent": recent})


@require_GET
def family(request: HttpRequest, family: str) -> HttpResponse:
    info = _family_or_404(family)
    context = demo_context(request, info, DemoForm(family=family))
    return render(request, "demos/family.html", {**context, "path_slug": PATH_SLUG})


def demo_context(request: HttpRequest, info, form: DemoForm, run: DemoRun | None = None) -> dict:
    recent = selectors.runs_recent(
        learner=request.user, session_key=request.session.session_key or "", family=info.name
    )
    trainable = info.name in training_schema()
    context = {"info": info, "form": form, "run": run, "recent": recent, "trainable": trainable}
    return {**context, **run_context(run)}


def run_context(run: DemoRun | None) -> dict:
    if run is None:
        return {}
    return {
        "run": run,
        "fig": figures(run),
        "live": live_frames(run),
        # The shipped model's measures: not a learner-trained model's (its page has those).
        "quality": []
        if run.training_id
        else selectors.quality(family=run.family, params=run.params),
        "info": BY_NAME[run.family],
    }


@require_POST
def run_create(request: HttpRequest, family: str) -> HttpResponse:
    import generators

    info = _family_or_404(family)
    form = DemoForm(request.POST, family=family)
    status, retry_after, run = HTTPStatus.BAD_REQUEST, None, None
    if form.is_valid():
        try:
            run = run_request(
                family=family,
                params=form.params(),
                seed=form.cleaned_data["seed"],
                client_ip=request.META.get("REMOTE_ADDR", ""),
                **owner_of(request),
            )
            status = HTTPStatus.OK
        except generators.ParameterError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        except Refused as exc:
            form.add_error(None, exc.reason)
            status, retry_after = HTTPStatus.TOO_MANY_REQUESTS, exc.retry_after
        except QueueUnavailable as exc:
            form.add_error(None, exc.reason)
            status, retry_after = HTTPStatus.SERVICE_UNAVAILABLE, exc.retry_after
    if run is not None and not request.htmx:
        return redirect(run)
    template = "demos/family.html#demo" if request.htmx else "demos/family.html"
    context = {**demo_context(request, info, form, run), "path_slug": PATH_SLUG}
    response = render(request, template, context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_GET
def run_detail(request: HttpRequest, run_id: UUID) -> HttpResponse:
    try:
        run = selectors.run_get(run_id=run_id)
    except DemoRun.DoesNotExist:
        raise Http404("No such run.") from None
    context = run_context(run)
    if request.htmx:
        response = render(request, "demos/_run_panel.html", context)
        if run.finished:  # polling ends here (the finished panel is still swapped in)
            response.status_code = HttpResponseStopPolling.status_code
        return response
    form = DemoForm(initial={**run.params, "seed": run.seed}, family=run.family)
    return render(request, "demos/run.html", {**context, "form": form, "path_slug": PATH_SLUG})


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    def page() -> HttpResponse:
        context = {"families": FAMILIES, "path_slug": PATH_SLUG}
        return render(
            request, "demos/compare.html", {**context, **comparison.compare_context_cached()}
        )

    return shared_page(request, version=comparison.files_version(), render=page)
