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


# The guidance the 8x8 model is evaluated at: its scale with the best digits-FID in the
# guidance table of evaluation.md (stronger guidance narrows the samples).
DEFAULT_GUIDANCE = 1.5
# The Lab's default, and the 28x28 evaluation's: the smallest scale in the 28x28 guidance
# table whose samples are the digit asked for at least 97 % of the time (98.1 %). 1.5
# has the U-Net's lowest digits-FID but draws the wrong digit 4 % of the time; at 1.75
# its FID is still the lowest of the families.
LAB_GUIDANCE = 1.75
# The Lab's default number of DDIM steps for 28x28 digits: few enough that 16 digits
# take under a second on one CPU thread (generators.bench), enough for clean strokes.
LAB_STEPS_28 = 20

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
        self.sample_shape = (c.n_pixels,)

    @staticmethod
    def to_model_space(x: torch.Tensor) -> torch.Tensor:
        """Pixel levels 0..16 → [−1, 1]."""
        return x.float() / 8 - 1

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


# ----------------------------------------------------------------------------- 28x28 U-Net


@dataclass
class UNetConfig:
    """The ε-network for 28x28 digits: a small U-Net as in DDPM (Ho et al. 2020), with
    residual blocks at 14 and 7 pixels and self-attention at 7. The 28x28 image enters
    as 2x2 patches (pixel unshuffle, as Simple Diffusion and DiT patchify): convolutions
    at full resolution cost 4x more and made sampling too slow for one CPU thread."""

    channels: tuple = (32, 64)  # channels at each resolution: 14 and 7 pixels
    patch: int = 2  # the net sees 2x2 patches as 4 channels of a 14x14 map (why: speed)
    emb_dim: int = 128  # size of the timestep and class embeddings
    dropout: float = 0.1  # dropout inside each residual block while training
    num_classes: int = 10  # digit classes; index num_classes is the null label ∅
    T: int = 1000
    schedule: str = "cosine"
    p_uncond: float = 0.1
    clip: float = 1.0
    points: bool = False  # images, never points (the sampler asks)


class UNetBlock(nn.Module):
    """GroupNorm → SiLU → conv, the embedding of (t, y) added between the two convs."""

    def __init__(self, c_in: int, c_out: int, emb_dim: int, dropout: float):
        super().__init__()
        self.norm1 = nn.GroupNorm(8, c_in)
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.emb = nn.Linear(emb_dim, c_out)
        self.norm2 = nn.GroupNorm(8, c_out)
        self.drop = nn.Dropout(dropout)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1)
        self.skip = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, x, e):
        h = self.conv1(F.silu(self.norm1(x))) + self.emb(e)[:, :, None, None]
        h = self.conv2(self.drop(F.silu(self.norm2(h))))
        return self.skip(x) + h


class SelfAttention(nn.Module):
    """One head of self-attention over the pixels of a (B, C, H, W) map, as DDPM uses
    at its lowest resolution: every pixel can look at the whole digit."""

    def __init__(self, c: int):
        super().__init__()
        self.norm = nn.GroupNorm(8, c)
        self.qkv = nn.Conv2d(c, 3 * c, 1)
        self.proj = nn.Conv2d(c, c, 1)

    def forward(self, x):
        B, C, H, W = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(B, 3, C, H * W).transpose(-1, -2).unbind(1)
        h = F.scaled_dot_product_attention(q, k, v)  # (B, HW, C)
        return x + self.proj(h.transpose(-1, -2).reshape(B, C, H, W))


class UNet(nn.Module):
    """ε_θ(x_t, t, y) for (B, 1, 28, 28) images in [−1, 1]. Down: a block at each
    resolution, then a strided conv; middle: block, attention, block; up: nearest
    upsampling, a conv, and a block that also reads the skip from the way down."""

    def __init__(self, config: UNetConfig):
        super().__init__()
        self.config = c = config
        ch = list(c.channels)
        self.t_mlp = nn.Sequential(
            nn.Linear(c.emb_dim, c.emb_dim), nn.SiLU(), nn.Linear(c.emb_dim, c.emb_dim)
        )
        self.label_emb = nn.Embedding(c.num_classes + 1, c.emb_dim)  # last row: ∅
        pp = c.patch * c.patch
        self.inp = nn.Conv2d(pp, ch[0], 3, padding=1)
        block = lambda a, b: UNetBlock(a, b, c.emb_dim, c.dropout)  # noqa: E731
        self.down = nn.ModuleList([block(ch[0], ch[0])])
        self.downsample = nn.ModuleList()
        for a, b in zip(ch, ch[1:], strict=False):
            self.downsample.append(nn.Conv2d(a, b, 3, stride=2, padding=1))  # halves H, W
            self.down.append(block(b, b))
        self.mid1, self.attn = block(ch[-1], ch[-1]), SelfAttention(ch[-1])
        self.mid2 = block(ch[-1], ch[-1])
        self.up = nn.ModuleList([block(2 * ch[-1], ch[-1])])
        self.upsample = nn.ModuleList()
        for a, b in zip(ch[::-1], ch[::-1][1:], strict=False):
            self.upsample.append(nn.Conv2d(a, b, 3, padding=1))
            self.up.append(block(2 * b, b))
        self.out_norm = nn.GroupNorm(8, ch[0])
        self.out = nn.Conv2d(ch[0], pp, 3, padding=1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)
        self.register_buffer("alpha_bar", alpha_bar_schedule(config))
        self.sample_shape = (1, 28, 28)

    @staticmethod
    def to_model_space(x: torch.Tensor) -> torch.Tensor:
        """Pixels in [0, 1] → [−1, 1]."""
        return 2 * x - 1

    def forward(self, x_t, t, y, a=None):
        """x_t (B, 1, 28, 28), t (B,) ints, y (B,) labels with num_classes = ∅ → ε̂."""
        e = F.silu(self.t_mlp(timestep_embedding(t, self.config.emb_dim)) + self.label_emb(y))
        h = self.inp(F.pixel_unshuffle(x_t, self.config.patch))
        skips = [self.down[0](h, e)]
        h = skips[0]
        for down, block in zip(self.downsample, self.down[1:], strict=True):
            h = block(down(h), e)
            skips.append(h)
        h = self.mid2(self.attn(self.mid1(h, e)), e)
        h = self.up[0](torch.cat([h, skips.pop()], 1), e)
        for up, block in zip(self.upsample, self.up[1:], strict=True):
            h = up(F.interpolate(h, scale_factor=2, mode="nearest"))
            h = block(torch.cat([h, skips.pop()], 1), e)
        return F.pixel_shuffle(self.out(F.silu(self.out_norm(h))), self.config.patch)


def loss(model, x: torch.Tensor, y: torch.Tensor, generator=None, a=None):
    """E_{t, ε} ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t, y, a)‖², labels dropped with
    p_uncond; a (B,) the augmentations applied to x, or None. ``model`` is the MLP
    (EpsilonNet) or the U-Net."""
    c, dev = model.config, x.device
    x0 = x if c.points else model.to_model_space(x)
    t = torch.randint(0, c.T, (x.size(0),), generator=generator, device=dev)
    eps = torch.randn(x0.shape, generator=generator, device=dev)
    ab = model.alpha_bar[t].view(-1, *[1] * (x0.dim() - 1))
    x_t = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
    drop = torch.rand(x.size(0), generator=generator, device=dev) < c.p_uncond
    y = torch.where(drop, torch.full_like(y, c.num_classes), y)
    return F.mse_loss(model(x_t, t, y, a), eps)


# A network's output for a sample should not depend on the samples beside it, yet a
# matrix product or a convolution adds up in another order for a lone row, a ragged tail
# or a small batch (the MLP differs by 4e-7 for one row, the U-Net by 2e-6 for fewer than
# 16, enough to move a stored pixel). Each run's rows are padded to a multiple of
# ROW_BLOCK, alone as in a batch, so a run draws the same digits in any batch (checked
# on this CPU; a GPU's kernels may choose differently by batch size).
ROW_BLOCK = 16


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


def in_blocks(model, blocks, x, t, y) -> torch.Tensor:
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
    model,
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
    """Run the reverse process from x_T ~ N(0, I). Returns (x_0 in [0, 1], (n, 64) for
    the MLP or (n, 1, 28, 28) for the U-Net — or points as they are when config.points —,
    frames: list of (t, x_t, x̂_0), the network's input at step t and its prediction of
    the clean image there, each in [0, 1]).

    sampler "ddpm": ancestral steps from the posterior q(x_prev | x_t, x̂_0);
    sampler "ddim": x_prev = √ᾱ_prev x̂_0 + √(1 − ᾱ_prev − σ²) ε̃ + σ z with
    σ = η √((1 − ᾱ_prev)/(1 − ᾱ_t)) √(1 − ᾱ_t/ᾱ_prev); η = 0 is deterministic.
    digit −1 samples unconditionally; an array gives one label per sample.

    Several runs as one batch: ``generator`` a list with one generator per run and
    ``sizes`` how many samples each run has (summing to n), in order. Every run's noise
    is drawn from its own generator, in the shapes it would draw alone, so each run gets
    the digits it would get alone; ``progress`` is then a list, one callback (or None)
    per run, each given the preview of its run's first sample."""
    c = model.config
    dev = model.alpha_bar.device
    if not isinstance(generator, list):
        generator, sizes, progress = [generator], [n], [progress]
    firsts = np.cumsum([0] + sizes[:-1]).tolist()  # each run's first row
    blocks, blocks2 = row_blocks(sizes, dev), row_blocks(sizes + sizes, dev)  # 2: guided

    def randn() -> torch.Tensor:  # each run's rows from its own generator
        return torch.cat(
            [
                torch.randn(k, *model.sample_shape, generator=g, device=dev)
                for g, k in zip(generator, sizes, strict=True)
            ]
        )

    y = torch.as_tensor(digit, device=dev).long().expand(n).clone()
    cond = y >= 0
    y[~cond] = c.num_classes
    null = torch.full_like(y, c.num_classes)
    x = randn()  # x_T
    per_sample = lambda v: v.view(-1, *[1] * (x.dim() - 1))  # noqa: E731  (n,) → broadcast
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
            eps = torch.where(per_sample(cond), e_u + guidance_scale * (e_c - e_u), e_c)
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
        for report, first in zip(progress, firsts, strict=True):
            if report:
                preview = frames[-1][2][first].reshape(-1) if i in keep else None
                report(i + 1, len(ts), preview)
    return (x if c.points else ((x + 1) / 2).clamp(0, 1)), frames


@torch.no_grad()
def sample_latent(model: EpsilonNet, autoencoder, latent_scale: float, n: int, **kwargs):
    """Latent diffusion: run ``sample`` in the autoencoder's latent space, then decode.
    Returns (images (n, 1, 28, 28) in [0, 1], frames with x_t and x̂_0 decoded too)."""
    dev = model.alpha_bar.device

    def decode(v):
        return autoencoder.decode_mean(torch.as_tensor(v, device=dev) * latent_scale).cpu().numpy()

    progress = kwargs.pop("progress", None)
    if progress:  # the preview is a latent: show it decoded

        def decoded(step, total, preview=None):
            image = None if preview is None else decode(preview[None]).reshape(-1)
            progress(step, total, image)

        kwargs["progress"] = decoded
    z, frames = sample(model, n, **kwargs)

    images = autoencoder.decode_mean(z * latent_scale)
    return images, [(t, decode(a), decode(b)) for t, a, b in frames]


# ----------------------------------------------------------------------------- site API

# which class rebuilds each shipped checkpoint (generators.sample's loader asks)
CHECKPOINTS = {
    "diffusion-digits": (EpsilonNet, DiffusionConfig),
    "diffusion-digits28": (UNet, UNetConfig),
    "diffusion-latent28": (EpsilonNet, DiffusionConfig),
}

PARAMS = [
    Param(
        "dataset",
        "choice",
        "digits28",
        "28x28 handwritten digits (a U-Net) or the 8x8 digits (an MLP).",
        choices=("digits28", "digits"),
    ),
    Param(
        "space",
        "choice",
        "pixel",
        "Denoise the pixels, or the VAE's 16-D latent and decode it (latent "
        "diffusion; 28x28 digits only).",
        choices=("pixel", "latent"),
    ),
    Param("sampler", "choice", "ddim", "DDPM ancestral or DDIM.", choices=("ddpm", "ddim")),
    Param(
        "num_inference_steps",
        "int",
        LAB_STEPS_28,
        "Denoising steps (the model was trained with 1000).",
        1,
        1000,
    ),
    Param("eta", "float", 0.0, "DDIM only: 0 deterministic, 1 as noisy as DDPM.", 0.0, 1.0),
    Param(
        "guidance_scale",
        "float",
        LAB_GUIDANCE,
        "Classifier-free guidance; 1 = off.",
        1.0,
        10.0,
    ),
    Param(
        "digit",
        "int",
        -1,
        "Which digit to draw, or −1 for any (at 28x28: a random digit for each sample).",
        -1,
        9,
    ),
    Param("n", "int", 16, "How many digits.", 1, 64),
    Param("n_frames", "int", 10, "Intermediate frames returned (x_t and x̂_0).", 1, 50),
]


def _checked(p: dict) -> dict:
    """The parameters as the sampler takes them, or ParameterError."""
    if p["sampler"] == "ddpm" and p["eta"] != 0.0:
        raise ParameterError("eta", "eta applies to the ddim sampler only")
    if p["space"] == "latent" and p["dataset"] != "digits28":
        raise ParameterError("space", "latent diffusion runs on the 28x28 digits only")
    return {**p, "n_frames": min(p["n_frames"], p["num_inference_steps"])}


def _digits(p: dict, generator: torch.Generator, dev: torch.device):
    """The labels to draw: "any digit" at 28x28 is a random class per sample, drawn with
    guidance, because the unconditional branch (10 % of training) draws far worse digits
    (evaluation.md). Drawn first from the run's generator, before x_T."""
    if p["dataset"] == "digits28" and p["digit"] == -1:
        return torch.randint(0, 10, (p["n"],), generator=generator, device=dev)
    return torch.full((p["n"],), p["digit"], device=dev, dtype=torch.long)


def _result(p: dict, x, frames) -> dict:
    side = 28 if p["dataset"] == "digits28" else 8
    return {
        "images": x.reshape(-1, side, side).cpu().numpy(),
        "frame_steps": [f[0] for f in frames],
        "frames": np.stack([f[1] for f in frames]).reshape(len(frames), -1, side, side),
        "x0_previews": np.stack([f[2] for f in frames]).reshape(len(frames), -1, side, side),
    }


def demo(load, p: dict, generator: torch.Generator, dev: torch.device, progress=None) -> dict:
    p = _checked(p)
    kwargs = {k: p[k] for k in ("num_inference_steps", "eta", "guidance_scale")}
    kwargs |= {"sampler": p["sampler"], "n_frames": p["n_frames"]}
    kwargs["digit"] = _digits(p, generator, dev)
    if p["space"] == "latent":
        model, meta = load("diffusion-latent28")
        autoencoder, _ = load(meta["autoencoder"])
        x, frames = sample_latent(
            model,
            autoencoder,
            meta["latent_scale"],
            p["n"],
            generator=generator,
            progress=progress,
            **kwargs,
        )
    else:
        model, meta = load(f"diffusion-{p['dataset']}")
        x, frames = sample(model, p["n"], generator=generator, progress=progress, **kwargs)
    return _result(p, x, frames)


# Runs whose parameters differ only in these (and the seed) can share one batch.
BATCH_FREE = ("n",)


def demo_batch(load, ps: list[dict], generators: list, dev: torch.device, progress: list) -> list:
    """Several runs (parameters equal but for BATCH_FREE) sampled as one batch, each
    from its own generator: one result dict per run, or the ParameterError that ends
    that run alone. Latent diffusion runs one run after another (its decoder is not
    padded into blocks)."""
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
    if p["space"] == "latent":
        for i in ok:
            out[i] = demo(load, ps[i], generators[i], dev, progress[i])
        return out
    sizes = [ps[i]["n"] for i in ok]
    model, meta = load(f"diffusion-{p['dataset']}")
    x, frames = sample(
        model,
        sum(sizes),
        sampler=p["sampler"],
        num_inference_steps=p["num_inference_steps"],
        eta=p["eta"],
        guidance_scale=p["guidance_scale"],
        digit=torch.cat([_digits(ps[i], generators[i], dev) for i in ok]),
        n_frames=p["n_frames"],
        generator=[generators[i] for i in ok],
        progress=[progress[i] for i in ok],
        sizes=sizes,
    )
    whole = _result(p, x, frames)
    first = 0
    for i, k in zip(ok, sizes, strict=True):
        rows = slice(first, first + k)
        out[i] = {
            "images": whole["images"][rows],
            "frame_steps": whole["frame_steps"],
            "frames": whole["frames"][:, rows],
            "x0_previews": whole["x0_previews"][:, rows],
        }
        first += k
    return out
