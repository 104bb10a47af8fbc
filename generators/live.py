"""Live training: a family learns from scratch in small steps, and shows it as it goes.

``train_live(family, params=..., seed=...)`` builds a small model of the family, trains
it for ``steps`` steps and every ``snapshot_every`` steps (and at the end) hands
``on_snapshot`` a compact, JSON-able picture of where it stands:

    {"step", "total", "seconds",
     "losses": {name: mean over the steps since the last snapshot},
     "samples": {"points": ≤ 500 [x, y]} | {"images": ≤ 16 × 64 pixels} | {"text": ≤ 300 chars},
     "measure": {"name", "value", ...}}

``should_stop()`` is asked after every snapshot; when it says True the run stops and
returns what it has learned. The result carries the weights (safetensors bytes) and the
config, which ``sample_trained`` turns back into samples.

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
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from . import data, gan, store
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
        return self.mean.to(u.device) + self.scale * u

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
        "onto a few modes. hinge: the margin loss of SN-GAN.",
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
def _gan_sample(model: gan.GAN, config: dict, n: int, g: torch.Generator) -> dict:
    x = model.G(model.latent(n, g))
    return {"points": _unstandardize(x, config).cpu().numpy()}


# ----------------------------------------------------------------------------- the loop


def _unstandardize(x: torch.Tensor, config: dict) -> torch.Tensor:
    s = config.get("standardize") or {"mean": [0.0, 0.0], "scale": 1.0}
    return torch.tensor(s["mean"], device=x.device) + s["scale"] * x


LIVE = {
    "gan": {
        "params": GAN_PARAMS,
        "open": _gan,
        "classes": (gan.GAN, gan.GANConfig),
        "sample": _gan_sample,
    },
}


def _validate(family: str, params: dict) -> dict:
    if family not in LIVE:
        raise ParameterError("family", f"family must be one of {', '.join(LIVE)} (got {family!r})")
    p = validate(LIVE[family]["params"], params)
    if math.ceil(p["steps"] / p["snapshot_every"]) > MAX_SNAPSHOTS:
        least = math.ceil(p["steps"] / MAX_SNAPSHOTS)
        raise ParameterError(
            "snapshot_every",
            f"snapshot_every must be at least {least} for {p['steps']} steps "
            f"(at most {MAX_SNAPSHOTS} snapshots)",
        )
    return p


def _check_seed(seed) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ParameterError("seed", f"seed must be a whole number ≥ 0 (got {seed!r})")


def training_families() -> list[dict]:
    """Like families(): each trainable family's name, title, datasets and knobs."""
    from . import REGISTRY

    return [
        {
            "name": name,
            "title": REGISTRY[name]["title"],
            "datasets": list(spec["params"][0].choices),
            "parameters": [q.as_dict() for q in spec["params"]],
        }
        for name, spec in LIVE.items()
    ]


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
    p = _validate(family, params)
    _check_seed(seed)
    dev = store.device()
    start = time.perf_counter()
    torch.manual_seed(seed)  # the weights' initialisation
    g = torch.Generator().manual_seed(seed)  # data and noise: drawn on the CPU, moved
    run = LIVE[family]["open"](p, points if p["dataset"] == "drawn" else None, g, dev)
    total, every = p["steps"], p["snapshot_every"]
    sums: dict[str, torch.Tensor] = {}
    since, done, stopped, measure = 0, 0, False, {}
    for i in range(total):
        for k, v in run.step(i).items():
            sums[k] = sums.get(k, 0.0) + v.float()
        since, done = since + 1, i + 1
        if done % every and done != total:
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
        if should_stop is not None and should_stop():
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


SAMPLE_PARAMS = {
    "points": [Param("n", "int", 1000, "How many points to draw.", 1, 2500)],
}


def sample_trained(family: str, *, state: bytes, config: dict, seed: int = 0, **params) -> dict:
    """Draw from a model train_live produced (its ``state`` and ``config``)."""
    if family not in LIVE:
        raise ParameterError("family", f"family must be one of {', '.join(LIVE)} (got {family!r})")
    _check_seed(seed)
    spec = LIVE[family]
    p = validate(SAMPLE_PARAMS[_kind(config)], params)
    dev = store.device()
    start = time.perf_counter()
    model_cls, config_cls = spec["classes"]
    model = model_cls(config_cls(**config["model"]))
    model.load_state_dict(load_tensors(state))
    model.to(dev).eval()
    torch.manual_seed(seed)
    out = spec["sample"](model, config, p["n"], torch.Generator().manual_seed(seed))
    out.update(family=family, seed=seed, device=str(dev), seconds=time.perf_counter() - start)
    return out


def _kind(config: dict) -> str:
    return {"digits": "images", "text": "text"}.get(config["dataset"], "points")
