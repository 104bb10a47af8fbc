"""The payload corpus through every place learner-written text is shown or exported.

Protects readers of a shared path: its owner writes every payload of tests/payloads.py
into a lesson's title and body, a card's faces, a question, its options and explanation;
the lesson, deck, card, study, quiz (question, feedback, result), editor preview and API
pages, and the Anki export, must all show them inert.
"""

import io
import re
import sqlite3
import tempfile
import zipfile
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lessons.models import Flashcard, Lesson, QuizOption, QuizQuestion, Visibility
from tests.lessons.authoring.own import owned_path
from tests.payloads import PAYLOADS, assert_inert

HOSTILE = "\n\n".join(PAYLOADS)
# What a surviving payload would carry in a tag, an attribute or a script's text.
MARKERS = re.compile(
    r"alert\(|msgbox|evil\.example|tracker\.example|position:fixed|hx-get=/logout/|modal-is-open",
    re.I,
)

TEXT_ATTRIBUTES = {"value", "title", "alt", "aria-label", "placeholder", "content"}


class _Page(HTMLParser):
    """Fails on a marker in any tag's attributes or in a script's or style's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)
        for name, value in attrs:
            if name in TEXT_ATTRIBUTES:  # shown as text, never run or loaded
                continue
            if MARKERS.search(f"{name}={value or ''}"):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]

    def handle_data(self, data):
        if self.open and self.open[-1] in {"script", "style"} and MARKERS.search(data):
            self.found.append(f"<{self.open[-1]}>{data[:80]}")


def assert_page_inert(html: str) -> None:
    parser = _Page()
    parser.feed(html)
    assert parser.found == [], parser.found


@pytest.fixture
def hostile_path(learner):
    """A public path whose owner wrote the corpus into every text field."""
    path = owned_path(learner, visibility=Visibility.PUBLIC)
    Lesson.objects.filter(path=path).update(title='<img src=x onerror=alert(1)>"', body=HOSTILE)
    Flashcard.objects.filter(path=path).update(front=HOSTILE, back=HOSTILE)
    QuizQuestion.objects.filter(path=path).update(text=HOSTILE, explanation=HOSTILE)
    QuizOption.objects.filter(question__path=path).update(text=HOSTILE)
    return path


def test_every_page_shows_the_corpus_inert(client, hostile_path, learner):
    slug = hostile_path.slug
    card = hostile_path.flashcards.first()
    reader = client  # another learner's view: anonymous first, then the owner
    urls = [
        reverse("lesson_detail", args=[slug, "one"]),
        reverse("path_detail", args=[slug]),
        reverse("path_flashcards", args=[slug]),
        reverse("flashcard_detail", args=[slug, card.key]),
        reverse("path_flashcards_study", args=[slug]),
        reverse("path_flashcards_study", args=[slug]) + "?flip=1",
    ]
    for url in urls:
        response = reader.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert_page_inert(response.content.decode())

    attempt_page = reader.post(reverse("quiz_start", args=[slug]), follow=True)
    assert_page_inert(attempt_page.content.decode())
    question = hostile_path.quiz_questions.get()
    attempt = attempt_page.context["attempt"]
    option = question.options.first()
    answered = reader.post(
        reverse("quiz_answer", args=[slug, attempt.id]),
        {"question": question.id, "options": [option.id]},
        follow=True,
    )
    assert_page_inert(answered.content.decode())
    finished = reader.post(reverse("quiz_finish", args=[slug, attempt.id]), follow=True)
    assert_page_inert(finished.content.decode())

    client.force_login(learner)
    preview = client.post(
        reverse("lesson_preview", args=[slug, "one"]), {"body": HOSTILE}, HTTP_HX_REQUEST="true"
    )
    assert preview.status_code == HTTPStatus.OK
    assert_page_inert(preview.content.decode())
    for url in (reverse("lesson_edit", args=[slug, "one"]), reverse("cards_edit", args=[slug])):
        assert_page_inert(client.get(url).content.decode())
    assert_page_inert(client.get(reverse("quiz_edit", args=[slug])).content.decode())


def test_the_api_serves_the_corpus_inert(hostile_path, learner):
    api = APIClient()
    lesson = api.get(f"/api/paths/{hostile_path.slug}/lessons/one/").json()
    assert_inert(lesson["html"])
    api.force_authenticate(learner)
    for card in api.get(f"/api/flashcards/due/?path={hostile_path.slug}").json():
        for name, value in card.items():
            if name.endswith("html"):
                assert_inert(value)


def test_the_anki_export_holds_the_corpus_inert(client, hostile_path):
    response = client.get(reverse("path_flashcards_anki", args=[hostile_path.slug]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    with tempfile.NamedTemporaryFile(suffix=".anki2") as file:
        file.write(archive.read("collection.anki2"))
        file.flush()
        with sqlite3.connect(file.name) as db:
            notes = [row[0] for row in db.execute("select flds from notes")]
    assert notes
    for fields in notes:
        for field in fields.split("\x1f"):  # front, back, the lesson's title: HTML to Anki
            assert_inert(field)
            assert "<img" not in field or 'src="figures/' in field or "src=" not in field
