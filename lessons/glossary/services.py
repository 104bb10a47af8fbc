"""Glossary writes: the terms a bundle brings."""

from typing import TYPE_CHECKING

from lessons.models import GlossaryTerm, LearningPath

if TYPE_CHECKING:  # a type only: authoring imports this module, not the other way
    from lessons.authoring.bundle import PathBundle


def glossary_sync(*, path: LearningPath, bundle: "PathBundle") -> bool:
    """Make the path's terms the bundle's. Nothing of a learner hangs on a term, so a
    changed glossary is written whole; an unchanged one is not written. Returns whether
    anything changed. Runs inside the import's transaction."""
    lessons = dict(path.lessons.values_list("slug", "id"))
    wanted = [
        (spec.term, spec.aliases, spec.definition, lessons[spec.lesson]) for spec in bundle.glossary
    ]
    current = path.glossary_terms.order_by("position", "id")
    if list(current.values_list("term", "aliases", "definition", "lesson_id")) == wanted:
        return False
    current.delete()
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(path=path, position=i, term=t, aliases=a, definition=d, lesson_id=lesson)
        for i, (t, a, d, lesson) in enumerate(wanted)
    )
    return True


def glossary_copy(*, source: LearningPath, copy: LearningPath, lesson_ids: dict) -> None:
    """Copy `source`'s terms into `copy` (a clone), each pointing at the copy of its
    lesson (`lesson_ids`: old lesson id → new). One INSERT."""
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(
            path=copy,
            lesson_id=lesson_ids[row.lesson_id],
            position=row.position,
            term=row.term,
            aliases=row.aliases,
            definition=row.definition,
        )
        for row in source.glossary_terms.all()
    )
