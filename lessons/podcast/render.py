"""From script to speech: espeak-ng speaks every sentence in its speaker's voice, we
join the sentences with pauses of our own (so every cue's time is exact, counted in
samples of the real audio), and ffmpeg encodes the whole as a spoken-word MP3.

Deterministic: the same script with the same voices gives the same bytes (ffmpeg runs
bit-exact and writes no metadata; nothing here reads the clock or a random source).
"""

import hashlib
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .formats import Cue
from .script import SPEAKERS, Script


@dataclass(frozen=True)
class Voice:
    espeak: str  # espeak-ng voice (language + variant)
    speed: int  # words per minute


VOICES = {
    "HOST": Voice(espeak="en-us+m3", speed=165),
    "EXPERT": Voice(espeak="en-gb+f3", speed=160),
}
SAMPLE_RATE = 22050  # espeak-ng's own rate: speech needs nothing higher
BITRATE = "40k"  # constant bitrate: spoken word, and exact seeking in every player
AUDIO_TYPE = "audio/mpeg"
# Pauses, in seconds: between sentences of one turn, between turns, before a chapter.
PAUSE_SENTENCE, PAUSE_TURN, PAUSE_CHAPTER = 0.3, 0.65, 1.3
LEAD_IN, TAIL = 0.5, 0.6
QUIET = 0.01  # of full scale: below this, espeak's leading and trailing samples are cut
PEAK = 0.89  # about -1 dBFS after normalising
LOUDNESS = "loudnorm=I=-18:TP=-1.5:LRA=11"  # EBU R128 to -18 LUFS, a spoken-word level
TOOLS = ("espeak-ng", "ffmpeg")


class RenderError(RuntimeError):
    """The audio could not be made (a tool is missing or failed)."""


@dataclass(frozen=True)
class Rendering:
    audio: bytes  # the encoded MP3
    duration: float  # seconds, from the samples
    chapters: list[dict]  # [{"title": ..., "start": seconds}]
    cues: list[Cue]
    build: dict  # how it was made: voices, bitrate, the script's hash


def tools_missing() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    except FileNotFoundError as error:
        raise RenderError(
            f"{command[0]} is not installed (apt-get install {command[0]})"
        ) from error
    except subprocess.CalledProcessError as error:
        detail = error.stderr.decode(errors="replace").strip()[-300:]
        raise RenderError(f"{command[0]} failed: {detail}") from error


def _speak(text: str, voice: Voice, workdir: Path, number: int) -> np.ndarray:
    """One sentence as int16 samples, its leading and trailing silence cut."""
    source, target = workdir / f"{number}.txt", workdir / f"{number}.wav"
    source.write_text(text, encoding="utf-8")
    _run(
        [
            "espeak-ng",
            "-v",
            voice.espeak,
            "-s",
            str(voice.speed),
            "-f",
            str(source),
            "-w",
            str(target),
        ]
    )
    with wave.open(str(target), "rb") as wav:
        if wav.getframerate() != SAMPLE_RATE or wav.getsampwidth() != 2:
            raise RenderError(f"espeak-ng wrote {wav.getframerate()} Hz audio, not {SAMPLE_RATE}")
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > QUIET * 32767)
    if loud.size == 0:
        raise RenderError(f"espeak-ng said nothing for {text[:40]!r}")
    margin_before, margin_after = int(0.02 * SAMPLE_RATE), int(0.06 * SAMPLE_RATE)
    return samples[max(loud[0] - margin_before, 0) : loud[-1] + margin_after]


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * SAMPLE_RATE), dtype="<i2")


def render_episode(script: Script, *, script_text: str) -> Rendering:
    """Speak the script, join it, encode it; time every sentence and chapter."""
    missing = tools_missing()
    if missing:
        raise RenderError(f"missing {', '.join(missing)}: apt-get install {' '.join(missing)}")
    parts: list[np.ndarray] = [_silence(LEAD_IN)]
    position = len(parts[0])  # in samples
    chapters, cues = [], []
    with tempfile.TemporaryDirectory(prefix="podcast-") as tmp:
        workdir = Path(tmp)
        number = 0
        for index, chapter in enumerate(script.chapters):
            if index:
                parts.append(_silence(PAUSE_CHAPTER))
                position += len(parts[-1])
            start = round(position / SAMPLE_RATE, 3) if index else 0.0  # the lead-in is in it
            chapters.append({"title": chapter.title, "start": start})
            for turn_index, turn in enumerate(chapter.turns):
                for sentence_index, sentence in enumerate(turn.sentences):
                    if turn_index or sentence_index:
                        pause = PAUSE_SENTENCE if sentence_index else PAUSE_TURN
                        parts.append(_silence(pause))
                        position += len(parts[-1])
                    number += 1
                    speech = _speak(sentence, VOICES[turn.speaker], workdir, number)
                    cues.append(
                        Cue(
                            start=round(position / SAMPLE_RATE, 3),
                            end=round((position + len(speech)) / SAMPLE_RATE, 3),
                            speaker=SPEAKERS[turn.speaker],
                            text=sentence,
                        )
                    )
                    parts.append(speech)
                    position += len(speech)
        parts.append(_silence(TAIL))
        samples = np.concatenate(parts).astype(np.float64)
        samples *= PEAK * 32767 / max(np.abs(samples).max(), 1.0)
        joined = workdir / "episode.wav"
        with wave.open(str(joined), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(SAMPLE_RATE)
            wav.writeframes(np.round(samples).astype("<i2").tobytes())
        encoded = workdir / "episode.mp3"
        _run(
            [
                "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                "-i", str(joined),
                "-af", LOUDNESS,
                "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
                "-c:a", "libmp3lame", "-b:a", BITRATE, "-ac", "1", "-ar", str(SAMPLE_RATE),
                "-id3v2_version", "0", "-write_id3v1", "0",
                "-f", "mp3", str(encoded),
            ]
        )  # fmt: skip
        audio = encoded.read_bytes()
    build = {
        "voices": {tag: f"{v.espeak} at {v.speed} words per minute" for tag, v in VOICES.items()},
        "audio": f"MP3, mono, {SAMPLE_RATE} Hz, {BITRATE}bit/s constant, {LOUDNESS}",
        "script_sha256": hashlib.sha256(script_text.encode("utf-8")).hexdigest(),
    }
    return Rendering(
        audio=audio,
        duration=round(len(samples) / SAMPLE_RATE, 3),
        chapters=chapters,
        cues=cues,
        build=build,
    )


def probe_duration(path: Path | str) -> float:
    """The duration of an audio file as a decoder sees it (ffprobe); RenderError if the
    file is not audio ffprobe can read."""
    if shutil.which("ffprobe") is None:
        raise RenderError("ffprobe is not installed (apt-get install ffmpeg)")
    result = subprocess.run(
        [
            "ffprobe", "-v", "error", "-select_streams", "a:0",
            "-show_entries", "format=duration:stream=codec_type",
            "-of", "default=noprint_wrappers=1", str(path),
        ],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    values = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    if result.returncode or values.get("codec_type") != "audio":
        raise RenderError("not an audio file ffprobe can read")
    try:
        return float(values["duration"])
    except (KeyError, ValueError) as error:
        raise RenderError("the audio has no measurable duration") from error
