"""A path as files: `path.yaml` (the manifest) plus `lessons/<slug>.md` for each lesson,
and optionally `cards.yaml` (flashcards), `quiz.yaml` (quiz questions) and a `podcast/`
folder (see lessons/podcast/files.py) beside it.

`bundle_read` parses and validates a whole folder before anything touches the
database, so a bad bundle changes nothing; every error names the file and the line.
`bundle_write` writes the same format back; what it writes for a bundle it read is
byte-identical, because the manifest has one canonical layout (the one shipped).
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lessons.errors import BundleError
from lessons.markdown import render_markdown
from lessons.models import QuestionKind, ResourceKind
from lessons.podcast.files import PodcastSpec, podcast_read, podcast_write

MANIFEST = "path.yaml"
LESSON_DIR = "lessons"
PATH_KEYS = {"slug", "title", "summary", "lessons", "resources"}
LESSON_KEYS = {"slug", "title", "children"}
RESOURCE_KEYS = ["title", "authors", "year", "kind", "url", "note"]
MAX_TITLE = 200
CARDS = "cards.yaml"
QUIZ = "quiz.yaml"
CARD_KEYS = ["key", "lesson", "front", "back"]
QUESTION_KEYS = ["key", "lesson", "section", "kind", "question", "options", "explanation"]
OPTION_KEYS = ["text", "correct"]


@dataclass
class LessonSpec:
    slug: str
    title: str
    body: str
    children: list["LessonSpec"] = field(default_factory=list)


@dataclass
class ResourceSpec:
    title: str
    authors: str
    year: int | None
    kind: str
    url: str
    note: str


@dataclass
class CardSpec:
    key: str
    lesson: str  # the slug of the lesson it comes from
    front: str
    back: str


@dataclass
class OptionSpec:
    text: str
    correct: bool = False


@dataclass
class QuestionSpec:
    key: str
    lesson: str
    section: str  # the heading id in the lesson that teaches it ("" for the top)
    kind: str
    question: str
    options: list[OptionSpec]
    explanation: str


@dataclass
class PathBundle:
    slug: str
    title: str
    summary: str
    lessons: list[LessonSpec]
    resources: list[ResourceSpec]
    cards: list[CardSpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)
    podcast: "PodcastSpec | None" = None  # the folder podcast/, see lessons/podcast/files.py

    def walk(self):
        """Every lesson depth-first, in reading order."""
        stack = list(reversed(self.lessons))
        while stack:
            lesson = stack.pop()
            yield lesson
            stack.extend(reversed(lesson.children))


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping, under the key `__line__`."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def _load_yaml(file: Path):
    try:
        return yaml.load(file.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        message = f"broken YAML: {error.problem}"
        if error.context and error.context_mark:
            message += f" ({error.context} started at line {error.context_mark.line + 1})"
        raise BundleError(str(file), line, message) from error
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise BundleError(str(file), None, f"unreadable file: {error}") from error


def bundle_read(directory: Path | str) -> PathBundle:
    directory = Path(directory)
    manifest = directory / MANIFEST
    if not manifest.is_file():
        raise BundleError(str(manifest), None, "the manifest is missing")
    reader = _Reader(directory, str(manifest))
    bundle = reader.path(_load_yaml(manifest))
    bundle.podcast = podcast_read(directory)
    lessons = {spec.slug: spec for spec in bundle.walk()}
    if (directory / CARDS).is_file():
        cards = _Reader(directory, str(directory / CARDS))
        bundle.cards = cards.cards(_load_yaml(directory / CARDS), lessons)
    if (directory / QUIZ).is_file():
        quiz = _Reader(directory, str(directory / QUIZ))
        bundle.questions = quiz.questions(_load_yaml(directory / QUIZ), lessons)
    return bundle


class _Reader:
    def __init__(self, directory: Path, manifest: str):
        self.directory, self.manifest = directory, manifest
        self.seen: dict[str, int] = {}

    def fail(self, line, message):
        raise BundleError(self.manifest, line, message)

    def mapping(self, data, keys, what, line=None):
        if not isinstance(data, dict):
            self.fail(line, f"{what} must be a mapping")
        line = data.get("__line__", line)
        unknown = set(data) - set(keys) - {"__line__"}
        if unknown:
            self.fail(line, f"unknown field(s) in {what}: {', '.join(sorted(unknown))}")
        return line

    def text(self, data, key, line, required=True, limit=None):
        value = data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(line, f"'{key}' must be a non-empty text")
        if limit and len(value) > limit:
            self.fail(line, f"'{key}' is longer than {limit} characters")
        return value

    def slug(self, data, line):
        slug = self.text(data, "slug", line)
        if not all(c.isascii() and (c.isalnum() or c in "-_") for c in slug):
            self.fail(line, f"slug '{slug}' may hold only letters, digits, '-' and '_'")
        return slug

    def path(self, data) -> PathBundle:
        line = self.mapping(data, PATH_KEYS, "the manifest", line=1)
        lessons = data.get("lessons")
        if not isinstance(lessons, list) or not lessons:
            self.fail(line, "'lessons' must be a non-empty list")
        resources = data.get("resources") or []
        if not isinstance(resources, list):
            self.fail(line, "'resources' must be a list")
        return PathBundle(
            slug=self.slug(data, line),
            title=self.text(data, "title", line, limit=MAX_TITLE),
            summary=self.text(data, "summary", line, required=False),
            lessons=[self.lesson(item, line) for item in lessons],
            resources=[self.resource(item, line) for item in resources],
        )

    def lesson(self, data, parent_line) -> LessonSpec:
        line = self.mapping(data, LESSON_KEYS, "a lesson", parent_line)
        slug = self.slug(data, line)
        if slug in self.seen:
            self.fail(line, f"duplicate lesson slug '{slug}' (first at line {self.seen[slug]})")
        self.seen[slug] = line
        body_file = self.directory / LESSON_DIR / f"{slug}.md"
        if not body_file.is_file():
            self.fail(line, f"lesson '{slug}' has no file {LESSON_DIR}/{slug}.md")
        try:
            body = body_file.read_bytes().decode("utf-8")  # bytes as-is: no newline rewriting
        except UnicodeDecodeError as error:
            raise BundleError(str(body_file), None, "not UTF-8 text") from error
        children = data.get("children") or []
        if not isinstance(children, list):
            self.fail(line, "'children' must be a list")
        return LessonSpec(
            slug=slug,
            title=self.text(data, "title", line, limit=MAX_TITLE),
            body=body,
            children=[self.lesson(child, line) for child in children],
        )

    def resource(self, data, parent_line) -> ResourceSpec:
        line = self.mapping(data, RESOURCE_KEYS, "a resource", parent_line)
        kind = self.text(data, "kind", line)
        if kind not in ResourceKind.values:
            self.fail(line, f"kind '{kind}' is not one of {', '.join(ResourceKind.values)}")
        url = self.text(data, "url", line)
        if not url.startswith(("https://", "http://")):
            self.fail(line, f"url '{url}' must start with https://")
        year = data.get("year")
        if year is not None and (not isinstance(year, int) or not 1700 <= year <= 2100):
            self.fail(line, f"year '{year}' must be a year such as 2014")
        return ResourceSpec(
            title=self.text(data, "title", line, limit=300),
            authors=self.text(data, "authors", line, required=False),
            year=year,
            kind=kind,
            url=url,
            note=self.text(data, "note", line, required=False),
        )

    def items(self, data, what) -> list:
        if not isinstance(data, list) or not data:
            self.fail(1, f"the file must be a non-empty list of {what}")
        return data

    def key(self, data, line) -> str:
        key = self.text(data, "key", line, limit=100)
        if not all(c.isascii() and (c.isalnum() or c in "-_") for c in key):
            self.fail(line, f"key '{key}' may hold only letters, digits, '-' and '_'")
        if key in self.seen:
            self.fail(line, f"duplicate key '{key}' (first at line {self.seen[key]})")
        self.seen[key] = line
        return key

    def lesson_ref(self, data, line, lessons) -> str:
        slug = self.text(data, "lesson", line)
        if slug not in lessons:
            self.fail(line, f"lesson '{slug}' is not in {MANIFEST}")
        return slug

    def cards(self, data, lessons: dict[str, LessonSpec]) -> list[CardSpec]:
        specs = []
        for item in self.items(data, "cards"):
            line = self.mapping(item, CARD_KEYS, "a card")
            specs.append(
                CardSpec(
                    key=self.key(item, line),
                    lesson=self.lesson_ref(item, line, lessons),
                    front=self.text(item, "front", line, limit=1000),
                    back=self.text(item, "back", line, limit=2000),
                )
            )
        return specs

    def questions(self, data, lessons: dict[str, LessonSpec]) -> list[QuestionSpec]:
        specs = []
        for item in self.items(data, "questions"):
            line = self.mapping(item, QUESTION_KEYS, "a question")
            lesson = self.lesson_ref(item, line, lessons)
            section = self.text(item, "section", line, required=False)
            headings = {h.id for h in render_markdown(lessons[lesson].body).headings}
            if section and section not in headings:
                self.fail(line, f"section '{section}' is not a heading of lesson '{lesson}'")
            kind = self.text(item, "kind", line)
            if kind not in QuestionKind.values:
                self.fail(line, f"kind '{kind}' is not one of {', '.join(QuestionKind.values)}")
            options = item.get("options")
            if not isinstance(options, list) or len(options) < 2:
                self.fail(line, "'options' must be a list of at least two options")
            option_specs = [self.option(option, line) for option in options]
            correct = sum(option.correct for option in option_specs)
            if kind == QuestionKind.SINGLE and correct != 1:
                self.fail(line, f"a single-answer question needs one correct option, not {correct}")
            if kind == QuestionKind.MULTIPLE and not 1 <= correct < len(option_specs):
                self.fail(line, "a multiple-answer question needs some, not all, options correct")
            specs.append(
                QuestionSpec(
                    key=self.key(item, line),
                    lesson=lesson,
                    section=section,
                    kind=kind,
                    question=self.text(item, "question", line, limit=1000),
                    options=option_specs,
                    explanation=self.text(item, "explanation", line, limit=3000),
                )
            )
        return specs

    def option(self, data, parent_line) -> OptionSpec:
        line = self.mapping(data, OPTION_KEYS, "an option", parent_line)
        correct = data.get("correct", False)
        if not isinstance(correct, bool):
            self.fail(line, "'correct' must be true or false")
        return OptionSpec(text=self.text(data, "text", line, limit=500), correct=correct)


# --- writing -----------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style everywhere; long or multi-line text as folded `>-` blocks."""


def _represent_str(dumper, value):
    if "\n" in value or len(value) > 80:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def manifest_text(bundle: PathBundle) -> str:
    def lesson(spec: LessonSpec) -> dict:
        item = {"slug": spec.slug, "title": spec.title}
        if spec.children:
            item["children"] = [lesson(child) for child in spec.children]
        return item

    data = {
        "slug": bundle.slug,
        "title": bundle.title,
        "summary": bundle.summary,
        "lessons": [lesson(spec) for spec in bundle.lessons],
        "resources": [
            {key: getattr(resource, key) for key in RESOURCE_KEYS} for resource in bundle.resources
        ],
    }
    return _dump(data)


def _dump(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88)


def cards_text(bundle: PathBundle) -> str:
    return _dump([{key: getattr(card, key) for key in CARD_KEYS} for card in bundle.cards])


def quiz_text(bundle: PathBundle) -> str:
    def option(spec: OptionSpec) -> dict:
        # only correct options say so: `correct: false` is the default and left out
        return {"text": spec.text, "correct": True} if spec.correct else {"text": spec.text}

    def question(spec: QuestionSpec) -> dict:
        item = {key: getattr(spec, key) for key in QUESTION_KEYS}
        item["options"] = [option(o) for o in spec.options]
        if not spec.section:
            del item["section"]
        return item

    return _dump([question(spec) for spec in bundle.questions])


def bundle_write(bundle: PathBundle, directory: Path | str) -> None:
    directory = Path(directory)
    (directory / LESSON_DIR).mkdir(parents=True, exist_ok=True)
    (directory / MANIFEST).write_bytes(manifest_text(bundle).encode("utf-8"))
    for spec in bundle.walk():
        (directory / LESSON_DIR / f"{spec.slug}.md").write_bytes(spec.body.encode("utf-8"))
    if bundle.cards:
        (directory / CARDS).write_bytes(cards_text(bundle).encode("utf-8"))
    if bundle.questions:
        (directory / QUIZ).write_bytes(quiz_text(bundle).encode("utf-8"))
    if bundle.podcast:
        podcast_write(bundle.podcast, directory)
