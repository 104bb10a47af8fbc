"""Keep an anonymous learner's progress when they sign in (sign-up signs in too)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .services import progress_keep_anonymous


@receiver(user_logged_in)
def keep_anonymous_progress(sender, request, user, **kwargs) -> None:
    if request is not None:
        progress_keep_anonymous(session=request.session, learner=user)
