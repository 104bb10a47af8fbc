"""What a presenter is, the registry of them, and the figures several families share.

A presenter is everything the site says and draws about one family: its card and
form's starting values, what a run's result page draws, the extra quality lines of
its models, its rows and figures on the comparison page. Shared code asks
``presenter_for(run.family)`` instead of testing the family's name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from .. import drawing


@dataclass(frozen=True)
class FamilyInfo:
    name: str  # key in generators.REGISTRY
    title: str  # what the Lab calls it
    lesson_slug: str  # the lesson in the first path that teaches it
    blurb: str  # one sentence on the Lab page
    start: dict = field(default_factory=dict)  # the demo form's first values
    main: tuple = ()  # parameters shown first; the others fold under "More parameters"


@dataclass(frozen=True)
class CompareModel:
    """One digits checkpoint as a row and a sample grid of the comparison page."""

    key: str  # key in evaluation.json "digits" (8x8); 28x28 rows are keyed by checkpoint
    title: str  # what the page calls it
    checkpoint: str
    sample_params: dict | None  # draw its 16 digits (manage.py demo_samples); None: no grid
    dataset: str = "digits"  # "digits" (8x8) or "digits28": which table it is a row of


class Presenter:
    """Subclass per family, set ``info`` (whose name is the family) and register it."""

    info: ClassVar[FamilyInfo]
    likelihood: ClassVar[bool] = False  # scored by test NLL: listed first when compared
    compare_models: ClassVar[tuple[CompareModel, ...]] = ()

    @property
    def family(self) -> str:
        return self.info.name

    def figures(self, result: dict, params: dict) -> dict:
        """A succeeded run's result turned into the figures ``_result.html`` draws."""
        raise NotImplementedError

    def form_check(self, clean: dict) -> None:
        """Rules between parameters the generators check only once the model is
        loaded, repeated so the form says so: raise ``generators.ParameterError``."""

    def checkpoint(self, params: dict) -> str:
        """Which shipped checkpoint answers a run with these parameters."""
        return f"{self.family}-{params.get('dataset', 'digits')}"

    def evaluation_key(self, params: dict) -> str:
        """The checkpoint's key in evaluation.json's "digits" table."""
        name = self.checkpoint(params)
        return next((m.key for m in self.compare_models if m.checkpoint == name), self.family)

    def quality_lines(self, evaluation: dict, params: dict) -> list[tuple[str, str]]:
        """(label, value) lines the family adds to the digits table's measures."""
        return []

    def compare_context(self, evaluation: dict | None) -> dict:
        """What the family adds to the comparison page's context."""
        return {}

    def snapshot_figures(self, samples: dict, *, dataset: str, reference: list) -> dict:
        """A training snapshot's samples drawn for ``training/_snapshot.html``: points
        over the data being learned (``reference``), a grid of digits, or text."""
        if "points" in samples:
            title = f"{len(samples['points'])} samples (blue) over the {dataset} data (grey)"
            extent = drawing.extent_of(reference) if reference else None
            scatter = drawing.scatter(
                samples["points"], reference=reference, extent=extent, title=title
            )
            return {"scatter": scatter}
        if "images" in samples:
            return samples_grid(samples["images"])
        if "text" in samples:
            return {"text": samples["text"]}
        return {}

    def measure_lines(self, measure: dict | None) -> list[tuple[str, str]]:
        """A trained model's measure (from ``train_live``) as (label, value) lines."""
        if not measure:
            return []
        value = measure.get("value")
        shown = f"{value:.4g}" if isinstance(value, float) else str(value)
        return [(str(measure.get("name", "measure")).capitalize(), shown)]


_REGISTRY: dict[str, Presenter] = {}


def register(cls: type[Presenter]) -> type[Presenter]:
    """Class decorator: the family's presenter, one per family name."""
    name = cls.info.name
    if name in _REGISTRY:
        raise ValueError(f"two presenters for the family {name!r}")
    _REGISTRY[name] = cls()
    return cls


def presenter_for(family: str) -> Presenter:
    try:
        return _REGISTRY[family]
    except KeyError:
        known = ", ".join(_REGISTRY)
        raise LookupError(f"no presenter for the family {family!r} (known: {known})") from None


def presenters() -> list[Presenter]:
    """Every presenter, in registration order (the Lab's order)."""
    return list(_REGISTRY.values())


# Figures several families draw ----------------------------------------------------


def mean(values) -> float:
    return sum(values) / len(values)


def samples_grid(images: list, caption: str = "", cols: int | None = None) -> dict:
    """Generated digits as one grid with its caption."""
    return {
        "grid": drawing.image_grid(images, cols=cols),
        "grid_caption": caption or f"{len(images)} samples.",
    }


def points_scatter(
    result: dict, params: dict, extent: list | None = None, background: str | None = None
) -> dict:
    """2-D samples over the true data (``reference``), the modes ringed."""
    dataset = params["dataset"]
    return {
        "scatter": drawing.scatter(
            result["points"],
            reference=result.get("reference", []),
            marks=result.get("modes", []),
            extent=extent,
            background=background,
            title=f"{len(result['points'])} samples (blue) over the true {dataset} data (grey)",
        ),
        "dataset": dataset,
    }
