"""The five families as the site presents them: title, the lesson that teaches each,
and the demo's starting values where they differ from the generators' defaults.

Bounds and defaults come from ``generators.families()``, the one source of truth; the
overrides below only choose a friendlier first run (candidates shown, a density map)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

PATH_SLUG = "how-generative-ai-works"


@dataclass(frozen=True)
class FamilyInfo:
    name: str  # key in generators.REGISTRY
    title: str  # what the Lab calls it
    lesson_slug: str  # the lesson in the first path that teaches it
    blurb: str  # one sentence on the Lab page
    start: dict = field(default_factory=dict)  # the demo form's first values
    main: tuple = ()  # parameters shown first; the others fold under "More parameters"


FAMILIES = [
    FamilyInfo(
        "autoregressive",
        _("Transformer"),
        "autoregressive-models",
        _("Writes one character at a time; see the candidates it weighed at every step."),
        {"num_candidates": 5, "max_new_tokens": 120, "prompt": "A diffusion model"},
        ("prompt", "strategy", "temperature", "top_k", "top_p", "max_new_tokens"),
    ),
    FamilyInfo(
        "vae",
        _("Variational autoencoder"),
        "variational-autoencoders",
        _("Decodes points of a two-dimensional latent space into digits."),
        {"mode": "grid", "grid_size": 12},
        ("mode", "z1", "z2", "digit_a", "digit_b"),
    ),
    FamilyInfo(
        "gan",
        _("Generative adversarial network"),
        "generative-adversarial-networks",
        _("Does the generator cover every mode of the data, or collapse onto a few?"),
        {"n": 1000},
        ("dataset", "n", "rejection"),
    ),
    FamilyInfo(
        "flow",
        _("Normalizing flow"),
        "flow-based-models",
        _("An invertible map: exact samples and the exact density of any point."),
        {"density": True, "grid_size": 80},
        ("dataset", "n", "density"),
    ),
    FamilyInfo(
        "diffusion",
        _("Diffusion model"),
        "diffusion-models",
        _("Starts from noise and removes it step by step; watch the digits appear."),
        {"num_inference_steps": 20},
        ("sampler", "num_inference_steps", "guidance_scale", "digit"),
    ),
]
BY_NAME = {f.name: f for f in FAMILIES}
BY_LESSON = {f.lesson_slug: f for f in FAMILIES}
