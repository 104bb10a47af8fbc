from django.db import models
from django.utils.text import slugify


def term_anchor(term: str) -> str:
    """The id of a term's entry on the glossary page: "KL divergence" → "kl-divergence".
    Unicode letters stay (an id may hold them), so "σ-schedule" keeps its σ."""
    return slugify(term, allow_unicode=True)


class GlossaryTerm(models.Model):
    """A GlossaryTerm is one entry of a path's glossary: a term, the other names it goes
    by, a one-sentence plain-text definition, and the lesson that teaches it. Lesson
    pages link the first use of each term to its entry and show the definition on hover
    and focus, so a learner meets no word before it is defined."""

    path = models.ForeignKey(
        "lessons.LearningPath", on_delete=models.CASCADE, related_name="glossary_terms"
    )
    # Deleting the lesson that teaches a term deletes the term: an entry must name its
    # lesson, or the bundle it exports to would not read back.
    lesson = models.ForeignKey(
        "lessons.Lesson", on_delete=models.CASCADE, related_name="glossary_terms"
    )
    position = models.PositiveIntegerField(default=0)
    term = models.CharField(max_length=100)
    aliases = models.JSONField(default=list, blank=True, help_text="Other names, a list.")
    definition = models.TextField(help_text="One plain sentence, no Markdown.")

    class Meta:
        ordering = ["path", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["path", "term"], name="glossary_term_unique_in_path"),
        ]

    def __str__(self) -> str:
        return self.term

    @property
    def anchor(self) -> str:
        return term_anchor(self.term)
