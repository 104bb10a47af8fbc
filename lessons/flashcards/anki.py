"""A path's flashcards as an Anki deck (.apkg, written by genanki).

Ids are derived from the path's slug and each card's key, so exporting again and
importing into Anki updates the same deck and notes instead of duplicating them. Each
note is tagged with its lesson's slug; faces are our rendered (sanitized) HTML, whose
\\( … \\) math Anki typesets with its built-in MathJax. Every field of a note is HTML
to Anki, so the lesson's title, plain text to us, is escaped.
"""

import hashlib
import html
import tempfile
from pathlib import Path

import genanki

from lessons.markdown import render_markdown
from lessons.models import LearningPath


def _stable_id(text: str) -> int:
    """A positive id below 2**31 from text: Anki model and deck ids must be stable."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % (1 << 31)


MODEL = genanki.Model(
    _stable_id("sample-space:basic-with-lesson"),
    "Sample Space (front, back, lesson)",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Lesson"}],
    templates=[
        {
            "name": "Card",
            "qfmt": "{{Front}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Back}}<p class="lesson">{{Lesson}}</p>',
        }
    ],
    css=".card { font-family: Georgia, serif; font-size: 20px; line-height: 1.5; "
    "max-width: 40em; margin: 0 auto; text-align: left; } .lesson { font-size: 14px; "
    "color: #666; }",
)


def deck_apkg(*, path: LearningPath) -> bytes:
    """The path's cards as the bytes of an .apkg file."""
    deck = genanki.Deck(_stable_id(f"sample-space:deck:{path.slug}"), path.title)
    for card in path.flashcards.filter(question=None).select_related("lesson"):
        lesson = html.escape(card.lesson.title) if card.lesson else ""
        deck.add_note(
            genanki.Note(
                model=MODEL,
                fields=[render_markdown(card.front).html, render_markdown(card.back).html, lesson],
                guid=genanki.guid_for(path.slug, card.key),
                tags=[card.lesson.slug] if card.lesson else [],
            )
        )
    with tempfile.TemporaryDirectory() as directory:
        file = Path(directory) / "deck.apkg"
        genanki.Package(deck).write_to_file(file)
        return file.read_bytes()
