"""``{% lesson_demo lesson.slug %}``: the family's live demo inside the lesson on it;
``lesson.slug|has_demo``: whether there is one."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ..catalog import BY_LESSON
from ..forms import DemoForm
from ..selectors import runs_recent
from ..training.params import training_schema

register = template.Library()

# The demo as shipped (the form with its defaults, no recent runs) is the same for every
# reader: rendered once per process and language, with a placeholder for the CSRF token.
_SHIPPED: dict[tuple[str, str | None], str] = {}
CSRF_PLACEHOLDER = "csrf-token-of-this-reader"


@register.filter
def has_demo(lesson_slug: str) -> bool:
    return lesson_slug in BY_LESSON


@register.simple_tag(takes_context=True)
def lesson_demo(context, lesson_slug: str) -> SafeString:
    info = BY_LESSON.get(lesson_slug)
    if info is None:
        return mark_safe("")
    request = context["request"]
    recent = runs_recent(
        learner=request.user, session_key=request.session.session_key or "", family=info.name
    )
    embed = {
        "info": info,
        "form": DemoForm(family=info.name),
        "recent": recent,
        "trainable": info.name in training_schema(),
    }
    token = str(context.get("csrf_token"))
    if recent:
        return render_to_string("demos/_embed.html", {**embed, "csrf_token": token}, request)
    key = (info.name, get_language())
    if key not in _SHIPPED:
        shipped = {**embed, "csrf_token": CSRF_PLACEHOLDER}
        _SHIPPED[key] = render_to_string("demos/_embed.html", shipped, request)
    return mark_safe(_SHIPPED[key].replace(CSRF_PLACEHOLDER, token))  # noqa: S308
