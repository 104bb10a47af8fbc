"""The quiz editor's question form. It only validates: the writes are services'."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from demos.models import Family
from lessons.fields import text_field
from lessons.limits import MAX_EXPLANATION, MAX_OPTION, MAX_QUESTION
from lessons.models import QuestionKind

from .demo import DemoInvalid, demo_check

OPTION_ROWS = 6


class QuestionForm(forms.Form):
    """A quiz question with up to six options; blank option rows are ignored. The
    rules are the bundle's: two options or more; one correct for a single-answer
    question, some but not all for a multiple-answer one. `places` are the lessons
    and their headings, as "<lesson id>" or "<lesson id>#<heading id>"."""

    place = forms.ChoiceField(label=_("Taught in"))
    kind = forms.ChoiceField(
        label=_("Answers"), choices=QuestionKind.choices, widget=forms.RadioSelect
    )
    text = text_field(_("Question (Markdown)"), MAX_QUESTION, 2)
    explanation = text_field(_("Explanation shown after answering"), MAX_EXPLANATION, 3)
    demo_family = forms.ChoiceField(
        label=_("Demo after answering (predict, then sample)"),
        choices=[("", _("None")), *Family.choices],
        required=False,
    )
    demo_params = forms.CharField(
        label=_("Demo parameters (JSON)"),
        required=False,
        max_length=2000,
        help_text=_('For example {"temperature": 0.3}; the Lab\'s defaults fill the rest.'),
    )
    demo_seed = forms.IntegerField(label=_("Demo seed"), required=False, min_value=0)

    def __init__(self, *args, places: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = places
        for row in range(OPTION_ROWS):
            self.fields[f"option_{row}"] = forms.CharField(
                label=_("Option %(n)d") % {"n": row + 1}, max_length=MAX_OPTION, required=False
            )
            self.fields[f"correct_{row}"] = forms.BooleanField(label=_("correct"), required=False)

    def option_rows(self):
        return [(self[f"option_{row}"], self[f"correct_{row}"]) for row in range(OPTION_ROWS)]

    def clean(self):
        data = super().clean()
        options = [
            (data.get(f"option_{row}", "").strip(), bool(data.get(f"correct_{row}")))
            for row in range(OPTION_ROWS)
        ]
        if any(correct and not text for text, correct in options):
            raise forms.ValidationError(_("An option marked correct has no text."))
        options = [(text, correct) for text, correct in options if text]
        correct = sum(is_correct for _option, is_correct in options)
        if len(options) < 2:
            raise forms.ValidationError(_("A question needs at least two options."))
        if data.get("kind") == QuestionKind.SINGLE and correct != 1:
            raise forms.ValidationError(
                _("A one-answer question needs exactly one correct option (it has %(n)d).")
                % {"n": correct}
            )
        if data.get("kind") == QuestionKind.MULTIPLE and not 1 <= correct < len(options):
            raise forms.ValidationError(
                _("A several-answer question needs some options correct, but not all.")
            )
        data["options"] = options
        data["demo"] = self._demo(data)
        lesson, _hash, section = data.get("place", "").partition("#")
        data["lesson_id"], data["section"] = int(lesson or 0), section
        return data

    def _demo(self, data) -> dict | None:
        """The demo as `demo_check` stores it, or None; errors go beside the fields."""
        family, text = data.get("demo_family") or "", (data.get("demo_params") or "").strip()
        if not family:
            if text:
                self.add_error("demo_family", _("Choose the family these parameters are for."))
            return None
        try:
            params = json.loads(text) if text else {}
        except json.JSONDecodeError as error:
            self.add_error("demo_params", _("Not JSON: %(e)s") % {"e": error.msg})
            return None
        try:
            seed = data.get("demo_seed") or 0
            return demo_check({"family": family, "params": params, "seed": seed})
        except DemoInvalid as error:
            self.add_error("demo_params", str(error))
            return None
