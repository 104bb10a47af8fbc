from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Flashcard(models.Model):
    """A Flashcard is one question-and-answer pair of a path, drilled by spaced
    repetition. It comes from one lesson; its `key` names it across re-imports, so
    learners' schedules survive edits to the bundle. A card with a `question` was made
    from that quiz question for learners who missed it, because its lesson has no cards:
    it is not part of the deck (no bundle, export or clone carries it) and only the
    learners it was queued for study it."""

    path = models.ForeignKey(
        "lessons.LearningPath", on_delete=models.CASCADE, related_name="flashcards"
    )
    lesson = models.ForeignKey(
        "lessons.Lesson", null=True, on_delete=models.SET_NULL, related_name="flashcards"
    )
    key = models.SlugField(max_length=100, help_text="Stable name of the card in its path.")
    position = models.PositiveIntegerField(default=0)
    front = models.TextField(help_text="Markdown, with $math$ for KaTeX.")
    back = models.TextField(help_text="Markdown, with $math$ for KaTeX.")
    question = models.OneToOneField(
        "lessons.QuizQuestion",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="card",
        help_text="Made from this quiz question (not part of the deck).",
    )

    class Meta:
        ordering = ["path", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["path", "key"], name="flashcard_key_unique_in_path"),
        ]

    def __str__(self) -> str:
        return self.key


class CardPhase(models.IntegerChoices):
    """FSRS's `State`, with the numbers the library uses."""

    LEARNING = 1, _("Learning")
    REVIEW = 2, _("Review")
    RELEARNING = 3, _("Relearning")


class Rating(models.IntegerChoices):
    """FSRS's four answers, with the numbers the library (and Anki's keys) use."""

    AGAIN = 1, _("Again")
    HARD = 2, _("Hard")
    GOOD = 3, _("Good")
    EASY = 4, _("Easy")


class CardState(models.Model):
    """A CardState is where one learner stands with one card: the FSRS card as JSON
    (stability, difficulty, step, due) plus copies of `due` and `phase` as columns so
    the due queue and the counts are indexed queries. `reps` counts reviews; a study
    form carries it, so a form rendered before a later review is recognised as stale."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="card_states"
    )
    card = models.ForeignKey(Flashcard, on_delete=models.CASCADE, related_name="states")
    fsrs = models.JSONField(help_text="fsrs.Card.to_dict()")
    phase = models.PositiveSmallIntegerField(choices=CardPhase.choices)
    due = models.DateTimeField(db_index=True)
    reps = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "card"], name="one_state_per_card"),
        ]
        indexes = [models.Index(fields=["learner", "due"])]

    def __str__(self) -> str:
        return f"{self.learner} · {self.card}"


class Review(models.Model):
    """A Review is one rating a learner gave a card, with what FSRS made of it. The
    client's idempotency `key` is unique per learner: the same submission sent twice
    (double click, retry, two tabs) is one row."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    card = models.ForeignKey(Flashcard, on_delete=models.CASCADE, related_name="reviews")
    key = models.UUIDField(help_text="Idempotency key chosen by the client.")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed_at = models.DateTimeField()
    phase_before = models.PositiveSmallIntegerField(choices=CardPhase.choices, null=True)
    phase_after = models.PositiveSmallIntegerField(choices=CardPhase.choices)
    due_after = models.DateTimeField()
    stability_after = models.FloatField()
    difficulty_after = models.FloatField()

    class Meta:
        ordering = ["reviewed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "key"], name="one_review_per_key"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=4), name="rating_1_to_4"),
        ]
        indexes = [models.Index(fields=["learner", "card", "reviewed_at"])]

    def __str__(self) -> str:
        return f"{self.learner} rated {self.card} {self.get_rating_display()}"

    @property
    def interval(self):
        return self.due_after - self.reviewed_at


class SessionReview(models.Model):
    """A SessionReview is one rating an anonymous learner gave a card, stored under their
    session's key: one row per review, written with one INSERT, so two reviews posted at
    once by one browser are both kept. Replaying a session's rows through FSRS gives its
    schedule; on sign-in they become `Review`s and are deleted. The client's `key` is
    unique per session (a review sent twice is one row), and so is each card's
    `reps_before` (two forms rendered after the same review cannot both be recorded)."""

    session_key = models.CharField(max_length=40)
    card = models.ForeignKey(Flashcard, on_delete=models.CASCADE, related_name="session_reviews")
    key = models.UUIDField(help_text="Idempotency key chosen by the client.")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reps_before = models.PositiveIntegerField(help_text="Earlier reviews of the card.")
    reviewed_at = models.DateTimeField()

    class Meta:
        ordering = ["card_id", "reps_before"]
        constraints = [
            models.UniqueConstraint(
                fields=["session_key", "key"], name="one_session_review_per_key"
            ),
            models.UniqueConstraint(
                fields=["session_key", "card", "reps_before"], name="one_session_review_per_rep"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=4), name="session_rating_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"session {self.session_key[:8]}… rated {self.card_id} {self.rating}"


class StudyPreference(models.Model):
    """A learner's study settings: the recall probability FSRS aims for when it schedules
    (higher means more reviews) and how many unseen cards a day may enter the queue."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_preference"
    )
    desired_retention = models.FloatField(
        default=0.9, validators=[MinValueValidator(0.7), MaxValueValidator(0.97)]
    )
    new_cards_per_day = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    certainty = models.BooleanField(
        default=True, help_text="Ask how sure the learner is with each quiz answer."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_retention__gte=0.7, desired_retention__lte=0.97),
                name="desired_retention_in_range",
            ),
            models.CheckConstraint(
                condition=Q(new_cards_per_day__gte=1, new_cards_per_day__lte=100),
                name="new_cards_per_day_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner}: retention {self.desired_retention:.2f}"


class CardRequeue(models.Model):
    """A CardRequeue says why a card was put back in a learner's queue, due now: they
    missed a quiz question (or got it right but were not sure) and this card teaches it.
    One per answer and card, so an answer requeues its cards once."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="card_requeues"
    )
    card = models.ForeignKey(Flashcard, on_delete=models.CASCADE, related_name="requeues")
    answer = models.ForeignKey(
        "lessons.QuizAnswer", on_delete=models.CASCADE, related_name="requeues"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "card"], name="one_requeue_per_answer_card"),
        ]
        indexes = [models.Index(fields=["learner", "card", "created_at"])]

    def __str__(self) -> str:
        return f"{self.learner} · {self.card} (answer {self.answer_id})"


class FsrsParameters(models.Model):
    """FsrsParameters are the 21 FSRS weights fitted by py-fsrs' optimizer from review
    logs: the whole site's (no learner) or one learner's. The newest row of each owner is
    the one in use; `review_count` is how many reviews it was fitted on. A learner with
    no row of their own uses the site's, and with none of those FSRS's defaults."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fsrs_parameters",
    )
    parameters = models.JSONField(help_text="The weights w0…w20, as fsrs.Scheduler takes them.")
    review_count = models.PositiveIntegerField()
    fitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-fitted_at", "-id"]
        indexes = [models.Index(fields=["learner", "fitted_at"])]

    def __str__(self) -> str:
        owner = self.learner or "site"
        return f"FSRS parameters of {owner}, {self.fitted_at:%Y-%m-%d} ({self.review_count})"
