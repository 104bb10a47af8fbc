"""Keep an anonymous learner's progress, flashcard reviews and quiz attempts when they
sign in (sign-up signs in too)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .flashcards.scheduling import reviews_keep_anonymous
from .quizzes.grading import attempts_keep_anonymous
from .reading.services import progress_keep_anonymous
from .sessions import session_keys_at_sign_in


@receiver(user_logged_in)
def keep_anonymous_progress(sender, request, user, **kwargs) -> None:
    if request is not None:
        keys = session_keys_at_sign_in(request)
        progress_keep_anonymous(session=request.session, learner=user)
        reviews_keep_anonymous(session=request.session, learner=user, session_keys=keys)
        attempts_keep_anonymous(session=request.session, learner=user, session_keys=keys)
