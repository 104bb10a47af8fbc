"""A path as files: `path.yaml` (the manifest) plus `lessons/<slug>.md` for each lesson,
and optionally `cards.yaml` (flashcards), `quiz.yaml` (quiz questions), `glossary.yaml`
(terms, their definitions and the lessons that teach them), a `podcast/` folder (see
lessons/podcast/files.py) and a `figures/` folder (images and explorables' data, checked
by `figures.py`; a lesson shows one as `![Alt text](figures/name.svg "Caption.")`)
beside it.

`bundle_read` parses and validates a whole folder before anything touches the
database, so a bad bundle changes nothing; every error names the file and the line.
It is the one validator of everything a bundle holds: every text is checked against
the limit the database sets (read from the model field) or the editor sets
(`lessons.limits`, the editors' forms), and refused when it holds a control character
or a lone surrogate (`unsafe_text`), so whatever it accepts imports without a
database error.
A quiz question's optional `demo` (a Lab run shown after the answer) is checked
against the generators' parameters (`lessons.quizzes.demo`).
`bundle_write` writes the same format back; what it writes for a bundle it read is
byte-identical, because the manifest has one canonical layout (the one shipped).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from learning_platform.input import unsafe_text
from lessons.errors import BundleError
from lessons.limits import (
    MAX_ALIASES,
    MAX_BACK,
    MAX_BODY,
    MAX_DEFINITION,
    MAX_EXPLANATION,
    MAX_FIGURE_BYTES,
    MAX_FIGURES,
    MAX_FIGURES_BYTES,
    MAX_FRONT,
    MAX_OPTION,
    MAX_QUESTION,
    MAX_SUMMARY,
)
from lessons.markdown import render_markdown
from lessons.models import (
    Flashcard,
    GlossaryTerm,
    LearningPath,
    Lesson,
    QuestionKind,
    QuizQuestion,
    Resource,
    ResourceKind,
    term_anchor,
)
from lessons.podcast.files import PodcastSpec, podcast_read, podcast_write
from lessons.quizzes.demo import DemoInvalid, demo_check, demo_ordered

from .figures import FOLDER as FIGURES
from .figures import IMAGE_SUFFIXES, FigureError, FigureSpec, figure_check

MANIFEST = "path.yaml"
LESSON_DIR = "lessons"
PATH_KEYS = {"slug", "title", "summary", "lessons", "resources"}
LESSON_KEYS = {"slug", "title", "children"}
RESOURCE_KEYS = ["title", "authors", "year", "kind", "url", "note"]
CARDS = "cards.yaml"
QUIZ = "quiz.yaml"
CARD_KEYS = ["key", "lesson", "front", "back"]
QUESTION_KEYS = ["key", "lesson", "section", "kind", "question", "options", "explanation", "demo"]
OPTION_KEYS = ["text", "correct"]
GLOSSARY = "glossary.yaml"
GLOSSARY_KEYS = ["term", "aliases", "definition", "lesson"]
# A definition is shown as plain text in a tooltip and on the glossary page: Markdown or
# HTML in it would show as raw marks, so it is refused rather than shown wrong.
MARKUP = re.compile(
    r"<[A-Za-z/!?]"  # an HTML tag or comment
    r"|&[A-Za-z#][A-Za-z0-9]*;"  # an HTML entity
    r"|[`*$]"  # code, emphasis, math
    r"|\[[^\]]*\]\("  # a link
    r"|(?:^|\s)_[^_\s]|[^_\s]_(?:\s|$)"  # _emphasis_
    r"|^\s*(?:#|>|- |\d+\. )"  # a heading, a quote, a list
)


def _column(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# The longest text each field may hold: the database's column, or the editor's limit
# where the column has none (a TextField).
MAX_PATH_SLUG = _column(LearningPath, "slug")
MAX_PATH_TITLE = _column(LearningPath, "title")
MAX_LESSON_SLUG = _column(Lesson, "slug")
MAX_LESSON_TITLE = _column(Lesson, "title")
MAX_CARD_KEY = _column(Flashcard, "key")
MAX_QUESTION_KEY = _column(QuizQuestion, "key")
MAX_SECTION = _column(QuizQuestion, "section")
MAX_RESOURCE = {name: _column(Resource, name) for name in ("title", "authors", "url", "note")}
MAX_TERM = _column(GlossaryTerm, "term")


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
    demo: dict | None = None  # predict, then sample: see lessons/quizzes/demo.py


@dataclass
class GlossarySpec:
    term: str
    aliases: list[str]
    definition: str  # one plain sentence, no Markdown
    lesson: str  # the slug of the lesson that teaches it


@dataclass
class PathBundle:
    slug: str
    title: str
    summary: str
    lessons: list[LessonSpec]
    resources: list[ResourceSpec]
    cards: list[CardSpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)
    glossary: list[GlossarySpec] = field(default_factory=list)
    podcast: "PodcastSpec | None" = None  # the folder podcast/, see lessons/podcast/files.py
    figures: list[FigureSpec] = field(default_factory=list)  # figures/, sorted by name

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
    except RecursionError as error:
        raise BundleError(str(file), None, "unreadable file: nested too deep") from error


def bundle_read(directory: Path | str) -> PathBundle:
    directory = Path(directory)
    manifest = directory / MANIFEST
    if not manifest.is_file():
        raise BundleError(str(manifest), None, "the manifest is missing")
    reader = _Reader(directory, str(manifest))
    bundle = reader.path(_load_yaml(manifest))
    bundle.podcast = podcast_read(directory)
    bundle.figures = figures_read(directory)
    figures_referenced(directory, bundle)
    lessons = {spec.slug: spec for spec in bundle.walk()}
    if (directory / CARDS).is_file():
        cards = _Reader(directory, str(directory / CARDS))
        bundle.cards = cards.cards(_load_yaml(directory / CARDS), lessons)
    if (directory / QUIZ).is_file():
        quiz = _Reader(directory, str(directory / QUIZ))
        bundle.questions = quiz.questions(_load_yaml(directory / QUIZ), lessons)
    if (directory / GLOSSARY).is_file():
        glossary = _Reader(directory, str(directory / GLOSSARY))
        bundle.glossary = glossary.glossary(_load_yaml(directory / GLOSSARY), lessons)
    return bundle


def figures_read(directory: Path) -> list[FigureSpec]:
    """The bundle's figures/ folder, every file checked (`figure_check`), by name."""
    folder = directory / FIGURES
    if not folder.exists():
        return []
    if not folder.is_dir() or folder.is_symlink():
        raise BundleError(str(folder), None, "figures/ must be a folder")
    files = sorted(folder.iterdir())
    if len(files) > MAX_FIGURES:
        raise BundleError(str(folder), None, f"more than {MAX_FIGURES} figures")
    specs, total = [], 0
    for file in files:
        if file.is_symlink() or not file.is_file():
            raise BundleError(str(file), None, "figures/ holds only plain files, no folders")
        if file.stat().st_size > MAX_FIGURE_BYTES:  # before reading it
            raise BundleError(str(file), None, f"larger than {MAX_FIGURE_BYTES // 1_000_000} MB")
        total += file.stat().st_size
        if total > MAX_FIGURES_BYTES:
            raise BundleError(
                str(file), None, f"the figures weigh more than {MAX_FIGURES_BYTES // 1_000_000} MB"
            )
        try:
            specs.append(figure_check(file.name, file.read_bytes()))
        except FigureError as error:
            raise BundleError(str(file), None, str(error)) from None
    return specs


# `![alt](figures/name "caption")`: a figure shown in a lesson; and any other pointer into
# figures/ (a link, an HTML src), which must name a file that is there.
FIGURE_IMAGE = re.compile(
    r'!\[(?P<alt>[^\]]*)\]\(\s*figures/(?P<name>[^\s)]*)(?:\s+"(?P<title>[^"]*)")?\s*\)'
)
FIGURE_POINTER = re.compile(r"""(?:\]\(\s*|src=["']?)figures/([^\s"')>]*)""")
FENCE = re.compile(r"\s*(```|~~~)")


def figures_referenced(directory: Path, bundle: PathBundle) -> None:
    """BundleError, naming the lesson file and line, for a lesson that points at a
    figure the bundle lacks, or shows one without alt text or a caption."""
    names = {spec.name for spec in bundle.figures}
    for lesson in bundle.walk():
        file = str(directory / LESSON_DIR / f"{lesson.slug}.md")
        fenced = False
        for number, line in enumerate(lesson.body.split("\n"), 1):
            if FENCE.match(line):
                fenced = not fenced
            if fenced:
                continue
            for name in FIGURE_POINTER.findall(line):
                if name not in names:
                    raise BundleError(file, number, f"figures/{name} is not in the bundle")
            for image in FIGURE_IMAGE.finditer(line):
                if not image["name"].endswith(IMAGE_SUFFIXES):
                    raise BundleError(file, number, f"figures/{image['name']} is not an image")
                if not image["alt"].strip():
                    raise BundleError(
                        file, number, f"figures/{image['name']} needs alt text: ![what it shows]"
                    )
                if not (image["title"] or "").strip():
                    raise BundleError(
                        file,
                        number,
                        f'figures/{image["name"]} needs a caption: (figures/… "What to look at.")',
                    )


class _Reader:
    def __init__(self, directory: Path, manifest: str):
        self.directory, self.manifest = directory, manifest
        self.seen: dict[str, int] = {}
        self.headings: dict[str, set[str]] = {}  # lesson slug → its heading ids

    def fail(self, line, message):
        raise BundleError(self.manifest, line, message)

    def mapping(self, data, keys, what, line=None):
        if not isinstance(data, dict):
            self.fail(line, f"{what} must be a mapping")
        line = data.get("__line__", line)
        unknown = set(data) - set(keys) - {"__line__"}
        if unknown:
            names = ", ".join(sorted(repr(k) if unsafe_text(str(k)) else str(k) for k in unknown))
            self.fail(line, f"unknown field(s) in {what}: {names}")
        return line

    def text(self, data, key, line, *, limit: int, required=True):
        """The text under `key`: a string of at most `limit` characters, none of them
        a control character or a lone surrogate (the one check of every text)."""
        value = data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(line, f"'{key}' must be a non-empty text")
        if len(value) > limit:
            self.fail(line, f"'{key}' is longer than {limit} characters")
        if unsafe_text(value):
            self.fail(line, f"'{key}' holds a control character or an invalid character")
        return value

    def slug(self, data, line, key="slug", *, limit: int):
        slug = self.text(data, key, line, limit=limit)
        if not all(c.isascii() and (c.isalnum() or c in "-_") for c in slug):
            self.fail(line, f"{key} '{slug}' may hold only letters, digits, '-' and '_'")
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
            slug=self.slug(data, line, limit=MAX_PATH_SLUG),
            title=self.text(data, "title", line, limit=MAX_PATH_TITLE),
            summary=self.text(data, "summary", line, limit=MAX_SUMMARY, required=False),
            lessons=[self.lesson(item, line, depth=1) for item in lessons],
            resources=[self.resource(item, line) for item in resources],
        )

    def lesson(self, data, parent_line, depth: int) -> LessonSpec:
        line = self.mapping(data, LESSON_KEYS, "a lesson", parent_line)
        slug = self.slug(data, line, limit=MAX_LESSON_SLUG)
        # its file is lessons/<slug>.md: two slugs that differ only in case would be one
        # file on a case-insensitive disk (and one entry, refused, in a .zip)
        if slug.casefold() in self.seen:
            first = self.seen[slug.casefold()]
            self.fail(line, f"duplicate lesson slug '{slug}' (first at line {first})")
        self.seen[slug.casefold()] = line
        body_file = self.directory / LESSON_DIR / f"{slug}.md"
        if not body_file.is_file():
            self.fail(line, f"lesson '{slug}' has no file {LESSON_DIR}/{slug}.md")
        if body_file.stat().st_size > 4 * MAX_BODY:  # 4 bytes or fewer per character
            raise BundleError(str(body_file), None, f"longer than {MAX_BODY} characters")
        try:
            body = body_file.read_bytes().decode("utf-8")  # bytes as-is: no newline rewriting
        except UnicodeDecodeError as error:
            raise BundleError(str(body_file), None, "not UTF-8 text") from error
        if len(body) > MAX_BODY:
            raise BundleError(
                str(body_file), None, f"longer than {MAX_BODY} characters: split the lesson"
            )
        if unsafe_text(body):
            bad = next(n for n, row in enumerate(body.split("\n"), 1) if unsafe_text(row))
            raise BundleError(str(body_file), bad, "a control character or an invalid character")
        children = data.get("children") or []
        if not isinstance(children, list):
            self.fail(line, "'children' must be a list")
        if children and depth > 1:  # as in the editor: chapters of lessons, no deeper
            self.fail(line, "a lesson inside a chapter cannot hold lessons")
        return LessonSpec(
            slug=slug,
            title=self.text(data, "title", line, limit=MAX_LESSON_TITLE),
            body=body,
            children=[self.lesson(child, line, depth + 1) for child in children],
        )

    def resource(self, data, parent_line) -> ResourceSpec:
        line = self.mapping(data, RESOURCE_KEYS, "a resource", parent_line)
        kind = self.choice(data, line, ResourceKind)
        url = self.text(data, "url", line, limit=MAX_RESOURCE["url"])
        if not url.startswith(("https://", "http://")):
            self.fail(line, f"url '{url}' must start with https://")
        year = data.get("year")
        if year is not None and (not isinstance(year, int) or not 1700 <= year <= 2100):
            self.fail(line, f"year '{year}' must be a year such as 2014")
        return ResourceSpec(
            title=self.text(data, "title", line, limit=MAX_RESOURCE["title"]),
            authors=self.text(data, "authors", line, limit=MAX_RESOURCE["authors"], required=False),
            year=year,
            kind=kind,
            url=url,
            note=self.text(data, "note", line, limit=MAX_RESOURCE["note"], required=False),
        )

    def choice(self, data, line, choices) -> str:
        kind = self.text(data, "kind", line, limit=max(map(len, choices.values)))
        if kind not in choices.values:
            self.fail(line, f"kind '{kind}' is not one of {', '.join(choices.values)}")
        return kind

    def items(self, data, what) -> list:
        if not isinstance(data, list) or not data:
            self.fail(1, f"the file must be a non-empty list of {what}")
        return data

    def key(self, data, line, *, limit: int) -> str:
        key = self.slug(data, line, "key", limit=limit)
        if key in self.seen:
            self.fail(line, f"duplicate key '{key}' (first at line {self.seen[key]})")
        self.seen[key] = line
        return key

    def lesson_ref(self, data, line, lessons) -> str:
        slug = self.text(data, "lesson", line, limit=MAX_LESSON_SLUG)
        if slug not in lessons:
            self.fail(line, f"lesson '{slug}' is not in {MANIFEST}")
        return slug

    def cards(self, data, lessons: dict[str, LessonSpec]) -> list[CardSpec]:
        specs = []
        for item in self.items(data, "cards"):
            line = self.mapping(item, CARD_KEYS, "a card")
            specs.append(
                CardSpec(
                    key=self.key(item, line, limit=MAX_CARD_KEY),
                    lesson=self.lesson_ref(item, line, lessons),
                    front=self.text(item, "front", line, limit=MAX_FRONT),
                    back=self.text(item, "back", line, limit=MAX_BACK),
                )
            )
        return specs

    def questions(self, data, lessons: dict[str, LessonSpec]) -> list[QuestionSpec]:
        specs = []
        for item in self.items(data, "questions"):
            line = self.mapping(item, QUESTION_KEYS, "a question")
            lesson = self.lesson_ref(item, line, lessons)
            section = self.text(item, "section", line, limit=MAX_SECTION, required=False)
            if lesson not in self.headings:  # each lesson rendered once, not per question
                rendered = render_markdown(lessons[lesson].body)
                self.headings[lesson] = {heading.id for heading in rendered.headings}
            if section and section not in self.headings[lesson]:
                self.fail(line, f"section '{section}' is not a heading of lesson '{lesson}'")
            kind = self.choice(item, line, QuestionKind)
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
                    key=self.key(item, line, limit=MAX_QUESTION_KEY),
                    lesson=lesson,
                    section=section,
                    kind=kind,
                    question=self.text(item, "question", line, limit=MAX_QUESTION),
                    options=option_specs,
                    explanation=self.text(item, "explanation", line, limit=MAX_EXPLANATION),
                    demo=self.demo(item.get("demo"), line),
                )
            )
        return specs

    def demo(self, data, parent_line) -> dict | None:
        """A question's Lab demo, checked against the generators' parameters."""
        if data is None:
            return None
        line = data.get("__line__", parent_line) if isinstance(data, dict) else parent_line

        def plain(value):  # the loader's line numbers are not part of the data
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items() if k != "__line__"}
            return [plain(v) for v in value] if isinstance(value, list) else value

        try:
            return demo_check(plain(data))
        except DemoInvalid as error:
            self.fail(line, str(error))

    def option(self, data, parent_line) -> OptionSpec:
        line = self.mapping(data, OPTION_KEYS, "an option", parent_line)
        correct = data.get("correct", False)
        if not isinstance(correct, bool):
            self.fail(line, "'correct' must be true or false")
        return OptionSpec(text=self.text(data, "text", line, limit=MAX_OPTION), correct=correct)

    def glossary(self, data, lessons: dict[str, LessonSpec]) -> list[GlossarySpec]:
        """The glossary's entries. Every name (a term or an alias) is unique in the path,
        but for case, and so is every term's anchor on the glossary page: a lesson's word
        must link to one entry."""
        names: dict[str, int] = {}  # casefolded name → the line of its entry
        anchors: dict[str, int] = {}
        specs = []
        for item in self.items(data, "terms"):
            line = self.mapping(item, GLOSSARY_KEYS, "a glossary term")
            term = self.text(item, "term", line, limit=MAX_TERM)
            aliases = item.get("aliases") or []
            if not isinstance(aliases, list) or len(aliases) > MAX_ALIASES:
                self.fail(line, f"'aliases' must be a list of at most {MAX_ALIASES} names")
            aliases = [self.text({"aliases": a}, "aliases", line, limit=MAX_TERM) for a in aliases]
            for name in [term, *aliases]:
                if name != name.strip() or "\n" in name:
                    self.fail(line, f"'{name.strip()}' has spaces around it or a line break")
                if name.casefold() in names:
                    first = names[name.casefold()]
                    self.fail(line, f"duplicate term or alias '{name}' (first at line {first})")
                names[name.casefold()] = line
            anchor = term_anchor(term)
            if not anchor:
                self.fail(line, f"term '{term}' needs a letter or a digit")
            if anchor in anchors:
                self.fail(
                    line, f"term '{term}' has the same anchor '#{anchor}' as line {anchors[anchor]}"
                )
            anchors[anchor] = line
            definition = self.text(item, "definition", line, limit=MAX_DEFINITION)
            if MARKUP.search(definition):
                self.fail(line, "'definition' must be plain text: no Markdown or HTML")
            specs.append(
                GlossarySpec(
                    term=term,
                    aliases=aliases,
                    definition=definition,
                    lesson=self.lesson_ref(item, line, lessons),
                )
            )
        return specs


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
        if spec.demo is None:
            del item["demo"]
        else:
            item["demo"] = demo_ordered(spec.demo)
        return item

    return _dump([question(spec) for spec in bundle.questions])


class _Flow(list):
    """A list written on one line, `[a, b]`: a term's aliases."""


_Dumper.add_representer(
    _Flow, lambda dumper, value: dumper.represent_sequence("tag:yaml.org,2002:seq", value, True)
)


def glossary_text(bundle: PathBundle) -> str:
    def entry(spec: GlossarySpec) -> dict:
        item = {key: getattr(spec, key) for key in GLOSSARY_KEYS}
        item["aliases"] = _Flow(spec.aliases)
        if not spec.aliases:
            del item["aliases"]
        return item

    return _dump([entry(spec) for spec in bundle.glossary])


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
    if bundle.glossary:
        (directory / GLOSSARY).write_bytes(glossary_text(bundle).encode("utf-8"))
    if bundle.podcast:
        podcast_write(bundle.podcast, directory)
    if bundle.figures:
        (directory / FIGURES).mkdir(exist_ok=True)
        for spec in bundle.figures:
            (directory / FIGURES / spec.name).write_bytes(spec.data)
