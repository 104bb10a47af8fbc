"""The podcast in a path's bundle: the folder `podcast/` beside `path.yaml`.

```
podcast/script.md        written by people (see script.py)
podcast/episode.mp3      made by `manage.py build_podcast SLUG` from the script
podcast/transcript.vtt   made with it: one timed cue per sentence
podcast/episode.json     made with it: duration, chapter start times, how it was built
```

The three made files come together or not at all (a script not yet built is fine: the
page shows the script, and the feed leaves the episode out). Every error names the
file and, where there is one, the line.
"""

import hashlib
import json
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

from learning_platform.input import json_problem, unsafe_text
from lessons.errors import BundleError

from .formats import episode_json, vtt_read
from .render import RenderError, probe_duration
from .script import Script, ScriptError, script_parse

FOLDER = "podcast"
SCRIPT = "script.md"
TRANSCRIPT = "transcript.vtt"
META = "episode.json"
AUDIO_FILES = {"episode.mp3": "audio/mpeg", "episode.ogg": "audio/ogg"}
MAX_AUDIO_BYTES = 50 * 1024 * 1024
MAX_DURATION = 24 * 3600  # seconds: an episode is minutes long


@dataclass
class PodcastSpec:
    script_text: str
    script: Script
    audio: bytes | None = None  # None: the script has not been built yet
    audio_type: str = "audio/mpeg"
    transcript: str = ""
    duration: float = 0.0
    chapters: list[dict] | None = None
    build: dict | None = None


def audio_kind(data: bytes) -> str | None:
    """The MIME type the first bytes show (MP3 or Ogg), or None."""
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if data[:4] == b"OggS":
        return "audio/ogg"
    return None


@dataclass(frozen=True)
class AudioCheck:
    audio_type: str
    duration: float  # seconds, as a decoder reads the file


def audio_check(data: bytes) -> AudioCheck:
    """What an audio file is: MP3 or Ogg by its first bytes, and a duration ffprobe can
    measure. RenderError, with a message for people, when it is neither. The one check
    for audio from outside: staff's uploads (admin) and bundles (`podcast_read`)."""
    if not data:
        raise RenderError("the file is empty")
    if len(data) > MAX_AUDIO_BYTES:
        raise RenderError(f"the file is larger than {MAX_AUDIO_BYTES // (1024 * 1024)} MB")
    audio_type = audio_kind(data)
    if audio_type is None:
        raise RenderError("this is not an MP3 or Ogg audio file")
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "upload"
        probe.write_bytes(data)
        duration = probe_duration(probe)
    if not duration > 0:
        raise RenderError("the audio has no length")
    return AudioCheck(audio_type=audio_type, duration=round(duration, 3))


def script_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _safe_text(file: Path, text: str) -> None:
    """BundleError at the first line holding a control character or a lone surrogate
    (the database refuses NUL; a lone surrogate cannot be stored)."""
    if unsafe_text(text):
        line = next(n for n, row in enumerate(text.split("\n"), 1) if unsafe_text(row))
        raise BundleError(str(file), line, "a control character or an invalid character")


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number a JSON column can store")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number")
    return value


def podcast_read(directory: Path) -> PodcastSpec | None:
    folder = directory / FOLDER
    if not folder.exists():
        return None
    script_file = folder / SCRIPT
    if not script_file.is_file():
        raise BundleError(str(script_file), None, "the podcast folder has no script")
    try:
        text = script_file.read_bytes().decode("utf-8")
        _safe_text(script_file, text)
        script = script_parse(text)
    except UnicodeDecodeError as error:
        raise BundleError(str(script_file), None, "not UTF-8 text") from error
    except ScriptError as error:
        raise BundleError(str(script_file), error.line, error.message) from error
    spec = PodcastSpec(script_text=text, script=script)

    audio_files = [folder / name for name in AUDIO_FILES if (folder / name).is_file()]
    made = [*audio_files, *(f for f in (folder / TRANSCRIPT, folder / META) if f.is_file())]
    if not made:
        return spec
    if len(audio_files) != 1 or len(made) != 3:
        names = ", ".join(f.name for f in made)
        raise BundleError(
            str(folder),
            None,
            f"has {names} but needs one episode audio, {TRANSCRIPT} and {META}: "
            f"run `manage.py build_podcast {directory.name}`",
        )
    audio_file = audio_files[0]
    spec.audio = audio_file.read_bytes()
    spec.audio_type = AUDIO_FILES[audio_file.name]
    try:
        check = audio_check(spec.audio)
    except RenderError as error:
        raise BundleError(str(audio_file), None, f"not audio that plays: {error}") from error
    if check.audio_type != spec.audio_type:
        raise BundleError(str(audio_file), None, f"not {spec.audio_type}, as its name says")

    meta_file = folder / META
    try:
        meta = json.loads(
            meta_file.read_bytes().decode("utf-8"),
            parse_constant=_no_constant,  # NaN, Infinity: no JSON column stores them
            parse_float=_finite,
        )
    except json.JSONDecodeError as error:
        raise BundleError(str(meta_file), error.lineno, f"broken JSON: {error.msg}") from error
    except (ValueError, RecursionError) as error:  # not UTF-8, a 5000-digit number, [[[…
        raise BundleError(str(meta_file), None, f"unreadable JSON: {error}") from error
    if not isinstance(meta, dict) or set(meta) != {"duration", "chapters", "build"}:
        raise BundleError(str(meta_file), 1, "needs exactly: duration, chapters, build")
    problem = json_problem(meta)
    if problem:
        raise BundleError(str(meta_file), None, problem)
    duration, chapters, build = meta["duration"], meta["chapters"], meta["build"]
    if not isinstance(duration, int | float) or not 0 < duration < MAX_DURATION:
        raise BundleError(str(meta_file), None, "'duration' must be a positive number of seconds")
    if not isinstance(build, dict):
        raise BundleError(str(meta_file), None, "'build' must be a mapping")
    titles = [chapter.title for chapter in script.chapters]
    if (
        not isinstance(chapters, list)
        or not all(
            isinstance(c, dict)
            and isinstance(c.get("start"), int | float)
            and 0 <= c["start"] <= duration
            for c in chapters
        )
        or [c.get("title") for c in chapters] != titles
    ):
        raise BundleError(
            str(meta_file),
            None,
            f"its chapters are not the script's ({', '.join(titles)}): "
            f"run `manage.py build_podcast {directory.name}`",
        )
    if build.get("script_sha256") not in (None, script_sha256(text)):
        raise BundleError(
            str(script_file),
            None,
            f"changed since the audio was built: run `manage.py build_podcast {directory.name}`",
        )
    transcript_file = folder / TRANSCRIPT
    try:
        spec.transcript = transcript_file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise BundleError(str(transcript_file), None, "not UTF-8 text") from error
    _safe_text(transcript_file, spec.transcript)
    try:
        cues = vtt_read(spec.transcript)
    except ValueError as error:
        raise BundleError(str(transcript_file), None, str(error)) from error
    if not cues or cues[-1].end > duration + 1:
        raise BundleError(str(transcript_file), None, "its cues do not fit the audio's duration")
    spec.duration, spec.chapters, spec.build = float(duration), chapters, build
    return spec


def podcast_write(spec: PodcastSpec, directory: Path) -> None:
    folder = directory / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SCRIPT).write_bytes(spec.script_text.encode("utf-8"))
    if spec.audio is None:
        return
    name = next(name for name, kind in AUDIO_FILES.items() if kind == spec.audio_type)
    (folder / name).write_bytes(spec.audio)
    (folder / TRANSCRIPT).write_bytes(spec.transcript.encode("utf-8"))
    meta = episode_json(
        duration=spec.duration, chapters=spec.chapters or [], build=spec.build or {}
    )
    (folder / META).write_bytes(meta.encode("utf-8"))
