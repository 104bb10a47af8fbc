"""Quiz writes of a path's questions: the questions a bundle brings (matched by key,
options by position) and the quiz editor's save and delete. Attempts are grading.py's."""

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max

from lessons.models import LearningPath, Lesson, QuizOption, QuizQuestion
from lessons.reading.services import free_slug

if TYPE_CHECKING:  # a type only: authoring imports this module, not the other way
    from lessons.authoring.bundle import PathBundle


def questions_sync(*, path: LearningPath, bundle: "PathBundle") -> bool:
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
            "demo": spec.demo,
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


@transaction.atomic
def question_save(
    *,
    path: LearningPath,
    question: QuizQuestion | None,
    lesson: Lesson,
    section: str,
    kind: str,
    text: str,
    explanation: str,
    options: list[tuple[str, bool]],
    demo: dict | None = None,
) -> QuizQuestion:
    """Create a question (at the end of the quiz) or change one. Options are updated in
    place by position, so past answers keep pointing at the option in that place."""
    fields = {
        "lesson": lesson,
        "section": section,
        "kind": kind,
        "text": text,
        "explanation": explanation,
        "demo": demo,
    }
    if question is None:
        LearningPath.objects.select_for_update().filter(pk=path.pk).first()
        taken = set(path.quiz_questions.values_list("key", flat=True))
        last = path.quiz_questions.aggregate(last=Max("position"))["last"]
        question = QuizQuestion.objects.create(
            path=path,
            key=free_slug(text[:60], taken, "question"),
            position=0 if last is None else last + 1,
            **fields,
        )
        existing: list[QuizOption] = []
    else:
        for name, value in fields.items():
            setattr(question, name, value)
        question.save(update_fields=list(fields))
        existing = list(question.options.order_by("position", "id"))
    for position, (option_text, correct) in enumerate(options):
        if position < len(existing):
            option = existing[position]
            if (option.text, option.correct, option.position) != (option_text, correct, position):
                option.text, option.correct, option.position = option_text, correct, position
                option.save(update_fields=["text", "correct", "position"])
        else:
            QuizOption.objects.create(
                question=question, position=position, text=option_text, correct=correct
            )
    QuizOption.objects.filter(pk__in=[o.pk for o in existing[len(options) :]]).delete()
    return question


def question_delete(*, question: QuizQuestion) -> None:
    """Delete a question with its options and answers given to it (attempts that asked
    it simply skip it)."""
    question.delete()
