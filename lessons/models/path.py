from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    UNLISTED = "unlisted", _("Unlisted (anyone with the link)")
    PRIVATE = "private", _("Private")


class LearningPath(models.Model):
    """A LearningPath is a course on one subject: a tree of lessons, its resources, and
    (in later features) its podcast, flashcards and quiz. Staff-owned paths have no
    owner; a learner's copy records the path it was cloned from. Staff may feature a
    path on the home page or unpublish it (then only its owner and staff see it)."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="owned_paths",
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    cloned_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="clones"
    )
    featured = models.BooleanField(
        default=False, help_text=_("Shown first on the home page, for everyone.")
    )
    published = models.BooleanField(
        default=True, help_text=_("Unpublished paths are hidden from all but owner and staff.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(featured=True, published=False),
                name="featured_path_is_published",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("path_detail", kwargs={"slug": self.slug})

    @property
    def open_to_all(self) -> bool:
        """Whether anyone may read it by its URL: published, and public or unlisted."""
        return self.published and self.visibility != Visibility.PRIVATE
