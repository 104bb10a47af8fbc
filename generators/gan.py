"""GAN family (Goodfellow et al. 2014) on 2-D mode-collapse benchmarks and digits.

The discriminator D(x) outputs a logit; the generator G(z) maps noise to data.
* non-saturating loss:  L_D = softplus(−D(x)) + softplus(D(G(z))),  L_G = softplus(−D(G(z)))
* stabilised variant: the R1 gradient penalty on real data (Mescheder et al. 2018),
  (γ/2) E‖∇_x D(x)‖², with a learning rate decaying linearly to zero, and optional
  packing (PacGAN, Lin et al. 2018: D sees `pac` samples at once).
* at sampling time, discriminator rejection sampling (DRS, Azadi et al. 2019) keeps a
  sample with probability σ(F(x)), F = D(x) − D_max − log(1 − exp(D(x) − D_max − ε)) − γ,
  which sharpens precision by discarding samples D recognises as fake. Rejection needs
  D(x) ≈ log p_data(x) / p_g(x), so after training D (or a separate critic that sees
  random Fourier features of x, see FourierCritic) is fitted against the frozen G.
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
class GANConfig:
    data_dim: int = 2  # 2 for the toy benchmarks, 64 for digits
    latent_dim: int = 2  # size of the noise z ~ N(0, I)
    hidden: int = 256  # width of both MLPs
    n_layers: int = 3  # hidden layers of both MLPs
    pac: int = 1  # PacGAN packing degree: D judges this many samples jointly
    r1_gamma: float = 0.0  # weight γ of the R1 penalty; 0 = plain non-saturating GAN
    lr: float = 1e-4  # Adam learning rate of both networks, decayed linearly to 0
    batch_size: int = 512  # samples per step
    sigmoid_output: bool = False  # digits: squash G's output into [0, 1]
    drs_percentile: float = 0.0  # DRS: γ set to this percentile of F (0 = no rejection)
    drs_d_steps: int = 0  # DRS: steps fitting the critic with G frozen, so it ≈ log p_data / p_g
    drs_d_lr: float = 1e-4  # DRS: learning rate of those steps
    drs_lr_decay: bool = False  # DRS: decay that learning rate linearly to 0
    drs_fourier: int = 0  # DRS critic: this many random Fourier features (0 = refit D itself)
    drs_fourier_scale: float = 1.0  # sd of those features' frequencies, cycles per unit of x


def mlp(d_in: int, hidden: int, n_layers: int, d_out: int, act) -> nn.Sequential:
    layers, d = [], d_in
    for _ in range(n_layers):
        layers += [nn.Linear(d, hidden), act()]
        d = hidden
    return nn.Sequential(*layers, nn.Linear(d, d_out))


class FourierCritic(nn.Module):
    """A real-vs-generated classifier for DRS alone, fed x and [sin 2πBx, cos 2πBx] with
    fixed random frequencies B (Tancik et al. 2020). Why: rejection needs the log density
    ratio where it changes fastest, at the scale of one mode (sd 0.05 on the grid), and a
    plain MLP learns such high frequencies very slowly (spectral bias), so a refitted D
    stays blurred around the modes and keeps the bridges of samples between them."""

    def __init__(self, config: GANConfig):
        super().__init__()
        c = config
        frequencies = torch.randn(
            c.data_dim, c.drs_fourier, generator=torch.Generator().manual_seed(0)
        )
        self.register_buffer("B", frequencies * c.drs_fourier_scale)
        d_in = c.data_dim + 2 * c.drs_fourier
        self.net = mlp(d_in, c.hidden, c.n_layers, 1, lambda: nn.LeakyReLU(0.2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (B, D) → logits (B,)."""
        a = 2 * math.pi * x @ self.B
        return self.net(torch.cat([x, a.sin(), a.cos()], -1))[:, 0]


class GAN(nn.Module):
    def __init__(self, config: GANConfig):
        super().__init__()
        self.config = config
        c = config
        self.generator = mlp(c.latent_dim, c.hidden, c.n_layers, c.data_dim, nn.ReLU)
        self.discriminator = mlp(
            c.data_dim * c.pac, c.hidden, c.n_layers, 1, lambda: nn.LeakyReLU(0.2)
        )
        self.critic = FourierCritic(c) if c.drs_fourier else None
        # DRS statistics, estimated after training: D_max and the γ percentile of F
        self.register_buffer("drs_d_max", torch.zeros(()))
        self.register_buffer("drs_gamma", torch.zeros(()))

    def latent(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """n draws of z ~ N(0, I), made on the generator's device, moved to the model's."""
        at = generator.device if generator is not None else self.drs_d_max.device
        z = torch.randn(n, self.config.latent_dim, generator=generator, device=at)
        return z.to(self.drs_d_max.device)

    def G(self, z: torch.Tensor) -> torch.Tensor:
        x = self.generator(z)  # (B, D)
        return torch.sigmoid(x) if self.config.sigmoid_output else x

    def D(self, x: torch.Tensor) -> torch.Tensor:
        """x (B, D) → logits (B / pac,); samples are packed in consecutive groups."""
        return self.discriminator(x.reshape(-1, self.config.data_dim * self.config.pac))[:, 0]

    def drs_logit(self, x: torch.Tensor) -> torch.Tensor:
        """Per-sample logit that DRS uses: the critic's when there is one, else D's (with
        packing, a sample is packed with copies of itself)."""
        if self.critic is not None:
            return self.critic(x)
        return self.D(x.repeat_interleave(self.config.pac, 0))


# ----------------------------------------------------------------------------- DCGAN, 28x28


@dataclass
class DCGANConfig:
    latent_dim: int = 64  # size of the noise z ~ N(0, I)
    channels: int = 64  # G's last and D's first feature maps; the other layer has twice
    r1_gamma: float = 10.0  # weight γ of the R1 penalty on real digits
    lr: float = 2e-4  # Adam learning rate of both networks, decayed linearly to 0
    batch_size: int = 64  # samples per step
    pac: int = 1  # no packing: kept so the shared losses read one config
    drs_percentile: float = 0.0  # no rejection sampling for digits


class DCGAN(nn.Module):
    """Radford et al. 2016 at 28x28: G projects z to a 7x7 map and doubles it twice with
    strided transposed convolutions (batch norm + ReLU, sigmoid out); D halves the image
    twice with strided convolutions (leaky ReLU) to one logit. D has no batch norm: the
    R1 penalty regularises it instead (Mescheder et al. 2018), and batch statistics in D
    would let it compare samples within a batch."""

    def __init__(self, config: DCGANConfig):
        super().__init__()
        self.config = config
        c = config.channels
        self.generator = nn.Sequential(
            nn.Linear(config.latent_dim, 2 * c * 7 * 7),
            nn.Unflatten(1, (2 * c, 7, 7)),
            nn.BatchNorm2d(2 * c),
            nn.ReLU(),
            nn.ConvTranspose2d(2 * c, c, 4, stride=2, padding=1),  # (B, c, 14, 14)
            nn.BatchNorm2d(c),
            nn.ReLU(),
            nn.ConvTranspose2d(c, 1, 4, stride=2, padding=1),  # (B, 1, 28, 28)
        )
        self.discriminator = nn.Sequential(
            nn.Conv2d(1, c, 4, stride=2, padding=1),  # (B, c, 14, 14)
            nn.LeakyReLU(0.2),
            nn.Conv2d(c, 2 * c, 4, stride=2, padding=1),  # (B, 2c, 7, 7)
            nn.LeakyReLU(0.2),
            nn.Flatten(),
            nn.Linear(2 * c * 7 * 7, 1),
        )
        self.register_buffer("drs_d_max", torch.zeros(()))  # marks the device, as in GAN

    def latent(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        at = generator.device if generator is not None else self.drs_d_max.device
        z = torch.randn(n, self.config.latent_dim, generator=generator, device=at)
        return z.to(self.drs_d_max.device)

    def G(self, z: torch.Tensor) -> torch.Tensor:
        """z (B, latent_dim) → images (B, 1, 28, 28) in [0, 1]."""
        return torch.sigmoid(self.generator(z))

    def D(self, x: torch.Tensor) -> torch.Tensor:
        """images (B, 1, 28, 28) → logits (B,)."""
        return self.discriminator(x)[:, 0]


LOSSES = ("non_saturating", "minimax", "hinge")


def discriminator_loss(
    model: GAN, real: torch.Tensor, fake: torch.Tensor, loss: str = "non_saturating"
) -> torch.Tensor:
    """D's loss for the objective ``loss``; minimax and non-saturating share it (D is a
    logistic classifier), hinge is Lim & Ye 2017 / Miyato et al. 2018."""
    g = model.config.r1_gamma
    if g > 0:
        real = real.detach().requires_grad_(True)
    d_real, d_fake = model.D(real), model.D(fake.detach())
    if loss == "hinge":
        value = F.relu(1 - d_real).mean() + F.relu(1 + d_fake).mean()
    else:  # −log σ(D(x)) − log(1 − σ(D(G(z))))
        value = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
    if g > 0:  # R1: penalise D's gradient on real data
        (grad,) = torch.autograd.grad(d_real.sum(), real, create_graph=True)
        value = value + 0.5 * g * grad.pow(2).flatten(1).sum(1).mean() * model.config.pac
    return value


def generator_loss(model: GAN, fake: torch.Tensor, loss: str = "non_saturating") -> torch.Tensor:
    """non_saturating: minimise −log D(G(z)), strong gradients while D wins.
    minimax: Goodfellow's original, minimise log(1 − D(G(z))) = −softplus(logit); its
    gradient vanishes exactly when D confidently rejects the fakes, early in training, so
    G stalls or collapses — left as is on purpose, the lesson shows it.
    hinge: minimise −D(G(z))."""
    d_fake = model.D(fake)
    if loss == "minimax":
        return -F.softplus(d_fake).mean()
    if loss == "hinge":
        return -d_fake.mean()
    return F.softplus(-d_fake).mean()


def train_step(model: GAN, opt_d, opt_g, real_batch, generator, loss="non_saturating", d_steps=1):
    """``d_steps`` updates of D, then one of G on the last batch of fakes. Returns the
    two losses (tensors). Draws z before each real batch, the order the shipped
    checkpoints were trained with."""
    for _ in range(d_steps):
        fake = model.G(model.latent(model.config.batch_size, generator))
        loss_d = discriminator_loss(model, real_batch(), fake, loss)
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
    loss_g = generator_loss(model, fake, loss)
    opt_g.zero_grad(set_to_none=True)
    loss_g.backward()
    opt_g.step()
    return loss_d.detach(), loss_g.detach()


def fit_critic(model: GAN, real_batch, steps: int, lr: float, generator=None):
    """DRS's first step (Azadi et al. §3.2): train the critic (or D) alone against the
    frozen G, so that its logit approaches the optimum log p_data(x) / p_g(x)."""
    if model.critic is not None:
        logit, params = model.critic, model.critic.parameters()
    else:
        logit, params = model.D, model.discriminator.parameters()
    opt = torch.optim.Adam(params, lr, betas=(0.5, 0.999))
    # decaying the lr to 0 averages out the minibatch noise, which otherwise hides the
    # small differences of mass between modes that rejection must also correct
    decay = model.config.drs_lr_decay
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda i: 1 - i / steps if decay else 1.0)
    model.train()
    for _ in range(steps):
        with torch.no_grad():
            fake = model.G(model.latent(model.config.batch_size, generator))
        loss = F.softplus(-logit(real_batch())).mean() + F.softplus(logit(fake)).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
    model.eval()


@torch.no_grad()
def calibrate_drs(model: GAN, percentile: float, n: int = 20000, generator=None):
    """Azadi et al.: D_max over a burn-in of fresh samples, γ as a percentile of F."""
    d = model.drs_logit(model.G(model.latent(n, generator)))
    model.drs_d_max.fill_(float(d.max()))
    model.drs_gamma.fill_(
        float(np.percentile(_drs_f(model, d, gamma=0.0).cpu().numpy(), percentile))
    )


def _drs_f(model: GAN, d: torch.Tensor, gamma: float, eps: float = 1e-6) -> torch.Tensor:
    d_max = torch.maximum(model.drs_d_max, d.max())
    delta = d - d_max
    return delta - torch.log1p(-torch.exp(delta - eps)) - gamma


@torch.no_grad()
def sample(model: GAN, n: int, generator=None, rejection: bool = True) -> torch.Tensor:
    """(n, D) samples; with DRS when the model was calibrated and rejection=True."""
    dev = model.drs_d_max.device
    if not (rejection and model.config.drs_percentile > 0):
        return model.G(model.latent(n, generator))
    kept, have = [], 0
    for _ in range(1000):
        x = model.G(model.latent(max(4 * n, 256), generator))
        f = _drs_f(model, model.drs_logit(x), float(model.drs_gamma))
        u = torch.rand(len(x), generator=generator, device=dev)
        x = x[u < torch.sigmoid(f)]
        kept.append(x)
        have += len(x)
        if have >= n:
            break
    return torch.cat(kept)[:n]


# ----------------------------------------------------------------------------- mode metrics


def mode_metrics(x: np.ndarray, modes: np.ndarray, sd: float) -> dict:
    """VEEGAN/PacGAN metrics: a sample is high-quality within 3 sd of its nearest mode;
    a mode is captured when it holds a high-quality sample; reverse KL(q ‖ uniform) of
    the histogram q of nearest modes over all samples."""
    d = np.linalg.norm(x[:, None, :] - modes[None], axis=-1)  # (n, M)
    nearest, dist = d.argmin(1), d.min(1)
    hq = dist <= 3 * sd
    counts = np.bincount(nearest, minlength=len(modes))
    q = counts / counts.sum()
    nz = q > 0
    reverse_kl = float((q[nz] * np.log(q[nz] * len(modes))).sum())
    captured = len(set(nearest[hq].tolist()))
    return {
        "modes": captured,
        "of": len(modes),
        "high_quality": float(hq.mean()),
        "reverse_kl": reverse_kl,
    }


# ----------------------------------------------------------------------------- site API

CHECKPOINTS = {"gan-digits28": (DCGAN, DCGANConfig)}  # the other checkpoints are GANs

PARAMS = [
    Param(
        "dataset",
        "choice",
        "ring",
        "Ring of 8 Gaussians, 5x5 grid of 25, 28x28 digits (DCGAN) or 8x8 digits.",
        choices=("ring", "grid", "digits28", "digits"),
    ),
    Param("n", "int", 2500, "How many samples (at most 64 for digits).", 1, 2500),
    Param("rejection", "bool", True, "Discriminator rejection sampling (toys only)."),
]


@torch.no_grad()
def demo(load, p: dict, generator: torch.Generator, dev: torch.device, progress=None) -> dict:
    if p["dataset"] in ("digits", "digits28") and p["n"] > 64:
        raise ParameterError("n", f"n must be between 1 and 64 for digits (got {p['n']})")
    model, meta = load(f"gan-{p['dataset']}")
    x = sample(model, p["n"], generator, rejection=p["rejection"])
    if progress:
        progress(1, 1)
    if p["dataset"] == "digits28":
        return {"images": x.reshape(-1, 28, 28).cpu().numpy()}
    if p["dataset"] == "digits":
        return {"images": x.reshape(-1, 8, 8).clamp(0, 1).cpu().numpy()}
    from .data import GRID_SD, RING_SD, grid_modes, ring_modes

    modes, sd = (ring_modes(), RING_SD) if p["dataset"] == "ring" else (grid_modes(), GRID_SD)
    pts = x.cpu().numpy()
    return {"points": pts, "modes": modes, "metrics": mode_metrics(pts, modes, sd)}
