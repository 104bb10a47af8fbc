"""What a run's page draws: its result turned into figures for the template, by the
family's presenter (``demos.presenters``)."""

from __future__ import annotations

from . import drawing
from .models import DemoRun
from .presenters import presenter_for


def figures(run: DemoRun) -> dict:
    """Everything the result partial needs; empty until the run succeeds."""
    r = run.result or {}
    if run.status != DemoRun.Status.SUCCEEDED or not r:
        return {}
    return presenter_for(run.family).figures(r, run.params)


def live_frames(run: DemoRun) -> list[dict]:
    """While running: the x̂₀ previews of the first sample so far (diffusion sends them)."""
    return [
        {"step": f["step"], "image": drawing.image_grid([f["image"]], scale=5)}
        for f in run.live_frames or []
    ]
