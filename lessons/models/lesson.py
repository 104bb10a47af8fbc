from django.db import models
from django.urls import reverse


class Lesson(models.Model):
    """A Lesson is one page of reading in a path's tree. A lesson with children is a
    chapter: its page introduces them. The tree is an adjacency list (parent, position);
    every lesson also points at its path, so a whole tree reads in one query. `version`
    counts edits, so two editors of one lesson cannot silently overwrite each other."""

    path = models.ForeignKey(
        "lessons.LearningPath", on_delete=models.CASCADE, related_name="lessons"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField(default=0, help_text="Order among its siblings.")
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Markdown, with $math$ for KaTeX.")
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped by every edit: a stale editor form is refused, not saved."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path", "parent_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["path", "slug"], name="lesson_slug_unique_in_path"),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="lesson_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "lesson_detail", kwargs={"path_slug": self.path.slug, "lesson_slug": self.slug}
        )
