"""The Transformer: generated text with the candidates it weighed, or digits drawn
pixel by pixel with their log-likelihood."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import CompareModel, FamilyInfo, Presenter, mean, register, samples_grid

STEPS_SHOWN = 60  # the per-step candidate table shows the first steps only
SHOWN = {"\n": "↵", " ": "␣"}  # characters that would not show on the page


@register
class AutoregressivePresenter(Presenter):
    info = FamilyInfo(
        "autoregressive",
        _("Transformer"),
        "autoregressive-models",
        _("Writes one character at a time; see the candidates it weighed at every step."),
        {"num_candidates": 5, "max_new_tokens": 120, "prompt": "A diffusion model"},
        ("prompt", "strategy", "temperature", "top_k", "top_p", "max_new_tokens"),
    )
    likelihood = True
    compare_models = (
        CompareModel(
            "autoregressive",
            _("Transformer (pixel by pixel)"),
            "autoregressive-digits",
            {"dataset": "digits", "n": 16},
        ),
    )

    def figures(self, result: dict, params: dict) -> dict:
        fig: dict = {}
        if "text" in result:
            fig["text"] = _text(result, params)
        if "images" in result:
            fig.update(samples_grid(result["images"]))
            if "log_likelihood" in result:
                fig["mean_log_likelihood"] = mean(result["log_likelihood"])
        return fig

    def form_check(self, clean: dict) -> None:
        from generators import store
        from generators.params import ParameterError

        if clean["dataset"] == "digits" and clean["strategy"] == "beam":
            raise ParameterError("strategy", "strategy beam is for text; use sample or greedy")
        if clean["dataset"] == "text" and clean["prompt"]:
            try:
                known = set(store.read_meta("autoregressive-text")["config"]["chars"])
            except FileNotFoundError:
                known = None  # no text model yet: the run will say so
            unknown = sorted({c for c in clean["prompt"] if known is not None and c not in known})
            if unknown:
                raise ParameterError(
                    "prompt",
                    f"prompt contains characters the model never saw: {''.join(unknown)!r}",
                )

    def quality_lines(self, evaluation: dict, params: dict) -> list[tuple[str, str]]:
        t = evaluation.get("text", {})
        if params.get("dataset", "digits") != "text" or "model_nats_per_char" not in t:
            return []
        best = min(t["ngram_nats_per_char"].values())
        value = f"{t['model_nats_per_char']:.3f} nats/char (best n-gram {best:.3f})"
        return [("Held-out text", value)]


def _text(r: dict, p: dict) -> dict:
    steps = []
    for i, ch in enumerate(r["text"]):
        cands = r.get("candidates") or []
        options = cands[i] if i < len(cands) else []
        steps.append(
            {
                "char": ch,
                "shown": SHOWN.get(ch, ch),
                "candidates": [
                    {
                        "token": SHOWN.get(c["token"], c["token"]),
                        "prob": c["prob"],
                        "percent": round(100 * c["prob"]),
                        "chosen": c["token"] == ch,
                    }
                    for c in options
                ],
            }
        )
    return {
        "prompt": p.get("prompt", ""),
        "steps": steps,
        "table": [s for s in steps if s["candidates"]][:STEPS_SHOWN],
        "beams": r.get("beams") or [],
        "has_candidates": bool(r.get("candidates")),
    }
