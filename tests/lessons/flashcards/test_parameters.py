"""FSRS parameters fitted to our learners: below 512 reviews the defaults stay (and the
pages say so); above, the daily task records fitted weights with their date and review
count, and the scheduler uses a learner's own, else the site's, else the defaults."""

import uuid
from http import HTTPStatus
from io import StringIO

import fsrs
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lessons.flashcards import parameters, scheduling
from lessons.flashcards.simulation import simulate, true_weights
from lessons.flashcards.tasks import fsrs_fit
from lessons.models import Flashcard, FsrsParameters, Rating, Review

pytestmark = pytest.mark.django_db


def store_reviews(learner, path, logs) -> None:
    """Simulated review logs as stored reviews of cards made for them."""
    ids = sorted({log.card_id for log in logs})
    cards = Flashcard.objects.bulk_create(
        Flashcard(path=path, key=f"sim-{learner.id}-{i}", front=f"Q{i}", back=f"A{i}") for i in ids
    )
    by_id = dict(zip(ids, cards, strict=True))
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    states: dict[int, fsrs.Card] = {}
    rows = []
    for log in logs:
        before = states.get(log.card_id) or fsrs.Card(card_id=log.card_id, due=log.review_datetime)
        after, _ = scheduler.review_card(before, log.rating, log.review_datetime)
        rows.append(
            Review(
                learner=learner,
                card=by_id[log.card_id],
                key=uuid.uuid4(),
                rating=int(log.rating),
                reviewed_at=log.review_datetime,
                phase_before=int(before.state) if log.card_id in states else None,
                phase_after=int(after.state),
                due_after=after.due,
                stability_after=after.stability,
                difficulty_after=after.difficulty,
            )
        )
        states[log.card_id] = after
    Review.objects.bulk_create(rows)


def test_below_512_reviews_the_defaults_stay_and_the_page_says_so(client, first_path, learner):
    """Protects the threshold: a fit on fewer than 512 reviews records nothing, the
    learner is scheduled with FSRS's defaults, and the study page says why."""
    store_reviews(learner, first_path, simulate(truth=true_weights(3), cards=40, days=60))
    assert Review.objects.count() < parameters.MIN_REVIEWS
    assert fsrs_fit() == {"fitted": 0, "learners_below": 1}
    assert not FsrsParameters.objects.exists()
    in_use = parameters.parameters_in_use(user=learner)
    assert in_use.source == "default" and in_use.weights == fsrs.scheduler.DEFAULT_PARAMETERS
    client.force_login(learner)
    page = client.get(reverse("path_flashcards", args=[first_path.slug])).content.decode()
    assert "FSRS&#x27;s default parameters" in page or "FSRS's default parameters" in page


def test_above_512_reviews_fitted_parameters_are_recorded_and_used(
    first_path, learner, django_user_model
):
    """Protects the fit: with enough reviews the task records the site's and the
    learner's weights (date, review count), they differ from the defaults, the learner's
    next review is scheduled with their own (a new card rated Good starts at stability
    w2), and a learner without enough reviews of their own gets the site's."""
    logs = simulate(truth=true_weights(7, spread=0.6), cards=150, days=110, seed=7)
    store_reviews(learner, first_path, logs)
    newcomer = django_user_model.objects.create_user(username="bo", password="a-long-passphrase")
    result = fsrs_fit()
    assert result == {"fitted": 2, "learners_below": 0}
    site = FsrsParameters.objects.get(learner=None)
    own = FsrsParameters.objects.get(learner=learner)
    assert own.review_count == site.review_count == len(logs)
    assert len(own.parameters) == 21 and own.parameters != list(fsrs.scheduler.DEFAULT_PARAMETERS)
    assert parameters.parameters_in_use(user=learner).source == "learner"
    assert parameters.parameters_in_use(user=newcomer).source == "site"
    card = first_path.flashcards.filter(question=None).first()
    scheduling.review_record(learner=learner, card=card, rating=Rating.GOOD, key=uuid.uuid4())
    review = Review.objects.filter(learner=learner, card=card).get()
    assert review.stability_after == pytest.approx(own.parameters[2])


def test_fit_command_reports_a_learner_below_the_threshold(learner):
    """Protects the command: `fit_fsrs --learner` says the defaults were kept when the
    learner has too few reviews, and refuses an unknown name."""
    out = StringIO()
    call_command("fit_fsrs", "--learner", learner.username, stdout=out)
    assert "defaults kept" in out.getvalue()
    with pytest.raises(Exception, match="No learner named"):
        call_command("fit_fsrs", "--learner", "nobody")


def test_anonymous_learners_are_scheduled_with_the_site_parameters(client, first_path):
    """Protects the fallback for anonymous learners: their replayed schedule uses the
    site's newest fitted weights (a new card rated Good starts at that w2)."""
    weights = list(fsrs.scheduler.DEFAULT_PARAMETERS)
    weights[2] = 5.5
    FsrsParameters.objects.create(
        learner=None, parameters=weights, review_count=600, fitted_at=timezone.now()
    )
    card = first_path.flashcards.filter(question=None).first()
    url = reverse("path_flashcards_study", args=[first_path.slug])
    client.post(url, {"card": card.id, "rating": 3, "key": uuid.uuid4(), "reps": 0})
    history = client.get(reverse("flashcard_detail", args=[first_path.slug, card.key]))
    assert history.status_code == HTTPStatus.OK
    request = type("Request", (), {"user": AnonymousUser(), "session": client.session})()
    standing = scheduling.standings(request=request, path=first_path)[card.id]
    assert standing.fsrs.stability == pytest.approx(5.5)
