"""The path's figures as drawn by code: every registered figure redraws to the bytes in
the bundle (so the files in the repo are what the code makes), every file in figures/
is drawn by code and shown by a lesson, every explorable has a still and a widget, and
`draw_figures --check` names whatever is out of date."""

import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lessons.authoring.bundle import FIGURE_IMAGE, bundle_read
from lessons.authoring.figures import IMAGE_SUFFIXES, figure_check
from lessons.figures import registry
from tests.conftest import FIRST_PATH_DIR, ROOT

FIGURES_DIR = FIRST_PATH_DIR / "figures"
WIDGETS = ROOT / "static" / "js" / "explorables"


def on_disk() -> dict[str, bytes]:
    if not FIGURES_DIR.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in FIGURES_DIR.iterdir()}


def test_every_registered_figure_redraws_to_the_bytes_in_the_repo():
    """Protects reproducibility: each figure is drawn once here, and its files must be
    byte-for-byte the ones in the bundle (else run `manage.py draw_figures
    how-generative-ai-works`), each passing the bundle's own figure check; and no
    file sits in figures/ that no code draws."""
    files = on_disk()
    drawn: set[str] = set()
    for fig in registry.load():
        for name, data in fig.render().items():
            drawn.add(name)
            assert name in files, f"{name} is drawn but not in {FIGURES_DIR}"
            assert data == files[name], f"{name} redraws to other bytes"
            figure_check(name, data)
    assert set(files) == drawn, f"drawn by no code: {sorted(set(files) - drawn)}"


def test_every_figure_is_shown_by_its_lesson_and_every_explorable_has_a_still_and_widget():
    """Protects the reader: every image in figures/ is shown by the lesson its code
    registers it for (with alt text and caption, as bundle_read checks), every
    explorable's JSON sits beside a shown still and names a widget that exists."""
    bundle = bundle_read(FIRST_PATH_DIR)
    shown = {
        image["name"]: lesson.slug
        for lesson in bundle.walk()
        for image in FIGURE_IMAGE.finditer(lesson.body)
    }
    registered = {name: fig.lesson for fig in registry.load() for name in fig.files}
    for spec in bundle.figures:
        if spec.is_image:
            assert spec.name in shown, f"figures/{spec.name} is shown by no lesson"
            assert shown[spec.name] == registered[spec.name], f"{spec.name}: another lesson"
            continue
        stem = spec.name.removesuffix(".json")
        stills = [f"{stem}{suffix}" for suffix in IMAGE_SUFFIXES if f"{stem}{suffix}" in shown]
        assert stills, f"figures/{spec.name} has no still image shown in a lesson"
        kind = json.loads(spec.data)["kind"]
        assert (WIDGETS / f"{kind}.js").is_file(), f"{spec.name}: no widget {kind}.js"
        assert re.search(
            rf"Explorables\.register\(\s*[\"']{kind}[\"']", (WIDGETS / f"{kind}.js").read_text()
        )


@pytest.fixture
def fake_registry(monkeypatch, tmp_path):
    """Two figures (one an explorable's still and data) in place of the real ones, and
    the command's content folder in a temporary place."""
    figures = [
        registry.Figure(files=("a-line.svg",), lesson="one", draw=lambda: b"<svg>line</svg>"),
        registry.Figure(
            files=("b-dots.png", "b-dots.json"), lesson="one", draw=lambda: (b"png", b"{}")
        ),
    ]
    monkeypatch.setattr(registry, "load", lambda: figures)
    monkeypatch.setattr("lessons.management.commands.draw_figures.CONTENT", tmp_path)
    return tmp_path / registry.PATH_SLUG / "figures"


def test_draw_figures_writes_the_files_and_check_then_passes(fake_registry, capsys):
    """Protects the command: it writes every registered file, and --check then agrees."""
    call_command("draw_figures", registry.PATH_SLUG)
    assert sorted(p.name for p in fake_registry.iterdir()) == [
        "a-line.svg",
        "b-dots.json",
        "b-dots.png",
    ]
    assert (fake_registry / "b-dots.json").read_bytes() == b"{}"
    call_command("draw_figures", registry.PATH_SLUG, "--check")
    assert "every figure redraws" in capsys.readouterr().out


def test_draw_figures_check_names_every_changed_missing_and_extra_file(fake_registry):
    """Protects the merge check: --check fails naming each file that differs, is
    missing, or is drawn by no code; --only limits both drawing and checking."""
    call_command("draw_figures", registry.PATH_SLUG)
    (fake_registry / "a-line.svg").write_bytes(b"<svg>edited by hand</svg>")
    (fake_registry / "b-dots.json").unlink()
    (fake_registry / "stray.png").write_bytes(b"old")
    with pytest.raises(CommandError) as failed:
        call_command("draw_figures", registry.PATH_SLUG, "--check")
    message = str(failed.value)
    assert "a-line.svg: differs" in message
    assert "b-dots.json: missing" in message
    assert "stray.png: extra" in message
    assert "b-dots.png" not in message
    call_command("draw_figures", registry.PATH_SLUG, "--only", "b-dots")  # both its files
    call_command("draw_figures", registry.PATH_SLUG, "--check", "--only", "b-dots")
    call_command("draw_figures", registry.PATH_SLUG, "--only", "a-line")
    assert (fake_registry / "a-line.svg").read_bytes() == b"<svg>line</svg>"
    with pytest.raises(CommandError, match="stray.png: extra"):
        call_command("draw_figures", registry.PATH_SLUG, "--check")


def test_draw_figures_refuses_a_path_without_drawn_figures_and_an_unmatched_only(fake_registry):
    """Protects against silent no-ops: an unknown path or an --only matching nothing."""
    with pytest.raises(CommandError, match="No figures are drawn by code for 'other'"):
        call_command("draw_figures", "other")
    with pytest.raises(CommandError, match="No figure's file name contains 'zzz'"):
        call_command("draw_figures", registry.PATH_SLUG, "--only", "zzz")
    assert not Path(fake_registry).exists() or not any(Path(fake_registry).iterdir())
