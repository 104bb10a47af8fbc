"""Reading writes: completing a lesson, keeping an anonymous learner's progress, and the
free slug every new path, lesson, card and question takes."""

from django.contrib.auth.models import User
from django.utils.text import slugify

from lessons.cache import progress_changed
from lessons.models import Lesson, LessonCompletion

from .selectors import SESSION_COMPLETED


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
    progress_changed(learner.id)  # bulk_create sends no signal


def free_slug(base: str, taken: set[str], fallback: str, limit: int = 100) -> str:
    """The slug of `base` if free, else `…-2`, `…-3`, … within `limit` characters;
    `fallback` when the text has no letters a slug can keep (e.g. only CJK or math)."""
    base = slugify(base)[: limit - 4].strip("-") or fallback
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug
