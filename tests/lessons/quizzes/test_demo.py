"""Predict, then sample: a quiz question's Lab demo in the bundle, the editor and the
quiz page, where it runs only after the learner has answered."""

import io
import json
from http import HTTPStatus

import pytest
from django.urls import reverse

from demos.models import DemoRun
from demos.services import run_execute
from lessons.authoring.archive import bundle_from_zip, bundle_to_zip
from lessons.authoring.bundle import QUIZ, bundle_read, quiz_text
from lessons.authoring.selectors import path_bundle
from lessons.authoring.services import path_import
from lessons.errors import BundleError
from lessons.models import QuizAttempt
from tests.lessons.authoring.test_bundle import write_bundle

QUESTION = """\
- key: origin
  lesson: one
  kind: single
  question: What does the VAE draw at the origin?
  options:
  - text: A blurry shape.
    correct: true
  - text: A crisp zero.
  explanation: The classes meet there.
"""
DEMO = """\
  demo:
    family: vae
    params:
      z1: 0.0
      z2: 0.0
"""


def demo_bundle(tmp_path, demo: str = DEMO):
    directory = write_bundle(tmp_path / "b")
    (directory / QUIZ).write_text(QUESTION + demo)
    return directory


@pytest.mark.parametrize(
    ("demo", "message"),
    [
        ("  demo:\n    family: lstm\n    params: {}\n", "family must be one of"),
        ("  demo:\n    family: vae\n    params:\n      zz: 1\n", "unknown parameter 'zz'"),
        ("  demo:\n    family: vae\n    params:\n      z1: 9.0\n", "z1 must be between -3"),
        (
            "  demo:\n    family: autoregressive\n    params:\n      temperature: hot\n",
            "temperature must be a number",
        ),
        ("  demo:\n    family: vae\n    params:\n      mode: grid\n      latent_dim: 16\n", "grid"),
        ("  demo:\n    family: vae\n    parameters: {}\n", "unknown field(s) in a demo"),
        ("  demo:\n    family: vae\n    params: [1, 2]\n", "'params' must be a mapping"),
    ],
)
def test_a_bad_demo_is_a_bundle_error_naming_quiz_yaml_and_its_line(tmp_path, demo, message):
    """Protects the bundle's check of a demo against the generators' parameter schema
    (and the rules tying parameters together): a wrong family, parameter or value
    stops the read with quiz.yaml and the demo's line."""
    directory = demo_bundle(tmp_path, demo)
    with pytest.raises(BundleError) as caught:
        bundle_read(directory)
    assert caught.value.file == str(directory / QUIZ)
    assert caught.value.line == QUESTION.count("\n") + 2  # the line of `family:`
    assert message in caught.value.message


@pytest.mark.django_db
def test_a_demo_is_stored_and_exported_and_zipped_byte_for_byte(tmp_path):
    """Protects the round trip: a demo read from quiz.yaml is stored on its question,
    and the export, and a .zip of it read back, write the same quiz.yaml bytes."""
    directory = demo_bundle(tmp_path)
    path, _ = path_import(bundle=bundle_read(directory))
    question = path.quiz_questions.get(key="origin")
    assert question.demo == {"family": "vae", "params": {"z1": 0.0, "z2": 0.0}}
    exported = path_bundle(path=path)
    assert quiz_text(exported).encode() == (directory / QUIZ).read_bytes()
    unzipped = bundle_from_zip(io.BytesIO(bundle_to_zip(exported)), max_bytes=10**8)
    assert quiz_text(unzipped).encode() == (directory / QUIZ).read_bytes()


@pytest.mark.django_db
def test_the_editor_saves_a_demo_and_refuses_bad_parameters(client, tmp_path, learner):
    """Protects the quiz editor's demo fields: good parameters are stored as the bundle
    stores them; bad JSON or a value out of range is a form error (400), nothing saved."""
    path, _ = path_import(bundle=bundle_read(demo_bundle(tmp_path)))
    client.force_login(learner)
    path.owner = learner
    path.save(update_fields=["owner"])
    question = path.quiz_questions.get()
    url = reverse("question_update", args=[path.slug, question.id])
    form = {
        f"question-{question.id}-{name}": value
        for name, value in {
            "place": str(question.lesson_id),
            "kind": "single",
            "text": question.text,
            "explanation": question.explanation,
            "option_0": "A blurry shape.",
            "correct_0": "on",
            "option_1": "A crisp zero.",
            "demo_family": "autoregressive",
        }.items()
    }
    prefix = f"question-{question.id}-"
    for params, error in (("{temperature: 0.3}", "Not JSON"), ('{"temperature": 7}', "between")):
        response = client.post(url, {**form, prefix + "demo_params": params})
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert error in response.content.decode()
    question.refresh_from_db()
    assert question.demo["family"] == "vae"
    params = json.dumps({"dataset": "text", "temperature": 0.3, "prompt": "The "})
    response = client.post(url, {**form, prefix + "demo_params": params})
    assert response.status_code == HTTPStatus.FOUND
    question.refresh_from_db()
    assert question.demo == {
        "family": "autoregressive",
        "params": {"dataset": "text", "prompt": "The ", "temperature": 0.3},
    }
    page = client.get(reverse("quiz_edit", args=[path.slug])).content.decode()
    assert "&quot;temperature&quot;: 0.3" in page  # shown back in the form


@pytest.fixture
def demo_attempt(tmp_path, learner):
    """A signed-in learner's attempt at a one-question quiz whose question has a demo."""
    path, _ = path_import(bundle=bundle_read(demo_bundle(tmp_path)))
    question = path.quiz_questions.get()
    attempt = QuizAttempt.objects.create(
        path=path, learner=learner, seed=1, question_ids=[question.id]
    )
    return attempt, question


def urls(attempt, question) -> dict[str, str]:
    args = [attempt.path.slug, attempt.id]
    return {
        "page": reverse("quiz_attempt", args=args),
        "answer": reverse("quiz_answer", args=args),
        "demo": reverse("quiz_demo", args=[*args, question.id]),
    }


@pytest.mark.django_db
def test_the_demo_is_neither_shown_nor_started_before_the_answer(client, learner, demo_attempt):
    """Protects predict-then-sample's order: before the answer the page holds no demo
    and asking for it is refused (409) with no run created; after the answer the
    feedback offers it, and asking runs it in the Lab."""
    attempt, question = demo_attempt
    url = urls(attempt, question)
    client.force_login(learner)
    before = client.get(url["page"]).content.decode()
    assert url["demo"] not in before and "see the model do it" not in before
    refused = client.post(url["demo"], HTTP_HX_REQUEST="true")
    assert refused.status_code == HTTPStatus.CONFLICT
    assert "Answer the question first" in refused.content.decode()
    assert not DemoRun.objects.exists()
    right = question.options.get(correct=True)
    feedback = client.post(url["answer"], {"question": question.id, "option": right.id})
    page = client.get(feedback["Location"]).content.decode()
    assert f'hx-post="{url["demo"]}" hx-trigger="load"' in page
    assert f'action="{url["demo"]}"' in page  # without JavaScript: a button to the run
    response = client.post(url["demo"])
    run = DemoRun.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == run.get_absolute_url()
    assert (run.family, run.params["z1"], run.params["z2"], run.seed) == ("vae", 0.0, 0.0, 0)
    assert run.learner == learner


@pytest.mark.django_db
def test_the_demo_reuses_a_finished_identical_run_and_shows_its_result(
    client, learner, demo_attempt
):
    """Protects the reuse: once one run of the demo has succeeded, the next learner to
    answer gets a copy of it at once (no new sampling), and the htmx answer is the
    run's panel with its result."""
    attempt, question = demo_attempt
    url = urls(attempt, question)
    client.force_login(learner)
    right = question.options.get(correct=True)
    client.post(url["answer"], {"question": question.id, "option": right.id})
    client.post(url["demo"])
    first = DemoRun.objects.get()
    run_execute(run_id=first.id)
    response = client.post(url["demo"], HTTP_HX_REQUEST="true")
    assert response.status_code == HTTPStatus.OK
    copy = DemoRun.objects.exclude(id=first.id).get()
    assert copy.reused_from_id == first.id and copy.status == DemoRun.Status.SUCCEEDED
    html = response.content.decode()
    assert f'id="run-{copy.id}"' in html and "Decoded at the ring" in html
    assert "hx-trigger" not in html  # finished: the panel does not poll


@pytest.mark.django_db
def test_a_question_without_a_demo_or_outside_the_attempt_has_none(client, learner, first_path):
    """Protects the demo URL from guessing: a question with no demo, or one not in the
    learner's attempt, is 404 and runs nothing."""
    client.force_login(learner)
    plain = first_path.quiz_questions.filter(demo__isnull=True).first()
    with_demo = first_path.quiz_questions.filter(demo__isnull=False).first()
    attempt = QuizAttempt.objects.create(
        path=first_path, learner=learner, seed=1, question_ids=[plain.id]
    )
    for question in (plain, with_demo):
        url = reverse("quiz_demo", args=[first_path.slug, attempt.id, question.id])
        assert client.post(url).status_code == HTTPStatus.NOT_FOUND
    assert not DemoRun.objects.exists()


@pytest.mark.django_db
def test_staff_cannot_store_a_bad_demo_in_the_admin(tmp_path):
    """Protects the admin's edit of a question: its demo passes the bundle's check."""
    from lessons.admin import QuizQuestionForm

    path, _ = path_import(bundle=bundle_read(demo_bundle(tmp_path)))
    question = path.quiz_questions.get()
    data = {
        "path": path.id,
        "lesson": question.lesson_id,
        "key": question.key,
        "position": 0,
        "kind": question.kind,
        "text": question.text,
        "explanation": question.explanation,
    }
    bad = QuizQuestionForm(
        {**data, "demo": '{"family": "vae", "params": {"z1": 9}}'}, instance=question
    )
    assert not bad.is_valid() and "z1 must be between" in str(bad.errors["demo"])
    good = QuizQuestionForm(
        {**data, "demo": '{"family": "gan", "params": {"n": 10}}'}, instance=question
    )
    assert good.is_valid(), good.errors
    assert good.cleaned_data["demo"] == {"family": "gan", "params": {"n": 10}}


@pytest.mark.django_db
def test_a_stored_demo_the_generators_refuse_is_a_400_not_a_crash(client, learner, demo_attempt):
    """Protects the quiz page from a demo that was valid once (parameters changed since):
    the learner gets the reason (400) and no run is made."""
    attempt, question = demo_attempt
    question.demo = {"family": "vae", "params": {"z1": 99}}
    question.save(update_fields=["demo"])
    url = urls(attempt, question)
    client.force_login(learner)
    right = question.options.get(correct=True)
    client.post(url["answer"], {"question": question.id, "option": right.id})
    response = client.post(url["demo"], HTTP_HX_REQUEST="true")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "z1 must be between" in response.content.decode()
    assert not DemoRun.objects.exists()
