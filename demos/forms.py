"""The demo form of a family, built from the generators' parameter schema.

Fields only parse the text a browser sends (numbers, choices, check boxes, a list of
points); bounds and the rules between parameters are checked by ``parameters_check``
so the page, the API and the sampler give the same message. The widgets carry the
bounds (``min``, ``max``, ``maxlength``) so a browser can say so before sending."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .catalog import BY_NAME
from .params import SEED_MAX, schema

LABELS = {
    "n": _("Number of samples"),
    "num_inference_steps": _("Steps"),
    "guidance_scale": _("Guidance scale"),
    "top_k": _("Top-k"),
    "top_p": _("Top-p"),
    "max_new_tokens": _("Characters to write"),
    "num_candidates": _("Candidates shown per step"),
    "z1": _("Latent z₁"),
    "z2": _("Latent z₂"),
    "digit_a": _("From digit"),
    "digit_b": _("To digit"),
    "n_frames": _("Frames kept"),
    "latent_dim": _("Latent dimensions"),
    "eta": _("Eta (η)"),
    "density": _("Density heat-map"),
    "rejection": _("Discriminator rejection sampling"),
    "points": _("Points to score (x, y per line)"),
}


class PointsField(forms.CharField):
    """ "x, y" per line → [[x, y], ...]; empty → None."""

    widget = forms.Textarea(attrs={"rows": 2})

    def to_python(self, value):
        text = super().to_python(value)
        if not text.strip():
            return None
        try:
            return [[float(v) for v in line.split(",")] for line in text.strip().splitlines()]
        except ValueError:
            raise forms.ValidationError(_("Write one point per line as: x, y")) from None

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{x:g}, {y:g}" for x, y in value)
        return value


def field_for(p: dict) -> forms.Field:
    label = LABELS.get(p["name"], p["name"].replace("_", " ").capitalize())
    common = {"label": label, "help_text": p["help"], "required": False}
    if p["type"] in ("int", "float"):
        attrs = {"min": p["min"], "max": p["max"], "step": 1 if p["type"] == "int" else "any"}
        cls = forms.IntegerField if p["type"] == "int" else forms.FloatField
        return cls(widget=forms.NumberInput(attrs=attrs), **common)
    if p["type"] == "choice":
        choices = [(c, str(c)) for c in p["choices"]]
        coerce = type(p["choices"][0])
        return forms.TypedChoiceField(choices=choices, coerce=coerce, **common)
    if p["type"] == "bool":
        return forms.BooleanField(**common)
    if p["type"] == "str":
        attrs = {"maxlength": p["max_length"]}
        return forms.CharField(strip=False, widget=forms.TextInput(attrs=attrs), **common)
    if p["type"] == "points":
        return PointsField(**common)
    raise AssertionError(p["type"])


class ParamsForm(forms.Form):
    """A seed and a family's parameters (``self.parameters``, the generators' schema):
    a blank seed is 0, blank numbers take their defaults. Sampling and training forms."""

    parameters: list[dict]

    def clean_seed(self) -> int:
        seed = self.cleaned_data.get("seed")
        return 0 if seed is None else seed

    def params(self) -> dict:
        """The parameters the learner sent; blank numbers take their defaults."""
        out = {}
        for p in self.parameters:
            value = self.cleaned_data.get(p["name"])
            if p["type"] == "bool":
                out[p["name"]] = bool(value)
            elif value is not None and value != "" or p["type"] == "str":
                out[p["name"]] = value if value is not None else ""
        return out


class DemoForm(ParamsForm):
    """Seed first, then the family's parameters in the generators' order."""

    seed = forms.IntegerField(
        label=_("Noise seed"),
        help_text=_("The same seed and parameters always give the same sample."),
        min_value=0,
        max_value=SEED_MAX,
        initial=0,
        required=False,
    )

    def __init__(self, *args, family: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        start = BY_NAME[family].start
        self.parameters = schema()[family]["parameters"]
        for p in self.parameters:
            field = field_for(p)
            field.initial = start.get(p["name"], p["default"])
            self.fields[p["name"]] = field
        self.fields["seed"].widget.attrs.update({"min": 0})

    def main_fields(self) -> list:
        main = {"seed", *BY_NAME[self.family].main}
        return [f for f in self if f.name in main]

    def more_fields(self) -> list:
        main = {"seed", *BY_NAME[self.family].main}
        return [f for f in self if f.name not in main]

    def more_has_errors(self) -> bool:
        return any(f.errors for f in self.more_fields())
