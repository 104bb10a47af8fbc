"""Making the podcast: the script's validation, `build_podcast` (espeak-ng + ffmpeg),
loading the result with the bundle, and staff's admin tools."""

import subprocess
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from lessons.authoring.bundle import bundle_read
from lessons.authoring.services import path_import
from lessons.errors import BundleError
from lessons.models import Episode
from lessons.podcast.files import FOLDER
from lessons.podcast.formats import vtt_read
from lessons.podcast.script import ScriptError, script_parse
from tests.conftest import FIRST_PATH_DIR
from tests.lessons.authoring.test_bundle import write_bundle
from tests.lessons.podcast.test_podcast import SHIPPED_MP3, TWO_LINES, ffprobe_duration, need


@pytest.fixture
def small_bundle(tmp_path):
    """A one-chapter bundle with a two-line podcast script, not yet built."""
    directory = write_bundle(tmp_path / "small")
    (directory / FOLDER).mkdir()
    (directory / FOLDER / "script.md").write_text(TWO_LINES)
    return directory


def build(directory) -> None:
    need(["espeak-ng", "ffmpeg", "ffprobe"])
    call_command("build_podcast", "small", bundle=str(directory))


def test_build_command_makes_plausible_audio_and_is_deterministic(small_bundle, capsys):
    """Protects `build_podcast`: two lines of script become an MP3 of plausible length
    (two short sentences, two voices), whose transcript's cues fit the audio; building
    again gives byte-identical files."""
    build(small_bundle)
    folder = small_bundle / FOLDER
    audio = folder / "episode.mp3"
    duration = ffprobe_duration(audio)
    assert 3.0 < duration < 12.0
    cues = vtt_read((folder / "transcript.vtt").read_text())
    assert [cue.speaker for cue in cues] == ["Host", "Expert"]
    assert abs(cues[-1].end - duration) < 1.0
    assert "0:0" in capsys.readouterr().out
    first = {name: (folder / name).read_bytes() for name in ("episode.mp3", "transcript.vtt")}
    build(small_bundle)
    assert {name: (folder / name).read_bytes() for name in first} == first


@pytest.mark.django_db
def test_built_bundle_imports_once_and_exports_byte_identical(small_bundle, tmp_path):
    """Protects the bundle round trip with a podcast: import loads the audio, a second
    import writes nothing, export gives back the same bytes."""
    build(small_bundle)
    path, changed = path_import(bundle=bundle_read(small_bundle))
    assert changed and path.episode.has_audio
    before = Episode.objects.values().get()
    _, changed = path_import(bundle=bundle_read(small_bundle))
    assert not changed
    assert Episode.objects.values().get() == before
    call_command("export_path", "small", str(tmp_path / "out"))
    for name in ("script.md", "episode.mp3", "transcript.vtt", "episode.json"):
        exported = (tmp_path / "out" / FOLDER / name).read_bytes()
        assert exported == (small_bundle / FOLDER / name).read_bytes(), name


@pytest.mark.django_db
def test_shipped_episode_imports_idempotently(first_path, capsys):
    """Protects `make run`: the shipped episode loads with its audio, and re-importing
    the shipped path changes nothing."""
    episode = first_path.episode
    assert episode.audio_size == SHIPPED_MP3.stat().st_size
    assert len(episode.chapters) == 6
    call_command("import_path", str(FIRST_PATH_DIR))
    assert "already up to date" in capsys.readouterr().out


@pytest.mark.parametrize(
    "script, line, message",
    [
        ("", 1, "the script is empty"),
        ("Title\n", 1, "must start with '# Episode title'"),
        ("# T\n\n## C\n\nHOST: hi\nGUEST: hello\n", 6, "unknown speaker 'GUEST'"),
        ("# T\n\n## C\nHOST: hi\nJust words.\n", 5, "expected 'HOST: …' or 'EXPERT: …'"),
        ("# T\n\n## Empty\n\n## C\nHOST: hi\n", 3, "chapter 'Empty' has no lines"),
        ("# T\n\nHOST: too early\n", 3, "before the first '## chapter'"),
        ("# T\n\n## C\nEXPERT:   \n", 4, "EXPERT says nothing"),
        ("# T\n\nA description only.\n", 3, "has no '## chapter'"),
    ],
)
def test_bad_script_names_the_line(script, line, message):
    """Protects writers: a script error says which line and what is wrong."""
    with pytest.raises(ScriptError) as raised:
        script_parse(script)
    assert raised.value.line == line
    assert message in str(raised.value)


def test_sentences_become_cues():
    """Protects the transcript's granularity: one cue per sentence of a turn."""
    script = script_parse("# T\n\n## C\nEXPERT: One idea. Then another! And a third?\n")
    assert script.chapters[0].turns[0].sentences == ["One idea.", "Then another!", "And a third?"]


@pytest.mark.django_db
def test_bad_podcast_in_a_bundle_is_refused_with_file_and_line(small_bundle):
    """Protects import: a bad script stops the whole bundle with `file:line`, and
    nothing is written."""
    (small_bundle / FOLDER / "script.md").write_text(TWO_LINES.replace("EXPERT:", "GUEST:"))
    with pytest.raises(CommandError) as raised:
        call_command("import_path", str(small_bundle))
    assert "podcast/script.md:8: unknown speaker 'GUEST'" in str(raised.value)
    assert not Episode.objects.exists()


def test_script_edited_after_the_build_asks_for_a_rebuild(small_bundle):
    """Protects against shipping audio that says other words than the script."""
    build(small_bundle)
    script = small_bundle / FOLDER / "script.md"
    script.write_text(TWO_LINES.replace("samples from it", "draws from it"))
    with pytest.raises(BundleError, match="changed since the audio was built"):
        bundle_read(small_bundle)
    (small_bundle / FOLDER / "transcript.vtt").unlink()
    with pytest.raises(BundleError, match="needs one episode audio, transcript.vtt"):
        bundle_read(small_bundle)


def test_build_of_a_missing_script_is_a_clear_error(tmp_path):
    """Protects a typo in the slug: the command says where it looked."""
    with pytest.raises(CommandError, match="no podcast script there"):
        call_command("build_podcast", "nope", bundle=str(tmp_path))


# --- admin -----------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("staff", "s@example.org", "pass-word-1")
    client.force_login(admin)
    return client


def change_url(episode: Episode) -> str:
    return reverse("admin:lessons_episode_change", args=[episode.pk])


def form_data(episode: Episode, **extra) -> dict:
    return {"path": episode.path_id, "script": episode.script, **extra}


@pytest.mark.django_db
def test_admin_refuses_a_file_that_is_not_audio(staff_client, first_path):
    """Protects the episode from a bad upload: a text file named .mp3 is refused with a
    message, and the audio stays what it was."""
    episode = first_path.episode
    page = staff_client.get(change_url(episode))
    assert page.status_code == HTTPStatus.OK and "Replace the audio" in page.text
    before = episode.audio_sha256
    fake = SimpleUploadedFile("episode.mp3", b"not audio at all" * 100, "audio/mpeg")
    response = staff_client.post(change_url(episode), form_data(episode, replacement_audio=fake))
    assert response.status_code == HTTPStatus.OK  # the form again, with its error
    assert "This file was refused: this is not an MP3 or Ogg audio file." in response.text
    wrong_type = SimpleUploadedFile("notes.txt", b"ID3 hello", "text/plain")
    response = staff_client.post(
        change_url(episode), form_data(episode, replacement_audio=wrong_type)
    )
    assert "Upload an .mp3, .ogg or .opus file." in response.text
    episode.refresh_from_db()
    assert episode.audio_sha256 == before


@pytest.mark.django_db
def test_admin_replaces_the_audio_with_an_upload(staff_client, first_path, client, tmp_path):
    """Protects staff's recordings: an MP3 upload replaces the audio, its duration is
    measured from the file, and the media view serves the new bytes."""
    need(["ffmpeg", "ffprobe"])
    episode = first_path.episode
    recording = tmp_path / "recording.mp3"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=220:duration=42",
         "-c:a", "libmp3lame", "-b:a", "32k", str(recording)],
        check=True,
    )  # fmt: skip
    shorter = recording.read_bytes()
    upload = SimpleUploadedFile("recording.mp3", shorter, "audio/mpeg")
    response = staff_client.post(change_url(episode), form_data(episode, replacement_audio=upload))
    assert response.status_code == HTTPStatus.FOUND
    episode.refresh_from_db()
    assert episode.audio_size == len(shorter)
    assert abs(episode.duration - 42) < 0.2
    assert episode.build == {"uploaded": "recording.mp3"}
    served = client.get(reverse("podcast_audio", args=[first_path.slug, "mp3"]))
    assert b"".join(served.streaming_content) == shorter


@pytest.mark.django_db
def test_admin_rebuilds_the_audio_from_the_script(staff_client, small_bundle):
    """Protects "rebuild from the script": the admin action speaks the current script
    and replaces audio, transcript and chapter times."""
    path, _ = path_import(bundle=bundle_read(small_bundle))  # script only, no audio yet
    episode = path.episode
    assert not episode.has_audio
    need(["espeak-ng", "ffmpeg"])
    response = staff_client.post(
        reverse("admin:lessons_episode_changelist"),
        {"action": "rebuild_from_script", "_selected_action": [episode.pk]},
        follow=True,
    )
    assert "rebuilt, 0:0" in response.text
    episode.refresh_from_db()
    assert episode.has_audio and 3 < episode.duration < 12
    assert len(vtt_read(episode.transcript_vtt)) == 2
    assert episode.chapters == [{"title": "The only chapter", "start": 0.0}]


@pytest.mark.django_db
def test_admin_script_edit_is_validated(staff_client, first_path):
    """Protects the episode from a broken script typed into the admin."""
    episode = first_path.episode
    response = staff_client.post(change_url(episode), form_data(episode, script="no title"))
    assert "must start with" in response.text
    episode.refresh_from_db()
    assert episode.script.startswith("# How does generative AI work?")


def test_system_deps_and_dockerfile_install_the_podcast_tools():
    """Protects `make test` and the image: both install what the build needs."""
    from tests.conftest import ROOT

    deps = (ROOT / "scripts" / "system-deps.sh").read_text()
    docker = (ROOT / "Dockerfile").read_text()
    for package in ("espeak-ng", "ffmpeg"):
        assert package in deps and package in docker


@pytest.mark.django_db
def test_episode_not_built_yet_shows_its_script_and_stays_out_of_the_feed(client, small_bundle):
    """Protects a path whose script is written but not yet spoken: the page shows the
    script and says so; the feed does not list audio that is not there."""
    path, _ = path_import(bundle=bundle_read(small_bundle))
    response = client.get(reverse("path_podcast", args=[path.slug]))
    assert response.status_code == HTTPStatus.OK
    assert "has not been built yet" in response.text
    assert "A model that learns a distribution and samples from it." in response.text
    assert "<audio" not in response.text
    assert "/paths/small/" not in client.get(reverse("podcast_feed")).text
