"""glossary.yaml in the bundle: read, validated (file:line, nothing written), stored,
re-imported in place, exported, zipped and uploaded."""

import shutil
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lessons.authoring.archive import bundle_from_zip, bundle_to_zip
from lessons.authoring.bundle import bundle_read
from lessons.authoring.selectors import path_bundle
from lessons.authoring.services import path_import
from lessons.models import GlossaryTerm
from tests.lessons.authoring.test_archive import upload
from tests.lessons.authoring.test_bundle import tree_files, write_bundle

GLOSSARY = """\
- term: KL divergence
  aliases: [Kullback–Leibler divergence, KL]
  definition: How much one distribution differs from another, zero when they are equal.
  lesson: one
- term: ELBO
  definition: A lower bound on the log-likelihood that a latent-variable model maximizes.
  lesson: two
"""


def write_glossary_bundle(directory: Path, glossary: str = GLOSSARY) -> Path:
    write_bundle(directory)
    (directory / "glossary.yaml").write_text(glossary)
    return directory


def glossary_rows():
    return list(
        GlossaryTerm.objects.order_by("id").values_list(
            "id", "path__slug", "term", "aliases", "definition", "lesson__slug", "position"
        )
    )


@pytest.mark.django_db
def test_glossary_is_stored_with_its_lessons_and_exports_byte_identical(tmp_path):
    """Protects the glossary's round trip: every term is stored with its aliases,
    definition and lesson, and export writes glossary.yaml back byte for byte."""
    directory = write_glossary_bundle(tmp_path / "b")
    call_command("import_path", str(directory))
    assert [row[2:] for row in glossary_rows()] == [
        (
            "KL divergence",
            ["Kullback–Leibler divergence", "KL"],
            "How much one distribution differs from another, zero when they are equal.",
            "one",
            0,
        ),
        (
            "ELBO",
            [],
            "A lower bound on the log-likelihood that a latent-variable model maximizes.",
            "two",
            1,
        ),
    ]
    call_command("export_path", "small", str(tmp_path / "out"))
    assert tree_files(tmp_path / "out") == tree_files(directory)
    assert (tmp_path / "out" / "glossary.yaml").read_bytes() == GLOSSARY.encode()


@pytest.mark.django_db
def test_glossary_reimport_writes_only_a_changed_glossary(tmp_path):
    """Protects re-imports: the same glossary writes nothing (same row ids); a changed
    one replaces the old terms; a bundle without glossary.yaml has no glossary."""
    directory = write_glossary_bundle(tmp_path / "b")
    path, changed = path_import(bundle=bundle_read(directory))
    before = glossary_rows()
    assert path_import(bundle=bundle_read(directory)) == (path, False)
    assert glossary_rows() == before
    (directory / "glossary.yaml").write_text(GLOSSARY.replace("lesson: two", "lesson: one-a"))
    assert path_import(bundle=bundle_read(directory))[1] is True
    assert list(path.glossary_terms.values_list("term", "lesson__slug")) == [
        ("KL divergence", "one"),
        ("ELBO", "one-a"),
    ]
    (directory / "glossary.yaml").unlink()
    path_import(bundle=bundle_read(directory))
    assert not path.glossary_terms.exists()


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("lesson: two", "lesson: nine", "glossary.yaml:5: lesson 'nine' is not in path.yaml"),
        ("term: ELBO", "term: kl divergence", "glossary.yaml:5: duplicate term or alias 'kl"),
        (
            "term: ELBO",
            "term: ELBO\n  aliases: [KL]",
            "glossary.yaml:5: duplicate term or alias 'KL' (first at line 1)",
        ),
        ("term: ELBO", "term: Kl-Divergence", "the same anchor '#kl-divergence' as line 1"),
        (
            "  definition: A lower bound on the log-likelihood that a latent-variable model "
            "maximizes.\n",
            "  definition: ''\n",
            "glossary.yaml:5: 'definition' must be a non-empty text",
        ),
        ("maximizes.", "maximizes." + " so" * 100, "glossary.yaml:5: 'definition' is longer than"),
        (
            "the log-likelihood",
            "the *log*-likelihood",
            "glossary.yaml:5: 'definition' must be plain",
        ),
        ("the log-likelihood", "the `log p(x)`", "'definition' must be plain text"),
        ("the log-likelihood", "the <b>log</b>", "'definition' must be plain text"),
        ("the log-likelihood", "the [ELBO](one.md)", "'definition' must be plain text"),
        ("the log-likelihood", "the $\\log p$", "'definition' must be plain text"),
        ("the log-likelihood", "the _log_ likelihood", "'definition' must be plain text"),
        ("the log-likelihood", "the &amp; likelihood", "'definition' must be plain text"),
        ("  lesson: two", "  lesson: two\n  note: x", "glossary.yaml:5: unknown field(s) in a"),
        ("aliases: [Kullback", "aliases: [' KL ', Kullback", "has spaces around it"),
        ("aliases: [Kullback–Leibler divergence, KL]", "aliases: KL", "'aliases' must be a list"),
        ("term: ELBO", "term: '∑'", "term '∑' needs a letter or a digit"),
    ],
    ids=[
        "unknown-lesson",
        "duplicate-term-but-for-case",
        "alias-of-another-term",
        "same-anchor",
        "empty-definition",
        "long-definition",
        "markdown-emphasis",
        "markdown-code",
        "html",
        "markdown-link",
        "math",
        "underscore-emphasis",
        "entity",
        "unknown-field",
        "padded-name",
        "aliases-not-a-list",
        "no-anchor",
    ],
)
@pytest.mark.django_db
def test_bad_glossary_names_file_and_line_and_writes_nothing(tmp_path, old, new, expected):
    """Protects glossary.yaml like the other files: a bad entry stops the import with
    `glossary.yaml:line: what is wrong`, and the database keeps the earlier glossary."""
    good = write_glossary_bundle(tmp_path / "good")
    path_import(bundle=bundle_read(good))
    before = glossary_rows()
    bad = tmp_path / "bad"
    shutil.copytree(good, bad)
    text = (bad / "glossary.yaml").read_text()
    assert old in text
    (bad / "glossary.yaml").write_text(text.replace(old, new, 1))
    with pytest.raises(CommandError) as raised:
        call_command("import_path", str(bad))
    assert expected in str(raised.value)
    assert glossary_rows() == before


def test_plain_definitions_with_ordinary_punctuation_are_accepted(tmp_path):
    """Protects authors from a too-eager Markdown check: subscripts like x_t, a colon,
    a dash, parentheses and a > sign in a sentence are plain text."""
    definition = "The noise level σ_t (a number > 0) at step t: it grows — slowly — with t."
    glossary = f"- term: noise level\n  definition: '{definition}'\n  lesson: one\n"
    directory = write_glossary_bundle(tmp_path / "b", glossary)
    assert bundle_read(directory).glossary[0].definition == definition


@pytest.mark.django_db
def test_zip_export_and_upload_carry_the_glossary(tmp_path, client, learner):
    """Protects the .zip route: glossary.yaml is allowed in an upload, zipped on export,
    and the zip reads back to the same glossary."""
    directory = write_glossary_bundle(tmp_path / "b")
    path, _ = path_import(bundle=bundle_read(directory))
    data = bundle_to_zip(path_bundle(path=path))
    (tmp_path / "small.zip").write_bytes(data)
    assert bundle_from_zip(tmp_path / "small.zip", max_bytes=10**7).glossary == (
        bundle_read(directory).glossary
    )
    client.force_login(learner)
    assert upload(client, data).status_code == HTTPStatus.FOUND
    mine = learner.owned_paths.get()
    assert list(mine.glossary_terms.values_list("term", "lesson__path")) == [
        ("KL divergence", mine.id),
        ("ELBO", mine.id),
    ]
