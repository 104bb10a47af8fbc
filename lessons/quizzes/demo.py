"""Predict, then sample: the Lab demo a quiz question may carry.

A question's demo is ``{"family": ..., "params": {...}, "seed": n}``: the model family
and the parameters of one Lab run (the seed is optional, 0 when left out). The learner
answers first; then the quiz page asks the Lab for that run (``demo_run``), which
reuses an identical finished run, and shows its result beside the explanation.

``demo_check`` is the one validator, used by the bundle reader and the quiz editor. It
checks the parameters with the Lab's own check (the generators' schema and the rules
that tie parameters together), so a demo that loads runs.
"""

from django.utils.translation import gettext_lazy as _

from demos.params import parameters_check, schema
from demos.services import run_request
from generators.params import ParameterError
from lessons.models import QuizAttempt, QuizQuestion

DEMO_KEYS = ("family", "params", "seed")


class DemoInvalid(ValueError):
    """A demo that cannot run; the message says which part is wrong."""


class DemoMissing(LookupError):
    """No such question with a demo in the attempt."""


class DemoNotYet(PermissionError):
    """The learner has not answered the question yet."""


def demo_check(value) -> dict:
    """The demo as stored: family, the parameters as given (not the defaults filled
    in, so an export writes back what was written) and the seed. Raises DemoInvalid."""
    if not isinstance(value, dict):
        raise DemoInvalid("'demo' must be a mapping with 'family' and 'params'")
    unknown = set(value) - set(DEMO_KEYS)
    if unknown:
        raise DemoInvalid(f"unknown field(s) in a demo: {', '.join(sorted(map(str, unknown)))}")
    family, params, seed = value.get("family"), value.get("params", {}), value.get("seed", 0)
    if not isinstance(family, str) or not family:
        raise DemoInvalid("a demo needs a 'family'")
    if not isinstance(params, dict):
        raise DemoInvalid("a demo's 'params' must be a mapping of parameter names to values")
    try:
        parameters_check(family=family, params=params, seed=seed)
    except ParameterError as error:
        raise DemoInvalid(f"demo {error.field}: {error}") from None
    demo = {"family": family, "params": dict(params)}
    if seed:
        demo["seed"] = seed
    return demo_ordered(demo)


def demo_ordered(demo: dict) -> dict:
    """The demo with its keys in one order (DEMO_KEYS; the parameters as the family
    declares them), whatever order the database's JSON gives back: an export writes
    the same bytes as the bundle it came from."""
    declared = list(schema()[demo["family"]]["by_name"])
    params = {name: demo["params"][name] for name in declared if name in demo["params"]}
    return {**{key: demo[key] for key in DEMO_KEYS if key in demo}, "params": params}


def demo_run(*, demo: dict, learner, session_key: str, client_ip: str):
    """Ask the Lab for the question's run: a normal DemoRun (same limits), copied from
    an identical finished one when there is one. May raise the Lab's `Refused` or
    `QueueUnavailable`."""
    return run_request(
        family=demo["family"],
        params=demo["params"],
        seed=demo.get("seed", 0),
        learner=learner,
        session_key=session_key,
        client_ip=client_ip,
    )


def demo_for_answer(*, attempt: QuizAttempt, question_id: int) -> QuizQuestion:
    """The question of the attempt whose demo may run now: only once the learner has
    answered it in this attempt (predict first, then see). Raises DemoNotYet (409) if
    it is unanswered, DemoMissing (404) if the attempt has no such question with a demo."""
    question = QuizQuestion.objects.filter(
        id=question_id, id__in=attempt.question_ids, demo__isnull=False
    ).first()
    if question is None:
        raise DemoMissing(_("That question has no demo in this attempt."))
    if not attempt.answers.filter(question=question).exists():
        raise DemoNotYet(_("Answer the question first: the demo comes after your prediction."))
    return question


def demo_summary(demo: dict) -> str:
    """The parameters as the page states them: "prompt 'The ' · temperature 0.3"."""

    def shown(value) -> str:
        if isinstance(value, bool):
            return "on" if value else "off"
        if isinstance(value, str):
            return repr(value)
        if isinstance(value, list):  # points
            return ", ".join(f"({x:g}, {y:g})" for x, y in value)
        return f"{value:g}" if isinstance(value, float) else str(value)

    params = demo_ordered(demo)["params"].items()
    return " · ".join(f"{name.replace('_', ' ')} {shown(value)}" for name, value in params)
