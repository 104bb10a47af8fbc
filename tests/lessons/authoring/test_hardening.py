"""Issue 13, "Hardening": one case per finding of the audit of bundle uploads. Each
bundle here was accepted before (a 20 MB lesson, a duplicate .zip entry, a fake MP3)
or passed validation and then broke a database limit (a 500); now each is a 400
naming the file and the line, with nothing written: no row, no file in media/."""

import io
import re
import zipfile
from http import HTTPStatus

import pytest

from lessons.authoring import services
from lessons.authoring.archive import bundle_from_zip, bundle_to_zip
from lessons.limits import MAX_BODY
from lessons.models import LearningPath, Visibility
from lessons.podcast.files import audio_check
from lessons.podcast.render import RenderError
from tests.lessons.authoring.own import database_state, owned_path, small_bundle
from tests.lessons.authoring.test_archive import entries, small_files, upload, zip_of


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """MEDIA_ROOT of this test alone, so "no file in media/podcasts/" means this test's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def podcast_files(media) -> list[str]:
    folder = media / "podcasts"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def refused(client, learner, data: bytes, media) -> str:
    """Upload `data`; assert a 400 that wrote nothing; the page's text."""
    before = database_state()
    client.force_login(learner)
    response = upload(client, data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert database_state() == before
    assert podcast_files(media) == []
    return response.content.decode()


def with_podcast(bundle) -> bytes:
    """The bundle zipped, with the shipped podcast's files (real audio) beside it."""
    podcast = {k: v for k, v in small_files().items() if k.startswith("podcast/")}
    return zip_of({**entries(bundle_to_zip(bundle)), **podcast})


@pytest.mark.django_db
def test_a_lesson_longer_than_the_editor_allows_is_refused(client, learner, media):
    """Protects the web workers: a lesson the editor could not hold (over MAX_BODY
    characters; the audit's 20 MB one held a worker 49 s on its first view) is refused
    at upload, naming the file."""
    bundle = small_bundle()
    bundle.lessons[2].body = "word " * (MAX_BODY // 5) + "overflow"
    html = refused(client, learner, bundle_to_zip(bundle), media)
    assert f"lessons/three.md: longer than {MAX_BODY} characters" in html


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize(
    "second",
    ["lessons/one.md", "lessons/./one.md", "lessons/ONE.md"],
    ids=["exact", "normalised", "case"],
)
def test_two_zip_entries_for_one_file_are_refused(client, learner, media, second):
    """Protects what is imported from hiding in a .zip: two entries that unpack to one
    file (the same name, `a/./b` and `a/b`, or names differing only in case, as a
    case-insensitive disk sees them) are refused before unpacking; the last one no
    longer silently wins."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # zip_of's dict cannot hold a name twice
        for name, content in entries(bundle_to_zip(small_bundle())).items():
            archive.writestr(name, content)
        archive.writestr(second, b"# Replaced\n")
    html = refused(client, learner, buffer.getvalue(), media)
    assert "duplicate entry: the archive holds this file" in html
    assert second in html


@pytest.mark.django_db
def test_fake_audio_in_a_bundle_is_refused_by_the_admins_ffprobe_check(client, learner, media):
    """Protects listeners from a fake MP3 (right first bytes, no audio): the bundle's
    audio goes through `audio_check`, the ffprobe check of staff's uploads, and the
    upload is refused naming podcast/episode.mp3; nothing is stored."""
    fake = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"not audio at all " * 200
    with pytest.raises(RenderError) as admin:
        audio_check(fake)
    files = {**small_files(), "podcast/episode.mp3": fake}
    html = refused(client, learner, zip_of(files), media)
    assert "podcast/episode.mp3: not audio that plays: " in html
    assert str(admin.value) in html


def long_section(bundle):
    bundle.lessons[0].body += "\n## " + "h" * 101 + "\n\nText.\n"
    bundle.questions[0].section = "h" * 101


def resource(field: str, value: str):
    def mutate(bundle):
        setattr(bundle.resources[0], field, value)

    return mutate


def nul_card(bundle):
    bundle.cards[0].front = "What is\0 this?"


DATABASE_LIMITS = {
    "lesson-slug-101": (
        lambda b: setattr(b.lessons[2], "slug", "s" * 101),
        "path.yaml:17: 'slug' is longer than 100 characters",
    ),
    "nul-in-lesson": (
        lambda b: setattr(b.lessons[2], "body", "Three.\n\nA NUL \0 here.\n"),
        "lessons/three.md:3: a control character or an invalid character",
    ),
    "authors-301": (
        resource("authors", "a" * 301),
        "'authors' is longer than 300 characters",
    ),
    "url-501": (
        resource("url", "https://example.org/" + "u" * 481),
        "'url' is longer than 500 characters",
    ),
    "section-101": (long_section, "'section' is longer than 100 characters"),
    "nul-in-card": (nul_card, "cards.yaml:1: 'front' holds a control character"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", DATABASE_LIMITS, ids=list(DATABASE_LIMITS))
def test_what_breaks_a_database_limit_is_refused_by_the_reader(client, learner, media, case):
    """Protects uploads from 500s: each bundle here passed validation and then failed
    in the database (value too long, NUL in text) as an IntegrityError/DataError. The
    reader now checks every text against the column's max_length (from the model
    field) and `unsafe_text`, so it is a 400 naming the file and the line."""
    mutate, message = DATABASE_LIMITS[case]
    bundle = small_bundle()
    mutate(bundle)
    html = refused(client, learner, bundle_to_zip(bundle), media)
    assert message in html.replace("&#x27;", "'")


@pytest.mark.django_db
def test_a_refused_bundle_with_audio_leaves_no_file_in_media(client, learner, media):
    """Protects media/podcasts/ from orphans: the audit's bundle (the shipped audio
    plus a card holding NUL) used to store the MP3 and then fail in the database,
    leaving the file after the rollback. Now it is refused before any write."""
    bundle = small_bundle()
    nul_card(bundle)
    refused(client, learner, with_podcast(bundle), media)


@pytest.mark.django_db
def test_an_import_that_fails_after_storing_audio_deletes_it(learner, media, monkeypatch):
    """Protects "nothing written on failure, files included": when the import fails
    after the episode's audio was stored (here the quiz step breaks), the transaction
    rolls back and the MP3 it wrote is deleted from media/podcasts/. The same bundle
    imports, audio and all, once nothing breaks."""
    bundle = bundle_from_zip(io.BytesIO(with_podcast(small_bundle())), max_bytes=10**8)
    before = database_state()

    def broken(**kwargs):
        raise RuntimeError("the quiz step broke")

    monkeypatch.setattr(services, "questions_sync", broken)
    with pytest.raises(RuntimeError):
        services.path_import_as_new(bundle=bundle, owner=learner)
    assert database_state() == before
    assert podcast_files(media) == []

    monkeypatch.undo()
    path = services.path_import_as_new(bundle=bundle, owner=learner)
    assert podcast_files(media) == [path.episode.audio.name.removeprefix("podcasts/")]


@pytest.mark.django_db
def test_a_new_paths_slug_does_not_tell_whether_others_hold_it(
    learner, django_user_model, monkeypatch
):
    """Protects other learners' privacy: an upload's slug used to be `small` when
    free and `small-2` when someone's private path held `small` (`small-6`: five
    did). Now it is the same whether or not the slug is taken: the bundle's slug plus
    a random suffix (fixed here so the two outcomes can be compared)."""
    monkeypatch.setattr(services, "slug_suffix", lambda: "k3x9q2")
    alone = services.path_import_as_new(bundle=small_bundle(), owner=learner)
    assert alone.slug == "small-k3x9q2"
    alone.delete()

    someone = django_user_model.objects.create_user(username="someone", password="x-long-pass")
    owned_path(someone, slug="small", visibility=Visibility.PRIVATE)
    taken = services.path_import_as_new(bundle=small_bundle(), owner=learner)
    assert taken.slug == "small-k3x9q2"
    assert LearningPath.objects.get(slug="small").owner == someone
    monkeypatch.undo()
    assert re.fullmatch(r"[a-z0-9]{6}", services.slug_suffix())
