"""The training form of a family, built from ``generators.training_families()``.

Fields parse what the browser sends; the rules are the generators' (``training_check``).
The drawn dataset's points come from the page's canvas as JSON in a hidden field."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import ParamsForm, field_for
from ..params import SEED_MAX
from .params import DRAWN, training_schema

LABELS = {
    "steps": _("Training steps"),
    "snapshot_every": _("Snapshot every (steps)"),
    "lr_g": _("Generator learning rate"),
    "lr_d": _("Discriminator learning rate"),
    "d_steps": _("D steps per G step"),
    "r1": _("R1 penalty γ"),
    "width": _("Hidden units"),
}


class TrainingForm(ParamsForm):
    seed = forms.IntegerField(
        label=_("Seed"),
        help_text=_("The same seed and knobs train the same model."),
        min_value=0,
        max_value=SEED_MAX,
        initial=0,
        required=False,
    )
    points = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, family: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        self.parameters = training_schema()[family]["parameters"]
        for p in self.parameters:
            field = field_for(p)
            field.label = LABELS.get(p["name"], field.label)
            field.initial = p["default"]
            self.fields[p["name"]] = field
        if "dataset" in self.fields:
            self.fields["dataset"].widget.attrs["data-drawn"] = DRAWN

    def knob_fields(self) -> list:
        return [f for f in self if f.name not in ("points",)]

    def clean_points(self) -> list | None:
        text = self.cleaned_data.get("points") or ""
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("The drawing could not be read.")) from None
