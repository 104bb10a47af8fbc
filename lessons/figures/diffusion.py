"""Figures of the diffusion lessons: the forward process on a real digit, the noise
schedules, the reverse process of our digits model, DDPM against DDIM, and
classifier-free guidance.

The forward process needs no model (q(x_t | x_0) is fixed), so it is drawn on a real
28x28 digit. The reverse process uses the shipped diffusion model through
``generators.sample``, whatever size of digit it draws. DDPM against DDIM in 2-D uses
the ideal denoiser of two moons (exact, see ``modeling.GaussianMixture``), so the only
difference between the panels is the sampler.
"""

from __future__ import annotations

import math

import numpy as np

import generators
from generators import data
from generators import diffusion as ddpm
from lessons.figures import canvas, modeling
from lessons.figures.registry import figure

T = 1000
STILL_STEPS = (0, 100, 250, 500, 750, 999)  # the noise levels of the still figure
N_FRAMES = 20  # the explorable's noise levels
DIGIT_INDEX = 0  # which training digit is noised (a 6 in the 28x28 split)


def alpha_bar(schedule: str) -> np.ndarray:
    """(T,) ᾱ_t of the schedule, as the models use it (t = 0 is the first step)."""
    return ddpm.alpha_bar_schedule(ddpm.DiffusionConfig(T=T, schedule=schedule)).double().numpy()


def noised(steps) -> dict:
    """A real digit x_0 in [−1, 1], one fixed ε, and x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε at
    each of ``steps`` (cosine schedule, as our model). Plain arrays, for the figure,
    its data and the tests."""
    X, y = data.digits28_split()["train"]
    x0 = X[DIGIT_INDEX].astype(np.float64) / 127.5 - 1
    eps = np.random.default_rng(0).standard_normal(x0.shape)
    ab = alpha_bar("cosine")[list(steps)]
    x_t = np.sqrt(ab)[:, None, None] * x0 + np.sqrt(1 - ab)[:, None, None] * eps
    return {"t": list(steps), "alpha_bar": ab, "x0": x0, "eps": eps, "x_t": x_t, "label": int(y[0])}


def _to_ink(x: np.ndarray) -> np.ndarray:
    """Model space [−1, 1] → [0, 1], clipped: what a screen can show."""
    return np.clip((x + 1) / 2, 0, 1)


@figure("diffusion-noised-digit.png", "diffusion-noised-digit.json", lesson="diffusion-models")
def noised_digit():
    still = noised(STILL_STEPS)
    fig, axes = canvas.new(height=6.0, nrows=2, ncols=3)
    for ax, t, ab, x in zip(axes.flat, still["t"], still["alpha_bar"], still["x_t"], strict=True):
        modeling.show(ax, _to_ink(x))
        ax.set_title(f"t = {t}")
        ax.set_xlabel(
            rf"$\sqrt{{\bar\alpha_t}}$ = {math.sqrt(ab):.2f}"
            + "\n"
            + rf"$\sqrt{{1-\bar\alpha_t}}$ = {math.sqrt(1 - ab):.2f}"
        )
    fig.tight_layout()
    png = canvas.png(fig)

    steps = np.linspace(0, T - 1, N_FRAMES).round().astype(int).tolist()
    frames = noised(steps)
    explorable = {
        "kind": "noised-digit",
        "schedule": "cosine",
        "T": T,
        "t": steps,
        "sqrt_alpha_bar": [round(math.sqrt(a), 4) for a in frames["alpha_bar"]],
        "sqrt_one_minus_alpha_bar": [round(math.sqrt(1 - a), 4) for a in frames["alpha_bar"]],
        "size": int(frames["x_t"].shape[-1]),
        "sprite": modeling.sprite(_to_ink(frames["x_t"])),
    }
    return png, modeling.to_json(explorable)


@figure("diffusion-schedules.svg", lesson="diffusion-models")
def schedules():
    t = np.arange(T)
    fig, ax = canvas.new(height=3.6)
    for schedule, colour in (("linear", canvas.PALETTE[4]), ("cosine", canvas.PALETTE[0])):
        ab = alpha_bar(schedule)
        ax.plot(t, np.round(ab, 5), color=colour, label=rf"{schedule}: $\bar\alpha_t$")
        ax.plot(
            t, np.round(1 - ab, 5), color=colour, ls="--", label=rf"{schedule}: $1-\bar\alpha_t$"
        )
    ax.set_xlabel("step t")
    ax.set_ylabel("share of variance")
    ax.set_xlim(0, T)
    ax.set_ylim(0, 1.02)
    ax.legend(frameon=False, fontsize=10, loc="center right")
    fig.tight_layout()
    return canvas.svg(fig)


@figure("diffusion-reverse-previews.png", lesson="diffusion-sampling")
def reverse_previews():
    """One digit's reverse process: what the network sees (x_t) and its guess x̂₀."""
    with modeling.one_thread():
        out = generators.sample(
            "diffusion", seed=3, n=1, sampler="ddim", num_inference_steps=50, n_frames=4, digit=7
        )
    steps = out["frame_steps"]
    fig, axes = canvas.new(height=3.5, nrows=2, ncols=len(steps))
    for col, t in enumerate(steps):
        modeling.show(axes[0, col], modeling.square(out["frames"][col])[0])
        modeling.show(axes[1, col], modeling.square(out["x0_previews"][col])[0])
        axes[0, col].set_title(f"t = {t}")
    axes[0, 0].set_ylabel(r"$x_t$", fontsize=14)
    axes[1, 0].set_ylabel(r"$\hat{x}_0$", fontsize=14)
    fig.tight_layout()
    return canvas.png(fig)


def trajectories(sampler: str, n: int = 8, steps: int = 50, seed: int = 0) -> np.ndarray:
    """(steps + 1, n, 2) paths from x_T ~ N(0, I) to x_0 under the ideal denoiser of two
    moons, by DDPM (ancestral) or DDIM (η = 0), with the timesteps our sampler uses."""
    moons = modeling.moons_mixture()
    ab_all = alpha_bar("cosine")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 2))
    noise = np.random.default_rng(seed + 1).standard_normal((steps, n, 2))
    ts = ddpm.timesteps(T, steps)
    path = [x]
    for i, t in enumerate(ts):
        ab = ab_all[t]
        ab_prev = ab_all[ts[i + 1]] if i + 1 < len(ts) else 1.0
        eps = moons.eps(x, ab)
        x0_hat = (x - math.sqrt(1 - ab) * eps) / math.sqrt(ab)
        if sampler == "ddim":
            x = math.sqrt(ab_prev) * x0_hat + math.sqrt(1 - ab_prev) * eps
        else:
            beta = 1 - ab / ab_prev
            mean = (math.sqrt(ab_prev) * beta / (1 - ab)) * x0_hat + (
                math.sqrt(1 - beta) * (1 - ab_prev) / (1 - ab)
            ) * x
            var = beta * (1 - ab_prev) / (1 - ab)
            x = mean + math.sqrt(var) * noise[i]
        path.append(x)
    return np.round(np.stack(path), 4)


@figure("diffusion-ddpm-ddim.svg", lesson="diffusion-sampling")
def ddpm_against_ddim():
    background = modeling.moons_mixture().sample(300, np.random.default_rng(7))
    fig, axes = canvas.new(height=3.5, ncols=2, sharex=True, sharey=True)
    for ax, sampler, title in zip(
        axes, ("ddpm", "ddim"), ("DDPM: a random walk", "DDIM (η = 0): a smooth path"), strict=True
    ):
        ax.scatter(*np.round(background, 3).T, s=3, color="#cccccc", lw=0)
        path = trajectories(sampler)
        for k in range(path.shape[1]):
            ax.plot(*path[:, k].T, lw=1.0, color=canvas.PALETTE[4], alpha=0.8)
        ax.scatter(*path[0].T, s=14, color=canvas.MUTED, label=r"start $x_T$", zorder=3)
        ax.scatter(*path[-1].T, s=18, color=canvas.PALETTE[5], label=r"end $x_0$", zorder=3)
        ax.set_title(title, fontsize=11)
        ax.set_aspect("equal")
        ax.set_xlim(-2.2, 3.0)
        ax.set_ylim(-2.2, 2.2)
    axes[0].legend(frameon=False, fontsize=9, loc="lower left")
    fig.tight_layout()
    return canvas.svg(fig)


@figure("diffusion-steps.png", lesson="diffusion-sampling")
def sampler_steps():
    """Our digits model: the same x_T by DDPM and DDIM at 5, 10 and 50 steps."""
    steps = (5, 10, 50)
    fig, axes = canvas.new(height=4.6, nrows=2, ncols=len(steps))
    for row, sampler in enumerate(("ddpm", "ddim")):
        for col, k in enumerate(steps):
            with modeling.one_thread():
                out = generators.sample(
                    "diffusion", seed=1, n=4, sampler=sampler, num_inference_steps=k, n_frames=1
                )
            modeling.show(axes[row, col], modeling.mosaic(out["images"], 2, 2))
            axes[row, col].set_title(f"{sampler.upper()}, {k} steps", fontsize=11)
    fig.tight_layout()
    return canvas.png(fig)


@figure("diffusion-guidance.png", lesson="conditioning-control-and-guidance")
def guidance():
    """Classifier-free guidance at several scales, one label, the same starting noise
    (DDIM, 10 steps: nearly as good as 50 for our model, in a fifth of the time)."""
    scales = (1.0, 1.75, 3.0, 6.0)
    fig, axes = canvas.new(height=2.4, ncols=len(scales))
    for ax, w in zip(axes, scales, strict=True):
        with modeling.one_thread():
            out = generators.sample(
                "diffusion",
                seed=5,
                n=4,
                digit=4,
                guidance_scale=w,
                num_inference_steps=10,
                n_frames=1,
            )
        modeling.show(ax, modeling.mosaic(out["images"], 2, 2))
        ax.set_title(f"w = {w:g}" + (" (none)" if w == 1 else ""), fontsize=11)
    fig.tight_layout()
    return canvas.png(fig)
