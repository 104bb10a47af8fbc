"""Diffusion family: DDPM (Ho et al. 2020) on 8x8 digits, class-conditional with
classifier-free guidance (Ho & Salimans 2022), sampled by DDPM or DDIM (Song et al. 2021).

Forward process: q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I), ᾱ_t = ∏_{s≤t} (1 − β_s).
The network ε_θ(x_t, t, y) predicts the noise; the loss is E‖ε − ε_θ(x_t, t, y)‖².
The label y is replaced by a null label with probability p_uncond during training, so
one network gives both ε(x_t, t, y) and ε(x_t, t, ∅), and guidance with scale w is

    ε̃ = ε(x_t, t, ∅) + w (ε(x_t, t, y) − ε(x_t, t, ∅))        (w = 1: no guidance)

as diffusers defines guidance_scale. Every step also exposes the prediction of the
clean image x̂_0 = (x_t − √(1 − ᾱ_t) ε̃) / √ᾱ_t.

1,000 training digits are few: a network this size learns them by heart and its
samples sit nearer the training digits than unseen digits do. Non-leaking augmentation
(Karras et al. 2022) counters that: a training digit is shifted by a pixel or mirrored,
and the network is told which, so it learns from 18 times the shapes yet samples with
"no augmentation" and never draws a shifted or mirrored digit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .params import Param, ParameterError


@dataclass
class DiffusionConfig:
    n_pixels: int = 64  # 8x8 digits, flattened, scaled to [−1, 1]
    hidden: int = 512  # width of the residual MLP
    n_blocks: int = 4  # residual blocks
    emb_dim: int = 128  # size of the timestep and class embeddings
    num_classes: int = 10  # digit classes; index num_classes is the null label ∅
    T: int = 1000  # diffusion steps of training
    schedule: str = "cosine"  # β schedule: "linear" (DDPM) or "cosine" (Nichol & Dhariwal)
    p_uncond: float = 0.1  # probability of dropping the label while training
    augment: float = 0.0  # probability a training digit is shifted or mirrored (0: off)
    points: bool = False  # x is a 2-D point as it is (live training), not pixel levels
    clip: float = 1.0  # x̂_0 is clipped to [−clip, clip]: pixels live in [−1, 1]


# The guidance the site and the evaluation use by default: the scale with the best
# digits-FID in the guidance table of evaluation.md (stronger guidance narrows the samples).
DEFAULT_GUIDANCE = 1.5

# augmentation a = 9 · mirror + 3 · (dy + 1) + (dx + 1): shifts of −1, 0, 1 pixel, mirrored
N_AUGMENTATIONS = 18
NO_AUGMENTATION = 4  # dx = dy = 0, not mirrored


def augment(x: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """x (B, 64) pixel levels, a (B,) augmentation indices → the augmented digits; zeros
    enter at the border a shift uncovers."""
    s = a % 9
    dx, dy = s % 3, s // 3  # offsets into the padded 10x10 image
    img = F.pad(x.reshape(-1, 8, 8), (1, 1, 1, 1))
    r = torch.arange(8, device=x.device)
    rows = (dy[:, None] + r)[:, :, None]  # (B, 8, 1)
    cols = (dx[:, None] + r)[:, None, :]  # (B, 1, 8)
    out = img[torch.arange(len(x), device=x.device)[:, None, None], rows, cols]
    out = torch.where((a >= 9)[:, None, None], out.flip(-1), out)
    return out.reshape(-1, 64)


def draw_augmentations(n: int, p: float, generator=None, device=None) -> torch.Tensor:
    """(n,) augmentation indices: with probability p one of the 18 at random (which
    includes none), else none."""
    a = torch.randint(0, N_AUGMENTATIONS, (n,), generator=generator, device=device)
    keep = torch.rand(n, generator=generator, device=device) < p
    return torch.where(keep, a, torch.full_like(a, NO_AUGMENTATION))


def alpha_bar_schedule(config: DiffusionConfig) -> torch.Tensor:
    """(T,) ᾱ_t for t = 0..T−1 (t = 0 is the first noising step)."""
    T = config.T
    if config.schedule == "linear":
        betas = torch.linspace(1e-4, 0.02, T, dtype=torch.float64)
    else:
        s = 0.008
        f = torch.cos((torch.arange(T + 1, dtype=torch.float64) / T + s) / (1 + s) * math.pi / 2)
        betas = (1 - (f[1:] / f[:-1]) ** 2).clamp(max=0.999)
    return torch.cumprod(1 - betas, 0).float()


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of integer timesteps (Vaswani et al.), (B,) → (B, dim)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, device=t.device) / half)
    a = t.float()[:, None] * freqs[None]
    return torch.cat([torch.sin(a), torch.cos(a)], -1)


class ResBlock(nn.Module):
    def __init__(self, hidden: int, emb_dim: int):
        super().__init__()
        self.norm = nn.LayerNorm(hidden)
        self.emb = nn.Linear(emb_dim, 2 * hidden)  # FiLM: scale and shift from (t, y)
        self.fc1 = nn.Linear(hidden, hidden)
        self.fc2 = nn.Linear(hidden, hidden)

    def forward(self, h, e):
        scale, shift = self.emb(e).chunk(2, -1)
        x = self.norm(h) * (1 + scale) + shift
        return h + self.fc2(F.silu(self.fc1(F.silu(x))))


class EpsilonNet(nn.Module):
    """ε_θ(x_t, t, y, a): a residual MLP conditioned on the timestep, the label and,
    when trained with augmentation, the augmentation a applied to x_0."""

    def __init__(self, config: DiffusionConfig):
        super().__init__()
        self.config = config
        c = config
        self.t_mlp = nn.Sequential(
            nn.Linear(c.emb_dim, c.emb_dim), nn.SiLU(), nn.Linear(c.emb_dim, c.emb_dim)
        )
        self.label_emb = nn.Embedding(c.num_classes + 1, c.emb_dim)  # last row: ∅
        if c.augment > 0:
            self.aug_emb = nn.Embedding(N_AUGMENTATIONS, c.emb_dim)
        self.inp = nn.Linear(c.n_pixels, c.hidden)
        self.blocks = nn.ModuleList([ResBlock(c.hidden, c.emb_dim) for _ in range(c.n_blocks)])
        self.out_norm = nn.LayerNorm(c.hidden)
        self.out = nn.Linear(c.hidden, c.n_pixels)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)
        self.register_buffer("alpha_bar", alpha_bar_schedule(config))

    def forward(self, x_t, t, y, a=None):
        """x_t (B, 64), t (B,) ints, y (B,) labels with num_classes = ∅, a (B,) the
        augmentations or None (none: how we sample) → ε̂ (B, 64)."""
        e = self.t_mlp(timestep_embedding(t, self.config.emb_dim)) + self.label_emb(y)
        if self.config.augment > 0:
            a = torch.full_like(y, NO_AUGMENTATION) if a is None else a
            e = e + self.aug_emb(a)
        e = F.silu(e)
        h = self.inp(x_t)  # (B, hidden)
        for block in self.blocks:
            h = block(h, e)
        return self.out(F.silu(self.out_norm(h)))


def to_model_space(x: torch.Tensor) -> torch.Tensor:
    """Pixel levels 0..16 → [−1, 1]."""
    return x.float() / 8 - 1


def loss(model: EpsilonNet, x: torch.Tensor, y: torch.Tensor, generator=None, a=None):
    """E_{t, ε} ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t, y, a)‖², labels dropped with
    p_uncond; a (B,) the augmentations applied to x, or None."""
    c, dev = model.config, x.device
    x0 = x if c.points else to_model_space(x)
    t = torch.randint(0, c.T, (x.size(0),), generator=generator, device=dev)
    eps = torch.randn(x0.shape, generator=generator, device=dev)
    ab = model.alpha_bar[t][:, None]
    x_t = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
    drop = torch.rand(x.size(0), generator=generator, device=dev) < c.p_uncond
    y = torch.where(drop, torch.full_like(y, c.num_classes), y)
    return F.mse_loss(model(x_t, t, y, a), eps)


# A matrix product gives a row the same bits whatever the other rows only when the row
# sits in a full block of rows at an aligned place (one row, or a ragged tail, takes
# other kernels that add in another order). Each run's rows are padded to a multiple of
# ROW_BLOCK, alone as in a batch, so a run draws the same digits in any batch.
ROW_BLOCK = 8


def row_blocks(sizes: list[int], device=None) -> tuple[torch.Tensor, torch.Tensor] | None:
    """For runs of ``sizes`` rows, in order: (the rows to feed the network, each run's
    rows then copies of its first row up to a multiple of ROW_BLOCK; where the real rows
    sit in its output), or None when no run needs padding."""
    if all(k % ROW_BLOCK == 0 for k in sizes):
        return None
    rows, keep, first, at = [], [], 0, 0
    for k in sizes:
        padded = -(-k // ROW_BLOCK) * ROW_BLOCK
        rows += list(range(first, first + k)) + [first] * (padded - k)
        keep += range(at, at + k)
        first, at = first + k, at + padded
    return torch.tensor(rows, device=device), torch.tensor(keep, device=device)


def in_blocks(model: EpsilonNet, blocks, x, t, y) -> torch.Tensor:
    """model(x, t, y) on the rows ``row_blocks`` laid out (as it is when None)."""
    if blocks is None:
        return model(x, t, y)
    rows, keep = blocks
    return model(x[rows], t[rows], y[rows])[keep]


def timesteps(T: int, num_inference_steps: int) -> list[int]:
    """Evenly spaced timesteps, descending, starting at the last one ("trailing" spacing,
    Lin et al. 2024). Why not start at 0 and step up ("leading")? With 10 steps that
    begins at t = 900, where ᾱ_t is still 0.02 for the cosine schedule, yet x_T is pure
    noise; DDIM, being deterministic, carries that mismatch all the way to x_0."""
    return [int(v) for v in np.round(np.arange(T, 0, -T / num_inference_steps)).astype(int) - 1]


@torch.no_grad()
def sample(
    model: EpsilonNet,
    n: int,
    *,
    sampler: str = "ddim",
    num_inference_steps: int = 50,
    eta: float = 0.0,
    guidance_scale: float = DEFAULT_GUIDANCE,
    digit: int | np.ndarray | torch.Tensor = -1,
    n_frames: int = 10,
    generator: torch.Generator | list[torch.Generator] | None = None,
    progress=None,
    sizes: list[int] | None = None,
):
    """Run the reverse process from x_T ~ N(0, I). Returns (x_0 in [0, 1] (n, 64) — or
    (n, 2) points as they are when config.points —,
    frames: list of (t, x_t, x̂_0), the network's input at step t and its prediction of
    the clean image there, each in [0, 1]).

    sampler "ddpm": ancestral steps from the posterior q(x_prev | x_t, x̂_0);
    sampler "ddim": x_prev = √ᾱ_prev x̂_0 + √(1 − ᾱ_prev − σ²) ε̃ + σ z with
    σ = η √((1 − ᾱ_prev)/(1 − ᾱ_t)) √(1 − ᾱ_t/ᾱ_prev); η = 0 is deterministic.
    digit −1 samples unconditionally; an array gives one label per sample.

    Several runs as one batch: ``generator`` a list with one generator per run and
    ``sizes`` how many samples each run has (summing to n), in order. Every run's noise
    is drawn from its own generator, in the shapes it would draw alone, so each run gets
    the digits it would get alone; ``progress`` is then a list, one callback per run,
    each given the preview of its run's first sample."""
    c = model.config
    dev = model.alpha_bar.device
    if not isinstance(generator, list):
        generator, sizes, progress = [generator], [n], [progress] if progress else None
    firsts = np.cumsum([0] + sizes[:-1]).tolist()  # each run's first row
    blocks, blocks2 = row_blocks(sizes, dev), row_blocks(sizes + sizes, dev)  # 2: guided

    def randn() -> torch.Tensor:  # (n, D): each run's rows from its own generator
        return torch.cat(
            [
                torch.randn(k, c.n_pixels, generator=g, device=dev)
                for g, k in zip(generator, sizes, strict=True)
            ]
        )

    y = torch.as_tensor(digit, device=dev).long().expand(n).clone()
    cond = y >= 0
    y[~cond] = c.num_classes
    null = torch.full_like(y, c.num_classes)
    x = randn()  # x_T
    ts = timesteps(c.T, num_inference_steps)
    keep = set(np.linspace(0, len(ts) - 1, min(n_frames, len(ts))).round().astype(int).tolist())
    if c.points:  # points are shown as they are
        to_img = lambda v: v.cpu().numpy()  # noqa: E731
    else:
        to_img = lambda v: ((v + 1) / 2).clamp(0, 1).cpu().numpy()  # noqa: E731
    frames = []
    for i, t in enumerate(ts):
        t_prev = ts[i + 1] if i + 1 < len(ts) else -1
        ab = model.alpha_bar[t]
        ab_prev = model.alpha_bar[t_prev] if t_prev >= 0 else torch.tensor(1.0, device=dev)
        tt = torch.full((n,), t, device=dev, dtype=torch.long)
        if guidance_scale != 1.0 and bool(cond.any()):
            e_both = in_blocks(
                model, blocks2, torch.cat([x, x]), torch.cat([tt, tt]), torch.cat([y, null])
            )
            e_c, e_u = e_both.chunk(2)
            eps = torch.where(cond[:, None], e_u + guidance_scale * (e_c - e_u), e_c)
        else:
            eps = in_blocks(model, blocks, x, tt, y)
        x0_hat = ((x - (1 - ab).sqrt() * eps) / ab.sqrt()).clamp(-c.clip, c.clip)
        # re-derive ε from the clipped x̂_0 (GLIDE; diffusers' use_clipped_model_output):
        # with strong guidance ε̃ overshoots, and DDIM would carry the overshoot along
        eps = (x - ab.sqrt() * x0_hat) / (1 - ab).sqrt()
        if i in keep:  # what the network saw at step t, and what it guessed x_0 to be
            frames.append((t, to_img(x), to_img(x0_hat)))
        noise = randn()
        if sampler == "ddpm":
            alpha_t = ab / ab_prev  # α_t of the (possibly respaced) step
            beta_t = 1 - alpha_t
            mean = (ab_prev.sqrt() * beta_t / (1 - ab)) * x0_hat + (
                alpha_t.sqrt() * (1 - ab_prev) / (1 - ab)
            ) * x
            var = beta_t * (1 - ab_prev) / (1 - ab)  # β̃_t, the posterior variance
            x = mean + (var.sqrt() * noise if t_prev >= 0 else 0)
        else:
            sigma = eta * ((1 - ab_prev) / (1 - ab)).sqrt() * (1 - ab / ab_prev).sqrt()
            x = ab_prev.sqrt() * x0_hat + (1 - ab_prev - sigma**2).clamp(min=0).sqrt() * eps
            x = x + sigma * noise
        for report, first in zip(progress or [None] * len(firsts), firsts, strict=True):
            if report:
                report(i + 1, len(ts), frames[-1][2][first] if i in keep else None)
    return (x if c.points else ((x + 1) / 2).clamp(0, 1)), frames


# ----------------------------------------------------------------------------- site API

PARAMS = [
    Param("sampler", "choice", "ddim", "DDPM ancestral or DDIM.", choices=("ddpm", "ddim")),
    Param(
        "num_inference_steps",
        "int",
        50,
        "Denoising steps (the model was trained with 1000).",
        1,
        1000,
    ),
    Param("eta", "float", 0.0, "DDIM only: 0 deterministic, 1 as noisy as DDPM.", 0.0, 1.0),
    Param(
        "guidance_scale",
        "float",
        DEFAULT_GUIDANCE,
        "Classifier-free guidance; 1 = off.",
        1.0,
        10.0,
    ),
    Param("digit", "int", -1, "Which digit to draw, or −1 for any.", -1, 9),
    Param("n", "int", 16, "How many digits.", 1, 64),
    Param("n_frames", "int", 10, "Intermediate frames returned (x_t and x̂_0).", 1, 50),
]


def _checked(p: dict) -> dict:
    """The parameters as the sampler takes them, or ParameterError."""
    if p["sampler"] == "ddpm" and p["eta"] != 0.0:
        raise ParameterError("eta", "eta applies to the ddim sampler only")
    return {**p, "n_frames": min(p["n_frames"], p["num_inference_steps"])}


def demo(load, p: dict, generator: torch.Generator, dev: torch.device, progress=None) -> dict:
    return demo_batch(load, [p], [generator], dev, [progress])[0]


# Runs whose parameters differ only in these (and the seed) can share one batch.
BATCH_FREE = ("n",)


def demo_batch(load, ps: list[dict], generators: list, dev: torch.device, progress: list) -> list:
    """Several runs (parameters equal but for BATCH_FREE) sampled as one batch, each
    from its own generator: one result dict per run, or the ParameterError that ends
    that run alone."""
    out: list = [None] * len(ps)
    ok = []
    for i, p in enumerate(ps):
        try:
            ps[i] = _checked(p)
            ok.append(i)
        except ParameterError as exc:
            out[i] = exc
    if not ok:
        return out
    p = ps[ok[0]]
    sizes = [ps[i]["n"] for i in ok]
    model, meta = load("diffusion-digits")
    x, frames = sample(
        model,
        sum(sizes),
        sampler=p["sampler"],
        num_inference_steps=p["num_inference_steps"],
        eta=p["eta"],
        guidance_scale=p["guidance_scale"],
        digit=p["digit"],
        n_frames=p["n_frames"],
        generator=[generators[i] for i in ok],
        progress=[progress[i] for i in ok],
        sizes=sizes,
    )
    images = x.reshape(-1, 8, 8).cpu().numpy()
    xs = np.stack([f[1] for f in frames]).reshape(len(frames), -1, 8, 8)
    x0s = np.stack([f[2] for f in frames]).reshape(len(frames), -1, 8, 8)
    first = 0
    for i, k in zip(ok, sizes, strict=True):
        rows = slice(first, first + k)
        out[i] = {
            "images": images[rows],
            "frame_steps": [f[0] for f in frames],
            "frames": xs[:, rows],
            "x0_previews": x0s[:, rows],
        }
        first += k
    return out
