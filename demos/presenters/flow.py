"""The flow: samples over the true 2-D data on a fixed frame, its density as a
heat-map, the exact log-likelihood of asked points; or a grid of digits."""

from __future__ import annotations

import json

from django.utils.translation import gettext_lazy as _

from .. import drawing
from .base import CompareModel, FamilyInfo, Presenter, mean, points_scatter, register, samples_grid

EXTENTS = {"moons": [-1.5, 2.5, -1.0, 1.5], "ring": [-1.5, 1.5, -1.5, 1.5]}


@register
class FlowPresenter(Presenter):
    info = FamilyInfo(
        "flow",
        _("Normalizing flow"),
        "flow-based-models",
        _("An invertible map: exact samples and the exact density of any point."),
        {"density": True, "grid_size": 80},
        ("dataset", "n", "density"),
    )
    likelihood = True
    compare_models = (
        CompareModel(
            "flow-digits28",
            _("Multi-scale flow (RealNVP)"),
            "flow-digits28",
            {"dataset": "digits28", "n": 16},
            "digits28",
        ),
        CompareModel("flow", _("Normalizing flow"), "flow-digits", {"dataset": "digits", "n": 16}),
    )

    def figures(self, result: dict, params: dict) -> dict:
        r, fig = result, {}
        if "images" in r:
            fig.update(samples_grid(r["images"]))
            if "log_likelihood" in r:
                fig["mean_log_likelihood"] = mean(r["log_likelihood"])
        if "points" in r:
            fig.update(_points(r, params))
        return fig

    def quality_lines(self, evaluation: dict, params: dict) -> list[tuple[str, str]]:
        t = evaluation.get("toys", {}).get(f"flow-{params.get('dataset', 'digits')}")
        if t is None:
            return []
        value = f"{t['test_nll']:.3f} nats per point"
        if "true_entropy" in t:
            value += f" (the data's entropy: {t['true_entropy']:.3f})"
        return [("Test NLL", value)]


def _points(r: dict, p: dict) -> dict:
    extent = r.get("extent", EXTENTS.get(p["dataset"]))
    background = drawing.heatmap(r["log_density"]) if "log_density" in r else None
    out = points_scatter(r, p, extent=extent, background=background)
    if "log_density" in r:
        out["density_json"] = json.dumps(
            {"extent": r["extent"], "grid": r["log_density"]}, separators=(",", ":")
        )
    if r.get("log_likelihood"):
        out["mean_log_likelihood"] = mean(r["log_likelihood"])
    if "points_log_likelihood" in r:
        out["asked_points"] = list(zip(p["points"], r["points_log_likelihood"], strict=True))
    return out
