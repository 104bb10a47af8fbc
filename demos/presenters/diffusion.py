"""Diffusion: the digits and the denoising frames (x_t and the x̂₀ guessed at each
shown step); on the comparison page, digits-FID against the number of steps."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .. import drawing
from ..samples import timings
from .base import CompareModel, FamilyInfo, Presenter, register, samples_grid

FRAME_SAMPLES = 8  # the frames strip shows the first samples only
SAMPLERS = ("ddpm", "ddim")


@register
class DiffusionPresenter(Presenter):
    info = FamilyInfo(
        "diffusion",
        _("Diffusion model"),
        "diffusion-models",
        _("Starts from noise and removes it step by step; watch the digits appear."),
        {},
        ("dataset", "space", "sampler", "num_inference_steps", "guidance_scale", "digit"),
    )
    # Two rows, because the class label changes the numbers: scored on digits drawn 0 to
    # 9 in turn at the default guidance (the first, which the Lab's quality lines read),
    # and unconditional like every other family's row; the sample grid is the latter's.
    compare_models = (
        CompareModel("diffusion", _("Diffusion, class-conditional"), "diffusion-digits", None),
        CompareModel(
            "diffusion-unconditional",
            _("Diffusion, unconditional"),
            "diffusion-digits",
            {
                "dataset": "digits",
                "sampler": "ddim",
                "num_inference_steps": 50,
                "guidance_scale": 1.0,
                "n": 16,
            },
        ),
        CompareModel(
            "diffusion-digits28",
            _("Diffusion, U-Net on pixels"),
            "diffusion-digits28",
            {"dataset": "digits28", "n": 16},
            "digits28",
        ),
        CompareModel(
            "diffusion-latent28",
            _("Latent diffusion (in the VAE's 16-D latent)"),
            "diffusion-latent28",
            {"dataset": "digits28", "space": "latent", "n": 16},
            "digits28",
        ),
    )

    def checkpoint(self, params: dict) -> str:
        if params.get("space") == "latent":
            return "diffusion-latent28"
        return f"diffusion-{params.get('dataset', 'digits28')}"

    def figures(self, result: dict, params: dict) -> dict:
        r = result
        n = len(r["images"])
        fig = samples_grid(r["images"], f"{n} digits, x₀.")
        shown = min(n, FRAME_SAMPLES)
        fig["frames"] = [
            {
                "step": step,
                "x_t": drawing.image_grid(xt[:shown], cols=1, scale=4),
                "x0": drawing.image_grid(x0[:shown], cols=1, scale=4),
            }
            for step, xt, x0 in zip(r["frame_steps"], r["frames"], r["x0_previews"], strict=True)
        ]
        return fig

    def compare_context(self, evaluation: dict | None) -> dict:
        """The DDPM-vs-DDIM curve: digits-FID against the number of sampling steps, and
        the sentence on latent against pixel diffusion."""
        ev = evaluation or {}
        return self._steps_context(ev) | {"latent_tradeoff": latent_tradeoff(ev)}

    def _steps_context(self, ev: dict) -> dict:
        d28 = ev.get("digits28", {}).get("models", {}).get("diffusion-digits28", {})
        if "steps_fid_guided" in d28:  # the 28x28 U-Net, the Lab's default model
            ev = {
                "diffusion_steps_fid_guided": {
                    "fid": d28["steps_fid_guided"],
                    "guidance_scale": d28["guidance_scale"],
                }
            }
        # the labelled table at the default guidance: how the row above and the Lab sample
        key = "diffusion_steps_fid_guided"
        if key not in ev:
            key = "diffusion_steps_fid"  # an evaluation from before the labelled table
        if key not in ev:
            return {"steps_plot": None, "steps_summary": "", "steps_guidance": None}
        fid = ev[key]["fid"]
        series = {}
        for sampler in SAMPLERS:
            pts = sorted(
                (int(k.split("-")[1]), v) for k, v in fid.items() if k.startswith(sampler + "-")
            )
            series[sampler.upper()] = pts
        guided = key == "diffusion_steps_fid_guided"
        return {
            "steps_plot": drawing.line_plot(series, x_label="sampling steps", y_label="digits-FID"),
            "steps_summary": _steps_summary(series),
            "steps_guidance": ev[key]["guidance_scale"] if guided else None,
        }


def latent_tradeoff(ev: dict) -> str:
    """One sentence on diffusion in the VAE's latent space against in pixel space, with
    the measured figures, whichever way they go."""
    models = ev.get("digits28", {}).get("models", {})
    pixel, latent = models.get("diffusion-digits28"), models.get("diffusion-latent28")
    if not (pixel and latent):
        return ""
    # The table's own timings (one CPU thread, the Lab's defaults) where demo_samples has
    # drawn them; else the evaluation run's, on whatever device and load it had.
    timed = timings()
    pixel_s = timed.get("diffusion-digits28", pixel["sample16_seconds"])
    latent_s = timed.get("diffusion-latent28", latent["sample16_seconds"])
    where = "on one CPU thread" if "diffusion-digits28" in timed else "in the evaluation"
    return (
        "Latent diffusion denoises the VAE's 16 numbers instead of 784 pixels, so each "
        f"step is cheap: 16 digits took {1000 * latent_s:.0f} ms against "
        f"{1000 * pixel_s:.0f} ms ({pixel_s / latent_s:.1f}x) {where}, with "
        f"{latent['parameters']:,} parameters against {pixel['parameters']:,}. The price: "
        "its digits can be no sharper than the VAE's decoder draws them (digits-FID "
        f"{latent['fid']:.1f} against {pixel['fid']:.1f}). Stable Diffusion makes the same "
        "trade with a far better autoencoder."
    )


def _steps_summary(series: dict[str, list[tuple[int, float]]]) -> str:
    """One sentence that says what the measured curve shows, whichever way it goes."""
    parts = []
    for name, pts in series.items():
        if len(pts) >= 2:
            (s0, f0), (s1, f1) = pts[0], pts[-1]
            parts.append(f"{name} goes from {f0:.1f} at {s0} steps to {f1:.1f} at {s1}")
    few = {name: pts[0][1] for name, pts in series.items() if pts}
    if len(few) == 2:
        best = min(few, key=few.get)
        parts.append(f"at the fewest steps {best} is ahead")
    return "Measured here: " + "; ".join(parts) + "." if parts else ""
