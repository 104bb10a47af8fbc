from django import template

from lessons.podcast.formats import clock as _clock

register = template.Library()


@register.filter
def clock(seconds) -> str:
    """Seconds as `3:05`: the times shown beside chapters and transcript turns."""
    return _clock(float(seconds or 0))


@register.filter
def seconds(value) -> str:
    """Seconds with three decimals and a dot whatever the locale: for data attributes
    and `#t=` media fragments."""
    return f"{float(value or 0):.3f}"
