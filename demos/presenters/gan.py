"""The GAN: samples over the true 2-D data with its modes ringed and how many it
covers, or a grid of digits."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import CompareModel, FamilyInfo, Presenter, points_scatter, register, samples_grid


@register
class GANPresenter(Presenter):
    info = FamilyInfo(
        "gan",
        _("Generative adversarial network"),
        "generative-adversarial-networks",
        _("Does the generator cover every mode of the data, or collapse onto a few?"),
        {"n": 1000},
        ("dataset", "n", "rejection"),
    )
    compare_models = (
        CompareModel(
            "gan-digits28", _("DCGAN"), "gan-digits28", {"dataset": "digits28", "n": 16}, "digits28"
        ),
        CompareModel("gan", _("GAN"), "gan-digits", {"dataset": "digits", "n": 16}),
    )

    def figures(self, result: dict, params: dict) -> dict:
        fig: dict = {}
        if "images" in result:
            fig.update(samples_grid(result["images"]))
        if "points" in result:
            fig.update(points_scatter(result, params))
        if "metrics" in result:
            fig["metrics"] = result["metrics"]
        return fig

    def quality_lines(self, evaluation: dict, params: dict) -> list[tuple[str, str]]:
        d28 = evaluation.get("digits28", {}).get("models", {}).get("gan-digits28")
        if params.get("dataset") == "digits28" and d28:
            return [("Digit classes drawn", f"{d28['classes_covered']} of 10 (by our classifier)")]
        toy = evaluation.get("toys", {}).get(f"gan-{params.get('dataset', 'digits')}")
        if toy is None:
            return []
        m = toy["drs"]
        return [
            ("Modes found", f"{m['modes']} of {m['of']}"),
            ("High-quality samples", f"{m['high_quality']:.0%}"),
        ]

    def measure_lines(self, measure: dict | None) -> list[tuple[str, str]]:
        if not measure or "modes" not in measure:
            return super().measure_lines(measure)
        return [
            ("Modes found", f"{measure['modes']} of {measure['modes_total']}"),
            ("High-quality samples", f"{measure['high_quality']:.0%}"),
        ]
