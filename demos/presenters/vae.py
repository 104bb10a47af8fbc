"""The VAE: decoded digits (a sample, the latent plane, an interpolation or
reconstructions) and, with a 2-D latent, the test digits in that plane."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .. import drawing
from .base import CompareModel, FamilyInfo, Presenter, register, samples_grid

CAPTIONS = {
    "grid": "The latent plane decoded: z₁ from −3 (left) to 3, z₂ from 3 (top) to −3.",
    "interpolate": "A straight line in latent space, from the first digit to the second.",
}
LATENT_EXTENT = [-3.5, 3.5, -3.5, 3.5]


@register
class VAEPresenter(Presenter):
    info = FamilyInfo(
        "vae",
        _("Variational autoencoder"),
        "variational-autoencoders",
        _("Decodes points of a two-dimensional latent space into digits."),
        {"mode": "grid", "grid_size": 12},
        ("dataset", "mode", "z1", "z2", "digit_a", "digit_b"),
    )
    likelihood = True
    compare_models = (
        CompareModel(
            "vae",
            _("VAE, 2-D latent"),
            "vae-digits",
            {"dataset": "digits", "mode": "sample", "latent_dim": 2, "n": 16},
        ),
        CompareModel(
            "vae-z16",
            _("VAE, 16-D latent"),
            "vae-digits-z16",
            {"dataset": "digits", "mode": "sample", "latent_dim": 16, "n": 16},
        ),
        CompareModel(
            "vae-digits28-z16",
            _("Convolutional VAE, 16-D latent"),
            "vae-digits28-z16",
            {"dataset": "digits28", "mode": "sample", "latent_dim": 16, "n": 16},
            "digits28",
        ),
        CompareModel(
            "vae-digits28",
            _("Convolutional VAE, 2-D latent"),
            "vae-digits28",
            {"dataset": "digits28", "mode": "sample", "latent_dim": 2, "n": 16},
            "digits28",
        ),
    )

    def figures(self, result: dict, params: dict) -> dict:
        r, mode = result, params.get("mode")
        cols = {"grid": params.get("grid_size"), "interpolate": len(r["images"])}.get(mode)
        fig = samples_grid(r["images"], CAPTIONS.get(mode, ""), cols=cols)
        if "originals" in r:
            fig["originals"] = drawing.image_grid(r["originals"], cols=min(len(r["originals"]), 8))
            fig["grid"] = drawing.image_grid(r["images"], cols=min(len(r["images"]), 8))
        if "endpoints" in r:
            fig["endpoints"] = drawing.image_grid(r["endpoints"], cols=2)
        if "test_latents" in r:
            fig["latents"] = drawing.scatter(
                r["test_latents"],
                labels=r["test_labels"],
                marks=[[params["z1"], params["z2"]]],
                extent=LATENT_EXTENT,
                title="Test digits in the 2-D latent space, coloured by digit",
            )
            fig["image_at_z"] = drawing.image_grid([r["image_at_z"]], scale=12)
            fig["palette"] = drawing.PALETTE
        return fig

    def form_check(self, clean: dict) -> None:
        from generators.params import ParameterError

        if clean["mode"] == "grid" and clean["latent_dim"] != 2:
            raise ParameterError("mode", "mode grid needs latent_dim 2")

    def checkpoint(self, params: dict) -> str:
        name = f"vae-{params.get('dataset', 'digits28')}"
        return name if params.get("latent_dim", 2) == 2 else name + "-z16"
