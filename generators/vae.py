"""VAE family: a variational autoencoder (Kingma & Welling 2014) on 8x8 digits.

Encoder q(z|x) = N(μ(x), diag σ²(x)); prior p(z) = N(0, I); decoder p(x|z) a
categorical over the 17 pixel levels for each of the 64 pixels, so log p(x|z) is a
proper discrete log-likelihood and the bound is in nats per image, comparable with
the other families:

    ELBO(x) = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)) ≤ log p(x)

with z = μ + σ ⊙ ε, ε ~ N(0, I) (the reparameterization trick). The importance-
weighted bound (Burda et al. 2016) log (1/K) Σ_k p(x, z_k)/q(z_k|x) is tighter.
The shipped showcase has a 2-D latent so the whole latent plane can be drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from .data import digits28_tensor, digits_tensor
from .params import Param, ParameterError


@dataclass
class VAEConfig:
    latent_dim: int = 2  # size of z; 2 lets the whole latent plane be drawn
    hidden: int = 256  # width of the encoder and decoder MLPs
    n_layers: int = 2  # hidden layers in each MLP
    n_pixels: int = 64  # 8x8 digits, flattened
    levels: int = 17  # pixel values 0..16, each pixel a categorical over these
    dropout: float = 0.0  # dropout after each hidden layer while training (1000 digits overfit)


def mlp(d_in: int, hidden: int, n_layers: int, d_out: int, dropout: float) -> nn.Sequential:
    layers, d = [], d_in
    for _ in range(n_layers):
        layers += [nn.Linear(d, hidden), nn.SiLU(), nn.Dropout(dropout)]
        d = hidden
    return nn.Sequential(*layers, nn.Linear(d, d_out))


class VAE(nn.Module):
    def __init__(self, config: VAEConfig):
        super().__init__()
        self.config = config
        c = config
        self.encoder = mlp(
            c.n_pixels, c.hidden, c.n_layers, 2 * c.latent_dim, c.dropout
        )  # μ, log σ²
        self.decoder = mlp(c.latent_dim, c.hidden, c.n_layers, c.n_pixels * c.levels, c.dropout)

    def encode(self, x: torch.Tensor):
        """x (B, 64) int levels → μ, log σ² each (B, L)."""
        h = self.encoder(x.float() / (self.config.levels - 1))
        mu, logvar = h.chunk(2, dim=-1)
        return mu, logvar

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        """z (B, L) → logits (B, 64, 17) of p(x|z)."""
        return self.decoder(z).view(z.size(0), self.config.n_pixels, self.config.levels)

    def decode_mean(self, z: torch.Tensor) -> torch.Tensor:
        """z (B, L) → E[x|z] / 16, (B, 64) in [0, 1]: the image we show."""
        probs = self.decode_logits(z).softmax(-1)
        levels = torch.arange(self.config.levels, device=z.device, dtype=probs.dtype)
        return (probs * levels).sum(-1) / (self.config.levels - 1)

    def log_px_given_z(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        return log_px_given_z(self, x, z)


# ----------------------------------------------------------------------------- 28x28 conv VAE


@dataclass
class ConvVAEConfig:
    """A convolutional VAE for 28x28 digits: two strided convolutions down to 7x7, two
    transposed ones back up, as in most VAE papers' MNIST models."""

    latent_dim: int = 16  # 16 for the comparison model, 2 for the drawable latent plane
    channels: tuple = (32, 64)  # channels at 14 and 7 pixels
    hidden: int = 128  # the fully connected layer between the 7x7 map and z
    dropout: float = 0.0


def discretized_logistic_log_prob(x: torch.Tensor, mean: torch.Tensor, log_scale: torch.Tensor):
    """log P(k) of each pixel level k = 255·x under a logistic(mean, e^log_scale) on
    [−1, 1] whose mass is binned into the 256 levels (Salimans et al. 2017, PixelCNN++):
    P(k) = σ((x⁺ − μ)/s) − σ((x⁻ − μ)/s) with x± the bin edges, and the two end bins
    take all the mass beyond them (so the many 0 pixels of a digit are cheap)."""
    xc = 2 * torch.round(x * 255) / 255 - 1  # the bin centre in [−1, 1]
    inv_s = torch.exp(-log_scale)
    plus, minus = inv_s * (xc - mean + 1 / 255), inv_s * (xc - mean - 1 / 255)
    log_cdf_plus = plus - F.softplus(plus)  # log σ(plus)
    log_one_minus_cdf_minus = -F.softplus(minus)  # log (1 − σ(minus))
    mid = inv_s * (xc - mean)
    # log(σ(plus) − σ(minus)); where that difference underflows, the density at the
    # centre times the bin width 2/255 is as good
    diff = torch.sigmoid(plus) - torch.sigmoid(minus)
    log_pdf_mid = mid - log_scale - 2 * F.softplus(mid) + math.log(2 / 255)
    log_mid = torch.where(diff > 1e-5, torch.log(diff.clamp(min=1e-12)), log_pdf_mid)
    return torch.where(
        xc < -0.999, log_cdf_plus, torch.where(xc > 0.999, log_one_minus_cdf_minus, log_mid)
    )


class ConvVAE(nn.Module):
    """q(z|x) = N(μ(x), diag σ²(x)) from a CNN; p(x|z) a discretized logistic per
    pixel whose mean and scale a transposed CNN draws, so the ELBO bounds the exact
    log-likelihood of the 256 pixel levels (bits per dimension, like every family)."""

    def __init__(self, config: ConvVAEConfig):
        super().__init__()
        self.config = c = config
        c1, c2 = c.channels
        self.encoder = nn.Sequential(
            nn.Conv2d(1, c1, 4, 2, 1),  # 28 → 14
            nn.SiLU(),
            nn.Conv2d(c1, c2, 4, 2, 1),  # 14 → 7
            nn.SiLU(),
            nn.Flatten(),
            nn.Linear(c2 * 49, c.hidden),
            nn.SiLU(),
            nn.Dropout(c.dropout),
            nn.Linear(c.hidden, 2 * c.latent_dim),  # μ, log σ²
        )
        self.decoder = nn.Sequential(
            nn.Linear(c.latent_dim, c.hidden),
            nn.SiLU(),
            nn.Dropout(c.dropout),
            nn.Linear(c.hidden, c2 * 49),
            nn.SiLU(),
            nn.Unflatten(1, (c2, 7, 7)),
            nn.ConvTranspose2d(c2, c1, 4, 2, 1),  # 7 → 14
            nn.SiLU(),
            nn.ConvTranspose2d(c1, 2, 4, 2, 1),  # 14 → 28: mean and log-scale
        )

    def encode(self, x: torch.Tensor):
        """x (B, 1, 28, 28) in [0, 1] → μ, log σ² each (B, L)."""
        return self.encoder(2 * x.reshape(-1, 1, 28, 28) - 1).chunk(2, dim=-1)

    def decode_params(self, z: torch.Tensor):
        """z (B, L) → mean, log-scale of p(x|z), each (B, 1, 28, 28), on [−1, 1]."""
        mean, log_scale = self.decoder(z).chunk(2, dim=1)
        return mean, log_scale.clamp(min=-7.0)

    def decode_mean(self, z: torch.Tensor) -> torch.Tensor:
        """z (B, L) → the image we show, (B, 1, 28, 28) in [0, 1]: the logistic's mean."""
        return ((self.decode_params(z)[0] + 1) / 2).clamp(0, 1)

    def log_px_given_z(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """(B,) log p(x|z) in nats, summed over the 784 pixels."""
        mean, log_scale = self.decode_params(z)
        lp = discretized_logistic_log_prob(x.reshape(-1, 1, 28, 28), mean, log_scale)
        return lp.flatten(1).sum(1)


def log_px_given_z(model: VAE, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """(B,) log p(x|z), summed over the 64 pixels."""
    logp = F.log_softmax(model.decode_logits(z), -1)  # (B, 64, 17)
    return logp.gather(-1, x[..., None]).squeeze(-1).sum(1)


def elbo(model: VAE | ConvVAE, x: torch.Tensor, generator: torch.Generator | None = None):
    """(elbo, reconstruction, kl), each (B,) in nats: ELBO = E_q log p(x|z) − KL(q ‖ p)."""
    mu, logvar = model.encode(x)
    eps = torch.randn(mu.shape, generator=generator, device=mu.device)
    z = mu + torch.exp(0.5 * logvar) * eps  # reparameterization
    reconstruction = model.log_px_given_z(x, z)
    kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1)  # closed form, Gaussian ‖ N(0, I)
    return reconstruction - kl, reconstruction, kl


def loss(model: VAE, x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """−ELBO, or with beta < 1 the warm-up objective −(E_q log p(x|z) − β KL): early in
    training a weak KL lets the codes spread out before the prior pulls them in
    (Sønderby et al. 2016); with a 2-D code that is what keeps the 5s apart."""
    return loss_terms(model, x, beta)[0]


def loss_terms(model: VAE, x: torch.Tensor, beta: float = 1.0):
    """(loss, elbo, kl): the loss of ``loss`` with the batch means of its two terms."""
    bound, reconstruction, kl = elbo(model, x)
    return -(reconstruction - beta * kl).mean(), bound.detach().mean(), kl.detach().mean()


@torch.no_grad()
def iwae_bound(model: VAE | ConvVAE, x: torch.Tensor, k: int = 256, generator=None) -> torch.Tensor:
    """(B,) importance-weighted bound log (1/K) Σ_k p(x|z_k) p(z_k) / q(z_k|x)."""
    mu, logvar = model.encode(x)
    std = torch.exp(0.5 * logvar)
    out = []
    for i in range(x.size(0)):
        eps = torch.randn(k, mu.size(1), generator=generator, device=x.device)
        z = mu[i] + std[i] * eps  # (K, L)
        log_q = (-0.5 * eps.pow(2) - torch.log(std[i]) - 0.5 * math.log(2 * math.pi)).sum(1)
        log_p_z = (-0.5 * z.pow(2) - 0.5 * math.log(2 * math.pi)).sum(1)
        log_px = model.log_px_given_z(x[i].expand(k, *x.shape[1:]), z)
        out.append(torch.logsumexp(log_px + log_p_z - log_q, 0) - math.log(k))
    return torch.stack(out)


# ----------------------------------------------------------------------------- site API

# which class rebuilds each shipped checkpoint (generators.sample's loader asks)
CHECKPOINTS = {
    "vae-digits": (VAE, VAEConfig),
    "vae-digits-z16": (VAE, VAEConfig),
    "vae-digits28": (ConvVAE, ConvVAEConfig),
    "vae-digits28-z16": (ConvVAE, ConvVAEConfig),
}

PARAMS = [
    Param(
        "dataset",
        "choice",
        "digits28",
        "28x28 handwritten digits (a convolutional VAE) or the 8x8 digits (an MLP).",
        choices=("digits28", "digits"),
    ),
    Param(
        "mode",
        "choice",
        "sample",
        "Draw from the prior, decode the latent plane, "
        "interpolate between two digits, or reconstruct test digits.",
        choices=("sample", "grid", "interpolate", "reconstruct"),
    ),
    Param(
        "latent_dim",
        "choice",
        2,
        "Which model: the 2-D latent (drawable) or 16-D.",
        choices=(2, 16),
    ),
    Param("n", "int", 16, "How many digits to sample or reconstruct.", 1, 64),
    Param(
        "z1",
        "float",
        0.0,
        "First latent coordinate of the point decoded as `image_at_z`.",
        -3.0,
        3.0,
    ),
    Param("z2", "float", 0.0, "Second latent coordinate of that point.", -3.0, 3.0),
    Param("grid_size", "int", 10, "Grid mode: rows and columns decoded over [−3, 3]².", 2, 20),
    Param("digit_a", "int", 3, "Interpolate: start from a test digit of this class.", 0, 9),
    Param("digit_b", "int", 8, "Interpolate: end at a test digit of this class.", 0, 9),
    Param("steps", "int", 8, "Interpolate: images from a to b, both included.", 2, 16),
]


def checkpoint_name(dataset: str, latent_dim: int) -> str:
    return f"vae-{dataset}" + ("-z16" if latent_dim == 16 else "")


def _images(x: torch.Tensor):
    """(B, …) in [0, 1] → (B, side, side) NumPy: 8x8 or 28x28 digits."""
    side = 28 if x[0].numel() == 784 else 8
    return x.reshape(-1, side, side).clamp(0, 1).cpu().numpy()


def _test_digits(dataset: str, dev):
    """The test digits as the model reads them, their labels, and as images in [0, 1]."""
    if dataset == "digits28":
        X, y = digits28_tensor("test")
        return X.to(dev), y, X.to(dev)
    X, y = digits_tensor("test")
    return X.to(dev), y, X.to(dev).float() / 16


@torch.no_grad()
def demo(load, p: dict, generator: torch.Generator, dev: torch.device, progress=None) -> dict:
    model, meta = load(checkpoint_name(p["dataset"], p["latent_dim"]))
    L = model.config.latent_dim
    X, y, pixels = _test_digits(p["dataset"], dev)
    out: dict = {"latent_dim": L}
    if L == 2:
        z = torch.tensor([[p["z1"], p["z2"]]], device=dev)
        out["image_at_z"] = _images(model.decode_mean(z))[0]
        out["test_latents"] = model.encode(X)[0].cpu().numpy()  # μ of each test digit
        out["test_labels"] = y.numpy()
    if p["mode"] == "sample":
        z = torch.randn(p["n"], L, generator=generator, device=dev)
        out["images"] = _images(model.decode_mean(z))
    elif p["mode"] == "grid":
        if L != 2:
            raise ParameterError("mode", "mode grid needs latent_dim 2")
        g = p["grid_size"]
        v = torch.linspace(-3, 3, g, device=dev)
        zz = torch.stack(torch.meshgrid(v.flip(0), v, indexing="ij"), -1)  # row: z2 high → low
        z = zz[..., [1, 0]].reshape(-1, 2)  # (g*g, 2) as (z1, z2)
        out["images"] = _images(model.decode_mean(z))
        out["grid_extent"] = [-3.0, 3.0, -3.0, 3.0]
    elif p["mode"] == "interpolate":
        a, b = (int((y == p[k]).nonzero()[0]) for k in ("digit_a", "digit_b"))
        za, zb = model.encode(X[[a]])[0], model.encode(X[[b]])[0]
        w = torch.linspace(0, 1, p["steps"], device=dev)[:, None]
        out["images"] = _images(model.decode_mean((1 - w) * za + w * zb))
        out["endpoints"] = _images(pixels[[a, b]])
    else:  # reconstruct
        x = X[: p["n"]]
        mu, _ = model.encode(x)
        out["originals"] = _images(pixels[: p["n"]])
        out["images"] = _images(model.decode_mean(mu))
        e, rec, kl = elbo(model, x, generator)
        out["elbo"], out["kl"] = e.cpu().numpy(), kl.cpu().numpy()
    if progress:
        progress(1, 1)
    return out
