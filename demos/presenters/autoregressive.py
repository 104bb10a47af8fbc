"""The Transformer: names (each marked new or remembered) or text with the
candidates it weighed, or digits drawn pixel by pixel with their log-likelihood."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import CompareModel, FamilyInfo, Presenter, mean, register, samples_grid

MAX_DIGITS28 = 16  # generators.autoregressive.MAX_DIGITS28: 784 steps per digit

STEPS_SHOWN = 60  # the per-step candidate table shows the first steps only
SHOWN = {"\n": "↵", " ": "␣"}  # characters that would not show on the page


@register
class AutoregressivePresenter(Presenter):
    info = FamilyInfo(
        "autoregressive",
        _("Transformer"),
        "autoregressive-models",
        _("Writes one letter at a time; see the candidates it weighed at every step."),
        {"num_candidates": 5, "n": 12},
        ("dataset", "prompt", "strategy", "temperature", "top_k", "top_p", "beam_width", "n"),
    )
    likelihood = True
    compare_models = (
        CompareModel(
            "autoregressive-digits28",
            _("Transformer over 784 pixels"),
            "autoregressive-digits28",
            {"dataset": "digits28", "n": 16},
            "digits28",
        ),
        CompareModel(
            "autoregressive",
            _("Transformer (pixel by pixel)"),
            "autoregressive-digits",
            {"dataset": "digits", "n": 16},
        ),
    )

    def figures(self, result: dict, params: dict) -> dict:
        fig: dict = {}
        if "names" in result:
            fig["names"] = _names(result)
            fig["new_count"] = sum(result["new"])
            if not result.get("beams"):  # the first name, letter by letter
                fig["text"] = _text(result, {**params, "prompt": params.get("prompt", "").lower()})
        elif "text" in result:
            fig["text"] = _text(result, params)
        if "images" in result:
            fig.update(samples_grid(result["images"]))
            if "log_likelihood" in result:
                fig["mean_log_likelihood"] = mean(result["log_likelihood"])
        return fig

    def form_check(self, clean: dict) -> None:
        from generators import store
        from generators.params import ParameterError

        if clean["dataset"] in ("digits", "digits28") and clean["strategy"] == "beam":
            raise ParameterError(
                "strategy", "strategy beam is for text and names; use sample or greedy"
            )
        if clean["dataset"] == "digits28" and clean["n"] > MAX_DIGITS28:
            raise ParameterError(
                "n", f"n must be between 1 and {MAX_DIGITS28} for 28x28 digits (got {clean['n']})"
            )
        if clean["dataset"] == "names":
            bad = sorted({c for c in clean["prompt"].lower() if not "a" <= c <= "z"})
            if bad:
                raise ParameterError(
                    "prompt", f"a name prompt takes the letters a–z only (got {''.join(bad)!r})"
                )
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
        if params.get("dataset") == "names":
            return _names_quality(evaluation.get("names"))
        t = evaluation.get("text", {})
        if params.get("dataset", "digits") != "text" or "model_nats_per_char" not in t:
            return []
        best = min(t["ngram_nats_per_char"].values())
        value = f"{t['model_nats_per_char']:.3f} nats/char (best n-gram {best:.3f})"
        return [("Held-out text", value)]


def _names(r: dict) -> list[dict]:
    scores = [b["log_prob"] for b in r.get("beams") or []]
    return [
        {"name": name, "new": new, "log_prob": scores[i] if i < len(scores) else None}
        for i, (name, new) in enumerate(zip(r["names"], r["new"], strict=True))
    ]


def _names_quality(ev: dict | None) -> list[tuple[str, str]]:
    if not ev:
        return []
    best = ev["ngram"][str(ev["best_ngram"])]
    return [
        (
            "Held-out names",
            f"{ev['model']['nats_per_char']:.3f} nats/char "
            f"(best n-gram, {ev['best_ngram']}-gram: {best['test']:.3f})",
        ),
        ("New names", f"{ev['samples']['new_share']:.0%} of samples are not in the training list"),
    ]


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
