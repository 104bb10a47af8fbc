"""``{% lesson_demo lesson.slug %}``: the family's live demo inside the lesson on it."""

from django import template

from ..catalog import BY_LESSON
from ..forms import DemoForm
from ..selectors import runs_recent
from ..training.params import training_schema

register = template.Library()


@register.inclusion_tag("demos/_embed.html", takes_context=True)
def lesson_demo(context, lesson_slug: str) -> dict:
    info = BY_LESSON.get(lesson_slug)
    request = context["request"]
    if info is None:
        return {"info": None}
    recent = runs_recent(
        learner=request.user, session_key=request.session.session_key or "", family=info.name
    )
    return {
        "info": info,
        "form": DemoForm(family=info.name),
        "recent": recent,
        "trainable": info.name in training_schema(),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
