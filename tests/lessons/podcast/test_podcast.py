"""The podcast: the script in the bundle, the audio build, the media view's HTTP
semantics (Range, HEAD, conditional requests), the feed, the page and the admin."""

import io
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from http import HTTPStatus
from pathlib import Path

import feedparser
import pytest
import webvtt
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.http import http_date
from PIL import Image

from lessons.models import Episode, Visibility
from lessons.podcast.artwork import SIZE, artwork_draw
from tests.conftest import FIRST_PATH_DIR, ROOT

PODCAST_DIR = FIRST_PATH_DIR / "podcast"
SHIPPED_MP3 = PODCAST_DIR / "episode.mp3"
SLUG = "how-generative-ai-works"
TWO_LINES = """\
# A short episode

Two lines, to test the build.

## The only chapter

HOST: What is a generative model?
EXPERT: A model that learns a distribution and samples from it.
"""


def need(tools: list[str]) -> None:
    """Tests that run espeak-ng or ffmpeg: fail in CI when missing, skip elsewhere."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        message = f"{', '.join(missing)} missing: run `make system-deps`."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def audio_url(slug: str = SLUG) -> str:
    return reverse("podcast_audio", args=[slug, "mp3"])


def seconds(timestamp: str) -> float:
    """`00:03:44.586` → 224.586 (webvtt-py rounds its own to whole seconds)."""
    hours, minutes, rest = timestamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def ffprobe_duration(path: Path) -> float:
    need(["ffprobe"])
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout)


# --- serving the audio ----------------------------------------------------------------


@pytest.fixture
def mp3(first_path) -> bytes:
    return SHIPPED_MP3.read_bytes()


def test_range_returns_exactly_those_bytes(client, mp3):
    """Protects seeking: `bytes=100-199` is a 206 whose body is exactly bytes 100–199."""
    response = client.get(audio_url(), HTTP_RANGE="bytes=100-199")
    assert response.status_code == HTTPStatus.PARTIAL_CONTENT
    body = b"".join(response.streaming_content)
    assert body == mp3[100:200]
    assert response["Content-Range"] == f"bytes 100-199/{len(mp3)}"
    assert response["Content-Length"] == "100"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "audio/mpeg"


def test_suffix_range_returns_the_last_bytes(client, mp3):
    """Protects players that read the end of a file first (ID3v1, duration probes)."""
    response = client.get(audio_url(), HTTP_RANGE="bytes=-500")
    assert response.status_code == HTTPStatus.PARTIAL_CONTENT
    assert b"".join(response.streaming_content) == mp3[-500:]
    assert response["Content-Range"] == f"bytes {len(mp3) - 500}-{len(mp3) - 1}/{len(mp3)}"


def test_open_range_returns_the_rest_of_the_file(client, mp3):
    """Protects the commonest seek, `bytes=N-`; an end past the file is cut to it."""
    response = client.get(audio_url(), HTTP_RANGE="bytes=100-")
    assert response.status_code == HTTPStatus.PARTIAL_CONTENT
    assert b"".join(response.streaming_content) == mp3[100:]
    response = client.get(audio_url(), HTTP_RANGE=f"bytes={len(mp3) - 10}-{len(mp3) + 999}")
    assert b"".join(response.streaming_content) == mp3[-10:]


def test_whole_file_without_range(client, mp3):
    """Protects plain downloads: 200, the whole file, and the promise of ranges."""
    response = client.get(audio_url())
    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content) == mp3
    assert response["Content-Length"] == str(len(mp3))
    assert response["Accept-Ranges"] == "bytes"


def test_unsatisfiable_range_is_416_with_the_size(client, mp3):
    """Protects clients that ask past the end: 416 and `Content-Range: bytes */size`."""
    for header in (f"bytes={len(mp3)}-", f"bytes={len(mp3) + 5}-{len(mp3) + 10}", "bytes=-0"):
        response = client.get(audio_url(), HTTP_RANGE=header)
        assert response.status_code == HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, header
        assert response["Content-Range"] == f"bytes */{len(mp3)}"


def test_malformed_or_multiple_ranges_get_the_whole_file(client, mp3):
    """Protects against 500s on odd headers: ignored ranges mean a plain 200."""
    for header in ("bytes=abc", "bytes=200-100", "bytes=0-1,5-6", "items=0-5"):
        response = client.get(audio_url(), HTTP_RANGE=header)
        assert response.status_code == HTTPStatus.OK, header
        assert response["Content-Length"] == str(len(mp3))


def test_head_gives_the_headers_and_no_body(client, mp3):
    """Protects podcast apps that HEAD the enclosure for its size and type."""
    response = client.head(audio_url())
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Length"] == str(len(mp3))
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Accept-Ranges"] == "bytes"
    assert response.content == b""
    ranged = client.head(audio_url(), HTTP_RANGE="bytes=0-9")
    assert ranged.status_code == HTTPStatus.PARTIAL_CONTENT
    assert ranged["Content-Length"] == "10"


def test_conditional_requests_answer_304(client, mp3):
    """Protects caches: the same ETag or an unchanged Last-Modified gives 304, empty."""
    first = client.get(audio_url())
    etag, modified = first["ETag"], first["Last-Modified"]
    again = client.get(audio_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again["ETag"] == etag
    assert client.get(audio_url(), HTTP_IF_MODIFIED_SINCE=modified).status_code == (
        HTTPStatus.NOT_MODIFIED
    )
    assert client.get(audio_url(), HTTP_IF_NONE_MATCH='"other"').status_code == HTTPStatus.OK
    older = http_date(0)
    assert client.get(audio_url(), HTTP_IF_MODIFIED_SINCE=older).status_code == HTTPStatus.OK


def test_if_range_with_a_stale_etag_gets_the_whole_file(client, mp3):
    """Protects resumed downloads: a range of a file that has changed since is not
    spliced onto the old bytes; the new file comes whole."""
    etag = client.get(audio_url())["ETag"]
    fresh = client.get(audio_url(), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert fresh.status_code == HTTPStatus.PARTIAL_CONTENT
    stale = client.get(audio_url(), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"')
    assert stale.status_code == HTTPStatus.OK
    assert stale["Content-Length"] == str(len(mp3))


def test_missing_audio_file_is_404_not_500(client, first_path):
    """Protects against a half-deployed media folder: the page works, the audio 404s."""
    default_storage.delete(first_path.episode.audio.name)
    try:
        assert client.get(audio_url()).status_code == HTTPStatus.NOT_FOUND
        assert client.get(audio_url(), HTTP_RANGE="bytes=0-9").status_code == (HTTPStatus.NOT_FOUND)
        assert client.get(reverse("path_podcast", args=[SLUG])).status_code == HTTPStatus.OK
    finally:
        default_storage.save(first_path.episode.audio.name, io.BytesIO(SHIPPED_MP3.read_bytes()))


def test_audio_of_other_kinds_unknown_paths_and_private_paths_is_404(client, first_path):
    """Protects the URL space: a wrong extension, an unknown path, someone's private
    path all 404."""
    assert client.get(reverse("podcast_audio", args=[SLUG, "ogg"])).status_code == 404
    assert client.get(audio_url("nope")).status_code == HTTPStatus.NOT_FOUND
    first_path.visibility = Visibility.PRIVATE
    first_path.save(update_fields=["visibility"])
    assert client.get(audio_url()).status_code == HTTPStatus.NOT_FOUND


# --- transcript, chapters, feed --------------------------------------------------------


def test_transcript_ends_within_a_second_of_the_audio(client, first_path, tmp_path):
    """Protects the timing: the served VTT parses (webvtt-py), its cues run in order,
    and the last one ends within a second of the audio's real duration (ffprobe)."""
    response = client.get(reverse("podcast_transcript", args=[SLUG]))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/vtt")
    vtt = tmp_path / "t.vtt"
    vtt.write_bytes(response.content)
    captions = webvtt.read(str(vtt))
    assert len(captions) > 40
    assert {c.voice for c in captions} == {"Host", "Expert"}
    times = [(seconds(c.start), seconds(c.end)) for c in captions]
    assert all(start < end for start, end in times)
    assert all(end <= start for (_, end), (start, _) in zip(times, times[1:], strict=False))
    duration = ffprobe_duration(SHIPPED_MP3)
    assert abs(duration - first_path.episode.duration) < 0.2
    assert abs(duration - times[-1][1]) < 1.0
    assert 200 <= duration <= 240  # "about three and a half minutes"


def test_chapters_json_is_podcasting_two_chapters(client, first_path):
    """Protects podcast apps' chapter lists: the JSON chapters format, in order."""
    response = client.get(reverse("podcast_chapters", args=[SLUG]))
    assert response["Content-Type"] == "application/json+chapters"
    data = json.loads(response.content)
    assert data["version"] == "1.2.0"
    starts = [c["startTime"] for c in data["chapters"]]
    assert starts[0] == 0 and starts == sorted(starts) and len(starts) == 6
    assert data["chapters"][1]["title"] == "Five families of models"


def test_feed_parses_cleanly_with_every_field_apps_need(client, first_path):
    """Protects subscribing: feedparser reads the feed with no bozo error and finds the
    iTunes tags, the enclosure, a stable GUID, and the Podcasting 2.0 links."""
    response = client.get(reverse("podcast_feed"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    channel = parsed.feed
    assert channel.title == "Sample Space"
    assert channel.language == "en"
    assert channel.author == "Sample Space"  # itunes:author
    assert channel.itunes_explicit is not True
    assert channel.image.href.endswith("/static/img/podcast-artwork.png")
    assert "Education" in [tag.term for tag in channel.tags]
    (entry,) = parsed.entries
    assert entry.title == "How does generative AI work?"
    assert entry.id == "tag:sample-space,2026:podcast/how-generative-ai-works"
    assert entry.guidislink is False
    assert entry.published_parsed
    assert entry.itunes_duration == str(round(first_path.episode.duration))
    (enclosure,) = entry.enclosures
    assert enclosure.type == "audio/mpeg"
    assert int(enclosure.length) == SHIPPED_MP3.stat().st_size
    assert enclosure.href.endswith(audio_url())

    ns = {
        "podcast": "https://podcastindex.org/namespace/1.0",
        "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    }
    root = ET.fromstring(response.content)
    assert root.find("channel/itunes:explicit", ns).text == "false"
    assert root.find("channel/itunes:category", ns).get("text") == "Education"
    item = root.find("channel/item")
    transcript = item.find("podcast:transcript", ns)
    chapters = item.find("podcast:chapters", ns)
    assert transcript.get("type") == "text/vtt"
    assert transcript.get("url").endswith(reverse("podcast_transcript", args=[SLUG]))
    assert chapters.get("type") == "application/json+chapters"
    assert chapters.get("url").endswith(reverse("podcast_chapters", args=[SLUG]))
    # The links in the feed answer.
    for url in (transcript.get("url"), chapters.get("url")):
        assert client.get(url.split("testserver")[1]).status_code == HTTPStatus.OK


def test_feed_leaves_out_private_paths(client, first_path):
    """Protects learners' private paths from being published to podcast apps."""
    first_path.visibility = Visibility.PRIVATE
    first_path.save(update_fields=["visibility"])
    assert feedparser.parse(client.get(reverse("podcast_feed")).content).entries == []


def test_artwork_is_square_within_apple_limits_and_drawn_by_us():
    """Protects the feed's artwork: a square PNG of 1400–3000 px, the one the project's
    drawing code makes (so it can be redrawn, not fetched)."""
    shipped = Image.open(ROOT / "static" / "img" / "podcast-artwork.png")
    assert shipped.format == "PNG"
    assert shipped.width == shipped.height == SIZE
    assert 1400 <= SIZE <= 3000
    assert shipped.convert("RGB").tobytes() == artwork_draw().tobytes()


# --- the page --------------------------------------------------------------------------


def test_episode_page_has_player_chapters_transcript_and_feed_without_js(client, first_path):
    """Protects the page as HTML alone: a player with its source and captions track,
    chapters that link into the audio, the timed transcript, and the feed link."""
    response = client.get(reverse("path_podcast", args=[SLUG]))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f'<source src="{audio_url()}" type="audio/mpeg">' in html
    assert f'src="{reverse("podcast_transcript", args=[SLUG])}"' in html
    assert f'href="{audio_url()}#t=52.689"' in html or "#t=" in html
    assert html.count('class="cue"') == len(webvtt.from_string(first_path.episode.transcript_vtt))
    assert "Five families of models" in html
    assert reverse("podcast_feed") in html
    assert "js/podcast.js" in html


def test_path_page_links_to_the_episode(client, first_path):
    """Protects the way in: the path's Podcast card opens the episode, not "coming soon"."""
    html = client.get(first_path.get_absolute_url()).content.decode()
    assert f'href="{reverse("path_podcast", args=[SLUG])}"' in html
    assert "0:00–3:51" in html  # the episode's length, as the path card shows it
    page = client.get(reverse("path_podcast", args=[SLUG])).content.decode()
    assert "Coming soon" not in page


def test_path_without_episode_says_so(client, first_path):
    """Protects paths with no podcast (clones, new ones): a page that says so, no 500."""
    Episode.objects.all().delete()
    response = client.get(reverse("path_podcast", args=[SLUG]))
    assert response.status_code == HTTPStatus.OK
    assert "no podcast episode yet" in response.content.decode()
    assert client.get(audio_url()).status_code == HTTPStatus.NOT_FOUND


def test_readme_documents_the_podcast_commands_and_urls():
    """Protects newcomers: the commands and the endpoints are in the README."""
    readme = (ROOT / "README.md").read_text()
    for name in ("build_podcast", "draw_podcast_artwork", "/podcast/feed.xml", "/podcast/"):
        assert name in readme, name


def test_only_public_paths_audio_may_sit_in_shared_caches(client, first_path):
    """Protects unlisted paths: their audio is cacheable by the browser only."""
    assert client.get(audio_url())["Cache-Control"].startswith("public")
    first_path.visibility = Visibility.UNLISTED
    first_path.save(update_fields=["visibility"])
    assert client.get(audio_url())["Cache-Control"].startswith("private")


@pytest.mark.django_db(transaction=True)
def test_range_over_real_http(live_server):
    """Protects seeking through a real WSGI server, not just the test client: the
    headers and the exact bytes survive the trip."""
    from urllib.request import Request, urlopen

    from lessons.authoring.bundle import bundle_read
    from lessons.authoring.services import path_import

    path_import(bundle=bundle_read(FIRST_PATH_DIR))
    mp3 = SHIPPED_MP3.read_bytes()
    request = Request(live_server.url + audio_url(), headers={"Range": "bytes=100-199"})
    with urlopen(request) as response:
        assert response.status == HTTPStatus.PARTIAL_CONTENT
        assert response.headers["Content-Range"] == f"bytes 100-199/{len(mp3)}"
        assert response.read() == mp3[100:200]


def test_range_numbers_of_any_length_are_answered_not_500(client, mp3):
    """Protects the audio view from positions longer than Python reads as a number
    (4,300 digits): a start past every file is 416, an end past it is cut to the file,
    a suffix longer than the file is the whole file, leading zeros are only zeros."""
    huge, size = "9" * 5000, len(mp3)
    assert (
        client.get(audio_url(), HTTP_RANGE=f"bytes={huge}-").status_code
        == HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE
    )
    response = client.get(audio_url(), HTTP_RANGE=f"bytes=0-{huge}")
    assert response["Content-Range"] == f"bytes 0-{size - 1}/{size}"
    response = client.get(audio_url(), HTTP_RANGE=f"bytes=-{huge}")
    assert response["Content-Range"] == f"bytes 0-{size - 1}/{size}"
    response = client.get(audio_url(), HTTP_RANGE=f"bytes={'0' * 5000}5-9")
    assert b"".join(response.streaming_content) == mp3[5:10]
