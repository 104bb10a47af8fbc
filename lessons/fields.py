"""Form fields the concepts' editor forms share."""

from django import forms
from django.utils.translation import gettext_lazy as _


def text_field(label, limit: int, rows: int, required: bool = True) -> forms.CharField:
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
