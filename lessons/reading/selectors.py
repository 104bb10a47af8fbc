"""Reading reads: the paths a user may see, read and edit, the lesson tree, and a
learner's progress. Each documents its queries."""

from dataclasses import dataclass, field
from functools import partial

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.urls import reverse

from lessons.cache import cached, progress_cached
from lessons.markdown import FigureFile, FigureSet
from lessons.models import LearningPath, Lesson, LessonCompletion, PathFigure, Visibility

SESSION_COMPLETED = "completed_lessons"  # anonymous learners' completed lesson ids


@dataclass
class LessonNode:
    """One lesson in a tree read by `lesson_tree`, with its place in reading order."""

    lesson: Lesson
    depth: int
    number: str  # "3.2": the chapter number, then the lesson's number in it
    children: list["LessonNode"] = field(default_factory=list)


def paths_visible(*, user: User | AnonymousUser) -> QuerySet[LearningPath]:
    """Paths listed on the home page: published public ones and the user's own,
    featured ones first."""
    listed = Q(visibility=Visibility.PUBLIC, published=True)
    if user.is_authenticated:
        listed |= Q(owner=user)
    return LearningPath.objects.filter(listed).order_by("-featured", "title", "id")


def path_readable(*, user: User | AnonymousUser) -> QuerySet[LearningPath]:
    """Paths a user may open by URL: published public and unlisted ones, their own, and
    all of them for staff. Anything else answers 404, so a private path stays unseen."""
    if user.is_staff:
        return LearningPath.objects.all()
    readable = Q(visibility__in=[Visibility.PUBLIC, Visibility.UNLISTED], published=True)
    if user.is_authenticated:
        readable |= Q(owner=user)
    return LearningPath.objects.filter(readable)


def path_can_edit(*, user: User | AnonymousUser, path: LearningPath) -> bool:
    """Only a path's owner and staff edit it (staff-owned paths have no owner)."""
    if not user.is_authenticated:
        return False
    return user.is_staff or (path.owner_id is not None and path.owner_id == user.id)


def lesson_tree(*, path: LearningPath) -> list[LessonNode]:
    """The whole tree of a path in one query (every lesson carries its path)."""
    lessons = list(Lesson.objects.filter(path=path).order_by("position", "id"))
    for lesson in lessons:
        lesson.path = path  # their URLs need the path's slug: no query per lesson
    return build_tree(lessons)


def reading_tree(*, path: LearningPath) -> list[LessonNode]:
    """The tree as the reading pages show it, without lesson bodies, from the cache:
    two queries per content version of the path, none after (lessons/cache.py). Its
    lessons carry the path as read under that version; the tree is shared by every
    request: never change it."""

    def build() -> list[LessonNode]:
        lessons = Lesson.objects.filter(path=path).defer("body").order_by("position", "id")
        tree = build_tree(list(lessons))
        _attach(tree, LearningPath.objects.get(pk=path.pk))  # read after the version
        return tree

    return cached(path.id, "tree", build)


def _attach(nodes: list[LessonNode], path: LearningPath) -> None:
    for node in nodes:  # their URLs need the path's slug: no query per lesson
        node.lesson.path = path
        _attach(node.children, path)


def build_tree(lessons: list[Lesson]) -> list[LessonNode]:
    """Nest a path's lessons (sorted by position) into a tree."""
    by_parent: dict[int | None, list[Lesson]] = {}
    for lesson in lessons:
        by_parent.setdefault(lesson.parent_id, []).append(lesson)

    def build(parent_id: int | None, depth: int, prefix: str) -> list[LessonNode]:
        nodes = []
        for index, lesson in enumerate(by_parent.get(parent_id, []), start=1):
            number = f"{prefix}{index}"
            node = LessonNode(lesson=lesson, depth=depth, number=number)
            node.children = build(lesson.id, depth + 1, f"{number}.")
            nodes.append(node)
        return nodes

    return build(None, 0, "")


def reading_in_order(*, path: LearningPath) -> list[LessonNode]:
    """The cached tree's nodes in reading order (see `reading_tree`)."""
    return tree_in_order(reading_tree(path=path))


def tree_in_order(tree: list[LessonNode]) -> list[LessonNode]:
    """The nodes depth-first: the order a learner reads them in."""
    ordered: list[LessonNode] = []
    for node in tree:
        ordered.append(node)
        ordered.extend(tree_in_order(node.children))
    return ordered


@dataclass
class PathProgress:
    """How far a learner is through a path, and where to pick up."""

    done: int
    total: int
    continue_at: Lesson | None  # the next lesson after the last one completed

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def path_progress(*, ordered: list[LessonNode], recent: list[int]) -> PathProgress:
    """Progress over a tree already read. `recent` lists completed lesson ids, oldest
    first; "continue" is the first unfinished lesson after the most recent one."""
    lessons = [node.lesson for node in ordered]
    completed = set(recent)
    done = sum(1 for lesson in lessons if lesson.id in completed)
    continue_at = None
    if done:
        ids = [lesson.id for lesson in lessons]
        last = next((lesson_id for lesson_id in reversed(recent) if lesson_id in ids), None)
        start = ids.index(last) if last is not None else 0
        after_last = lessons[start:] + lessons[:start]  # wrap round to earlier gaps
        continue_at = next((lesson for lesson in after_last if lesson.id not in completed), None)
    return PathProgress(done=done, total=len(lessons), continue_at=continue_at)


def completions_in_order(*, request, path: LearningPath) -> list[int]:
    """This learner's completed lesson ids in the path, oldest first: for a signed-in
    learner one query per change of their progress or the path's content, then from
    the cache; none for an anonymous one."""
    if request.user.is_authenticated:
        build = partial(_completions_in_order, request=request, paths=[path])
        return progress_cached(request.user.id, path.id, "completions", build)
    return _completions_in_order(request=request, paths=[path])


def _completions_in_order(*, request, paths: list[LearningPath]) -> list[int]:
    """Completed lesson ids in these paths, oldest first: one query for a signed-in
    learner, none for an anonymous one (their session holds them)."""
    if request.user.is_authenticated:
        return list(
            LessonCompletion.objects.filter(learner=request.user, lesson__path__in=paths)
            .order_by("completed_at", "id")
            .values_list("lesson_id", flat=True)
        )
    return list(request.session.get(SESSION_COMPLETED, []))


@dataclass
class Reading:
    """A path's tree and one learner's place in it, as the reading pages show them."""

    tree: list[LessonNode]
    ordered: list[LessonNode]  # depth-first, the order a learner reads in
    completed: set[int]
    progress: PathProgress


def path_reading(*, request, path: LearningPath) -> Reading:
    """The tree (cached, without bodies) and this learner's progress through it: one
    query when signed in (completions), none for an anonymous reader."""
    tree = reading_tree(path=path)
    ordered = tree_in_order(tree)
    recent = completions_in_order(request=request, path=path)
    return Reading(
        tree=tree,
        ordered=ordered,
        completed=set(recent),
        progress=path_progress(ordered=ordered, recent=recent),
    )


def paths_with_progress(*, request) -> list[tuple[LearningPath, PathProgress]]:
    """The home page: visible paths with this learner's progress, in three queries
    (paths, all their lessons, the learner's completions) whatever the number of paths."""
    paths = list(paths_visible(user=request.user))
    lessons = Lesson.objects.filter(path__in=paths).order_by("position", "id")
    trees: dict[int, list[Lesson]] = {}
    by_id = {path.id: path for path in paths}
    for lesson in lessons:
        lesson.path = by_id[lesson.path_id]
        trees.setdefault(lesson.path_id, []).append(lesson)
    recent = _completions_in_order(request=request, paths=paths)
    result = []
    for path in paths:
        ordered = tree_in_order(build_tree(trees.get(path.id, [])))
        result.append((path, path_progress(ordered=ordered, recent=recent)))
    return result


FIGURE_VERSION = 16  # hex digits of a figure's hash in its URL's `?v=`


def figure_set(*, path: LearningPath) -> FigureSet:
    """The path's figures as the lesson renderer needs them (names, sizes, versioned
    URLs), in one query that leaves the bytes in the database."""
    rows = path.figures.values_list("name", "width", "height", "sha256")
    return FigureSet(
        files=tuple(
            FigureFile(
                name=name,
                url=f"{reverse('path_figure', args=[path.slug, name])}?v={sha256[:FIGURE_VERSION]}",
                width=width,
                height=height,
            )
            for name, width, height, sha256 in rows
        )
    )


def figure_of(*, path: LearningPath, name: str) -> PathFigure | None:
    """One figure file of the path, bytes included (one query), or None."""
    return path.figures.filter(name=name).first()


def path_is_public(path: LearningPath) -> bool:
    """Whether anyone may read the path (so shared caches may keep its files)."""
    return path.published and path.visibility == Visibility.PUBLIC
