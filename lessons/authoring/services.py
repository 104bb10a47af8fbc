"""Authoring writes: loading a bundle (the shipped paths, an upload as a new path), a
learner's own paths (clone, settings, share) and the editor's lesson tree (add, rename,
edit, move, delete)."""

import dataclasses
import itertools
import secrets
import string
from typing import Literal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lessons.cache import content_changed
from lessons.flashcards.services import cards_sync
from lessons.glossary.services import glossary_copy, glossary_sync
from lessons.markdown import render_markdown
from lessons.media import media_atomic
from lessons.models import (
    Flashcard,
    LearningPath,
    Lesson,
    PathFigure,
    QuizOption,
    QuizQuestion,
    Resource,
    Visibility,
)
from lessons.podcast.services import episode_sync
from lessons.quizzes.services import questions_sync
from lessons.reading.services import free_slug as _free_slug

from .bundle import LessonSpec, PathBundle
from .figures import FigureSpec


@media_atomic()
def path_import(*, bundle: PathBundle) -> tuple[LearningPath, bool]:
    """Create or update the path with the bundle's slug so it matches the bundle.

    Lessons are matched by slug, so learners' progress survives a re-import; rows that
    already match are not written, so loading the same bundle twice changes nothing.
    Returns the path and whether anything changed. One transaction, files included: on
    an error nothing is written, and audio stored under media/podcasts/ is deleted.
    """
    path, created = LearningPath.objects.get_or_create(
        slug=bundle.slug, defaults={"title": bundle.title, "summary": bundle.summary}
    )
    changed = created
    if (path.title, path.summary) != (bundle.title, bundle.summary):
        path.title, path.summary = bundle.title, bundle.summary
        path.save(update_fields=["title", "summary", "updated_at"])
        changed = True

    existing = {lesson.slug: lesson for lesson in path.lessons.all()}
    kept: set[str] = set()

    def sync(specs: list[LessonSpec], parent: Lesson | None) -> None:
        nonlocal changed
        for position, spec in enumerate(specs):
            wanted = {
                "parent_id": parent.id if parent else None,
                "position": position,
                "title": spec.title,
                "body": spec.body,
            }
            lesson = existing.get(spec.slug)
            if lesson is None:
                lesson = Lesson.objects.create(path=path, slug=spec.slug, **wanted)
                changed = True
            elif any(getattr(lesson, key) != value for key, value in wanted.items()):
                for key, value in wanted.items():
                    setattr(lesson, key, value)
                lesson.save(update_fields=[*wanted, "updated_at"])
                changed = True
            kept.add(spec.slug)
            sync(spec.children, lesson)

    sync(bundle.lessons, None)
    gone = [lesson.id for slug, lesson in existing.items() if slug not in kept]
    if gone:
        Lesson.objects.filter(id__in=gone).delete()
        changed = True

    wanted_resources = [
        (r.title, r.authors, r.year, r.kind, r.url, r.note) for r in bundle.resources
    ]
    current = list(path.resources.values_list("title", "authors", "year", "kind", "url", "note"))
    if current != wanted_resources:
        path.resources.all().delete()
        Resource.objects.bulk_create(
            Resource(path=path, position=i, title=t, authors=a, year=y, kind=k, url=u, note=n)
            for i, (t, a, y, k, u, n) in enumerate(wanted_resources)
        )
        changed = True
    changed |= episode_sync(path=path, spec=bundle.podcast)
    changed |= figures_sync(path=path, specs=bundle.figures)
    changed |= cards_sync(path=path, bundle=bundle)
    changed |= questions_sync(path=path, bundle=bundle)
    changed |= glossary_sync(path=path, bundle=bundle)
    content_changed(path.id)  # the syncs write with UPDATE and bulk_create: no signals
    return path, changed


def figures_sync(*, path: LearningPath, specs: list[FigureSpec]) -> bool:
    """Make the path's figures exactly the bundle's: a file whose bytes changed is
    replaced, one no longer in the bundle deleted; True if anything changed. Only the
    names and hashes are read, never the bytes of figures that stay."""
    current = dict(path.figures.values_list("name", "sha256"))
    wanted = {spec.name: spec for spec in specs}
    stale = [
        name
        for name, digest in current.items()
        if getattr(wanted.get(name), "sha256", None) != digest
    ]
    if stale:
        path.figures.filter(name__in=stale).delete()
    PathFigure.objects.bulk_create(
        PathFigure(
            path=path,
            name=spec.name,
            data=spec.data,
            content_type=spec.content_type,
            sha256=spec.sha256,
            width=spec.width,
            height=spec.height,
        )
        for spec in specs
        if current.get(spec.name) != spec.sha256
    )
    return bool(stale) or any(current.get(spec.name) != spec.sha256 for spec in specs)


# --- a learner's own paths ---------------------------------------------------------


class EditConflict(Exception):
    """The lesson changed since the editor was opened (another tab, another editor)."""

    def __init__(self, current: Lesson):
        self.current = current
        super().__init__(f"lesson {current.pk} is at version {current.version}")


SUFFIX_ALPHABET = string.ascii_lowercase + string.digits
SUFFIX_LENGTH = 6  # 36**6: two billion suffixes for each stem


def slug_suffix() -> str:
    """Six random lowercase letters and digits, such as `k3x9q2`."""
    return "".join(secrets.choice(SUFFIX_ALPHABET) for _ in range(SUFFIX_LENGTH))


def _path_create(*, base: str, own: bool = False, **fields) -> LearningPath:
    """A new learner-owned path whose slug is `base` slugified plus a random suffix
    (`small-k3x9q2`), so a slug tells nobody which private paths exist: the outcome
    looks the same whether the bare slug is free, or taken by anyone's path, private or
    not (`small-2` told that `small` was taken, and `small-7` that six were).

    `own`: `base` is in the learner's own namespace (a clone's `<slug>-<username>`),
    which only their own paths hold, so its bare slug is tried first and reveals
    nothing of others'; when it is taken a suffix is drawn as above. The unique
    constraint is the judge: if a slug is taken (for a drawn one, a chance in two
    billion), the savepoint rolls back and another suffix is drawn."""
    limit = LearningPath._meta.get_field("slug").max_length
    stem = slugify(base)[: limit - SUFFIX_LENGTH - 1].strip("-") or "path"
    bare = [slugify(base)[:limit].strip("-") or "path"] if own else []
    for slug in itertools.chain(bare, (f"{stem}-{slug_suffix()}" for _draw in range(5))):
        try:
            with transaction.atomic():
                return LearningPath.objects.create(slug=slug, **fields)
        except IntegrityError:
            continue
    raise IntegrityError(f"no free slug for '{stem}' after 5 tries")


@transaction.atomic
def path_clone(*, path: LearningPath, owner: User) -> LearningPath:
    """A deep, private copy of `path` owned by `owner`: the lesson tree with its bodies,
    the resources, the figures, the flashcards, the quiz (questions and options) and the
    glossary. The podcast is linked, not copied (see `episode_of`). One transaction, one
    INSERT per tree level
    and per kind of row, so a failure leaves no half copy and a big path copies fast."""
    copy = _path_create(
        base=f"{path.slug}-{owner.username}",
        own=True,
        title=path.title,
        summary=path.summary,
        owner=owner,
        visibility=Visibility.PRIVATE,
        cloned_from=path,
    )
    lessons = list(path.lessons.order_by("id"))
    new_ids: dict[int | None, int | None] = {None: None}
    level = [lesson for lesson in lessons if lesson.parent_id is None]
    while level:
        created = Lesson.objects.bulk_create(
            Lesson(
                path=copy,
                parent_id=new_ids[lesson.parent_id],
                position=lesson.position,
                slug=lesson.slug,
                title=lesson.title,
                body=lesson.body,
            )
            for lesson in level
        )
        new_ids.update((old.id, new.id) for old, new in zip(level, created, strict=True))
        ids = {lesson.id for lesson in level}
        level = [lesson for lesson in lessons if lesson.parent_id in ids]
    Resource.objects.bulk_create(
        Resource(
            path=copy,
            position=r.position,
            title=r.title,
            authors=r.authors,
            year=r.year,
            kind=r.kind,
            url=r.url,
            note=r.note,
        )
        for r in path.resources.all()
    )
    PathFigure.objects.bulk_create(
        PathFigure(
            path=copy,
            name=f.name,
            data=f.data,
            content_type=f.content_type,
            sha256=f.sha256,
            width=f.width,
            height=f.height,
        )
        for f in path.figures.all()
    )
    Flashcard.objects.bulk_create(
        Flashcard(
            path=copy,
            lesson_id=new_ids.get(card.lesson_id),
            key=card.key,
            position=card.position,
            front=card.front,
            back=card.back,
        )
        for card in path.flashcards.filter(question=None).order_by("position", "id")
    )
    questions = list(path.quiz_questions.order_by("position", "id").prefetch_related("options"))
    copies = QuizQuestion.objects.bulk_create(
        QuizQuestion(
            path=copy,
            lesson_id=new_ids.get(q.lesson_id),
            section=q.section,
            key=q.key,
            position=q.position,
            kind=q.kind,
            text=q.text,
            explanation=q.explanation,
            demo=q.demo,
        )
        for q in questions
    )
    QuizOption.objects.bulk_create(
        QuizOption(question=new, position=o.position, text=o.text, correct=o.correct)
        for old, new in zip(questions, copies, strict=True)
        for o in old.options.all()
    )
    glossary_copy(source=path, copy=copy, lesson_ids=new_ids)
    content_changed(copy.id)  # bulk_create sends no signals
    return copy


def path_update(
    *,
    path: LearningPath,
    title: str,
    summary: str,
    visibility: str,
    featured: bool | None = None,
    published: bool | None = None,
) -> LearningPath:
    """Change a path's settings. `featured` and `published` are staff's: None leaves
    them as they are. A path that stops being public stops being featured."""
    path.title, path.summary, path.visibility = title, summary, visibility
    fields = ["title", "summary", "visibility", "updated_at"]
    if visibility != Visibility.PUBLIC and featured is None and path.featured:
        featured = False
    if featured is not None:
        path.featured = featured
        fields.append("featured")
    if published is not None:
        path.published = published
        fields.append("published")
    path.save(update_fields=fields)
    return path


@transaction.atomic
def lesson_add(*, path: LearningPath, title: str, parent: Lesson | None = None) -> Lesson:
    """A new, empty lesson at the end of `parent`'s children (or of the top level, which
    makes a chapter). Its slug comes from the title, made unique in the path."""
    if parent is not None and parent.path_id != path.id:
        raise ValidationError(_("That chapter is not in this path."))
    taken = set(path.lessons.values_list("slug", flat=True))
    last = path.lessons.filter(parent=parent).aggregate(last=Max("position"))["last"]
    return Lesson.objects.create(
        path=path,
        parent=parent,
        position=0 if last is None else last + 1,
        slug=_free_slug(title, taken, "lesson"),
        title=title,
    )


@transaction.atomic
def lesson_update(*, lesson: Lesson, version: int, title: str, body: str | None = None) -> Lesson:
    """Save a lesson's title (and body, when given) if nobody saved it since `version`
    was read; else raise EditConflict with the lesson as it now is. The check and the
    write are one UPDATE, so two tabs saving at once cannot both win. Quiz questions
    that pointed at a heading the new body no longer has point at the lesson's top."""
    changes = {"title": title, "version": F("version") + 1, "updated_at": timezone.now()}
    if body is not None:
        changes["body"] = body
    if not Lesson.objects.filter(pk=lesson.pk, version=version).update(**changes):
        raise EditConflict(Lesson.objects.get(pk=lesson.pk))
    content_changed(lesson.path_id)  # an UPDATE sends no signal
    lesson.refresh_from_db(fields=["title", "body", "version", "updated_at"])
    if body is not None:
        headings = {heading.id for heading in render_markdown(body).headings}
        QuizQuestion.objects.filter(lesson=lesson).exclude(section="").exclude(
            section__in=headings
        ).update(section="")
    return lesson


Move = Literal["up", "down", "in", "out"]


@transaction.atomic
def lesson_move(*, lesson: Lesson, direction: Move) -> Lesson:
    """Move a lesson among its siblings (up, down), into the chapter just above it as
    its last lesson (in), or out of its chapter to just after it (out). Siblings are
    locked and renumbered 0…n, so concurrent moves queue instead of colliding."""

    def siblings(parent_id: int | None) -> list[Lesson]:
        return list(
            Lesson.objects.select_for_update()
            .filter(path_id=lesson.path_id, parent_id=parent_id)
            .order_by("position", "id")
        )

    def renumber(items: list[Lesson]) -> None:
        changed = [item for position, item in enumerate(items) if item.position != position]
        for position, item in enumerate(items):
            item.position = position
        Lesson.objects.bulk_update(changed, ["position", "parent"])

    row = siblings(lesson.parent_id)
    index = next(i for i, item in enumerate(row) if item.pk == lesson.pk)
    moving = row[index]
    if direction in ("up", "down"):
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(row):
            row[index], row[other] = row[other], row[index]
            renumber(row)
    elif direction == "in" and index > 0:
        if Lesson.objects.filter(parent=moving).exists():
            raise ValidationError(_("A chapter cannot go inside another chapter."))
        chapter = row[index - 1]
        if chapter.parent_id is not None:
            raise ValidationError(_("Only a top-level lesson can hold lessons."))
        row.pop(index)
        renumber(row)
        inside = siblings(chapter.pk)
        moving.parent = chapter
        moving.position = len(inside)
        moving.save(update_fields=["parent", "position", "updated_at"])
    elif direction == "out" and moving.parent_id is not None:
        chapter = Lesson.objects.get(pk=moving.parent_id)
        row.pop(index)
        renumber(row)
        outer = siblings(chapter.parent_id)
        at = next(i for i, item in enumerate(outer) if item.pk == chapter.pk) + 1
        moving.parent_id = chapter.parent_id
        outer.insert(at, moving)
        moving.position = -1  # so renumber writes it, with its new parent
        renumber(outer)
    lesson.refresh_from_db(fields=["parent", "position"])
    content_changed(lesson.path_id)  # bulk_update sends no signal
    return lesson


@transaction.atomic
def lesson_delete(*, lesson: Lesson) -> None:
    """Delete a lesson (a chapter with its lessons), with the flashcards and quiz
    questions that come from them. A path keeps at least one lesson: a path with none
    could not be exported or read."""
    LearningPath.objects.select_for_update().filter(pk=lesson.path_id).first()
    doomed = {lesson.pk}
    frontier = [lesson.pk]
    while frontier:  # the lesson's whole subtree
        frontier = list(Lesson.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        doomed.update(frontier)
    if not Lesson.objects.filter(path_id=lesson.path_id).exclude(pk__in=doomed).exists():
        raise ValidationError(_("A path needs at least one lesson: add another before this."))
    Flashcard.objects.filter(lesson_id__in=doomed).delete()
    QuizQuestion.objects.filter(lesson_id__in=doomed).delete()
    lesson.delete()


@media_atomic()
def path_import_as_new(*, bundle: PathBundle, owner: User) -> LearningPath:
    """Load an uploaded bundle as a NEW private path owned by `owner`: never into an
    existing path, whoever owns it. Its slug is the bundle's plus a random suffix
    (`slug-k3x9q2`, see `_path_create`); the path row is created first, so the unique
    slug claims it before anything is loaded into it."""
    claimed = _path_create(
        base=bundle.slug,
        title=bundle.title,
        summary=bundle.summary,
        owner=owner,
        visibility=Visibility.PRIVATE,
    )
    path, _changed = path_import(bundle=dataclasses.replace(bundle, slug=claimed.slug))
    return path
