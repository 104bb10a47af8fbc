"""A learner's statistics (reads only): reviews per day, true retention against the
desired retention, the reviews due over the next days, cards by state and quiz attempts
over time. Days are the server's (TIME_ZONE); five queries whatever the history."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from lessons.models import CardPhase, CardState, QuizAttempt, Review

from .scheduling import desired_retention

DAYS = 30  # the window of reviews per day and of the forecast
WEEKS = 12  # the window of retention per week


@dataclass
class WeekRetention:
    start: date
    passed: int
    reviews: int

    @property
    def rate(self) -> float:
        return self.passed / self.reviews


@dataclass
class Statistics:
    today: date
    reviews_per_day: list[tuple[date, int]]  # the last DAYS days, oldest first, today last
    passed: int  # review-state reviews (cards that had left learning) not rated Again …
    review_state_reviews: int  # … out of these, over the last DAYS days
    desired_retention: float
    retention_weeks: list[WeekRetention]  # the last WEEKS weeks that had such reviews
    forecast: list[tuple[date, int]]  # cards due each day from today (overdue: today)
    by_state: dict[str, int]  # unseen (queued by a quiz miss), learning, review, relearning
    attempts: list[QuizAttempt]  # finished, oldest first

    @property
    def true_retention(self) -> float | None:
        if not self.review_state_reviews:
            return None
        return self.passed / self.review_state_reviews

    @property
    def total_reviews(self) -> int:
        return sum(n for _day, n in self.reviews_per_day)


def learner_statistics(*, learner: User, now: datetime | None = None) -> Statistics:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    first_day = today - timedelta(days=DAYS - 1)
    tz = timezone.get_current_timezone()
    reviews = Review.objects.filter(learner=learner)

    per_day = dict(
        reviews.filter(reviewed_at__date__gte=first_day)
        .annotate(day=TruncDate("reviewed_at", tzinfo=tz))
        .values_list("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    first_week = today - timedelta(days=7 * WEEKS - 1)
    in_review = reviews.filter(
        phase_before=CardPhase.REVIEW, reviewed_at__date__gte=first_week
    ).values_list("reviewed_at", "rating")
    weeks: dict[int, list[int]] = {}
    passed = counted = 0
    for reviewed_at, rating in in_review:
        day = timezone.localtime(reviewed_at).date()
        week = weeks.setdefault((day - first_week).days // 7, [0, 0])
        week[0] += rating > 1
        week[1] += 1
        if day >= first_day:
            passed += rating > 1
            counted += 1

    states = CardState.objects.filter(learner=learner).values_list("due", "phase", "reps")
    due_days: Counter[int] = Counter()
    by_state = {"unseen": 0, "learning": 0, "review": 0, "relearning": 0}
    for due, phase, reps in states:
        offset = max(0, (timezone.localtime(due).date() - today).days)
        if offset < DAYS:
            due_days[offset] += 1
        name = "unseen" if reps == 0 else CardPhase(phase).name.lower()
        by_state[name] += 1

    attempts = list(
        QuizAttempt.objects.filter(learner=learner, finished_at__isnull=False)
        .select_related("path")
        .order_by("finished_at", "id")
    )
    return Statistics(
        today=today,
        reviews_per_day=[
            (first_day + timedelta(days=i), per_day.get(first_day + timedelta(days=i), 0))
            for i in range(DAYS)
        ],
        passed=passed,
        review_state_reviews=counted,
        desired_retention=desired_retention(user=learner),
        retention_weeks=[
            WeekRetention(first_week + timedelta(days=7 * i), *weeks[i]) for i in sorted(weeks)
        ],
        forecast=[(today + timedelta(days=i), due_days[i]) for i in range(DAYS)],
        by_state=by_state,
        attempts=attempts,
    )
