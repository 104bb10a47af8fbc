"""A path as files: `path.yaml` (the manifest) plus `lessons/<slug>.md` for each lesson.

`bundle_read` parses and validates a whole folder before anything touches the
database, so a bad bundle changes nothing; every error names the file and the line.
`bundle_write` writes the same format back; what it writes for a bundle it read is
byte-identical, because the manifest has one canonical layout (the one shipped).
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .models import ResourceKind
from .podcast.files import PodcastSpec, podcast_read, podcast_write

MANIFEST = "path.yaml"
LESSON_DIR = "lessons"
PATH_KEYS = {"slug", "title", "summary", "lessons", "resources"}
LESSON_KEYS = {"slug", "title", "children"}
RESOURCE_KEYS = ["title", "authors", "year", "kind", "url", "note"]
MAX_TITLE = 200


class BundleError(ValueError):
    """A bundle that cannot be loaded; the message starts with `file:line:`."""

    def __init__(self, file: str, line: int | None, message: str):
        self.file, self.line, self.message = file, line, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


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
class PathBundle:
    slug: str
    title: str
    summary: str
    lessons: list[LessonSpec]
    resources: list[ResourceSpec]
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


def bundle_read(directory: Path | str) -> PathBundle:
    directory = Path(directory)
    manifest = directory / MANIFEST
    if not manifest.is_file():
        raise BundleError(str(manifest), None, "the manifest is missing")
    try:
        data = yaml.load(manifest.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        message = f"broken YAML: {error.problem}"
        if error.context and error.context_mark:
            message += f" ({error.context} started at line {error.context_mark.line + 1})"
        raise BundleError(str(manifest), line, message) from error
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise BundleError(str(manifest), None, f"unreadable manifest: {error}") from error

    reader = _Reader(directory, str(manifest))
    bundle = reader.path(data)
    bundle.podcast = podcast_read(directory)
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
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88)


def bundle_write(bundle: PathBundle, directory: Path | str) -> None:
    directory = Path(directory)
    (directory / LESSON_DIR).mkdir(parents=True, exist_ok=True)
    (directory / MANIFEST).write_bytes(manifest_text(bundle).encode("utf-8"))
    for spec in bundle.walk():
        (directory / LESSON_DIR / f"{spec.slug}.md").write_bytes(spec.body.encode("utf-8"))
    if bundle.podcast:
        podcast_write(bundle.podcast, directory)
