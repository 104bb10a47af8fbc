"""The episode's files, written and read the one canonical way, so that building twice,
or exporting what was imported, gives the same bytes.

* `transcript.vtt`: WebVTT, one cue per spoken sentence, `<v Speaker>` voice tags.
* `chapters.json`: the Podcasting 2.0 JSON chapters format (served, not stored).
* `episode.json`: duration, chapter start times and how the audio was built.
"""

import json
import re
from dataclasses import dataclass
from html import unescape

CHAPTERS_VERSION = "1.2.0"


@dataclass(frozen=True)
class Cue:
    start: float  # seconds
    end: float
    speaker: str  # the name shown, e.g. "Host"
    text: str


def timestamp(seconds: float) -> str:
    """WebVTT's `hh:mm:ss.ttt`."""
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis // 1000:02d}.{millis % 1000:03d}"


def clock(seconds: float) -> str:
    """A time for people: `3:05`, or `1:02:03` past the hour."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def vtt_write(cues: list[Cue]) -> str:
    blocks = ["WEBVTT\n"]
    for number, cue in enumerate(cues, start=1):
        blocks.append(
            f"c{number}\n{timestamp(cue.start)} --> {timestamp(cue.end)}\n"
            f"<v {cue.speaker}>{_escape(cue.text)}\n"
        )
    return "\n".join(blocks)


_TIMING = re.compile(r"^(\d{2,}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2,}):(\d{2}):(\d{2})\.(\d{3})")
_VOICE = re.compile(r"^<v(?:\.[\w.]+)? ([^>]+)>(.*)$", re.DOTALL)


def vtt_read(text: str) -> list[Cue]:
    """The cues of a WebVTT file this module wrote (or one as plain); ValueError if the
    text is not WebVTT."""
    if not text.startswith("WEBVTT"):
        raise ValueError("not a WebVTT file: it must start with 'WEBVTT'")
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())[1:]:
        lines = block.split("\n")
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None:
            continue  # NOTE, STYLE or REGION blocks
        match = _TIMING.match(lines[timing])
        if not match:
            raise ValueError(f"bad cue timing: {lines[timing]!r}")
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, match.groups())
        payload = "\n".join(lines[timing + 1 :])
        voice = _VOICE.match(payload)
        speaker, said = (voice.group(1), voice.group(2)) if voice else ("", payload)
        said = re.sub(r"</?[^>]+>", "", said)
        cues.append(
            Cue(
                start=h1 * 3600 + m1 * 60 + s1 + ms1 / 1000,
                end=h2 * 3600 + m2 * 60 + s2 + ms2 / 1000,
                speaker=speaker,
                text=unescape(said),
            )
        )
    return cues


def chapters_json(chapters: list[dict]) -> str:
    """Podcasting 2.0 JSON chapters (`application/json+chapters`)."""
    data = {
        "version": CHAPTERS_VERSION,
        "chapters": [{"startTime": c["start"], "title": c["title"]} for c in chapters],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def episode_json(*, duration: float, chapters: list[dict], build: dict) -> str:
    """`episode.json`: what the build measured, in the one layout the bundle ships."""
    data = {"duration": duration, "chapters": chapters, "build": build}
    # Sorted keys: the same text whatever order a database hands the mappings back in.
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
