"""The Lab: live demos of the five model families (wired to the generators later)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

FAMILIES = [
    ("autoregressive", "Transformer", "autoregressive-models"),
    ("vae", "Variational autoencoder", "variational-autoencoders"),
    ("gan", "Generative adversarial network", "generative-adversarial-networks"),
    ("flow", "Normalizing flow", "flow-based-models"),
    ("diffusion", "Diffusion model", "diffusion-models"),
]


@require_GET
def lab(request: HttpRequest) -> HttpResponse:
    return render(request, "demos/lab.html", {"families": FAMILIES})


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    return render(request, "demos/lab.html", {"families": FAMILIES, "compare": True})
