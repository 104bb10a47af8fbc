"""Flashcard writes of a path's deck: the cards a bundle brings (matched by key) and
the deck editor's add, change and delete. Recording reviews is scheduling.py's."""

from typing import TYPE_CHECKING

from django.db import transaction

from lessons.models import Flashcard, LearningPath, Lesson
from lessons.reading.selectors import lesson_tree, tree_in_order
from lessons.reading.services import free_slug

if TYPE_CHECKING:  # a type only: authoring imports this module, not the other way
    from lessons.authoring.bundle import PathBundle


def cards_sync(*, path: LearningPath, bundle: "PathBundle") -> bool:
    """Match cards by key so learners' schedules survive a re-import; write only what
    differs. Returns whether anything changed."""
    lessons = dict(path.lessons.values_list("slug", "id"))
    existing = {card.key: card for card in path.flashcards.filter(question=None)}
    changed = False
    for position, spec in enumerate(bundle.cards):
        wanted = {
            "lesson_id": lessons[spec.lesson],
            "position": position,
            "front": spec.front,
            "back": spec.back,
        }
        card = existing.pop(spec.key, None)
        if card is None:
            Flashcard.objects.create(path=path, key=spec.key, **wanted)
            changed = True
        elif any(getattr(card, key) != value for key, value in wanted.items()):
            Flashcard.objects.filter(id=card.id).update(**wanted)
            changed = True
    if existing:
        Flashcard.objects.filter(id__in=[card.id for card in existing.values()]).delete()
        changed = True
    return changed


def _reading_rank(path: LearningPath) -> dict[int, int]:
    """Each lesson's place in reading order (one query)."""
    ordered = tree_in_order(lesson_tree(path=path))
    return {node.lesson.id: rank for rank, node in enumerate(ordered)}


def _renumber(rows: list) -> None:
    """Positions 0…n in list order; writes only the rows that moved."""
    moved = [row for position, row in enumerate(rows) if row.position != position]
    for position, row in enumerate(rows):
        row.position = position
    type(rows[0]).objects.bulk_update([row for row in moved if row.pk], ["position"])


@transaction.atomic
def card_add(*, path: LearningPath, lesson: Lesson, front: str, back: str) -> Flashcard:
    """A new card, placed after the cards of its lesson and of the lessons before it, so
    the deck keeps the path's reading order and a new learner meets it in time. Its key
    comes from the front, made unique in the path."""
    LearningPath.objects.select_for_update().filter(pk=path.pk).first()  # one adder at a time
    rank = _reading_rank(path)
    cards = list(path.flashcards.filter(question=None).order_by("position", "id"))
    at = 0
    for index, card in enumerate(cards):
        if rank.get(card.lesson_id, -1) <= rank[lesson.id]:
            at = index + 1
    card = Flashcard(
        path=path,
        lesson=lesson,
        key=free_slug(front[:60], {c.key for c in cards}, "card"),
        front=front,
        back=back,
    )
    cards.insert(at, card)
    card.position = at
    _renumber(cards)
    card.save()
    return card


def card_update(*, card: Flashcard, lesson: Lesson, front: str, back: str) -> Flashcard:
    card.lesson, card.front, card.back = lesson, front, back
    card.save(update_fields=["lesson", "front", "back"])
    return card


def card_delete(*, card: Flashcard) -> None:
    """Delete a card, with learners' schedules and reviews of it."""
    card.delete()
