"""Live training: a family learns from scratch in small steps, and shows it as it goes.

``train_live(family, params=..., seed=...)`` builds a small model of the family, trains
it for ``steps`` steps and every ``snapshot_every`` steps (and at the end) hands
``on_snapshot`` a compact, JSON-able picture of where it stands:

    {"step", "total", "seconds",
     "losses": {name: mean over the steps since the last snapshot},
     "samples": {"points": ≤ 500 [x, y]} | {"images": ≤ 16 × 64 pixels} | {"text": ≤ 300 chars},
     "measure": {"name", "value", ...}}

``should_stop()`` is asked after every step; when it says True the run takes one last
snapshot, stops and returns what it has learned. The result carries the weights
(safetensors bytes) and the config, which ``sample_trained`` turns back into samples.

The knobs are ``Param`` lists, validated exactly like the sampling parameters. Each
family reuses its own model, config and loss functions; only the small-scale recipe
(sizes, step counts, what to measure) lives here.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import torch
from safetensors.torch import save as save_tensors

from . import autoregressive as ar
from . import data, diffusion, flow, gan, store, train, vae
from .params import Param, ParameterError, validate

TOY_DATASETS = ("ring", "grid", "moons", "spiral", "checkerboard", "drawn")
MAX_STEPS = 20000
MAX_SNAPSHOTS = 100  # the caller stores every snapshot: keep a run's history small
SNAPSHOT_POINTS = 500
HELDOUT_SEED = 4321  # the held-out 2-D points evaluate.py scores the shipped models on
MAX_DRAWN, DRAWN_LIMIT = 2000, 4.0


def _common(datasets: tuple, steps: int, every: int, help_dataset: str) -> list[Param]:
    """The three knobs every family has: what to learn, for how long, how often to look."""
    return [
        Param("dataset", "choice", datasets[0], help_dataset, choices=datasets),
        Param(
            "steps",
            "int",
            steps,
            "Training steps. More steps learn more but take longer; watch the measure "
            "flatten out: past that point more steps buy little.",
            10,
            MAX_STEPS,
        ),
        Param(
            "snapshot_every",
            "int",
            every,
            f"Take a snapshot (samples + measure) every this many steps; at most "
            f"{MAX_SNAPSHOTS} snapshots per run.",
            5,
            MAX_STEPS,
        ),
    ]


TOY_HELP = (
    "What to learn: ring of 8 Gaussians, 5x5 grid of 25, two moons, two spiral arms, a "
    "checkerboard, or the points you drew (standardized to mean 0, sd 1 for training)."
)


@dataclass
class Run:
    """One family's training, set up: ``step(i)`` trains once and returns its losses
    (tensors); ``look()`` returns the snapshot's (samples, measure)."""

    model: torch.nn.Module
    config: dict  # JSON-able: the model's config dataclass under "model", + data facts
    step: Callable[[int], dict[str, torch.Tensor]]
    look: Callable[[], tuple[dict, dict]]


# ----------------------------------------------------------------------------- data


def drawn_points(points) -> torch.Tensor:
    """The points a learner drew, checked: 2..2000 pairs of finite numbers in [-4, 4]."""
    if points is None:
        raise ParameterError("points", "draw some points first: dataset 'drawn' needs them")
    try:
        pts = torch.tensor([[float(a), float(b)] for a, b in points], dtype=torch.float32)
    except (TypeError, ValueError):
        raise ParameterError("points", "points must be a list of [x, y] pairs") from None
    if not 2 <= len(pts) <= MAX_DRAWN:
        raise ParameterError(
            "points", f"points must hold between 2 and {MAX_DRAWN} points (got {len(pts)})"
        )
    if not torch.isfinite(pts).all() or pts.abs().max() > DRAWN_LIMIT:
        lim = f"{DRAWN_LIMIT:g}"
        raise ParameterError(
            "points", f"every coordinate must be a finite number in [-{lim}, {lim}]"
        )
    return pts


@dataclass
class Toy:
    """A 2-D training set in the model's coordinates: ``batch(n)`` draws training points,
    ``heldout`` scores them, ``mean`` / ``scale`` map model space back to data space
    (x = mean + scale · u; identity except for drawn points)."""

    batch: Callable[[int], torch.Tensor]
    heldout: torch.Tensor
    mean: torch.Tensor
    scale: float
    on: str  # what the held-out measure is computed on, said in the measure

    def to_data(self, u: torch.Tensor) -> torch.Tensor:
        return _unstandardize(u, {"standardize": self.standardize()})

    def standardize(self) -> dict:
        return {"mean": self.mean.tolist(), "scale": self.scale}


def toy(dataset: str, points, g: torch.Generator, dev: torch.device) -> Toy:
    """Synthetic sets: fresh points every batch (infinite data), held out 10,000 points
    drawn with evaluate.py's seed. Drawn points: standardized (one scale for both axes,
    so shapes keep their proportions), batches resampled from them, and — there being
    nothing else — scored on themselves."""
    if dataset == "drawn":
        pts = drawn_points(points)
        mean, scale = pts.mean(0), max(float(pts.std(0, correction=0).mean()), 0.05)
        u = ((pts - mean) / scale).to(dev)
        batch = lambda n: u[torch.randint(len(u), (n,), generator=g).to(dev)]  # noqa: E731
        return Toy(batch, u, mean, scale, "the drawn points (no held-out set)")
    draw = data.TOY_SAMPLERS[dataset]
    heldout = draw(10000, torch.Generator().manual_seed(HELDOUT_SEED)).to(dev)
    return Toy(lambda n: draw(n, g).to(dev), heldout, torch.zeros(2), 1.0, "held-out points")


def _points(x: torch.Tensor) -> dict:
    return {"points": [[round(a, 3), round(b, 3)] for a, b in x[:SNAPSHOT_POINTS].tolist()]}


def energy_distance(x: torch.Tensor, y: torch.Tensor) -> float:
    """2E‖x − y‖ − E‖x − x'‖ − E‖y − y'‖ (Székely): 0 exactly when the two samples come
    from one distribution; for data without modes to count."""
    return float(2 * torch.cdist(x, y).mean() - torch.cdist(x, x).mean() - torch.cdist(y, y).mean())


# ----------------------------------------------------------------------------- GAN

GAN_PARAMS = _common(TOY_DATASETS, 3000, 100, TOY_HELP) + [
    Param(
        "loss",
        "choice",
        "non_saturating",
        "The objective. non_saturating: G maximises log D(G(z)). minimax: the original "
        "log(1 − D(G(z))), whose gradient vanishes while D wins: watch G stall or collapse "
        "onto a few modes. With the default R1 penalty D never wins outright and minimax "
        "still learns, only worse: set r1 = 0 and lr_d = 0.005 to see it collapse. "
        "hinge: the margin loss of SN-GAN.",
        choices=gan.LOSSES,
    ),
    Param(
        "lr_g",
        "float",
        1e-3,
        "Generator learning rate (Adam). Too high and the samples jump between modes "
        "instead of settling.",
        1e-5,
        1e-2,
    ),
    Param(
        "lr_d",
        "float",
        1e-3,
        "Discriminator learning rate. Much higher than lr_g and D wins outright; watch "
        "the d loss fall towards 0 while the samples stop moving.",
        1e-5,
        1e-2,
    ),
    Param(
        "d_steps",
        "int",
        1,
        "Discriminator updates per generator update. More gives G a sharper signal, but "
        "each step costs more.",
        1,
        5,
    ),
    Param(
        "r1",
        "float",
        0.1,
        "Weight γ of the R1 penalty on D's gradient at real data. 0 turns it off: watch "
        "the samples orbit the modes without landing.",
        0.0,
        10.0,
    ),
    Param(
        "width",
        "int",
        128,
        "Hidden units per layer of both networks. Narrower nets learn fewer modes.",
        8,
        512,
    ),
]


MODES = {  # the benchmarks with modes to count: their centres and sd
    "ring": lambda: (data.ring_modes(), data.RING_SD),
    "grid": lambda: (data.grid_modes(), data.GRID_SD),
}


def _gan(p: dict, points, g: torch.Generator, dev: torch.device) -> Run:
    """Alternate d_steps D updates and one G update (gan.train_step), Adam(β1 = 0.5)
    at constant learning rates, fresh data every step. Measure: on ring and grid the
    VEEGAN mode metrics of 2,500 samples, as evaluate.py reports the shipped GANs;
    elsewhere the energy distance of 500 samples to 500 held-out points."""
    cfg = gan.GANConfig(hidden=p["width"], r1_gamma=p["r1"], lr=p["lr_g"], batch_size=256)
    model = gan.GAN(cfg).to(dev)
    data_ = toy(p["dataset"], points, g, dev)
    opt_d = torch.optim.Adam(model.discriminator.parameters(), p["lr_d"], betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(model.generator.parameters(), p["lr_g"], betas=(0.5, 0.999))
    z_fixed = model.latent(2500, torch.Generator().manual_seed(0))  # the same z each snapshot
    real_batch = lambda: data_.batch(cfg.batch_size)  # noqa: E731

    def step(i):
        model.train()
        d, g_ = gan.train_step(model, opt_d, opt_g, real_batch, g, p["loss"], p["d_steps"])
        return {"d": d, "g": g_}

    def look():
        model.eval()
        with torch.no_grad():
            x = data_.to_data(model.G(z_fixed)).cpu()
        if p["dataset"] in MODES:
            m = gan.mode_metrics(x.numpy(), *MODES[p["dataset"]]())
            measure = {
                "name": "modes covered",
                "value": m["modes"],
                "modes": m["modes"],
                "modes_total": m["of"],
                "high_quality": round(m["high_quality"], 4),
                "reverse_kl": round(m["reverse_kl"], 4),
            }
        else:
            ref = data_.to_data(data_.heldout[:SNAPSHOT_POINTS]).cpu()
            measure = {
                "name": "energy distance to data",
                "value": round(energy_distance(x[:SNAPSHOT_POINTS], ref), 5),
                "on": data_.on,
            }
        return _points(x), measure

    config = {"model": asdict(cfg), "dataset": p["dataset"], "standardize": data_.standardize()}
    return Run(model, config, step, look)


@torch.no_grad()
def _gan_sample(model: gan.GAN, config: dict, n: int, seed: int) -> dict:
    x = model.G(model.latent(n, torch.Generator().manual_seed(seed)))
    return {"points": _unstandardize(x, config).cpu().numpy()}


# ----------------------------------------------------------------------------- flow

FLOW_PARAMS = _common(TOY_DATASETS, 3000, 100, TOY_HELP) + [
    Param(
        "n_layers",
        "int",
        6,
        "Coupling layers (each ActNorm → swap → affine coupling). Each can only bend the "
        "Gaussian a little: with few, watch the moons stay joined by a bridge of density.",
        1,
        16,
    ),
    Param(
        "hidden",
        "int",
        64,
        "Width of each coupling's s and t networks: how sharp a bend one layer can make.",
        8,
        256,
    ),
    Param(
        "lr",
        "float",
        5e-3,
        "Peak learning rate (AdamW, warm-up then linear decay). Too high and the NLL "
        "curve jumps and can blow up.",
        1e-5,
        1e-2,
    ),
]
BATCH_2D = 256
FLOW_BATCH = 512  # as the shipped flows: a step costs about what 256 points do, and the
# less noisy gradient takes the higher lr: 3,000 steps reach the shipped NLL ± 0.05


def _flow(p: dict, points, g: torch.Generator, dev: torch.device) -> Run:
    """Maximum likelihood, −log p(x) by the change of variables (flow.loss). Measure:
    NLL in nats per 2-D point on the 10,000 held-out points evaluate.py scores the
    shipped flows on, so the two sit side by side."""
    cfg = flow.FlowConfig(dim=2, n_steps=p["n_layers"], hidden=p["hidden"])
    model = flow.RealNVP(cfg).to(dev)
    data_ = toy(p["dataset"], points, g, dev)
    opt, sched = train.adamw(model, {"lr": p["lr"]}, p["steps"])
    # NLL in data units: x = mean + scale · u adds log|det ∂x/∂u| = 2 log scale per point
    log_det_standardize = 2 * math.log(data_.scale)
    z_fixed = torch.randn(SNAPSHOT_POINTS, 2, generator=torch.Generator().manual_seed(0)).to(dev)

    def step(i):
        model.train()
        loss = flow.loss(model, data_.batch(FLOW_BATCH))
        train.update(model, opt, sched, loss)
        return {"nll": loss.detach()}

    def look():
        model.eval()
        with torch.no_grad():
            nll = float(-model.log_prob(data_.heldout).mean()) + log_det_standardize
            x = data_.to_data(model.inverse(z_fixed)).cpu()
        measure = {"name": "NLL (nats per point)", "value": round(nll, 4), "on": data_.on}
        return _points(x), measure

    config = {"model": asdict(cfg), "dataset": p["dataset"], "standardize": data_.standardize()}
    return Run(model, config, step, look)


@torch.no_grad()
def _flow_sample(model: flow.RealNVP, config: dict, n: int, seed: int) -> dict:
    z = torch.randn(n, 2, generator=torch.Generator().manual_seed(seed))
    x = model.inverse(z.to(next(model.parameters()).device))
    return {"points": _unstandardize(x, config).cpu().numpy()}


# ----------------------------------------------------------------------------- diffusion

DIFFUSION_PARAMS = _common(TOY_DATASETS, 3000, 100, TOY_HELP) + [
    Param(
        "T",
        "int",
        1000,
        "Noise levels of the forward process. Training cost does not grow with T (each "
        "step picks one level at random); with the linear schedule a small T leaves x_T "
        "far from pure noise: watch the samples come out shrunk.",
        10,
        1000,
    ),
    Param(
        "schedule",
        "choice",
        "cosine",
        "How ᾱ_t falls from 1 to 0: linear (DDPM) or cosine (Nichol & Dhariwal), which "
        "spends more levels at low noise, where the fine detail is.",
        choices=("cosine", "linear"),
    ),
    Param(
        "width",
        "int",
        128,
        "Hidden units of the denoiser ε_θ. Too narrow and the samples blur across gaps.",
        16,
        512,
    ),
    Param(
        "sample_steps",
        "int",
        50,
        "DDIM steps for the snapshot samples (at most T). Few steps are fast but smear "
        "the samples between modes.",
        1,
        1000,
    ),
]


def _diffusion(p: dict, points, g: torch.Generator, dev: torch.device) -> Run:
    """DDPM on points: a small residual MLP predicts the noise ε (diffusion.loss, with
    no labels). Measure: the denoising loss E‖ε − ε_θ(x_t, t)‖² on the held-out points,
    with one fixed draw of t and ε so snapshots compare; plus the energy distance of
    the DDIM samples to held-out points."""
    if p["sample_steps"] > p["T"]:
        raise ParameterError("sample_steps", f"sample_steps must be at most T = {p['T']}")
    data_ = toy(p["dataset"], points, g, dev)
    cfg = diffusion.DiffusionConfig(
        n_pixels=2,
        hidden=p["width"],
        n_blocks=2,
        emb_dim=32,
        num_classes=0,  # one (null) label: unconditional
        T=p["T"],
        schedule=p["schedule"],
        p_uncond=0.0,
        points=True,
        clip=round(1.5 * float(data_.heldout.abs().max()), 3),  # x̂_0 stays near the data
    )
    model = diffusion.EpsilonNet(cfg).to(dev)
    opt, sched = train.adamw(model, {"lr": 2e-3}, p["steps"])
    gd = torch.Generator(device=dev).manual_seed(int(torch.randint(2**62, (1,), generator=g)))
    null = lambda n: torch.zeros(n, dtype=torch.long, device=dev)  # noqa: E731

    def step(i):
        model.train()
        loss = diffusion.loss(model, data_.batch(BATCH_2D), null(BATCH_2D), gd)
        train.update(model, opt, sched, loss)
        return {"loss": loss.detach()}

    def look():
        model.eval()
        fixed = torch.Generator(device=dev).manual_seed(0)
        with torch.no_grad():
            held = data_.heldout
            value = float(diffusion.loss(model, held, null(len(held)), fixed))
            u, _ = diffusion.sample(
                model,
                SNAPSHOT_POINTS,
                num_inference_steps=p["sample_steps"],
                guidance_scale=1.0,
                n_frames=1,
                generator=fixed,
            )
        x = data_.to_data(u).cpu()
        ref = data_.to_data(held[:SNAPSHOT_POINTS]).cpu()
        measure = {
            "name": "denoising loss",
            "value": round(value, 5),
            "energy_distance": round(energy_distance(x, ref), 5),
            "on": data_.on,
        }
        return _points(x), measure

    config = {
        "model": asdict(cfg),
        "dataset": p["dataset"],
        "standardize": data_.standardize(),
        "sample_steps": p["sample_steps"],
    }
    return Run(model, config, step, look)


@torch.no_grad()
def _diffusion_sample(model: diffusion.EpsilonNet, config: dict, n: int, seed: int) -> dict:
    dev = model.alpha_bar.device
    u, _ = diffusion.sample(
        model,
        n,
        num_inference_steps=config["sample_steps"],
        guidance_scale=1.0,
        n_frames=1,
        generator=torch.Generator(device=dev).manual_seed(seed),
    )
    return {"points": _unstandardize(u, config).cpu().numpy()}


# ----------------------------------------------------------------------------- VAE

VAE_PARAMS = _common(
    ("digits",),
    2000,
    100,
    "What to learn: the 8x8 digits (1,000 training images; measured on the 447 test ones).",
) + [
    Param(
        "beta",
        "float",
        1.0,
        "Weight β of the KL term (β-VAE). Below 1: sharper reconstructions but a code "
        "that strays from N(0, I), so samples from the prior get worse; above 1: "
        "smoother, blurrier digits and a KL that falls towards 0 (posterior collapse).",
        0.0,
        10.0,
    ),
    Param(
        "kl_warmup",
        "float",
        0.3,
        "Fraction of the steps over which β rises from 0 to its value, so the codes "
        "spread out before the prior pulls them in. 0: full β from the start; watch "
        "the KL collapse early.",
        0.0,
        1.0,
    ),
    Param(
        "latent_dim",
        "int",
        2,
        "Size of the code z. 2 can be drawn as a plane but squeezes ten digits into it; "
        "more dimensions give a better ELBO.",
        1,
        32,
    ),
]


def _vae(p: dict, points, g: torch.Generator, dev: torch.device) -> Run:
    """The shipped recipe, smaller: AdamW with warm-up and decay, β rising linearly
    over the first kl_warmup of the steps. Measure: −ELBO in nats per image on the
    test digits, the bound evaluate.py reports as neg_elbo for the shipped VAEs."""
    cfg = vae.VAEConfig(latent_dim=p["latent_dim"], hidden=256, n_layers=2)
    model = vae.VAE(cfg).to(dev)
    X, Xt = data.digits_tensor("train")[0].to(dev), data.digits_tensor("test")[0].to(dev)
    batch = train.batches(X, 128, g)
    opt, sched = train.adamw(model, {"lr": 1e-3, "weight_decay": 1e-3}, p["steps"])
    warm = p["kl_warmup"] * p["steps"]
    z_fixed = torch.randn(16, cfg.latent_dim, generator=torch.Generator().manual_seed(0)).to(dev)

    def step(i):
        model.train()
        beta = p["beta"] * (min(1.0, (i + 1) / warm) if warm else 1.0)
        loss, bound, kl = vae.loss_terms(model, batch(), beta)
        train.update(model, opt, sched, loss)
        return {"elbo": bound, "kl": kl}

    def look():
        model.eval()
        with torch.no_grad():
            bound, _, kl = vae.elbo(model, Xt, torch.Generator(device=dev).manual_seed(0))
            images = model.decode_mean(z_fixed).cpu()
        measure = {
            "name": "−ELBO (nats per image)",
            "value": round(float(-bound.mean()), 3),
            "kl": round(float(kl.mean()), 3),
            "on": "test digits",
        }
        return {"images": [[round(v, 3) for v in im] for im in images.tolist()]}, measure

    return Run(model, {"model": asdict(cfg), "dataset": "digits"}, step, look)


@torch.no_grad()
def _vae_sample(model: vae.VAE, config: dict, n: int, seed: int) -> dict:
    z = torch.randn(n, model.config.latent_dim, generator=torch.Generator().manual_seed(seed))
    x = model.decode_mean(z.to(next(model.parameters()).device))
    return {"images": x.reshape(-1, 8, 8).cpu().numpy()}


# ----------------------------------------------------------------------------- Transformer

AR_PARAMS = _common(
    ("text",),
    1500,
    100,
    "What to learn: the first 20,000 characters of the lesson text (the last 10 % held out).",
) + [
    Param(
        "block_size",
        "int",
        64,
        "Context: how many previous characters the model sees. Short contexts learn "
        "spelling but lose the thread of a sentence.",
        8,
        128,
    ),
    Param(
        "n_layer",
        "int",
        2,
        "Transformer blocks. More learns more per step but each step is slower; watch "
        "the held-out NLL rise again when the model starts memorising.",
        1,
        4,
    ),
    Param(
        "lr",
        "float",
        3e-3,
        "Peak learning rate (AdamW, warm-up then linear decay). Too high and the loss "
        "stalls at the level of guessing single-letter frequencies.",
        1e-5,
        1e-2,
    ),
]
SNAPSHOT_TEXT = 200  # characters of sampled text per snapshot
HELDOUT_TEXT = 2000  # held-out characters scored per snapshot


def _autoregressive(p: dict, points, g: torch.Generator, dev: torch.device) -> Run:
    """Next-character prediction on a short slice of the lessons (train.text_batches,
    ar.loss). Measure: nats per character on the held-out tail (sliding windows), as
    evaluate.py reports the shipped text model."""
    train_text, val_text = data.text_split(data.text_short())
    chars = "".join(sorted(set(train_text)))
    stoi = {c: i for i, c in enumerate(chars)}
    encode = lambda t: torch.tensor([stoi[c] for c in t if c in stoi])  # noqa: E731
    ids, val_ids = encode(train_text), encode(val_text)[:HELDOUT_TEXT].to(dev)
    cfg = ar.GPTConfig(
        vocab_size=len(chars),
        block_size=p["block_size"],
        n_layer=p["n_layer"],
        n_head=4,
        n_embd=64,
        chars=chars,
    )
    model = ar.GPT(cfg).to(dev)
    batch = train.text_batches(ids, cfg.block_size, 16, g)
    opt, sched = train.adamw(model, {"lr": p["lr"]}, p["steps"])

    def step(i):
        model.train()
        xb = batch().to(dev)
        loss = ar.loss(model, xb[:, :-1], xb[:, 1:])
        train.update(model, opt, sched, loss)
        return {"loss": loss.detach()}

    def look():
        model.eval()
        value = -ar.text_log_likelihood(model, val_ids)
        text = _generate(model, SNAPSHOT_TEXT, 0)
        measure = {
            "name": "NLL (nats per character)",
            "value": round(value, 4),
            "on": "held-out text",
        }
        return {"text": text}, measure

    return Run(model, {"model": asdict(cfg), "dataset": "text"}, step, look)


@torch.no_grad()
def _generate(model: ar.GPT, n: int, seed: int) -> str:
    """n characters sampled at temperature 1 after a newline."""
    dev = next(model.parameters()).device
    chars = model.config.chars
    start = torch.tensor([[chars.index("\n") if "\n" in chars else 0]], device=dev)
    gen = torch.Generator(device=dev).manual_seed(seed)
    idx, _ = ar.generate(model, start, n, generator=gen)
    return "".join(chars[i] for i in idx[0, 1:].tolist())


def _autoregressive_sample(model: ar.GPT, config: dict, n: int, seed: int) -> dict:
    return {"text": _generate(model, n, seed)}


# ----------------------------------------------------------------------------- the loop


def _unstandardize(x: torch.Tensor, config: dict) -> torch.Tensor:
    s = config.get("standardize") or {"mean": [0.0, 0.0], "scale": 1.0}
    return torch.tensor(s["mean"], device=x.device) + s["scale"] * x


# family → (knobs, open a run, draw from a trained model); model classes: REGISTRY
LIVE = {
    "gan": (GAN_PARAMS, _gan, _gan_sample),
    "flow": (FLOW_PARAMS, _flow, _flow_sample),
    "diffusion": (DIFFUSION_PARAMS, _diffusion, _diffusion_sample),
    "vae": (VAE_PARAMS, _vae, _vae_sample),
    "autoregressive": (AR_PARAMS, _autoregressive, _autoregressive_sample),
}


def training_check(family: str, params: dict) -> dict:
    """The knobs checked, defaults filled in; at most MAX_SNAPSHOTS snapshots a run.
    Public: the site validates a form with it before a training is queued."""
    p = validate(LIVE[family][0], params)
    if math.ceil(p["steps"] / p["snapshot_every"]) > MAX_SNAPSHOTS:
        least = math.ceil(p["steps"] / MAX_SNAPSHOTS)
        raise ParameterError(
            "snapshot_every",
            f"snapshot_every must be at least {least} for {p['steps']} steps "
            f"(at most {MAX_SNAPSHOTS} snapshots)",
        )
    return p


def _check(family: str, seed) -> None:
    if family not in LIVE:
        raise ParameterError("family", f"family must be one of {', '.join(LIVE)} (got {family!r})")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ParameterError("seed", f"seed must be a whole number ≥ 0 (got {seed!r})")


def train_live(
    family: str,
    *,
    params: dict,
    seed: int,
    points: list[list[float]] | None = None,
    on_snapshot: Callable[[dict], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> dict:
    """Train ``family`` from scratch; see the module docstring. Same seed, params and
    points → the same snapshots (but for "seconds") on the same device."""
    _check(family, seed)
    p = training_check(family, params)
    dev = store.device()
    start = time.perf_counter()
    torch.manual_seed(seed)  # the weights' initialisation
    g = torch.Generator().manual_seed(seed)  # data and noise: drawn on the CPU, moved
    run = LIVE[family][1](p, points if p["dataset"] == "drawn" else None, g, dev)
    total, every = p["steps"], p["snapshot_every"]
    sums: dict[str, torch.Tensor] = {}
    since, done, stopped, measure = 0, 0, False, {}
    for i in range(total):
        for k, v in run.step(i).items():
            sums[k] = sums.get(k, 0.0) + v.float()
        since, done = since + 1, i + 1
        # Asked at every step, so a cancel is seen at once and the caller can show it
        # is alive between snapshots far apart; a stop still ends with a snapshot.
        stop = should_stop is not None and should_stop()
        if done % every and done != total and not stop:
            continue
        samples, measure = run.look()
        snapshot = {
            "step": done,
            "total": total,
            "seconds": round(time.perf_counter() - start, 3),
            "losses": {k: round(float(v) / since, 5) for k, v in sums.items()},
            "samples": samples,
            "measure": measure,
        }
        sums, since = {}, 0
        if on_snapshot is not None:
            on_snapshot(snapshot)
        if stop:
            stopped = True
            break
    run.model.eval()
    state = {k: v.detach().float().cpu().contiguous() for k, v in run.model.state_dict().items()}
    return {
        "steps": done,
        "total": total,
        "stopped": stopped,
        "seconds": time.perf_counter() - start,
        "device": str(dev),
        "measure": measure,
        "state": save_tensors(state),
        "config": {"family": family, **run.config},
    }


SAMPLE_PARAMS = {  # by the kind of data the model learned
    "points": [Param("n", "int", 1000, "How many points to draw.", 1, 2500)],
    "images": [Param("n", "int", 16, "How many digits to draw.", 1, 64)],
    "text": [Param("n", "int", 300, "How many characters to write.", 1, 2000)],
}


def sample_model(family: str, model: torch.nn.Module, config: dict, *, seed: int, **params):
    """Draw from a model train_live produced, rebuilt from its ``state`` and ``config``
    by ``generators.sample_trained`` (which knows each family's classes)."""
    _check(family, seed)
    p = validate(sample_params(config), params)
    torch.manual_seed(seed)
    return LIVE[family][2](model, config, p["n"], seed)


def sample_params(config: dict) -> list[Param]:
    """The knobs of sampling a trained model: how many points, digits or characters."""
    return SAMPLE_PARAMS[_kind(config)]


def _kind(config: dict) -> str:
    return {"digits": "images", "text": "text"}.get(config["dataset"], "points")
