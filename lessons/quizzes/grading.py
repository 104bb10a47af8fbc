"""Quizzes: reads (an attempt's order, its review, a learner's history) and writes
(starting an attempt, recording an answer once, finishing).

Scoring. A single-answer question earns 1 point when the one correct option is chosen,
else 0. A multiple-answer question earns partial credit:
``max(0, (correct chosen - wrong chosen) / number of correct options)``, so choosing
every option earns nothing more than guessing blindly, and one slip among several right
choices costs part of the point, not all of it. An attempt's score is the sum of its
points out of the number of questions; unanswered questions earn 0.

Certainty. With certainty-based marking (Gardner-Medwin) the learner may also say how
sure they are: low, medium or high. A right answer then earns a mark of 1, 2 or 3 and a
wrong one 0, −2 or −6, so saying "sure" pays only when you are right more than 80% of
the time, "fairly sure" between 67% and 80%, and "not sure" below. A multiple-answer
question's partial points p weigh the two: ``mark = p × right + (1 − p) × wrong``. The
points above are kept as they are; the mark is recorded beside them.

Order. Each attempt draws a random seed. The seed shuffles the questions once, at the
start (stored in `question_ids`), and the options of each question every time they are
shown, always to the same order: a reload shows the same quiz, a retake a new one.
"""

import random
import secrets
from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lessons.cache import progress_changed
from lessons.flashcards.requeue import mistake_requeue
from lessons.models import (
    Certainty,
    LearningPath,
    QuestionKind,
    QuizAnswer,
    QuizAttempt,
    QuizOption,
    QuizQuestion,
    StudyPreference,
)
from lessons.sessions import session_key_for_writes

SESSION_ATTEMPTS = "quiz_attempts"  # before session keys: anonymous learners' attempt ids

SCORING_RULE = _(
    "One point per question. On questions with several right answers, each right option you "
    "choose earns its share of the point and each wrong one takes a share away, never below "
    "zero: points = max(0, (right chosen − wrong chosen) ÷ number of right options)."
)


# Gardner-Medwin's marks: certainty → (mark when right, mark when wrong).
CERTAINTY_MARKS = {Certainty.LOW: (1, 0), Certainty.MEDIUM: (2, -2), Certainty.HIGH: (3, -6)}
# The range of the chance of being right in which each certainty earns the most on average.
CERTAINTY_PAYS = {
    Certainty.LOW: (0.0, 2 / 3),
    Certainty.MEDIUM: (2 / 3, 0.8),
    Certainty.HIGH: (0.8, 1.0),
}
SESSION_CERTAINTY = "quiz_certainty"  # an anonymous learner's choice, once they make one

CERTAINTY_RULE = _(
    "Say how sure you are with each answer. Right: 1 mark if not sure, 2 if fairly sure, 3 if "
    "sure. Wrong: 0, −2 or −6. Saying \u201csure\u201d pays when you are right more than 80% "
    "of the time, \u201cfairly sure\u201d from 67% to 80%. Partly right answers get the "
    "matching share of each."
)


class AnswerRefused(Exception):
    """An answer that cannot be recorded; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = HTTPStatus.BAD_REQUEST):
        super().__init__(message)
        self.message, self.status = message, status


def answer_points(*, kind: str, chosen: set[int], correct: set[int]) -> float:
    """The points (0 to 1) a set of chosen option ids earns; see the module docstring."""
    if kind == QuestionKind.SINGLE:
        return 1.0 if chosen == correct else 0.0
    right, wrong = len(chosen & correct), len(chosen - correct)
    return max(0.0, (right - wrong) / len(correct))


def certainty_mark(*, points: float, certainty: int) -> float:
    """The certainty-based mark (−6 to 3) of an answer's points at a certainty."""
    right, wrong = CERTAINTY_MARKS[Certainty(certainty)]
    return points * right + (1 - points) * wrong


# --- reads -------------------------------------------------------------------------


def certainty_enabled(*, request) -> bool:
    """Whether to ask how sure the learner is: on unless they switched it off (in their
    study settings, or in the session for an anonymous learner)."""
    if request.user.is_authenticated:
        pref = StudyPreference.objects.filter(learner=request.user).first()
        return pref.certainty if pref else True
    return request.session.get(SESSION_CERTAINTY, True)


@dataclass
class CalibrationRow:
    """How often the learner was right when they said one certainty."""

    certainty: Certainty
    answered: int
    right: int

    @property
    def rate(self) -> float | None:
        return self.right / self.answered if self.answered else None

    @property
    def pays(self) -> tuple[float, float]:
        return CERTAINTY_PAYS[self.certainty]


def calibration(*, attempts: QuerySet[QuizAttempt]) -> list[CalibrationRow]:
    """Answers given with a certainty in these attempts, counted per certainty: how many,
    and how many fully right (one query)."""
    answers = QuizAnswer.objects.filter(attempt__in=attempts, certainty__isnull=False)
    counts = {level: [0, 0] for level in Certainty}
    for certainty, points in answers.values_list("certainty", "points"):
        counts[Certainty(certainty)][0] += 1
        counts[Certainty(certainty)][1] += points == 1
    return [CalibrationRow(level, *counts[level]) for level in Certainty]


def attempt_marks(*, attempt: QuizAttempt) -> tuple[float, int] | None:
    """The attempt's certainty-based total and how many answers carried a certainty, or
    None when none did."""
    marks = [m for m in attempt.answers.values_list("mark", flat=True) if m is not None]
    return (sum(marks), len(marks)) if marks else None


def attempts_of(*, request, path: LearningPath) -> QuerySet[QuizAttempt]:
    """This learner's attempts at a path's quiz, newest first: their own when signed
    in, else the session's (stored under its key, or listed in it by sessions from
    before)."""
    if request.user.is_authenticated:
        return QuizAttempt.objects.filter(path=path, learner=request.user)
    return QuizAttempt.objects.filter(_anonymous(request.session), path=path)


def _anonymous(session, keys: set[str] = frozenset()) -> Q:
    """An anonymous learner's attempts: under the session's key (or `keys`), or listed
    in the session."""
    keys = {*keys, session.session_key} - {None, ""}
    return Q(learner__isnull=True) & (
        Q(session_key__in=keys) | Q(id__in=session.get(SESSION_ATTEMPTS, []))
    )


def attempt_owned(*, request, path: LearningPath, attempt_id: int) -> QuizAttempt | None:
    """One of this learner's attempts, or None: another learner's attempt is not found."""
    return attempts_of(request=request, path=path).filter(id=attempt_id).first()


def user_attempts(*, user: User | AnonymousUser) -> QuerySet[QuizAttempt]:
    """For the API: a signed-in learner's attempts on every path."""
    return (
        QuizAttempt.objects.filter(learner=user)
        if user.is_authenticated
        else QuizAttempt.objects.none()
    )


def best_score(attempts) -> QuizAttempt | None:
    finished = [a for a in attempts if a.finished_at is not None]
    return max(finished, key=lambda a: (a.score, -a.id), default=None)


def options_in_order(*, attempt: QuizAttempt, question: QuizQuestion) -> list[QuizOption]:
    """The question's options in this attempt's order (uses prefetched options)."""
    options = sorted(question.options.all(), key=lambda option: (option.position, option.id))
    random.Random(f"{attempt.seed}:{question.id}").shuffle(options)
    return options


def questions_in_order(*, attempt: QuizAttempt) -> list[QuizQuestion]:
    """The attempt's questions in its order, with options and lessons (three queries).
    Questions deleted from the path since the attempt started are left out."""
    questions = QuizQuestion.objects.filter(id__in=attempt.question_ids).select_related(
        "lesson__path"
    )
    by_id = {q.id: q for q in questions.prefetch_related("options")}
    return [by_id[i] for i in attempt.question_ids if i in by_id]


@dataclass
class ReviewedQuestion:
    """One question as the score page and the feedback show it."""

    number: int
    question: QuizQuestion
    options: list[QuizOption]
    answer: QuizAnswer | None
    chosen: set[int]

    @property
    def correct(self) -> set[int]:
        return {o.id for o in self.options if o.correct}

    @property
    def points(self) -> float:
        return self.answer.points if self.answer else 0.0

    @property
    def verdict(self) -> str:
        if self.answer is None:
            return "unanswered"
        return "right" if self.points == 1 else ("partial" if self.points > 0 else "wrong")


def attempt_review(*, attempt: QuizAttempt) -> list[ReviewedQuestion]:
    """Every question of the attempt with the learner's answer (five queries)."""
    answers = {a.question_id: a for a in attempt.answers.prefetch_related("chosen")}
    rows = []
    for number, question in enumerate(questions_in_order(attempt=attempt), start=1):
        answer = answers.get(question.id)
        rows.append(
            ReviewedQuestion(
                number=number,
                question=question,
                options=options_in_order(attempt=attempt, question=question),
                answer=answer,
                chosen={o.id for o in answer.chosen.all()} if answer else set(),
            )
        )
    return rows


# --- writes ------------------------------------------------------------------------


def attempt_start(
    *, request, path: LearningPath, replacing: int | None = None
) -> tuple[QuizAttempt, bool]:
    """The learner's open attempt at the path's quiz, started now with a fresh shuffle
    if there is none; `created` says which. One attempt per path is open at a time for
    a learner (or an anonymous session), which the database enforces: a double click, a
    retry or two tabs starting at once get the same attempt. `replacing`, sent by
    "Start a new attempt" next to an unfinished attempt, finishes that one as it stands
    first, if it is still open; the same press sent twice then gets the attempt the
    first one started."""
    if request.user.is_authenticated:
        owner = {"learner": request.user, "session_key": ""}
    else:
        owner = {"learner": None, "session_key": session_key_for_writes(request.session)}
    mine = QuizAttempt.objects.filter(path=path, finished_at__isnull=True, **owner)
    with transaction.atomic():
        if replacing is not None:
            old = mine.select_for_update().filter(id=replacing).first()
            if old is not None:
                _finish(old)
        current = mine.first()
        if current is not None:
            return current, False
        seed = secrets.randbits(48)
        ids = list(path.quiz_questions.values_list("id", flat=True))
        random.Random(seed).shuffle(ids)
        try:
            with transaction.atomic():
                attempt = QuizAttempt.objects.create(
                    path=path, seed=seed, question_ids=ids, **owner
                )
        except IntegrityError:  # started by a concurrent request: that one is the attempt
            return mine.get(), False
    return attempt, True


@transaction.atomic
def answer_record(
    *,
    attempt: QuizAttempt,
    question_id: int,
    option_ids: list[int],
    certainty: int | None = None,
) -> QuizAnswer:
    """Record the learner's answer to one question of an attempt, once, with how sure
    they were if they said (its certainty-based mark beside its points). A signed-in
    learner's miss (or a right answer given "not sure") puts the question's cards in
    their study queue, due now.

    Refused, changing nothing: a finished attempt (409), a question already answered
    (409), a question not in the attempt, no option, an option of another question, or
    several options on a single-answer question, a certainty other than 1, 2 or 3
    (400). The attempt row is locked, so
    two submissions of the same answer are serialized and the second is refused. The
    attempt finishes by itself when its last question is answered.
    """
    attempt = QuizAttempt.objects.select_for_update().get(id=attempt.id)
    if attempt.finished_at is not None:
        raise AnswerRefused(
            _("This attempt is finished: start a new one to try again."), HTTPStatus.CONFLICT
        )
    if question_id not in attempt.question_ids:
        raise AnswerRefused(_("That question is not part of this attempt."))
    if attempt.answers.filter(question_id=question_id).exists():
        raise AnswerRefused(
            _("You already answered this question in this attempt."), HTTPStatus.CONFLICT
        )
    if not option_ids:
        raise AnswerRefused(_("Choose an answer first."))
    if certainty is not None and certainty not in Certainty.values:
        raise AnswerRefused(_("Say how sure you are as 1 (not sure), 2 or 3 (sure)."))
    question = QuizQuestion.objects.get(id=question_id)
    options = list(QuizOption.objects.filter(question=question, id__in=option_ids))
    if len(options) != len(set(option_ids)):
        raise AnswerRefused(_("One of the chosen options does not belong to this question."))
    if question.kind == QuestionKind.SINGLE and len(options) > 1:
        raise AnswerRefused(_("This question has one right answer: choose one option."))
    correct = set(question.options.filter(correct=True).values_list("id", flat=True))
    points = answer_points(kind=question.kind, chosen={o.id for o in options}, correct=correct)
    try:
        with transaction.atomic():
            answer = QuizAnswer.objects.create(
                attempt=attempt,
                question=question,
                points=points,
                certainty=certainty,
                mark=None
                if certainty is None
                else certainty_mark(points=points, certainty=certainty),
            )
    except IntegrityError:
        raise AnswerRefused(
            _("You already answered this question in this attempt."), HTTPStatus.CONFLICT
        ) from None
    answer.chosen.set(options)
    if attempt.learner_id is not None and (points < 1 or certainty == Certainty.LOW):
        mistake_requeue(learner=attempt.learner, answer=answer)
    if attempt.answers.count() == len(attempt.question_ids):
        _finish(attempt)
    return answer


@transaction.atomic
def attempt_finish(*, attempt: QuizAttempt) -> QuizAttempt:
    """Finish an attempt now; unanswered questions earn nothing. Finishing twice is
    the same as once."""
    attempt = QuizAttempt.objects.select_for_update().get(id=attempt.id)
    if attempt.finished_at is None:
        _finish(attempt)
    return attempt


def _finish(attempt: QuizAttempt) -> None:
    attempt.score = sum(attempt.answers.values_list("points", flat=True))
    attempt.finished_at = timezone.now()
    attempt.save(update_fields=["score", "finished_at"])


def certainty_set(*, request, enabled: bool) -> None:
    """Switch certainty-based marking on or off for this learner: in their study settings
    when signed in, else in the session (written only now, when they choose)."""
    if request.user.is_authenticated:
        StudyPreference.objects.update_or_create(
            learner=request.user,
            defaults={"certainty": enabled},
            create_defaults={
                "certainty": enabled,
                "desired_retention": settings.FSRS_DESIRED_RETENTION,
                "new_cards_per_day": settings.FLASHCARDS_NEW_PER_DAY,
            },
        )
    else:
        request.session[SESSION_CERTAINTY] = enabled


def attempts_keep_anonymous(*, session, learner: User, session_keys: set[str]) -> None:
    """On sign-up or sign-in, the anonymous attempts (stored under any of `session_keys`
    or listed in the session) become the learner's. Where the learner already has an
    open attempt at the path, that one stays open and the anonymous one is finished as
    it stands: one open attempt per learner and path."""
    attempts = QuizAttempt.objects.filter(_anonymous(session, session_keys))
    session.pop(SESSION_ATTEMPTS, None)
    with transaction.atomic():
        open_paths = set(
            QuizAttempt.objects.filter(learner=learner, finished_at__isnull=True).values_list(
                "path_id", flat=True
            )
        )
        for attempt in attempts.filter(finished_at__isnull=True).select_for_update():
            if attempt.path_id in open_paths:  # newest first: the newest stays open
                _finish(attempt)
            open_paths.add(attempt.path_id)
        attempts.update(learner=learner, session_key="")
        progress_changed(learner.id)  # `update` sends no signal
