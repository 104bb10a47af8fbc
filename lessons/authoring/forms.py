"""Input checks for the path editor and the bundle upload. They only validate: the
writes are services'. On an error the form is shown again holding what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lessons.limits import MAX_BODY, MAX_SUMMARY
from lessons.models import Lesson, Visibility

MAX_TITLE = Lesson._meta.get_field("title").max_length

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
