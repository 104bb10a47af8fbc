"""FSRS parameters fitted to our own learners.

py-fsrs' `Optimizer` fits the 21 FSRS weights to review logs by gradient descent on the
log loss of predicted recall. We fit the whole site's reviews, and each learner's own
once they have `MIN_REVIEWS` of them (the optimizer needs that many reviews across days;
below it returns the defaults, which we then do not record). The scheduler uses a
learner's newest fitted parameters, else the site's, else FSRS's defaults.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import fsrs
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count
from django.utils import timezone

from lessons.models import FsrsParameters, Review

MIN_REVIEWS = 512  # py-fsrs' mini-batch: fewer reviews across days and it keeps the defaults


@dataclass
class ParametersInUse:
    """The weights a learner is scheduled with, and where they come from."""

    weights: tuple[float, ...]
    source: str  # "learner", "site" or "default"
    fitted: FsrsParameters | None  # the row behind them, if fitted


def parameters_in_use(*, user: User | AnonymousUser | None) -> ParametersInUse:
    """The learner's newest fitted parameters, else the site's, else the defaults (one
    or two queries)."""
    if user is not None and user.is_authenticated:
        own = FsrsParameters.objects.filter(learner=user).first()
        if own is not None:
            return ParametersInUse(tuple(own.parameters), "learner", own)
    site = FsrsParameters.objects.filter(learner__isnull=True).first()
    if site is not None:
        return ParametersInUse(tuple(site.parameters), "site", site)
    return ParametersInUse(tuple(fsrs.scheduler.DEFAULT_PARAMETERS), "default", None)


def own_review_count(*, user: User | AnonymousUser) -> int:
    """How many reviews a signed-in learner has stored (0 when anonymous)."""
    return Review.objects.filter(learner=user).count() if user.is_authenticated else 0


def review_logs(reviews) -> list[fsrs.ReviewLog]:
    """Stored reviews as py-fsrs review logs. Cards are told apart per learner: two
    learners' reviews of one card are two histories."""
    rows = reviews.values_list("learner_id", "card_id", "rating", "reviewed_at")
    histories: dict[tuple[int, int], int] = {}
    logs = []
    for learner_id, card_id, rating, reviewed_at in rows:
        history = histories.setdefault((learner_id, card_id), len(histories) + 1)
        logs.append(
            fsrs.ReviewLog(
                card_id=history,
                rating=fsrs.Rating(rating),
                review_datetime=reviewed_at.astimezone(UTC),
                review_duration=None,
            )
        )
    return logs


def fit_weights(logs: list[fsrs.ReviewLog]) -> list[float] | None:
    """Weights fitted to the logs, or None when there are too few to fit (the optimizer
    then hands back the defaults unchanged)."""
    if len(logs) < MIN_REVIEWS:  # fsrs.Optimizer imports torch and pandas on first use
        return None
    weights = fsrs.Optimizer(logs).compute_optimal_parameters()
    if list(weights) == list(fsrs.scheduler.DEFAULT_PARAMETERS):
        return None
    return [float(w) for w in weights]


def parameters_fit(*, learner: User | None, now: datetime | None = None) -> FsrsParameters | None:
    """Fit and record parameters for a learner (None: the whole site) from their stored
    reviews; None when there are fewer than `MIN_REVIEWS`, leaving what was in use."""
    reviews = Review.objects.all() if learner is None else Review.objects.filter(learner=learner)
    logs = review_logs(reviews.order_by("reviewed_at", "id"))
    weights = fit_weights(logs)
    if weights is None:
        return None
    return FsrsParameters.objects.create(
        learner=learner,
        parameters=weights,
        review_count=len(logs),
        fitted_at=now or timezone.now(),
    )


def parameters_fit_all(*, now: datetime | None = None) -> dict[str, int]:
    """Fit the site's parameters, then every learner's with enough reviews. Returns how
    many were fitted and how many learners were left on the shared parameters."""
    fitted = int(parameters_fit(learner=None, now=now) is not None)
    counts = Review.objects.values("learner").annotate(n=Count("id"))
    ready = [row["learner"] for row in counts if row["n"] >= MIN_REVIEWS]
    for learner in User.objects.filter(id__in=ready):
        fitted += parameters_fit(learner=learner, now=now) is not None
    return {"fitted": fitted, "learners_below": len(counts) - len(ready)}
