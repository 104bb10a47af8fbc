from django.db import models

from lessons.limits import MAX_FIGURE_NAME


class PathFigure(models.Model):
    """A PathFigure is one file of a path's `figures/` folder: an image a lesson shows
    (SVG, PNG, JPEG, WebP) or an explorable's data (JSON). The bytes live in the row, not
    in media/: figures are small (a megabyte at most, 20 per path), so a path's import,
    clone and deletion move them in the same transaction as its lessons. Checked before
    they get here (lessons/authoring/figures.py); served at
    `/paths/<slug>/figures/<name>` to whoever may read the path."""

    path = models.ForeignKey(
        "lessons.LearningPath", on_delete=models.CASCADE, related_name="figures"
    )
    name = models.CharField(max_length=MAX_FIGURE_NAME)  # e.g. "diffusion-noised-digit.png"
    data = models.BinaryField()
    content_type = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)  # of `data`: the ETag, and the URL's version
    # Pixels (CSS pixels for an SVG), so the page reserves the room before it loads.
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["path", "name"], name="one_figure_per_name"),
        ]

    def __str__(self) -> str:
        return self.name
