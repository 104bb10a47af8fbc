"""Writes: loading a bundle, completing a lesson, keeping anonymous progress."""

from django.contrib.auth.models import User
from django.db import transaction

from .bundle import LessonSpec, PathBundle
from .models import (
    Flashcard,
    LearningPath,
    Lesson,
    LessonCompletion,
    QuizOption,
    QuizQuestion,
    Resource,
)
from .podcast.services import episode_sync
from .selectors import SESSION_COMPLETED


@transaction.atomic
def path_import(*, bundle: PathBundle) -> tuple[LearningPath, bool]:
    """Create or update the path with the bundle's slug so it matches the bundle.

    Lessons are matched by slug, so learners' progress survives a re-import; rows that
    already match are not written, so loading the same bundle twice changes nothing.
    Returns the path and whether anything changed.
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
    changed |= _cards_sync(path=path, bundle=bundle)
    changed |= _questions_sync(path=path, bundle=bundle)
    return path, changed


def _cards_sync(*, path: LearningPath, bundle: PathBundle) -> bool:
    """Match cards by key so learners' schedules survive a re-import; write only what
    differs. Returns whether anything changed."""
    lessons = dict(path.lessons.values_list("slug", "id"))
    existing = {card.key: card for card in path.flashcards.all()}
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


def _questions_sync(*, path: LearningPath, bundle: PathBundle) -> bool:
    """Match questions by key and their options by position, so stored answers keep
    pointing at the options they chose; write only what differs."""
    lessons = dict(path.lessons.values_list("slug", "id"))
    existing = {q.key: q for q in path.quiz_questions.prefetch_related("options")}
    changed = False
    for position, spec in enumerate(bundle.questions):
        wanted = {
            "lesson_id": lessons[spec.lesson],
            "section": spec.section,
            "position": position,
            "kind": spec.kind,
            "text": spec.question,
            "explanation": spec.explanation,
        }
        question = existing.pop(spec.key, None)
        if question is None:
            question = QuizQuestion.objects.create(path=path, key=spec.key, **wanted)
            options = []
            changed = True
        else:
            if any(getattr(question, key) != value for key, value in wanted.items()):
                QuizQuestion.objects.filter(id=question.id).update(**wanted)
                changed = True
            options = list(question.options.all())
        for index, option_spec in enumerate(spec.options):
            if index >= len(options):
                QuizOption.objects.create(
                    question=question,
                    position=index,
                    text=option_spec.text,
                    correct=option_spec.correct,
                )
                changed = True
            elif (options[index].text, options[index].correct) != (
                option_spec.text,
                option_spec.correct,
            ):
                QuizOption.objects.filter(id=options[index].id).update(
                    text=option_spec.text, correct=option_spec.correct
                )
                changed = True
        extra = [option.id for option in options[len(spec.options) :]]
        if extra:
            QuizOption.objects.filter(id__in=extra).delete()
            changed = True
    if existing:
        QuizQuestion.objects.filter(id__in=[q.id for q in existing.values()]).delete()
        changed = True
    return changed


def lesson_complete(*, request, lesson: Lesson) -> None:
    """Mark a lesson complete for this learner: in the database when signed in, else in
    the session. Completing twice is the same as once."""
    if request.user.is_authenticated:
        LessonCompletion.objects.get_or_create(learner=request.user, lesson=lesson)
        return
    completed = request.session.get(SESSION_COMPLETED, [])
    if lesson.id not in completed:  # kept in the order completed: "continue" reads it
        request.session[SESSION_COMPLETED] = [*completed, lesson.id]


def progress_keep_anonymous(*, session, learner: User) -> None:
    """On sign-up or sign-in, move the session's completed lessons to the learner."""
    ids = session.pop(SESSION_COMPLETED, [])
    if not ids:
        return
    lessons = Lesson.objects.filter(id__in=ids).values_list("id", flat=True)
    LessonCompletion.objects.bulk_create(
        [LessonCompletion(learner=learner, lesson_id=lesson_id) for lesson_id in lessons],
        ignore_conflicts=True,
    )
