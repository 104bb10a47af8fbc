"""Normalizing-flow family: RealNVP (Dinh et al. 2017) with Glow's steps (Kingma &
Dhariwal 2018): ActNorm → fixed permutation → affine coupling, repeated.

An invertible f maps data x to z = f(x) ~ N(0, I); the change of variables gives the
exact log-likelihood

    log p(x) = log N(f(x); 0, I) + log |det ∂f/∂x|,

and each piece has a cheap log_det_jacobian: the affine coupling
y_b = x_b ⊙ exp(s(x_a)) + t(x_a) contributes Σ s(x_a); ActNorm Σ log|scale|; a
permutation 0. Sampling runs the steps backwards from z ~ N(0, I).

Digits are discrete: uniform dequantization (x + u)/17, u ~ U[0, 1)^64, then a logit
transform, gives a continuous density whose −log is an upper bound on the discrete
negative log-likelihood (Theis et al. 2016).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn

from .params import Param


@dataclass
class FlowConfig:
    dim: int = 2  # data dimension: 2 for the toys, 64 for digits
    n_steps: int = 8  # flow steps, each ActNorm → permutation → affine coupling
    hidden: int = 128  # width of the s and t networks
    n_layers: int = 2  # hidden layers of the s and t networks
    dequantize: bool = False  # digits: uniform dequantization + logit transform
    levels: int = 17  # digits: number of discrete pixel values
    alpha: float = 0.05  # digits: logit transform squeezes into [α, 1 − α] (RealNVP)
    seed: int = 0  # seeds the fixed random permutations (part of the architecture)
    dropout: float = 0.0  # dropout in the s and t networks while training (digits overfit)


class ActNorm(nn.Module):
    """y = (x − b) · exp(−log s), initialised from the first batch to zero mean, unit
    variance (Glow)."""

    def __init__(self, dim: int):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(dim))
        self.log_scale = nn.Parameter(torch.zeros(dim))
        self.register_buffer("initialized", torch.zeros(()))

    def forward(self, x):
        if not self.initialized and self.training:
            with torch.no_grad():
                self.bias.copy_(x.mean(0))
                self.log_scale.copy_(torch.log(x.std(0) + 1e-6))
                self.initialized.fill_(1)
        y = (x - self.bias) * torch.exp(-self.log_scale)
        return y, -self.log_scale.sum().expand(x.size(0))

    def inverse(self, y):
        return y * torch.exp(self.log_scale) + self.bias


class Permutation(nn.Module):
    def __init__(self, perm: torch.Tensor):
        super().__init__()
        self.register_buffer("perm", perm)
        self.register_buffer("inv", torch.argsort(perm))

    def forward(self, x):
        return x[:, self.perm], torch.zeros(x.size(0), device=x.device)

    def inverse(self, y):
        return y[:, self.inv]


class AffineCoupling(nn.Module):
    """Split x = (x_a, x_b); y_a = x_a, y_b = x_b ⊙ exp(s(x_a)) + t(x_a)."""

    def __init__(self, dim: int, hidden: int, n_layers: int, dropout: float = 0.0):
        super().__init__()
        self.d_a = dim // 2
        layers, d = [], self.d_a
        for _ in range(n_layers):
            layers += [nn.Linear(d, hidden), nn.SiLU()]
            layers += [nn.Dropout(dropout)] if dropout > 0 else []
            d = hidden
        self.net = nn.Sequential(*layers, nn.Linear(d, 2 * (dim - self.d_a)))
        nn.init.zeros_(self.net[-1].weight)  # start as the identity
        nn.init.zeros_(self.net[-1].bias)
        self.s_scale = nn.Parameter(torch.ones(dim - self.d_a))

    def _s_t(self, x_a):
        s, t = self.net(x_a).chunk(2, -1)
        return self.s_scale * torch.tanh(s), t  # tanh keeps exp(s) well-conditioned

    def forward(self, x):
        x_a, x_b = x[:, : self.d_a], x[:, self.d_a :]
        s, t = self._s_t(x_a)
        y_b = x_b * torch.exp(s) + t
        return torch.cat([x_a, y_b], 1), s.sum(1)  # log_det_jacobian = Σ s

    def inverse(self, y):
        y_a, y_b = y[:, : self.d_a], y[:, self.d_a :]
        s, t = self._s_t(y_a)
        return torch.cat([y_a, (y_b - t) * torch.exp(-s)], 1)


class RealNVP(nn.Module):
    def __init__(self, config: FlowConfig):
        super().__init__()
        self.config = config
        g = torch.Generator().manual_seed(config.seed)
        layers = []
        for _ in range(config.n_steps):
            # in 2-D a reversal alternates the halves; in 64-D a random shuffle mixes them
            perm = (
                torch.arange(config.dim).flip(0)
                if config.dim == 2
                else torch.randperm(config.dim, generator=g)
            )
            layers += [
                ActNorm(config.dim),
                Permutation(perm),
                AffineCoupling(config.dim, config.hidden, config.n_layers, config.dropout),
            ]
        self.layers = nn.ModuleList(layers)

    def forward(self, x):
        """x (B, D) → z (B, D), log_det_jacobian (B,)."""
        log_det = torch.zeros(x.size(0), device=x.device)
        for layer in self.layers:
            x, ld = layer(x)
            log_det = log_det + ld
        return x, log_det

    def inverse(self, z):
        for layer in reversed(self.layers):
            z = layer.inverse(z)
        return z

    def log_prob(self, x):
        """(B,) exact log p(x) by the change of variables."""
        z, log_det = self(x)
        log_base = -0.5 * (z.pow(2) + math.log(2 * math.pi)).sum(1)
        return log_base + log_det


# ----------------------------------------------------------------------------- digits


def dequantize(config: FlowConfig, x: torch.Tensor, generator=None):
    """x (B, 64) ints → v in logit space, and log|det ∂v/∂y| of y = x + u ↦ v."""
    u = torch.rand(x.shape, generator=generator, device=x.device)
    y = (x.float() + u) / config.levels  # (0, 1)
    a = config.alpha
    s = a + (1 - 2 * a) * y
    v = torch.log(s) - torch.log1p(-s)
    log_det = (math.log((1 - 2 * a) / config.levels) - torch.log(s) - torch.log1p(-s)).sum(1)
    return v, log_det


def digits_log_likelihood_bound(model: RealNVP, x: torch.Tensor, generator=None):
    """(B,) a lower bound on log P(x) in nats: log p(v) + log|det| for one draw of u."""
    v, log_det = dequantize(model.config, x, generator)
    return model.log_prob(v) + log_det


def to_pixels(config: FlowConfig, v: torch.Tensor) -> torch.Tensor:
    """Inverse of the logit transform: v → image in [0, 1]."""
    y = (torch.sigmoid(v) - config.alpha) / (1 - 2 * config.alpha)
    return (y * config.levels / (config.levels - 1)).clamp(0, 1)


def loss(model: RealNVP, x: torch.Tensor) -> torch.Tensor:
    if model.config.dequantize:
        return -digits_log_likelihood_bound(model, x).mean()
    return -model.log_prob(x).mean()


# ----------------------------------------------------------------------------- 28x28, multi-scale


@dataclass
class MultiScaleFlowConfig:
    hidden: int = 64  # channels of each coupling's convolutional s/t network
    n_scales: int = 2  # scales that end by squeezing and factoring out half the channels
    n_couplings: int = 3  # couplings of each kind (checkerboard, then channel) per scale
    n_final: int = 4  # checkerboard couplings on the last, 7x7 scale
    alpha: float = 0.05  # the logit transform squeezes [0, 1] into [α, 1 − α] (RealNVP)


def squeeze(x: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) → (B, 4C, H/2, W/2): every 2x2 patch becomes 4 channels."""
    B, C, H, W = x.shape
    x = x.reshape(B, C, H // 2, 2, W // 2, 2).permute(0, 1, 3, 5, 2, 4)
    return x.reshape(B, 4 * C, H // 2, W // 2)


def unsqueeze(x: torch.Tensor) -> torch.Tensor:
    """The inverse of squeeze."""
    B, C, H, W = x.shape
    x = x.reshape(B, C // 4, 2, 2, H, W).permute(0, 1, 4, 2, 5, 3)
    return x.reshape(B, C // 4, 2 * H, 2 * W)


class ActNorm2d(nn.Module):
    """Glow's per-channel y = (x − b) · exp(−log s), initialised from the first batch
    to zero mean and unit variance; log_det_jacobian = −H·W·Σ log s."""

    def __init__(self, channels: int):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.log_scale = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.register_buffer("initialized", torch.zeros(()))

    def forward(self, x):
        if not self.initialized and self.training:
            with torch.no_grad():
                self.bias.copy_(x.mean((0, 2, 3), keepdim=True))
                self.log_scale.copy_(torch.log(x.std((0, 2, 3), keepdim=True) + 1e-6))
                self.initialized.fill_(1)
        y = (x - self.bias) * torch.exp(-self.log_scale)
        hw = x.size(2) * x.size(3)
        return y, (-hw * self.log_scale.sum()).expand(x.size(0))

    def inverse(self, y):
        return y * torch.exp(self.log_scale) + self.bias


class ConvCoupling(nn.Module):
    """RealNVP's affine coupling on images: y = x_a + (1 − m) ⊙ (x ⊙ exp(s) + t) with
    (s, t) = NN(x_a), x_a = m ⊙ x. The mask m is a checkerboard over pixels (which
    half of the pixels conditions the other) or the first half of the channels."""

    def __init__(self, channels: int, hidden: int, mask: str, parity: int):
        super().__init__()
        self.mask_kind, self.parity = mask, parity
        self.net = nn.Sequential(
            nn.Conv2d(channels + 1, hidden, 3, padding=1),  # + 1: the mask itself
            nn.ReLU(),
            nn.Conv2d(hidden, hidden, 1),
            nn.ReLU(),
            nn.Conv2d(hidden, 2 * channels, 3, padding=1),
        )
        nn.init.zeros_(self.net[-1].weight)  # start as the identity
        nn.init.zeros_(self.net[-1].bias)
        self.s_scale = nn.Parameter(torch.ones(1, channels, 1, 1))

    def mask(self, x: torch.Tensor) -> torch.Tensor:
        B, C, H, W = x.shape
        if self.mask_kind == "checkerboard":
            ij = torch.arange(H, device=x.device)[:, None] + torch.arange(W, device=x.device)
            m = ((ij + self.parity) % 2).float().expand(1, 1, H, W)
            return m.expand(1, C, H, W)
        m = torch.zeros(1, C, 1, 1, device=x.device)
        half = slice(0, C // 2) if self.parity == 0 else slice(C // 2, C)
        m[:, half] = 1.0
        return m.expand(1, C, H, W)

    def _s_t(self, x_a, m):
        h = self.net(torch.cat([x_a, m[:, :1].expand(x_a.size(0), 1, *x_a.shape[2:])], 1))
        s, t = h.chunk(2, 1)
        s = self.s_scale * torch.tanh(s)  # tanh keeps exp(s) well-conditioned
        return s * (1 - m), t * (1 - m)  # the conditioning half passes unchanged

    def forward(self, x):
        m = self.mask(x)
        s, t = self._s_t(x * m, m)
        return x * torch.exp(s) + t, s.flatten(1).sum(1)  # log_det_jacobian = Σ s

    def inverse(self, y):
        m = self.mask(y)
        s, t = self._s_t(y * m, m)
        return (y - t) * torch.exp(-s)


class FlowStep(nn.Module):
    """ActNorm, then a coupling (Glow's step, with RealNVP's masks for the permutation)."""

    def __init__(self, channels: int, hidden: int, mask: str, parity: int):
        super().__init__()
        self.norm = ActNorm2d(channels)
        self.coupling = ConvCoupling(channels, hidden, mask, parity)

    def forward(self, x):
        x, ld1 = self.norm(x)
        x, ld2 = self.coupling(x)
        return x, ld1 + ld2

    def inverse(self, y):
        return self.norm.inverse(self.coupling.inverse(y))


class MultiScaleFlow(nn.Module):
    """RealNVP's multi-scale architecture (Dinh et al. 2017, §3.6) on 1x28x28 digits:
    each scale runs checkerboard couplings, squeezes (C, H, W) → (4C, H/2, W/2), runs
    channel couplings, then factors out half the channels straight to z (they are
    Gaussian already, so later scales spend their capacity on the rest):
    1x28x28 → 4x14x14 (2 out) → 8x7x7 (4 out) → 4x7x7, which ends in checkerboard
    couplings. z is all the factored-out parts together, 784 numbers."""

    def __init__(self, config: MultiScaleFlowConfig):
        super().__init__()
        self.config = config
        c, hid, k = 1, config.hidden, config.n_couplings
        self.scales = nn.ModuleList()
        for _ in range(config.n_scales):
            checker = [FlowStep(c, hid, "checkerboard", i % 2) for i in range(k)]
            channel = [FlowStep(4 * c, hid, "channel", i % 2) for i in range(k)]
            self.scales.append(nn.ModuleList([nn.ModuleList(checker), nn.ModuleList(channel)]))
            c = 2 * c  # squeezed to 4c, half factored out
        self.final = nn.ModuleList(
            [FlowStep(c, hid, "checkerboard", i % 2) for i in range(config.n_final)]
        )

    def preprocess(self, y: torch.Tensor):
        """y (B, 1, 28, 28) in [0, 1] → v = logit(α + (1 − 2α) y), and log|det ∂v/∂y|."""
        a = self.config.alpha
        p = a + (1 - 2 * a) * y
        v = torch.log(p) - torch.log1p(-p)
        log_det = (math.log(1 - 2 * a) - torch.log(p) - torch.log1p(-p)).flatten(1).sum(1)
        return v, log_det

    def forward(self, y):
        """y (B, 1, 28, 28) in [0, 1] → z (B, 784), log_det_jacobian (B,)."""
        x, log_det = self.preprocess(y)
        zs = []
        for checker, channel in self.scales:
            for step in checker:
                x, ld = step(x)
                log_det = log_det + ld
            x = squeeze(x)
            for step in channel:
                x, ld = step(x)
                log_det = log_det + ld
            z, x = x.chunk(2, 1)  # factor out half the channels
            zs.append(z.flatten(1))
        for step in self.final:
            x, ld = step(x)
            log_det = log_det + ld
        return torch.cat([*zs, x.flatten(1)], 1), log_det

    def inverse(self, z):
        """z (B, 784) → images (B, 1, 28, 28) in [0, 1]: the steps run backwards."""
        B, shapes, c, h = z.size(0), [], 1, 28
        for _ in self.scales:  # the shape of each factored-out part
            c, h = 2 * c, h // 2
            shapes.append((c, h, h))
        sizes = [math.prod(s) for s in shapes]
        parts = list(z.split([*sizes, z.size(1) - sum(sizes)], 1))
        x = parts[-1].reshape(B, c, h, h)
        for step in reversed(self.final):
            x = step.inverse(x)
        for (checker, channel), part, shape in zip(
            reversed(self.scales), reversed(parts[:-1]), reversed(shapes), strict=True
        ):
            x = torch.cat([part.reshape(B, *shape), x], 1)
            for step in reversed(channel):
                x = step.inverse(x)
            x = unsqueeze(x)
            for step in reversed(checker):
                x = step.inverse(x)
        a = self.config.alpha
        return ((torch.sigmoid(x) - a) / (1 - 2 * a)).clamp(0, 1)

    def log_prob(self, y):
        """(B,) exact log p(y) of images y in [0, 1] by the change of variables."""
        z, log_det = self(y)
        return -0.5 * (z.pow(2) + math.log(2 * math.pi)).sum(1) + log_det


N_PIXELS = 784


def bits_per_dim(log_p: torch.Tensor, dims: int = 784, levels: int = 256) -> torch.Tensor:
    """A density on [0, 1]^D of dequantized data (k + u) / 256 → bits per pixel of the
    discrete data: (−log p + D log 256) / (D log 2), a bound (Theis et al. 2016)."""
    return (-log_p + dims * math.log(levels)) / (dims * math.log(2))


# ----------------------------------------------------------------------------- site API

EXTENTS = {"moons": [-1.5, 2.5, -1.0, 1.5], "ring": [-1.5, 1.5, -1.5, 1.5]}

CHECKPOINTS = {"flow-digits28": (MultiScaleFlow, MultiScaleFlowConfig)}  # the others: RealNVP

PARAMS = [
    Param(
        "dataset",
        "choice",
        "moons",
        "Two moons, the ring of 8 Gaussians, 28x28 digits (multi-scale) or 8x8 digits.",
        choices=("moons", "ring", "digits28", "digits"),
    ),
    Param("n", "int", 1000, "How many samples (at most 64 for digits).", 1, 2500),
    Param(
        "temperature",
        "float",
        1.0,
        "Scale of the noise z ~ N(0, T²I): below 1 draws likelier, tidier samples (Glow).",
        0.0,
        1.5,
    ),
    Param("density", "bool", False, "Also return log p on a grid, for a heat-map (toys)."),
    Param("grid_size", "int", 100, "Heat-map resolution per side.", 10, 200),
    Param(
        "points", "points", None, "Points [[x, y], …] whose exact log p to return (toys).", max=1000
    ),
]


@torch.no_grad()
def demo(load, p: dict, generator: torch.Generator, dev: torch.device, progress=None) -> dict:
    from .params import ParameterError

    ds = p["dataset"]
    digits = ds in ("digits", "digits28")
    if digits and p["n"] > 64:
        raise ParameterError("n", f"n must be between 1 and 64 for digits (got {p['n']})")
    if digits and (p["density"] or p["points"]):
        raise ParameterError(
            "density" if p["density"] else "points", "density and points are for the 2-D datasets"
        )
    model, meta = load(f"flow-{ds}")
    if ds == "digits28":
        z = p["temperature"] * torch.randn(p["n"], N_PIXELS, generator=generator, device=dev)
        if progress:
            progress(1, 1)
        return {"images": model.inverse(z).reshape(-1, 28, 28).cpu().numpy()}
    z = p["temperature"] * torch.randn(p["n"], model.config.dim, generator=generator, device=dev)
    x = model.inverse(z)
    out: dict = {}
    if ds == "digits":
        out["images"] = to_pixels(model.config, x).reshape(-1, 8, 8).cpu().numpy()
    else:
        out["points"] = x.cpu().numpy()
        out["log_likelihood"] = model.log_prob(x).cpu().numpy()
        if p["density"]:
            x0, x1, y0, y1 = EXTENTS[ds]
            g = p["grid_size"]
            xs, ys = np.linspace(x0, x1, g), np.linspace(y1, y0, g)  # row 0 is the top
            grid = torch.tensor(
                np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2), dtype=torch.float32, device=dev
            )
            out["log_density"] = model.log_prob(grid).reshape(g, g).cpu().numpy()
            out["extent"] = EXTENTS[ds]
        if p["points"]:
            pts = torch.tensor(p["points"], dtype=torch.float32, device=dev)
            out["points_log_likelihood"] = model.log_prob(pts).cpu().numpy()
    if progress:
        progress(1, 1)
    return out
