"""A path as files: import, export, and refusing bad bundles without writing anything."""

import filecmp
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lessons.bundle import BundleError, bundle_read
from lessons.models import LearningPath, Lesson, LessonCompletion, Resource
from lessons.services import path_import
from tests.conftest import FIRST_PATH_DIR

SMALL = """\
slug: small
title: A small path
summary: Two chapters.
lessons:
- slug: one
  title: One
  children:
  - slug: one-a
    title: One A
- slug: two
  title: Two
resources:
- title: A paper
  authors: Someone
  year: 2020
  kind: paper
  url: https://arxiv.org/abs/2006.11239
  note: Why it matters.
"""


def write_bundle(directory: Path, manifest: str = SMALL, bodies=("one", "one-a", "two")) -> Path:
    (directory / "lessons").mkdir(parents=True)
    (directory / "path.yaml").write_text(manifest)
    for slug in bodies:
        (directory / "lessons" / f"{slug}.md").write_text(f"## {slug}\n\nBody of {slug}.\n")
    return directory


def database_state():
    return (
        list(LearningPath.objects.values_list("slug", "title", "summary", "updated_at")),
        list(
            Lesson.objects.values_list("id", "slug", "parent_id", "position", "body", "updated_at")
        ),
        list(Resource.objects.values_list("id", "title")),
    )


def tree_files(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


@pytest.mark.django_db
def test_shipped_path_round_trips_byte_identical(tmp_path):
    """Protects: export writes back exactly the files import read (the content's source
    of truth can move between the repo and the database without drift)."""
    call_command("import_path", str(FIRST_PATH_DIR))
    call_command("export_path", "how-generative-ai-works", str(tmp_path / "out"))
    assert tree_files(tmp_path / "out") == tree_files(FIRST_PATH_DIR)
    for name in tree_files(FIRST_PATH_DIR):
        assert filecmp.cmp(FIRST_PATH_DIR / name, tmp_path / "out" / name, shallow=False), name


@pytest.mark.django_db
def test_importing_twice_changes_nothing(tmp_path, capsys):
    """Protects: `import_path` is idempotent — the second load writes no row."""
    directory = write_bundle(tmp_path / "b")
    call_command("import_path", str(directory))
    before = database_state()
    call_command("import_path", str(directory))
    assert "already up to date" in capsys.readouterr().out
    assert database_state() == before


@pytest.mark.django_db
def test_reimport_updates_in_place_and_keeps_progress(tmp_path, learner):
    """Protects: editing a bundle and re-importing keeps lesson ids, so learners'
    progress survives; removed lessons go, new ones come, order follows the manifest."""
    directory = write_bundle(tmp_path / "b")
    path, _ = path_import(bundle=bundle_read(directory))
    one = Lesson.objects.get(slug="one")
    LessonCompletion.objects.create(learner=learner, lesson=one)

    (directory / "path.yaml").write_text(
        SMALL.replace("- slug: two\n  title: Two\n", "- slug: three\n  title: Three\n")
    )
    (directory / "lessons" / "three.md").write_text("New.\n")
    path_import(bundle=bundle_read(directory))

    assert sorted(path.lessons.values_list("slug", flat=True)) == ["one", "one-a", "three"]
    assert Lesson.objects.get(slug="one").id == one.id
    assert LessonCompletion.objects.filter(learner=learner, lesson=one).exists()


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: (d / "lessons" / "two.md").unlink(), "path.yaml:10: lesson 'two' has no file"),
        (
            lambda d: (d / "path.yaml").write_text(SMALL.replace("slug: one-a", "slug: one")),
            "path.yaml:8: duplicate lesson slug 'one' (first at line 5)",
        ),
        (
            lambda d: (d / "path.yaml").write_text(SMALL.replace("title: One A", "title: [One A")),
            "path.yaml:10: broken YAML: expected ',' or ']', but got ':' "
            "(while parsing a flow sequence started at line 9)",
        ),
        (
            lambda d: (d / "path.yaml").write_text(SMALL.replace("  year: 2020", "  yeer: 2020")),
            "path.yaml:13: unknown field(s) in a resource: yeer",
        ),
        (
            lambda d: (d / "path.yaml").write_text(SMALL.replace("kind: paper", "kind: video")),
            "path.yaml:13: kind 'video' is not one of",
        ),
        (lambda d: (d / "path.yaml").unlink(), "path.yaml: the manifest is missing"),
        (
            lambda d: (d / "path.yaml").write_text("- just\n- a list\n"),
            "path.yaml:1: the manifest must be a mapping",
        ),
    ],
    ids=[
        "missing-file",
        "duplicate-slug",
        "broken-yaml",
        "unknown-field",
        "bad-kind",
        "no-manifest",
        "not-a-mapping",
    ],
)
@pytest.mark.django_db
def test_bad_bundle_names_file_and_line_and_writes_nothing(tmp_path, change, expected):
    """Protects: a bad bundle stops with `file:line: what is wrong` and leaves the
    database exactly as it was (here: holding an earlier good import)."""
    good = write_bundle(tmp_path / "good")
    path_import(bundle=bundle_read(good))
    before = database_state()

    bad = tmp_path / "bad"
    shutil.copytree(good, bad)
    change(bad)
    with pytest.raises(CommandError) as raised:
        call_command("import_path", str(bad))
    assert expected in str(raised.value)
    assert "Nothing was imported" in str(raised.value)
    assert database_state() == before


def test_bundle_error_carries_file_and_line(tmp_path):
    """Protects: callers (the upload form, later) can point at the exact line."""
    directory = write_bundle(tmp_path / "b", bodies=("one", "one-a"))
    with pytest.raises(BundleError) as raised:
        bundle_read(directory)
    assert raised.value.file.endswith("path.yaml")
    assert raised.value.line == 10


@pytest.mark.django_db
def test_export_of_unknown_slug_is_a_clear_error(tmp_path):
    """Protects: a typo in the slug says so instead of writing an empty folder."""
    with pytest.raises(CommandError, match="No learning path with slug 'nope'"):
        call_command("export_path", "nope", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()
