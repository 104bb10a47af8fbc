"""A path as files: import, export, and refusing bad bundles without writing anything."""

import filecmp
import shutil
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lessons.authoring.bundle import bundle_read
from lessons.authoring.services import path_import
from lessons.errors import BundleError
from lessons.flashcards import scheduling as fc
from lessons.models import (
    Flashcard,
    LearningPath,
    Lesson,
    LessonCompletion,
    QuizQuestion,
    Rating,
    Resource,
    Review,
)
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


CARDS = """\
- key: first
  lesson: one
  front: What?
  back: That.
- key: second
  lesson: two
  front: Why?
  back: Because.
"""
QUIZ = """\
- key: q1
  lesson: one
  section: one
  kind: single
  question: Which?
  options:
  - text: This
    correct: true
  - text: That
  explanation: Because.
"""


def write_study_bundle(directory: Path) -> Path:
    write_bundle(directory)
    (directory / "cards.yaml").write_text(CARDS)
    (directory / "quiz.yaml").write_text(QUIZ)
    return directory


@pytest.mark.parametrize(
    "file, old, new, expected",
    [
        ("cards.yaml", "lesson: two", "lesson: three", "cards.yaml:5: lesson 'three' is not in"),
        ("cards.yaml", "key: second", "key: first", "cards.yaml:5: duplicate key 'first'"),
        ("cards.yaml", "  back: Because.\n", "", "cards.yaml:5: 'back' must be a non-empty"),
        ("cards.yaml", "front: Why?", "front: [Why?", "cards.yaml:7: broken YAML"),
        ("quiz.yaml", "section: one", "section: nope", "quiz.yaml:1: section 'nope' is not"),
        ("quiz.yaml", "kind: single", "kind: essay", "quiz.yaml:1: kind 'essay' is not one of"),
        ("quiz.yaml", "  - text: That\n", "  - text: That\n    correct: true\n", "needs one"),
        ("quiz.yaml", "correct: true", "correct: yes please", "quiz.yaml:7: 'correct' must be"),
        ("quiz.yaml", "  - text: That\n", "", "quiz.yaml:1: 'options' must be a list of at"),
    ],
    ids=[
        "unknown-lesson",
        "duplicate-key",
        "missing-back",
        "broken-yaml",
        "unknown-section",
        "bad-kind",
        "two-right-on-single",
        "correct-not-bool",
        "one-option",
    ],
)
@pytest.mark.django_db
def test_bad_cards_or_quiz_name_file_and_line_and_write_nothing(tmp_path, file, old, new, expected):
    """Protects cards.yaml and quiz.yaml like the manifest: `file:line: what is wrong`
    and the database untouched."""
    good = write_study_bundle(tmp_path / "good")
    path_import(bundle=bundle_read(good))
    before = database_state(), list(Flashcard.objects.values_list("id", "key", "front"))
    bad = tmp_path / "bad"
    shutil.copytree(good, bad)
    (bad / file).write_text((bad / file).read_text().replace(old, new))
    with pytest.raises(CommandError) as raised:
        call_command("import_path", str(bad))
    assert expected in str(raised.value)
    assert (database_state(), list(Flashcard.objects.values_list("id", "key", "front"))) == before


@pytest.mark.django_db
def test_cards_and_questions_reimport_in_place_keeping_learners_records(tmp_path, learner):
    """Protects re-imports: cards and questions are matched by key (ids and learners'
    reviews kept), options by position; an unchanged bundle writes nothing."""
    directory = write_study_bundle(tmp_path / "b")
    path, _ = path_import(bundle=bundle_read(directory))
    card = Flashcard.objects.get(key="first")
    fc.review_record(learner=learner, card=card, rating=Rating.GOOD, key=uuid.uuid4())
    assert path_import(bundle=bundle_read(directory))[1] is False
    (directory / "cards.yaml").write_text(CARDS.replace("back: That.", "back: That, edited."))
    assert path_import(bundle=bundle_read(directory))[1] is True
    card.refresh_from_db()
    assert card.back == "That, edited." and Review.objects.filter(card=card).exists()
    assert QuizQuestion.objects.get().options.count() == 2
