"""Helpers for the tests of paths learners own: a small path, the database as a tuple."""

from lessons.authoring.bundle import (
    CardSpec,
    LessonSpec,
    OptionSpec,
    PathBundle,
    QuestionSpec,
    ResourceSpec,
)
from lessons.authoring.services import path_import
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


def small_bundle(slug: str = "small") -> PathBundle:
    """Two chapters (with two and one lessons) and a lesson: six lessons, math in one;
    two flashcards (lessons one and three) and one quiz question (on one's heading)."""
    return PathBundle(
        slug=slug,
        title="A small path",
        summary="For tests.",
        lessons=[
            LessonSpec(
                slug="one",
                title="One",
                body="## One\n\nThe chapter, with $x^2$.\n",
                children=[
                    LessonSpec(slug="one-a", title="One A", body="A.\n"),
                    LessonSpec(slug="one-b", title="One B", body="B.\n"),
                ],
            ),
            LessonSpec(
                slug="two",
                title="Two",
                body="Two.\n",
                children=[LessonSpec(slug="two-a", title="Two A", body="Two A.\n")],
            ),
            LessonSpec(slug="three", title="Three", body="Three.\n"),
        ],
        resources=[
            ResourceSpec(
                title="DDPM",
                authors="Ho et al.",
                year=2020,
                kind="paper",
                url="https://arxiv.org/abs/2006.11239",
                note="Why it matters.",
            )
        ],
        cards=[
            CardSpec(key="square", lesson="one", front="What is $x^2$?", back="$x$ times $x$."),
            CardSpec(key="three", lesson="three", front="Three?", back="Three."),
        ],
        questions=[
            QuestionSpec(
                key="which",
                lesson="one",
                section="one",
                kind="single",
                question="Which is right?",
                options=[OptionSpec("This one", correct=True), OptionSpec("That one")],
                explanation="Because.",
            )
        ],
    )


def owned_path(owner, slug: str = "small", visibility: str = Visibility.PRIVATE) -> LearningPath:
    path, _ = path_import(bundle=small_bundle(slug))
    path.owner, path.visibility = owner, visibility
    path.save(update_fields=["owner", "visibility"])
    return path


def database_state() -> tuple:
    """Every content row, with its timestamps: equal before and after means untouched."""
    return (
        list(LearningPath.objects.order_by("id").values_list()),
        list(Lesson.objects.order_by("id").values_list()),
        list(Resource.objects.order_by("id").values_list()),
        list(Flashcard.objects.order_by("id").values_list()),
        list(QuizQuestion.objects.order_by("id").values_list()),
        list(QuizOption.objects.order_by("id").values_list()),
        list(PathFigure.objects.order_by("id").values_list()),
    )


def outline(path: LearningPath) -> list[tuple[str, int, str]]:
    """The tree as (parent slug or "", position, slug), sorted: siblings in order."""
    return sorted(
        (lesson.parent.slug if lesson.parent else "", lesson.position, lesson.slug)
        for lesson in path.lessons.select_related("parent")
    )
