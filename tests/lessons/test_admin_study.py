"""Staff administration of the flashcard and quiz records."""

import uuid
from http import HTTPStatus

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils.timezone import now
from fsrs.scheduler import DEFAULT_PARAMETERS

from lessons.flashcards import scheduling as fc
from lessons.models import FsrsParameters, Rating, StudyPreference
from lessons.quizzes import grading as quizzes

MODELS = [
    "flashcard",
    "cardstate",
    "review",
    "studypreference",
    "quizquestion",
    "quizattempt",
    "quizanswer",
    "cardrequeue",
    "fsrsparameters",
]


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_every_new_model_has_a_searchable_filterable_admin_list(
    client, first_path, learner, django_user_model, model, rf
):
    """Protects staff tools: each flashcard and quiz model lists, searches and opens
    its first row in the admin."""
    card = first_path.flashcards.first()
    fc.review_record(learner=learner, card=card, rating=Rating.GOOD, key=uuid.uuid4())
    request = rf.get("/")
    request.user, request.session = learner, {}
    attempt, _created = quizzes.attempt_start(request=request, path=first_path)
    row, missed = quizzes.attempt_review(attempt=attempt)[:2]
    quizzes.answer_record(
        attempt=attempt, question_id=row.question.id, option_ids=sorted(row.correct)
    )
    wrong = [o.id for o in missed.options if not o.correct][:1]
    quizzes.answer_record(  # a miss, said "sure": its cards are requeued
        attempt=attempt, question_id=missed.question.id, option_ids=wrong, certainty=3
    )
    FsrsParameters.objects.create(
        learner=None, parameters=list(DEFAULT_PARAMETERS), review_count=600, fitted_at=now()
    )
    StudyPreference.objects.create(learner=learner)
    staff = django_user_model.objects.create_superuser("root", password="x-long-passphrase")
    client.force_login(staff)
    url = reverse(f"admin:lessons_{model}_changelist")
    listing = client.get(url, {"q": "a"})
    assert listing.status_code == HTTPStatus.OK
    assert client.get(url).status_code == HTTPStatus.OK
    first = apps.get_model("lessons", model).objects.first()
    change = client.get(reverse(f"admin:lessons_{model}_change", args=[first.pk]))
    assert change.status_code == HTTPStatus.OK
