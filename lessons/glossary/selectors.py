"""Glossary reads: a path's terms for its glossary page and for linking its lessons."""

from dataclasses import dataclass

from django.urls import reverse

from lessons.cache import cached
from lessons.models import GlossaryTerm, LearningPath, term_anchor

from .linking import Term


def glossary_url(*, path: LearningPath) -> str:
    return reverse("path_glossary", kwargs={"slug": path.slug})


def glossary_link(*, path: LearningPath) -> str | None:
    """The glossary page's URL when the path has a glossary, else None (no dead link).
    Kept per content version: no query once the path's pages are warm."""
    has_terms = cached(path.id, "has-glossary", lambda: path.glossary_terms.exists())
    return glossary_url(path=path) if has_terms else None


def glossary_terms(*, path: LearningPath) -> list[GlossaryTerm]:
    """The path's terms, each with its lesson, sorted as a glossary is: by term,
    ignoring case (one query)."""
    rows = list(path.glossary_terms.select_related("lesson"))
    for row in rows:
        row.lesson.path = path  # its URL needs the path's slug: no query per term
    return sorted(rows, key=lambda row: (row.term.casefold(), row.term))


@dataclass
class Letter:
    """The terms of a glossary that start with one letter ("#" for a digit or a sign)."""

    letter: str
    terms: list[GlossaryTerm]


def glossary_letters(*, terms: list[GlossaryTerm]) -> list[Letter]:
    """Sorted terms grouped by their first letter, for the page's A–Z index."""
    letters: list[Letter] = []
    for row in terms:
        first = row.term[0].upper() if row.term[0].isalpha() else "#"
        if not letters or letters[-1].letter != first:
            letters.append(Letter(letter=first, terms=[]))
        letters[-1].terms.append(row)
    return letters


@dataclass(frozen=True)
class LessonGlossary:
    """What a lesson page needs to link its terms: hashable, so linking is cached."""

    terms: tuple[Term, ...]
    url: str


def lesson_glossary(*, path: LearningPath) -> LessonGlossary:
    """The path's terms as the linker takes them (one query)."""
    rows = path.glossary_terms.order_by("position", "id").values_list(
        "term", "aliases", "definition"
    )
    terms = tuple(
        Term(anchor=term_anchor(term), names=(term, *aliases), definition=definition)
        for term, aliases, definition in rows
    )
    return LessonGlossary(terms=terms, url=glossary_url(path=path))
