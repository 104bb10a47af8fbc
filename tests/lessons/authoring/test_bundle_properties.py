"""Property tests of the one bundle validator (issue 13): hypothesis writes bundle
folders, valid ones and ones with random mutations (texts at and past their limits,
control characters, NUL, lone surrogates, duplicate slugs and keys, slugs differing
only in case, glossary names twice or Markdown in a definition, huge bodies, wrong
types, a broken podcast), and checks the contract:

    whatever `bundle_read` accepts, the importer imports without an error;
    whatever it refuses (BundleError) writes nothing: rows and media files unchanged.
"""

import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lessons.authoring import bundle as spec
from lessons.authoring.bundle import bundle_read
from lessons.authoring.services import path_import, path_import_as_new
from lessons.errors import BundleError
from lessons.limits import MAX_BODY
from tests.conftest import FIRST_PATH_DIR
from tests.lessons.authoring.own import database_state

PROPERTY = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SAFE = "abcdefghij KLMN-_.éß→漢$"
HEADING = "## Sec one\n\n"  # its id is `sec-one`
UNSAFE = ["\0", "\x07", "\x1b", "\x7f", "\ud800", "\udfff", "\x0c"]
# What a mutation puts in place of one text: past (or at) every limit, unsafe
# characters, NUL, lone surrogates, the wrong type, an unknown or a taken name.
BAD = st.one_of(
    st.sampled_from(["x" * n for n in (100, 101, 200, 201, 300, 301, 500, 501, 2001, 3001)]),
    st.tuples(st.text(SAFE, max_size=5), st.sampled_from(UNSAFE)).map("".join),
    st.sampled_from([None, 3, 2.5, True, [], {"a": 1}, "", "   ", "a/b", "é", "sec-one"]),
    st.sampled_from(["s" * 101, "h" * 101, "ftp://e.org", "https://e.org/" + "u" * 487]),
)
STRUCTURAL = [
    "duplicate lesson slug",
    "lesson slug differing in case",
    "duplicate card key",
    "duplicate question key",
    "lesson slug of 101 characters",
    "body over MAX_BODY",
    "body of MAX_BODY multi-byte characters",
    "NUL in a body",
    "missing body",
    "heading id of 101 characters as section",
    "a third level of lessons",
    "unknown field",
    "a number as a key",
    "fake audio",
    "NUL in the script",
    "NUL in the transcript",
    "NaN in episode.json",
    "NUL in episode.json",
    "glossary term twice but for case",
    "glossary alias of another term",
    "glossary term of an unknown lesson",
    "Markdown in a definition",
]

words = st.text(SAFE, min_size=1, max_size=20).filter(str.strip)
lesson_trees = st.lists(
    st.fixed_dictionaries(
        {"title": words, "children": st.lists(st.fixed_dictionaries({"title": words}), max_size=2)}
    ),
    min_size=1,
    max_size=3,
)
resources = st.fixed_dictionaries(
    {
        "title": words,
        "authors": words,
        "year": st.sampled_from([2020, None]),
        "kind": st.sampled_from(["paper", "book"]),
        "url": words.map(lambda w: "https://example.org/" + w),
        "note": words,
    }
)
questions = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["single", "multiple"]),
        "section": st.sampled_from(["", "sec-one"]),
        "question": words,
        "options": st.lists(words, min_size=3, max_size=4),
        "explanation": words,
    }
)
# A definition is plain text: no `$`, `_`, `*`, or a leading "- " (Markdown).
plain = st.text("abcdefghij KLMN.éß→漢", min_size=1, max_size=40).filter(str.strip)
glossary_terms = st.tuples(words, st.lists(words, max_size=2), plain, st.integers(0, 9))
bundles = st.fixed_dictionaries(
    {
        "slug": st.sampled_from(["small", "a-b_c", "s" * 100]),
        "title": words,
        "summary": words,
        "lessons": lesson_trees,
        "resources": st.lists(resources, max_size=2),
        "cards": st.lists(st.tuples(words, words, st.integers(0, 9)), max_size=3),
        "questions": st.lists(st.tuples(questions, st.integers(0, 9)), max_size=3),
        "glossary": st.lists(glossary_terms, max_size=3),
        "podcast": st.sampled_from([None, "as shipped", "script only"]),
        # none in some examples: those bundles must be accepted
        "mutations": st.lists(
            st.one_of(
                st.tuples(st.just("text"), st.integers(0, 10**6), BAD),
                st.tuples(st.just("structure"), st.integers(0, 10**6), st.sampled_from(STRUCTURAL)),
            ),
            max_size=3,
        ),
    }
)


def files_of(data: dict) -> dict:
    """The valid bundle's files as data: path.yaml, bodies, cards.yaml, quiz.yaml,
    glossary.yaml."""
    lessons, bodies = [], {}
    for i, chapter in enumerate(data["lessons"]):
        children = []
        for j, child in enumerate(chapter["children"]):
            children.append({"slug": f"l{i}-{j}", "title": child["title"]})
            bodies[f"l{i}-{j}"] = f"Body of l{i}-{j}.\n"
        lessons.append({"slug": f"l{i}", "title": chapter["title"]})
        if children:
            lessons[-1]["children"] = children
        bodies[f"l{i}"] = HEADING + f"Chapter {i}, with $x^2$.\n"
    chapters = [f"l{i}" for i in range(len(data["lessons"]))]
    cards = [
        {"key": f"c{n}", "lesson": chapters[at % len(chapters)], "front": f, "back": b}
        for n, (f, b, at) in enumerate(data["cards"])
    ]
    quiz = []
    for n, (q, at) in enumerate(data["questions"]):
        correct = 1 if q["kind"] == "single" else 2
        options = [
            {"text": t, "correct": True} if k < correct else {"text": t}
            for k, t in enumerate(q["options"])
        ]
        item = {"key": f"q{n}", "lesson": chapters[at % len(chapters)], "kind": q["kind"]}
        if q["section"]:
            item["section"] = q["section"]
        quiz.append(
            {**item, "question": q["question"], "options": options, "explanation": q["explanation"]}
        )
    glossary = [
        {
            "term": f"term{n} {term.strip()}",  # unique, with a letter: valid
            "aliases": [f"alias{n}-{k} {alias.strip()}" for k, alias in enumerate(aliases)],
            "definition": definition.strip(),
            "lesson": chapters[at % len(chapters)],
        }
        for n, (term, aliases, definition, at) in enumerate(data["glossary"])
    ]
    manifest = {
        "slug": data["slug"],
        "title": data["title"],
        "summary": data["summary"],
        "lessons": lessons,
        "resources": data["resources"],
    }
    return {
        "manifest": manifest,
        "bodies": bodies,
        "cards": cards,
        "quiz": quiz,
        "glossary": glossary,
        "podcast": data["podcast"],
    }


def text_places(value, found=None) -> list:
    """(container, key) of every text in the YAML data, in a stable order."""
    found = [] if found is None else found
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(item, str):
            found.append((value, key))
        elif isinstance(item, dict | list):
            text_places(item, found)
    return found


def mutate(files: dict, kind: str, at: int, what) -> None:
    manifest, lessons = files["manifest"], files["manifest"]["lessons"]
    if kind == "text":
        places = text_places([manifest, files["cards"], files["quiz"], files["glossary"]])
        container, key = places[at % len(places)]
        container[key] = what
        return
    first = lessons[0]
    if what == "duplicate lesson slug" and len(lessons) > 1:
        lessons[-1]["slug"] = first["slug"]
    elif what == "lesson slug differing in case":
        lessons.append({"slug": first["slug"].upper(), "title": "Upper"})
        files["bodies"][first["slug"].upper()] = "Upper.\n"
    elif what == "duplicate card key" and len(files["cards"]) > 1:
        files["cards"][-1]["key"] = files["cards"][0]["key"]
    elif what == "duplicate question key" and len(files["quiz"]) > 1:
        files["quiz"][-1]["key"] = files["quiz"][0]["key"]
    elif what == "lesson slug of 101 characters":
        lessons.append({"slug": "s" * 101, "title": "Long"})
        files["bodies"]["s" * 101] = "Long.\n"
    elif what == "body over MAX_BODY":
        files["bodies"][first["slug"]] = "w" * (MAX_BODY + 1)
    elif what == "body of MAX_BODY multi-byte characters":
        files["bodies"][first["slug"]] = "漢" * MAX_BODY
    elif what == "NUL in a body":
        files["bodies"][first["slug"]] += "A NUL \0 here.\n"
    elif what == "missing body":
        del files["bodies"][first["slug"]]
    elif what == "heading id of 101 characters as section" and files["quiz"]:
        files["bodies"][files["quiz"][0]["lesson"]] += "\n## " + "h" * 101 + "\n\nText.\n"
        files["quiz"][0]["section"] = "h" * 101
    elif what == "a third level of lessons" and "children" in first:
        first["children"][0]["children"] = [{"slug": "deep", "title": "Deep"}]
        files["bodies"]["deep"] = "Deep.\n"
    elif what == "unknown field":
        manifest["extra"] = "an unknown field"
    elif what == "a number as a key":
        manifest[7] = "a number"
        manifest[2.5] = "and a float"
    elif what == "glossary term twice but for case" and len(files["glossary"]) > 1:
        files["glossary"][-1]["term"] = files["glossary"][0]["term"].upper()
    elif what == "glossary alias of another term" and len(files["glossary"]) > 1:
        files["glossary"][-1]["aliases"].append(files["glossary"][0]["term"])
    elif what == "glossary term of an unknown lesson" and files["glossary"]:
        files["glossary"][0]["lesson"] = "no-such-lesson"
    elif what == "Markdown in a definition" and files["glossary"]:
        files["glossary"][0]["definition"] = "A *bold* claim."
    elif what in ("fake audio", "NUL in the script", "NUL in the transcript") or "json" in what:
        files["podcast"] = what


def dump(data) -> str:
    # allow_unicode=False: control characters and lone surrogates become escapes
    return yaml.safe_dump(data, allow_unicode=False, sort_keys=False)


def write(folder: Path, files: dict) -> None:
    (folder / "lessons").mkdir(parents=True)
    (folder / "path.yaml").write_text(dump(files["manifest"]))
    for name, body in files["bodies"].items():
        (folder / "lessons" / f"{name}.md").write_bytes(body.encode("utf-8"))
    if files["cards"]:
        (folder / "cards.yaml").write_text(dump(files["cards"]))
    if files["quiz"]:
        (folder / "quiz.yaml").write_text(dump(files["quiz"]))
    if files["glossary"]:
        (folder / "glossary.yaml").write_text(dump(files["glossary"]))
    if files["podcast"] is not None:
        podcast(folder / "podcast", files["podcast"])


def podcast(folder: Path, how: str) -> None:
    shutil.copytree(FIRST_PATH_DIR / "podcast", folder)
    script, transcript, meta = (folder / n for n in ("script.md", "transcript.vtt", "episode.json"))
    if how == "script only":
        for file in (folder / "episode.mp3", transcript, meta):
            file.unlink()
    elif how == "fake audio":
        (folder / "episode.mp3").write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"x" * 4000)
    elif how == "NUL in the script":
        script.write_text(script.read_text().replace("\n\n", "\n\0\n", 1))
    elif how == "NUL in the transcript":
        transcript.write_text(transcript.read_text().replace("\n\n", "\n\0\n", 1))
    elif how == "NUL in episode.json":
        meta.write_text(meta.read_text().replace('"build": {', '"build": {"x": "\\u0000", ', 1))
    elif how == "NaN in episode.json":
        meta.write_text(meta.read_text().replace('"build": {', '"build": {"x": NaN, ', 1))


def generated(data: dict, folder: Path) -> bool:
    """Write the generated bundle into `folder`; whether it was mutated."""
    files = files_of(data)
    for kind, at, what in data["mutations"]:
        mutate(files, kind, at, what)
    write(folder, files)
    return bool(data["mutations"])


def media_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.django_db
@PROPERTY
@given(data=bundles, as_new=st.booleans())
def test_what_the_reader_accepts_imports_and_what_it_refuses_writes_nothing(
    data, as_new, learner, media
):
    """Protects the contract of the one validator: no bundle gets past `bundle_read`
    that the database then refuses (an IntegrityError/DataError: a 500 on upload), a
    refused bundle leaves every row and every media file as it was, and an unmutated
    bundle is accepted. Both importers: staff's `path_import` (re-importing into the
    same path across examples, so updates are covered too) and the upload's
    `path_import_as_new`."""
    before = (database_state(), media_files(media))
    with tempfile.TemporaryDirectory(prefix="bundle-") as tmp:
        folder = Path(tmp) / "b"
        mutated = generated(data, folder)
        try:
            bundle = bundle_read(folder)
        except BundleError as error:
            event("refused")
            assert mutated, error
            assert str(error).startswith(str(folder))  # it names the file
            assert (database_state(), media_files(media)) == before
            return
    event("accepted, mutated" if mutated else "accepted")
    if as_new:
        path = path_import_as_new(bundle=bundle, owner=learner)
    else:
        path, _changed = path_import(bundle=bundle)
    assert path.lessons.count() == sum(1 for _ in bundle.walk())
    assert path.flashcards.count() == len(bundle.cards)
    assert path.quiz_questions.count() == len(bundle.questions)
    assert path.glossary_terms.count() == len(bundle.glossary)


@pytest.mark.django_db
@PROPERTY
@given(data=bundles)
def test_what_the_reader_accepts_it_accepts_again_as_written(data):
    """Protects the round trip: a bundle the reader accepted, written back with
    `bundle_write`, is read again as the same bundle (the writer emits nothing the
    reader refuses)."""
    with tempfile.TemporaryDirectory(prefix="bundle-") as tmp:
        generated(data, Path(tmp) / "a")
        try:
            first = bundle_read(Path(tmp) / "a")
        except BundleError:
            return
        spec.bundle_write(first, Path(tmp) / "b")
        assert bundle_read(Path(tmp) / "b") == first
