from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One answer")
    MULTIPLE = "multiple", _("Several answers")


class QuizQuestion(models.Model):
    """A QuizQuestion is one question of a path's quiz, with its options, an explanation
    shown after answering, and the lesson section that teaches it. Single-answer
    questions have exactly one correct option; multiple-answer ones one or more. A
    question with a `demo` asks the learner to predict what a model will do: once they
    have answered, the page runs that Lab demo and shows its result."""

    path = models.ForeignKey(
        "lessons.LearningPath", on_delete=models.CASCADE, related_name="quiz_questions"
    )
    lesson = models.ForeignKey(
        "lessons.Lesson", null=True, on_delete=models.SET_NULL, related_name="quiz_questions"
    )
    section = models.SlugField(max_length=100, blank=True, help_text="Heading id in the lesson.")
    key = models.SlugField(max_length=100, help_text="Stable name of the question in its path.")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.TextField(help_text="Markdown, with $math$ for KaTeX.")
    explanation = models.TextField(help_text="Markdown, shown after the learner answers.")
    demo = models.JSONField(
        null=True,
        blank=True,
        help_text='Predict, then sample: {"family", "params", "seed"} of a Lab run shown after '
        "the learner answers (lessons.quizzes.demo).",
    )

    class Meta:
        ordering = ["path", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["path", "key"], name="question_key_unique_in_path"),
        ]

    def __str__(self) -> str:
        return self.key

    def lesson_url(self) -> str:
        if self.lesson is None:
            return ""
        anchor = f"#{self.section}" if self.section else ""
        return self.lesson.get_absolute_url() + anchor


class QuizOption(models.Model):
    """A QuizOption is one answer a learner may choose for a question."""

    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()
    correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class QuizAttempt(models.Model):
    """A QuizAttempt is one pass through a path's quiz. Its `seed` fixes the shuffled
    order of questions and options, so a reload shows the same order; `question_ids`
    freezes the questions asked. An anonymous learner's attempts have no learner but
    their session's key until they sign in. `score` is set when it finishes. At most one
    attempt per path is open (unfinished) for a learner, or for a session: starting
    twice at once starts it once."""

    path = models.ForeignKey(
        "lessons.LearningPath", on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    session_key = models.CharField(
        max_length=40, blank=True, db_index=True, help_text="An anonymous learner's session."
    )
    seed = models.BigIntegerField()
    question_ids = models.JSONField(help_text="Question ids in the order asked.")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True, help_text="Points, 0 to the question count.")

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True, score__isnull=True)
                | Q(finished_at__isnull=False, score__gte=0),
                name="score_set_when_finished",
            ),
            models.UniqueConstraint(
                fields=["learner", "path"],
                condition=Q(finished_at__isnull=True, learner__isnull=False),
                name="one_open_attempt_per_learner",
            ),
            models.UniqueConstraint(
                fields=["session_key", "path"],
                condition=Q(finished_at__isnull=True, learner__isnull=True) & ~Q(session_key=""),
                name="one_open_attempt_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.id} on {self.path}"

    @property
    def total(self) -> int:
        return len(self.question_ids)

    @property
    def percent(self) -> int | None:
        if self.score is None or not self.total:
            return None
        return round(100 * self.score / self.total)


class Certainty(models.IntegerChoices):
    """How sure a learner said they were of an answer (Gardner-Medwin's three levels)."""

    LOW = 1, _("Not sure")
    MEDIUM = 2, _("Fairly sure")
    HIGH = 3, _("Sure")


class QuizAnswer(models.Model):
    """A QuizAnswer is the options a learner chose for one question in one attempt, and
    the points it earned. One per question per attempt: an answer cannot be changed.
    With certainty-based marking the learner also said how sure they were, and the
    answer earns a `mark` from −6 to 3 besides its points (see quizzes/grading.py)."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="answers")
    chosen = models.ManyToManyField(QuizOption, related_name="answers")
    points = models.FloatField(help_text="0 to 1, see lessons.services.answer_points.")
    certainty = models.PositiveSmallIntegerField(
        choices=Certainty.choices, null=True, blank=True, help_text="None: not asked."
    )
    mark = models.FloatField(
        null=True, blank=True, help_text="Certainty-based mark, −6 to 3; None without certainty."
    )
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question"),
            models.CheckConstraint(condition=Q(points__gte=0, points__lte=1), name="points_0_to_1"),
            models.CheckConstraint(
                condition=Q(certainty__isnull=True, mark__isnull=True)
                | Q(certainty__in=[1, 2, 3], mark__gte=-6, mark__lte=3),
                name="mark_with_certainty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.question}"
