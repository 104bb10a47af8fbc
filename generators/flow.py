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


# ----------------------------------------------------------------------------- site API

EXTENTS = {"moons": [-1.5, 2.5, -1.0, 1.5], "ring": [-1.5, 1.5, -1.5, 1.5]}

PARAMS = [
    Param(
        "dataset",
        "choice",
        "moons",
        "Two moons, the ring of 8 Gaussians, or digits.",
        choices=("moons", "ring", "digits"),
    ),
    Param("n", "int", 1000, "How many samples (at most 64 for digits).", 1, 2500),
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
    if ds == "digits" and p["n"] > 64:
        raise ParameterError("n", f"n must be between 1 and 64 for digits (got {p['n']})")
    if ds == "digits" and (p["density"] or p["points"]):
        raise ParameterError(
            "density" if p["density"] else "points", "density and points are for the 2-D datasets"
        )
    model, meta = load(f"flow-{ds}")
    z = torch.randn(p["n"], model.config.dim, generator=generator, device=dev)
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
