from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceKind(models.TextChoices):
    PAPER = "paper", _("Paper")
    BOOK = "book", _("Book")
    COURSE = "course", _("Course")
    BLOG = "blog", _("Blog")


class Resource(models.Model):
    """A Resource is a recommended reading of a path: a paper, book, course or blog,
    with one line on what the learner gets from it."""

    path = models.ForeignKey(
        "lessons.LearningPath", on_delete=models.CASCADE, related_name="resources"
    )
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    authors = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=ResourceKind.choices)
    url = models.URLField(max_length=500)
    note = models.CharField(max_length=500, blank=True, help_text="One-line annotation.")

    class Meta:
        ordering = ["path", "position", "id"]

    def __str__(self) -> str:
        return self.title
