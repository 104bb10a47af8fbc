"""Train it yourself: the train page of a family, a training's permalink (live while it
trains: htmx polling that stops with 286), a snapshot by its index, cancel, and sampling
from the trained model. Each works without JavaScript (links, forms, a reload link)."""

from __future__ import annotations

from http import HTTPStatus
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from .. import drawing
from .. import selectors as run_selectors
from ..catalog import BY_NAME
from ..models import TrainingRun
from ..presenters import presenter_for
from ..services import QueueUnavailable, Refused, run_request
from ..views import owner_of, run_context
from . import selectors
from .forms import TrainingForm
from .params import trained_sample_parameter, training_schema
from .services import training_cancel, training_request

DETAIL = "demos/training/detail.html"


def _trainable_or_404(family: str):
    if family not in training_schema():
        raise Http404("This family cannot be trained here yet.")
    return BY_NAME[family]


def _mine(request: HttpRequest, training_id: UUID) -> TrainingRun:
    try:
        return selectors.training_get(
            training_id=training_id,
            learner=request.user,
            session_key=request.session.session_key or "",
        )
    except TrainingRun.DoesNotExist:
        raise Http404("No such training of yours.") from None


def _train_page(request, info, form, status=HTTPStatus.OK, retry_after=None) -> HttpResponse:
    recent = selectors.trainings_recent(
        learner=request.user, session_key=request.session.session_key or "", family=info.name
    )
    context = {"info": info, "form": form, "trainings": recent}
    response = render(request, "demos/training/train.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_GET
def train(request: HttpRequest, family: str) -> HttpResponse:
    return _train_page(request, _trainable_or_404(family), TrainingForm(family=family))


@require_POST
def training_create(request: HttpRequest, family: str) -> HttpResponse:
    import generators

    info = _trainable_or_404(family)
    form = TrainingForm(request.POST, family=family)
    if not form.is_valid():
        return _train_page(request, info, form, HTTPStatus.BAD_REQUEST)
    try:
        run = training_request(
            family=family,
            params=form.params(),
            seed=form.cleaned_data["seed"],
            points=form.cleaned_data["points"],
            client_ip=request.META.get("REMOTE_ADDR", ""),
            **owner_of(request),
        )
    except generators.ParameterError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        return _train_page(request, info, form, HTTPStatus.BAD_REQUEST)
    except Refused as exc:
        form.add_error(None, exc.reason)
        return _train_page(request, info, form, HTTPStatus.TOO_MANY_REQUESTS, exc.retry_after)
    except QueueUnavailable as exc:
        form.add_error(None, exc.reason)
        return _train_page(request, info, form, HTTPStatus.SERVICE_UNAVAILABLE, exc.retry_after)
    return redirect(run)


def snapshot_context(run: TrainingRun, index: int | None) -> dict:
    """The snapshot at ``index`` (or the latest) drawn by the family's presenter."""
    snap = selectors.snapshot_at(run=run, index=index)
    count = selectors.snapshot_count(run=run)
    if snap is None:
        return {"snap": None, "count": count}
    presenter = presenter_for(run.family)
    fig = presenter.snapshot_figures(
        snap.samples, dataset=run.dataset, reference=selectors.reference_points(run=run)
    )
    return {
        "snap": snap,
        "count": count,
        "snap_fig": fig,
        "snap_measure": presenter.measure_lines(snap.measure),
        "last_index": max(count - 1, 0),
    }


def training_context(run: TrainingRun, index: int | None = None) -> dict:
    presenter = presenter_for(run.family)
    series = selectors.loss_series(run=run)
    return {
        "training": run,
        "info": BY_NAME[run.family],
        "curve": drawing.loss_curve(series) if series else None,
        "measure": presenter.measure_lines(run.measure),
        "shipped": run_selectors.quality(family=run.family, params={"dataset": run.dataset}),
        "sample_n": trained_sample_parameter(run.config) if run.config else None,
        **snapshot_context(run, index),
    }


def _index(request: HttpRequest) -> int | None:
    try:
        return int(request.GET["snapshot"])
    except (KeyError, ValueError):
        return None


@require_GET
def training_detail(request: HttpRequest, training_id: UUID) -> HttpResponse:
    run = _mine(request, training_id)
    context = training_context(run, _index(request))
    if request.htmx:
        response = render(request, f"{DETAIL}#live", context)
        if run.finished:  # polling ends here (the finished panel is still swapped in)
            response.status_code = HttpResponseStopPolling.status_code
        return response
    return render(request, DETAIL, context)


@require_GET
def training_snapshot(request: HttpRequest, training_id: UUID) -> HttpResponse:
    """One snapshot by its index: the slider's partial, or the page at that index."""
    run = _mine(request, training_id)
    if not request.htmx:
        return redirect(f"{run.get_absolute_url()}?snapshot={_index(request) or 0}")
    context = {"training": run, **snapshot_context(run, _index(request))}
    return render(request, f"{DETAIL}#snapshot", context)


@require_POST
def training_stop(request: HttpRequest, training_id: UUID) -> HttpResponse:
    run = _mine(request, training_id)
    training_cancel(run=run)
    return redirect(run)


@require_POST
def training_sample(request: HttpRequest, training_id: UUID) -> HttpResponse:
    """Sample the trained model: a run like any other, drawn in the training's page."""
    import generators

    run = _mine(request, training_id)
    status, error, sample = HTTPStatus.OK, "", None
    try:
        sample = run_request(
            family=run.family,
            params={"n": request.POST.get("n") or trained_sample_parameter(run.config)["default"]},
            seed=int(request.POST.get("seed") or 0),
            client_ip=request.META.get("REMOTE_ADDR", ""),
            training=run,
            **owner_of(request),
        )
    except (generators.ParameterError, ValueError) as exc:
        status, error = HTTPStatus.BAD_REQUEST, str(exc)
    except (Refused, QueueUnavailable) as exc:
        status, error = HTTPStatus.TOO_MANY_REQUESTS, exc.reason
    if sample is not None and not request.htmx:
        return redirect(sample)
    context = {**training_context(run), **run_context(sample), "sample_error": error}
    template = f"{DETAIL}#sample" if request.htmx else DETAIL
    return render(request, template, context, status=status)


@require_GET
def training_compare(request: HttpRequest) -> HttpResponse:
    """Two of your trainings side by side (``?t=<id>&t=<id>``, as the list's checkboxes
    send them): the knobs that differ, the final samples, the loss curves, the measures.
    Anything but two of your own trainings: 404."""
    try:
        ids = [UUID(value) for value in request.GET.getlist("t")]
    except ValueError:
        raise Http404("Pick two of your trainings to compare.") from None
    if len(ids) != 2 or ids[0] == ids[1]:
        raise Http404("Pick two of your trainings to compare.")
    runs = [_mine(request, training_id) for training_id in ids]
    knobs = sorted({*runs[0].params, *runs[1].params} - {"dataset"})
    differ = [
        (k, runs[0].params.get(k), runs[1].params.get(k))
        for k in knobs
        if runs[0].params.get(k) != runs[1].params.get(k)
    ]
    if runs[0].seed != runs[1].seed:
        differ.insert(0, ("seed", runs[0].seed, runs[1].seed))
    context = {"sides": [training_context(run) for run in runs], "differ": differ}
    return render(request, "demos/training/compare.html", context)
