"""A path as one .zip: download from the path page, upload as a new private path, and
`manage.py export_path / import_path` with a .zip. Every bad bundle is refused, naming
what is wrong, with nothing written."""

import io
import re
import stat
import zipfile
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from lessons.authoring.archive import bundle_from_zip, bundle_to_zip
from lessons.authoring.bundle import bundle_read
from lessons.authoring.selectors import path_bundle
from lessons.authoring.services import path_import
from lessons.models import LearningPath, Visibility
from tests.conftest import FIRST_PATH_DIR
from tests.lessons.authoring.own import database_state, owned_path, small_bundle
from tests.lessons.figure_files import figure_bundle


def zip_of(files: dict[str, bytes | str], links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        for name in links:  # a symbolic link entry, as `zip --symlinks` writes it
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def small_files() -> dict[str, bytes]:
    """The small bundle with the shipped podcast's files (its audio, script, timing)."""
    podcast = {f"podcast/{p.name}": p.read_bytes() for p in (FIRST_PATH_DIR / "podcast").iterdir()}
    return {**entries(bundle_to_zip(small_bundle())), **podcast}


def upload(client, data: bytes, name: str = "bundle.zip"):
    return client.post(
        reverse("path_upload"), {"bundle": SimpleUploadedFile(name, data, "application/zip")}
    )


@pytest.mark.django_db
def test_download_from_the_path_page_is_the_shipped_folder_zipped(client, first_path):
    """Protects export: the path page links the .zip, which holds exactly the shipped
    bundle's files, byte for byte, and is the same bytes every time."""
    link = reverse("path_export", args=[first_path.slug])
    assert link in client.get(first_path.get_absolute_url()).content.decode()
    response = client.get(link)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="how-generative-ai-works.zip"'
    shipped = {
        p.relative_to(FIRST_PATH_DIR).as_posix(): p.read_bytes()
        for p in FIRST_PATH_DIR.rglob("*")
        if p.is_file()
    }
    assert entries(response.content) == shipped
    assert client.get(link).content == response.content


@pytest.mark.django_db
def test_private_path_cannot_be_downloaded_by_others(client, learner):
    """Protects private content: the export of a private path is a 404 to others."""
    path = owned_path(learner)
    assert client.get(reverse("path_export", args=[path.slug])).status_code == (
        HTTPStatus.NOT_FOUND
    )


def export_import_export(path: LearningPath, folder: Path) -> Path:
    """Export the path with the command, delete it, import the .zip, export again: the
    two .zip files must be byte-identical. The first one."""
    first, second = folder / "first.zip", folder / "second.zip"
    call_command("export_path", path.slug, str(first))
    path.delete()
    call_command("import_path", str(first))
    call_command("export_path", path.slug, str(second))
    assert second.read_bytes() == first.read_bytes()
    return first


@pytest.mark.django_db
def test_export_import_export_gives_the_same_bundle(client, learner, first_path, tmp_path):
    """Protects the round trip both ways in: through the commands (same slug) the
    second .zip is byte-identical; through the upload form (a new path, so a new slug)
    every file — lessons, glossary, podcast audio, transcript — is identical but the manifest's
    slug line."""
    first = export_import_export(first_path, tmp_path)
    assert "glossary.yaml" in entries(first.read_bytes())  # the glossary travels too

    client.force_login(learner)
    assert upload(client, first.read_bytes()).status_code == HTTPStatus.FOUND
    mine = LearningPath.objects.get(owner=learner)
    assert mine.episode.audio_size == first_path.episode.audio_size > 0  # its own copy
    third = entries(client.get(reverse("path_export", args=[mine.slug])).content)
    original = entries(first.read_bytes())
    assert set(third) == set(original)
    for name in original:
        expected = original[name]
        if name == "path.yaml":
            expected = expected.replace(
                b"slug: how-generative-ai-works\n", f"slug: {mine.slug}\n".encode(), 1
            )
        assert third[name] == expected, name


@pytest.mark.django_db
def test_export_import_export_with_figures_gives_the_same_bytes(client, learner, tmp_path):
    """Protects the round trip with figures: export → import → export gives the same
    .zip, holding every figure as it was; an upload of it makes a new path with the
    same figures (and nothing else in the .zip differs but the slug line)."""
    path, _ = path_import(bundle=figure_bundle())
    first = export_import_export(path, tmp_path)
    files = entries(first.read_bytes())
    assert {f"figures/{spec.name}": spec.data for spec in figure_bundle().figures}.items() <= (
        files.items()
    )
    client.force_login(learner)
    assert upload(client, first.read_bytes()).status_code == HTTPStatus.FOUND
    mine = LearningPath.objects.get(owner=learner)
    again = entries(client.get(reverse("path_export", args=[mine.slug])).content)
    assert {name: data for name, data in again.items() if name.startswith("figures/")} == {
        name: data for name, data in files.items() if name.startswith("figures/")
    }


@pytest.mark.django_db
def test_upload_makes_a_new_private_path_and_never_touches_an_existing_one(
    client, learner, django_user_model
):
    """Protects other people's paths: uploading a bundle whose slug is taken makes a
    NEW private path owned by the uploader, with a free slug; the other is untouched."""
    someone = django_user_model.objects.create_user(username="someone", password="x-long-pass")
    theirs = owned_path(someone, visibility=Visibility.PUBLIC)
    before = database_state()
    client.force_login(learner)
    bundle = small_bundle()
    bundle.lessons[0].title = "Changed by the upload"
    response = upload(client, bundle_to_zip(bundle))

    mine = LearningPath.objects.get(owner=learner)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("path_edit", args=[mine.slug])
    assert re.fullmatch(r"small-[a-z0-9]{6}", mine.slug)  # a random suffix, not `small-2`
    assert mine.visibility == Visibility.PRIVATE
    assert mine.lessons.get(slug="one").title == "Changed by the upload"
    assert mine.lessons.count() == 6 and mine.resources.count() == 1
    theirs.refresh_from_db()
    assert theirs.lessons.get(slug="one").title == "One"
    assert database_state()[1][: len(before[1])] == before[1]  # their lessons unchanged


@pytest.mark.django_db
def test_upload_accepts_a_zipped_folder(client, learner):
    """Protects the other way to make a bundle: zipping its folder, so every entry
    starts with `folder/`."""
    files = {f"small/{name}": data for name, data in small_files().items()}
    client.force_login(learner)
    assert upload(client, zip_of(files)).status_code == HTTPStatus.FOUND
    assert LearningPath.objects.get(owner=learner).lessons.count() == 6


@pytest.mark.django_db
def test_upload_needs_sign_in(client):
    """Protects uploads from anonymous visitors."""
    response = upload(client, bundle_to_zip(small_bundle()))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))
    assert not LearningPath.objects.exists()


def with_file(name: str, data: bytes | str):
    return lambda files: {**files, name: data}


def replace_in(name: str, old: str, new: str):
    def change(files):
        text = files[name].decode()
        assert old in text
        return {**files, name: text.replace(old, new).encode()}

    return change


def without(name: str):
    return lambda files: {k: v for k, v in files.items() if k != name}


BAD = [
    ("zip-slip-dotdot", with_file("lessons/../../evil.md", "x"), "unsafe path"),
    ("zip-slip-absolute", with_file("/etc/evil.md", "x"), "unsafe path"),
    ("zip-slip-windows", with_file("..\\evil.md", "x"), "unsafe path"),
    ("unknown-file", with_file("lessons/notes.txt", "x"), "lessons/notes.txt: unknown file"),
    (
        "unknown-field",
        replace_in("path.yaml", "summary:", "sumary:"),
        "path.yaml:1: unknown field(s) in the manifest: sumary",
    ),
    (
        "missing-file",
        without("lessons/one-b.md"),
        "path.yaml:10: lesson 'one-b' has no file lessons/one-b.md",
    ),
    (
        "malformed-yaml",
        replace_in("path.yaml", "title: One A", "title: [One A"),
        "path.yaml:10: broken YAML",
    ),
    (
        "malformed-json",
        with_file("podcast/episode.json", '{"duration": 12.5,\n "chapters": [}'),
        "podcast/episode.json:2: broken JSON",
    ),
    (
        "unknown-podcast-file",
        with_file("podcast/notes.json", "{}"),
        "podcast/notes.json: unknown file",
    ),
    ("no-manifest", without("path.yaml"), "path.yaml: the manifest is missing"),
    ("not-utf8", with_file("lessons/one.md", b"\xff\xfe bad"), "lessons/one.md: not UTF-8"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name, change, expected", BAD, ids=[b[0] for b in BAD])
def test_bad_bundle_upload_is_refused_naming_the_problem_and_writing_nothing(
    client, learner, name, change, expected
):
    """Protects the database from bad uploads: 400, the form names the file (and line)
    and what is wrong, and not one row is written."""
    owned_path(learner)
    before = database_state()
    client.force_login(learner)
    response = upload(client, zip_of(change(small_files())))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "Nothing was imported." in html
    assert expected.replace("'", "&#x27;") in html
    assert database_state() == before


@pytest.mark.django_db
def test_symlink_entries_are_refused(client, learner):
    """Protects the server's files: a link inside the zip is never followed."""
    client.force_login(learner)
    response = upload(client, zip_of(small_files(), links=("lessons/link.md",)))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "lessons/link.md: not a plain file" in response.content.decode()
    assert not LearningPath.objects.exists()


@pytest.mark.django_db
def test_too_big_upload_and_zip_bomb_are_refused(client, learner):
    """Protects the server's memory and disk: a file over the limit is refused before
    unpacking; a small zip that unpacks past the limit is refused as it is read."""
    client.force_login(learner)
    data = bundle_to_zip(small_bundle())
    with override_settings(BUNDLE_MAX_BYTES=len(data) - 1):
        response = upload(client, data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "the limit is" in response.content.decode()

    text_only = entries(bundle_to_zip(small_bundle()))
    bomb = zip_of({**text_only, "lessons/one.md": "## big\n" + " " * 2_000_000})
    assert len(bomb) < 100_000
    with override_settings(BUNDLE_MAX_BYTES=1_000_000):
        response = upload(client, bomb)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "unpacks to more than 1.0 MB" in response.content.decode()
    assert not LearningPath.objects.exists()


@pytest.mark.django_db
def test_not_a_zip_is_refused(client, learner):
    """Protects against wrong files: a clear message, nothing written."""
    client.force_login(learner)
    response = upload(client, b"slug: not a zip\n", name="path.yaml")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "path.yaml: not a .zip file" in response.content.decode()
    assert not LearningPath.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name, change, expected", BAD[:6], ids=[b[0] for b in BAD[:6]])
def test_import_path_command_refuses_a_bad_zip_with_nothing_written(
    tmp_path, name, change, expected
):
    """Protects `manage.py import_path` with a .zip: the same checks as the upload."""
    call_command("import_path", str(FIRST_PATH_DIR))
    before = database_state()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(zip_of(change(small_files())))
    with pytest.raises(CommandError) as raised:
        call_command("import_path", str(bad))
    assert "Nothing was imported." in str(raised.value) and expected in str(raised.value)
    assert database_state() == before


def test_zip_reader_and_folder_reader_agree(tmp_path):
    """Protects one format: the .zip of a folder reads as the folder does."""
    data = bundle_to_zip(bundle_read(FIRST_PATH_DIR))
    archive = tmp_path / "b.zip"
    archive.write_bytes(data)
    assert bundle_from_zip(archive, max_bytes=10**8) == bundle_read(FIRST_PATH_DIR)
    assert bundle_from_zip(Path(archive).open("rb"), max_bytes=10**8) == bundle_read(FIRST_PATH_DIR)


@pytest.mark.django_db
def test_exported_zip_of_an_owned_path_reads_back(learner):
    """Protects learners' exports: an edited copy exports a valid bundle."""
    path = owned_path(learner)
    bundle = bundle_from_zip(io.BytesIO(bundle_to_zip(path_bundle(path=path))), max_bytes=10**7)
    assert bundle == small_bundle()


@pytest.mark.django_db
def test_an_edited_copy_exports_and_imports_with_its_linked_podcast(client, learner, first_path):
    """Protects learners' own bundles: an edited copy downloads as a complete .zip
    (cards, quiz and the podcast it links to) that uploads again as a new path."""
    client.force_login(learner)
    client.post(reverse("path_clone", args=[first_path.slug]))
    copy = LearningPath.objects.get(owner=learner)
    client.post(reverse("lesson_delete", args=[copy.slug, "introduction"]))
    data = client.get(reverse("path_export", args=[copy.slug])).content
    assert {"cards.yaml", "quiz.yaml", "podcast/episode.mp3"} <= set(entries(data))

    assert upload(client, data).status_code == HTTPStatus.FOUND
    again = LearningPath.objects.filter(owner=learner).exclude(pk=copy.pk).get()
    assert again.lessons.count() == copy.lessons.count() == 33
    assert again.flashcards.count() == copy.flashcards.count()
    assert again.episode.audio_size == first_path.episode.audio_size


@pytest.mark.django_db
def test_a_slug_taken_at_the_last_moment_is_not_a_crash(learner, monkeypatch):
    """Protects uploads racing each other: when the slug drawn is taken (by another
    request, before the INSERT) another suffix is drawn; nothing else changes."""
    from lessons.authoring import services

    theirs = owned_path(learner, slug="small-aaaaaa")
    draws = iter(["aaaaaa", "bbbbbb"])  # the first draw is the taken one
    monkeypatch.setattr(services, "slug_suffix", lambda: next(draws))
    mine = services.path_import_as_new(bundle=small_bundle(), owner=learner)
    assert mine.slug == "small-bbbbbb"
    assert theirs.lessons.count() == mine.lessons.count() == 6
