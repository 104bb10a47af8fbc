"""Keep an anonymous learner's progress, flashcard reviews and quiz attempts when they
sign in (sign-up signs in too)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .flashcards.scheduling import reviews_keep_anonymous
from .quizzes.grading import attempts_keep_anonymous
from .reading.services import progress_keep_anonymous


@receiver(user_logged_in)
def keep_anonymous_progress(sender, request, user, **kwargs) -> None:
    if request is not None:
        progress_keep_anonymous(session=request.session, learner=user)
        reviews_keep_anonymous(session=request.session, learner=user)
        attempts_keep_anonymous(session=request.session, learner=user)
