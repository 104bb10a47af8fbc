"""Reads: runs, a learner's recent runs, and the models' measured quality."""

from __future__ import annotations

import functools
import json
import statistics
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from .models import DemoRun
from .presenters import presenter_for
from .services import runs_reap

RECENT = 8


def run_get(*, run_id: UUID) -> DemoRun:
    """One run, after ending it as failed if its worker is gone (the reaper on read)."""
    run = DemoRun.objects.get(id=run_id)
    if not run.finished:
        runs_reap()
        run.refresh_from_db()
    return run


def runs_of(*, learner: AbstractBaseUser | None, session_key: str) -> QuerySet[DemoRun]:
    """The runs a learner (or an anonymous session) asked for: theirs alone."""
    if learner is not None and learner.is_authenticated:
        return DemoRun.objects.filter(learner=learner)
    if not session_key:
        return DemoRun.objects.none()
    return DemoRun.objects.filter(learner=None, session_key=session_key)


def runs_recent(*, learner, session_key: str, family: str | None = None) -> list[DemoRun]:
    runs = runs_of(learner=learner, session_key=session_key).defer(
        "result", "live_frames", "params"
    )
    if family:
        runs = runs.filter(family=family)
    return list(runs[:RECENT])


def sampling_seconds_median(*, family: str) -> float | None:
    """Median sampling time of this site's last 50 computed runs of the family."""
    times = list(
        DemoRun.objects.filter(
            family=family, status=DemoRun.Status.SUCCEEDED, reused_from=None
        ).values_list("sampling_seconds", flat=True)[:50]
    )
    return statistics.median(times) if times else None


@functools.cache
def _json(path: str, mtime_ns: int) -> dict:
    return json.loads(open(path).read())


def evaluation() -> dict | None:
    """``generators/checkpoints/evaluation.json`` (from ``python -m generators.evaluate``)."""
    from generators import store

    path = store.CHECKPOINT_DIR / "evaluation.json"
    if not path.exists():
        return None
    return _json(str(path), path.stat().st_mtime_ns)


def checkpoint_meta(name: str) -> dict | None:
    from generators import store

    path = store.CHECKPOINT_DIR / f"{name}.json"
    if not path.exists():
        return None
    return _json(str(path), path.stat().st_mtime_ns)


def checkpoint_parameters(name: str) -> int | None:
    """How many numbers the checkpoint holds, read from the safetensors header alone."""
    from generators import store

    path = store.checkpoint_path(name)
    if not path.exists():
        return None
    with open(path, "rb") as f:
        size = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(size))
    total = 0
    for key, t in header.items():
        if key != "__metadata__":
            total += functools.reduce(lambda a, b: a * b, t["shape"], 1)
    return total


def checkpoint_name(family: str, params: dict) -> str:
    """Which shipped checkpoint answers a run with these parameters."""
    return presenter_for(family).checkpoint(params)


def quality(*, family: str, params: dict) -> list[tuple[str, str]]:
    """The model's measured quality as (label, value) lines, from the evaluation when
    it exists, else from the checkpoint's own held-out slice."""
    ev = evaluation() or {}
    presenter = presenter_for(family)
    name = presenter.checkpoint(params)
    lines: list[tuple[str, str]] = []
    digits = ev.get("digits", {})
    key = presenter.evaluation_key(params)
    if params.get("dataset", "digits") == "digits" and key in digits:
        d = digits[key]
        if d.get("nll") is not None:
            lines.append(("Test NLL", f"{d['nll']:.1f} nats per digit ({d.get('nll_kind')})"))
        lines.append(("Digits-FID", f"{d['fid']:.2f} (lower is better)"))
        if "class_accuracy" in d:
            w = d.get("guidance_scale", 3.0)
            lines.append(("Right digit", f"{d['class_accuracy']:.0%} at guidance {w:g}"))
    models28 = ev.get("digits28", {}).get("models", {})
    if name in models28:  # a 28x28 model: keyed by its checkpoint
        d = models28[name]
        if d.get("bpd") is not None:
            lines.append(("Test bits per dimension", f"{d['bpd']:.3f} ({d.get('bpd_kind')})"))
        lines.append(("Digits-FID", f"{d['fid']:.2f} (lower is better)"))
        if d.get("right_digit") is not None:
            w = d.get("guidance_scale")
            at = f" at guidance {w:g}" if w else ""
            lines.append(("Right digit", f"{d['right_digit']:.0%}{at}"))
    lines += presenter.quality_lines(ev, params)
    if not lines:
        meta = checkpoint_meta(name) or {}
        for label, value in (meta.get("slice_metrics") or {}).items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                lines.append((label.replace("_", " "), f"{value:.4g}"))
    return lines
