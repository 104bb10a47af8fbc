from django.conf import settings
from django.db import models


class LessonCompletion(models.Model):
    """A LessonCompletion says a signed-in learner finished a lesson. Anonymous learners'
    completions live in their session until they sign up or sign in."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completions"
    )
    lesson = models.ForeignKey(
        "lessons.Lesson", on_delete=models.CASCADE, related_name="completions"
    )
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="one_completion_per_lesson"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} completed {self.lesson}"
