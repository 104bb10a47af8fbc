"""Which figures a path has, and writing them into its bundle.

A figure is a function decorated with ``@figure("name.svg", lesson="slug")`` that
returns the file's bytes; an explorable's function is decorated with two names, the
still figure and its data (``@figure("temperature.png", "temperature.json", ...)``)
and returns both, in that order. The same code and checkpoints give the same bytes.
"""

from __future__ import annotations

import importlib
import pkgutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# The one path whose figures are drawn by this package (its bundle is in the repo).
PATH_SLUG = "how-generative-ai-works"
TOPIC_PACKAGE = "lessons.figures"
NOT_TOPICS = {"registry", "canvas"}


@dataclass(frozen=True)
class Figure:
    files: tuple[str, ...]  # names in the bundle's figures/ folder, the still first
    lesson: str  # the lesson that shows it
    draw: Callable[[], bytes | tuple[bytes, ...]]

    def render(self) -> dict[str, bytes]:
        out = self.draw()
        out = (out,) if isinstance(out, bytes) else tuple(out)
        if len(out) != len(self.files):
            raise ValueError(f"{self.draw.__name__} drew {len(out)} files for {self.files}")
        return dict(zip(self.files, out, strict=True))


FIGURES: list[Figure] = []


def figure(*files: str, lesson: str):
    """Register the decorated function as the drawer of ``files``."""

    def register(draw):
        taken = {name for f in FIGURES for name in f.files}
        for name in files:
            if name in taken:
                raise ValueError(f"figure file {name} is drawn twice")
        FIGURES.append(Figure(files=files, lesson=lesson, draw=draw))
        return draw

    return register


def load() -> list[Figure]:
    """Every topic module imported (each registers its figures), the list in file order."""
    package = importlib.import_module(TOPIC_PACKAGE)
    for module in pkgutil.iter_modules(package.__path__):
        if module.name not in NOT_TOPICS:
            importlib.import_module(f"{TOPIC_PACKAGE}.{module.name}")
    return sorted(FIGURES, key=lambda f: f.files[0])


def draw_all(directory: Path | str, only: str | None = None) -> list[Path]:
    """Write every figure (or those whose file names contain ``only``) into
    ``directory``; returns the paths written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for fig in load():
        if only and not any(only in name for name in fig.files):
            continue
        for name, data in fig.render().items():
            path = directory / name
            path.write_bytes(data)
            written.append(path)
    return written


def draw_check(directory: Path | str, only: str | None = None) -> list[str]:
    """Redraw every figure (or those whose names contain ``only``) into a temporary
    folder and compare with ``directory``: one line for each file whose bytes differ,
    that is missing there, or (when drawing all) that is there but drawn by no code."""
    directory = Path(directory)
    with tempfile.TemporaryDirectory(prefix="figures-") as scratch:
        drawn = {path.name: path.read_bytes() for path in draw_all(scratch, only=only)}
    present = {path.name for path in directory.glob("*") if path.is_file()}
    problems = []
    for name, data in sorted(drawn.items()):
        if name not in present:
            problems.append(f"{name}: missing (drawn but not in {directory})")
        elif (directory / name).read_bytes() != data:
            problems.append(f"{name}: differs from what the code draws")
    if only is None:
        for name in sorted(present - set(drawn)):
            problems.append(f"{name}: extra (in {directory} but drawn by no figure)")
    return problems
