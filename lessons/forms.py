"""Input checks for the path editor and the bundle upload. They only validate: the
writes are services'. On an error the form is shown again holding what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import QuestionKind, Visibility

MAX_TITLE = 200
MAX_SUMMARY = 2000
MAX_BODY = 100_000  # characters: the longest shipped lesson is under 15 000

TITLE_ERRORS = {
    "required": _("A title cannot be empty."),
    "max_length": _("A title can be at most %(limit_value)d characters (it has %(show_value)d)."),
}


def title_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        label=_("Title"), max_length=MAX_TITLE, error_messages=TITLE_ERRORS, **kwargs
    )


class PathSettingsForm(forms.Form):
    title = title_field()
    summary = forms.CharField(
        label=_("Summary"),
        max_length=MAX_SUMMARY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Visibility.choices, widget=forms.RadioSelect
    )
    featured = forms.BooleanField(label=_("Feature on the home page"), required=False)
    published = forms.BooleanField(label=_("Published"), required=False)

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:  # featuring and unpublishing are staff's
            del self.fields["featured"]
            del self.fields["published"]

    def clean(self):
        data = super().clean()
        if data.get("featured") and (
            not data.get("published") or data.get("visibility") != Visibility.PUBLIC
        ):
            raise forms.ValidationError(_("Only a published, public path can be featured."))
        return data


class LessonAddForm(forms.Form):
    title = title_field()
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class LessonRenameForm(forms.Form):
    title = title_field()
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class LessonEditForm(forms.Form):
    title = title_field()
    body = forms.CharField(
        label=_("Text (Markdown, $math$ for formulas)"),
        required=False,
        strip=False,  # a lesson's text is kept byte for byte
        max_length=MAX_BODY,
        error_messages={
            "max_length": _(
                "The text can be at most %(limit_value)d characters (it has %(show_value)d): "
                "split it into two lessons."
            )
        },
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class PreviewForm(forms.Form):
    body = forms.CharField(required=False, strip=False, max_length=MAX_BODY)


class BundleUploadForm(forms.Form):
    bundle = forms.FileField(
        label=_("Path bundle (.zip)"),
        help_text=_("A .zip exported from Sample Space, or made by zipping a bundle folder."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )


# --- flashcards and quiz questions ------------------------------------------------

MAX_FRONT, MAX_BACK = 1000, 2000  # as the bundle's cards.yaml allows
MAX_QUESTION, MAX_EXPLANATION, MAX_OPTION = 1000, 3000, 500  # as quiz.yaml allows
OPTION_ROWS = 6


def _text(label, limit: int, rows: int, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        error_messages={
            "required": _("This cannot be empty."),
            "max_length": _("At most %(limit_value)d characters (it has %(show_value)d)."),
        },
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class CardForm(forms.Form):
    """A flashcard. `lessons` are (id, label) in reading order: every card comes from
    one lesson, as the bundle requires."""

    lesson = forms.TypedChoiceField(label=_("From the lesson"), coerce=int)
    front = _text(_("Front (question, Markdown)"), MAX_FRONT, 2)
    back = _text(_("Back (answer, Markdown)"), MAX_BACK, 3)

    def __init__(self, *args, lessons: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].choices = lessons


class QuestionForm(forms.Form):
    """A quiz question with up to six options; blank option rows are ignored. The
    rules are the bundle's: two options or more; one correct for a single-answer
    question, some but not all for a multiple-answer one. `places` are the lessons
    and their headings, as "<lesson id>" or "<lesson id>#<heading id>"."""

    place = forms.ChoiceField(label=_("Taught in"))
    kind = forms.ChoiceField(
        label=_("Answers"), choices=QuestionKind.choices, widget=forms.RadioSelect
    )
    text = _text(_("Question (Markdown)"), MAX_QUESTION, 2)
    explanation = _text(_("Explanation shown after answering"), MAX_EXPLANATION, 3)

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
        lesson, _hash, section = data.get("place", "").partition("#")
        data["lesson_id"], data["section"] = int(lesson or 0), section
        return data
