"""The podcast script: a title, a description, then chapters of speaker lines.

```
# Episode title

One paragraph describing the episode.

## First chapter

HOST: A question.
EXPERT: An answer, one turn per line.
```

`script_parse` validates everything and raises `ScriptError(line, message)`; the bundle
reader turns that into `path/podcast/script.md:line: message`.
"""

import re
from dataclasses import dataclass

SPEAKERS = {"HOST": "Host", "EXPERT": "Expert"}  # the tag in the script → the name shown
MAX_TITLE = 200
MAX_TURN = 1200  # characters: a turn longer than this is two turns
_TURN = re.compile(r"^([A-Z]+):\s*(.*)$")
# A sentence ends at . ! or ? followed by a space and a capital letter or a digit.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'“])")


class ScriptError(ValueError):
    def __init__(self, line: int, message: str):
        self.line, self.message = line, message
        super().__init__(f"{line}: {message}")


@dataclass(frozen=True)
class Turn:
    speaker: str  # a key of SPEAKERS
    text: str
    line: int

    @property
    def sentences(self) -> list[str]:
        """The turn cut into sentences: each becomes one cue of the transcript."""
        return [s for s in _SENTENCE_END.split(self.text) if s]


@dataclass(frozen=True)
class Chapter:
    title: str
    line: int
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class Script:
    title: str
    description: str
    chapters: tuple[Chapter, ...]


def script_parse(text: str) -> Script:
    title = None
    description: list[str] = []
    chapters: list[tuple[str, int, list[Turn]]] = []
    lines = text.splitlines()
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if title is None:
            if not line.startswith("# ") or not line[2:].strip():
                raise ScriptError(number, "the script must start with '# Episode title'")
            title = line[2:].strip()
            if len(title) > MAX_TITLE:
                raise ScriptError(number, f"the title is longer than {MAX_TITLE} characters")
            continue
        if line.startswith("## "):
            heading = line[3:].strip()
            if not heading:
                raise ScriptError(number, "a chapter heading needs a title")
            if chapters and not chapters[-1][2]:
                raise ScriptError(chapters[-1][1], f"chapter '{chapters[-1][0]}' has no lines")
            chapters.append((heading, number, []))
            continue
        if line.startswith("#"):
            raise ScriptError(number, "chapters are '## Title' headings; only the title uses '#'")
        match = _TURN.match(line)
        if not chapters:
            if match:
                raise ScriptError(number, "a speaker line before the first '## chapter'")
            description.append(line)
            continue
        if not match:
            expected = " or ".join(f"'{tag}: …'" for tag in SPEAKERS)
            raise ScriptError(number, f"expected {expected}, a '## chapter' or a blank line")
        speaker, said = match.groups()
        if speaker not in SPEAKERS:
            raise ScriptError(number, f"unknown speaker '{speaker}' (use {' or '.join(SPEAKERS)})")
        if not said.strip():
            raise ScriptError(number, f"{speaker} says nothing")
        if len(said) > MAX_TURN:
            raise ScriptError(number, f"a turn longer than {MAX_TURN} characters: split it")
        chapters[-1][2].append(Turn(speaker=speaker, text=said.strip(), line=number))
    if title is None:
        raise ScriptError(1, "the script is empty")
    if not chapters:
        raise ScriptError(len(lines) or 1, "the script has no '## chapter'")
    if not chapters[-1][2]:
        raise ScriptError(chapters[-1][1], f"chapter '{chapters[-1][0]}' has no lines")
    return Script(
        title=title,
        description=" ".join(description),
        chapters=tuple(Chapter(title=t, line=n, turns=tuple(turns)) for t, n, turns in chapters),
    )
