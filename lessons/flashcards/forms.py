"""Flashcard forms: a review posted by the study card, the learner's study settings,
and a card in the deck editor. They only validate: the writes are services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lessons.fields import text_field
from lessons.limits import MAX_BACK, MAX_FRONT
from lessons.models import Rating, StudyPreference


class ReviewForm(forms.Form):
    card = forms.IntegerField()
    rating = forms.TypedChoiceField(choices=Rating.choices, coerce=int)
    reps = forms.IntegerField(min_value=0)
    key = forms.UUIDField()


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = StudyPreference
        fields = ["desired_retention", "new_cards_per_day"]
        labels = {
            "desired_retention": _("Desired retention (0.70–0.97)"),
            "new_cards_per_day": _("New cards a day"),
        }
        widgets = {"desired_retention": forms.NumberInput(attrs={"step": "0.01"})}


class CardForm(forms.Form):
    """A flashcard. `lessons` are (id, label) in reading order: every card comes from
    one lesson, as the bundle requires."""

    lesson = forms.TypedChoiceField(label=_("From the lesson"), coerce=int)
    front = text_field(_("Front (question, Markdown)"), MAX_FRONT, 2)
    back = text_field(_("Back (answer, Markdown)"), MAX_BACK, 3)

    def __init__(self, *args, lessons: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].choices = lessons
