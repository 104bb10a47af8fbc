"""A learner's statistics page: its figures match the stored reviews, card states and
attempts; the plots are accessible SVG with their numbers as text; it needs sign-in."""

import random
import uuid
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons.flashcards import scheduling as fc
from lessons.flashcards.statistics import DAYS, learner_statistics
from lessons.models import CardPhase, CardState, Rating, Review

pytestmark = pytest.mark.django_db


def study_for_weeks(learner, path, *, days: int = 40, seed: int = 1) -> None:
    """Review the due cards of the path once a day for `days` days, ending today, with
    ratings drawn at random (Again one time in five)."""
    rng = random.Random(seed)
    start = timezone.now() - timedelta(days=days - 1)
    cards = list(path.flashcards.filter(question=None)[:12])
    for offset in range(days):
        now = start + timedelta(days=offset)
        due = [
            c
            for c in cards
            if not CardState.objects.filter(learner=learner, card=c, due__gt=now).exists()
        ]
        for card in due:
            rating = (
                Rating.AGAIN
                if rng.random() < 0.2
                else rng.choice([Rating.HARD, Rating.GOOD, Rating.EASY])
            )
            fc.review_record(learner=learner, card=card, rating=rating, key=uuid.uuid4(), now=now)


def test_statistics_match_the_stored_reviews(first_path, learner, django_user_model):
    """Protects the figures: reviews per day, true retention (review-state reviews not
    rated Again), the 30-day forecast and cards by state equal counts taken straight
    from the stored rows; another learner's reviews are not counted."""
    study_for_weeks(learner, first_path)
    other = django_user_model.objects.create_user(username="bo", password="a-long-passphrase")
    study_for_weeks(other, first_path, days=5, seed=2)
    stats = learner_statistics(learner=learner)

    mine = Review.objects.filter(learner=learner)
    for day, n in stats.reviews_per_day:
        stored = [r for r in mine if timezone.localtime(r.reviewed_at).date() == day]
        assert n == len(stored), day
    window = [
        r for r in mine
        if timezone.localtime(r.reviewed_at).date() > stats.today - timedelta(days=DAYS)
        and r.phase_before == CardPhase.REVIEW
    ]  # fmt: skip
    assert stats.review_state_reviews == len(window) > 0
    assert stats.passed == sum(1 for r in window if r.rating != Rating.AGAIN)
    states = CardState.objects.filter(learner=learner)
    for day, n in stats.forecast:
        offset = (day - stats.today).days
        expected = [
            s for s in states
            if max(0, (timezone.localtime(s.due).date() - stats.today).days) == offset
        ]  # fmt: skip
        assert n == len(expected), day
    assert stats.by_state["review"] == states.filter(phase=CardPhase.REVIEW, reps__gt=0).count()
    assert sum(stats.by_state.values()) == states.count()
    assert (
        stats.total_reviews
        == mine.filter(reviewed_at__date__gt=stats.today - timedelta(days=DAYS)).count()
    )


def test_statistics_page_draws_accessible_plots_with_numbers(client, first_path, learner):
    """Protects the page: signed-in learners get five sections, each plot an SVG image
    with a title and a description carrying its numbers, and the true retention as
    text; anonymous visitors are sent to sign in."""
    url = reverse("learner_statistics")
    assert client.get(url).status_code == HTTPStatus.FOUND
    study_for_weeks(learner, first_path)
    client.force_login(learner)
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    stats = learner_statistics(learner=learner)
    for plot_id in ["reviews-per-day", "forecast", "card-states", "retention"]:
        assert f'id="{plot_id}-title"' in page and f'id="{plot_id}-desc"' in page
    assert page.count('role="img"') == 4
    today, n = stats.reviews_per_day[-1]
    assert f"{today:%Y-%m-%d}: {n}" in page
    assert f"you remembered {stats.passed} of {stats.review_state_reviews}" in page
    assert "default parameters" in page
