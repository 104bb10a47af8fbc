"""Sample Space generators: five families of generative models in pure PyTorch.

This package never imports Django. The families learn 28x28 MNIST digits (the Lab's
default) and scikit-learn's 8x8 digits (what learners train on live), each with one
fixed train / validation / test split (see ``generators.data``), and each family has
the showcase its lesson needs:

=============== ======================== =============================================
family          datasets                 what it shows
=============== ======================== =============================================
autoregressive  names, text, digits28,    decoder-only Transformer with KV cache; greedy,
                digits                   temperature, top-k, top-p, beam search
vae             digits28, digits         ELBO, 2-D latent plane, interpolation
gan             ring, grid, digits28,    mode collapse benchmarks, R1 + DRS; DCGAN
                digits
flow            moons, ring, digits28,   RealNVP/Glow, exact log-likelihood, density map;
                digits                   multi-scale RealNVP at 28x28
diffusion       digits28, digits         DDPM/DDIM, classifier-free guidance, frames;
                                         a U-Net on pixels or latent diffusion
=============== ======================== =============================================

API
---
``generators.sample(family, seed=0, progress=None, **params) -> dict``
    Draw from the shipped checkpoint. ``params`` are the family's parameters (see
    ``families()``); a missing one takes its default, an unknown or out-of-bounds one
    raises ``ParameterError`` (a ``ValueError`` whose ``field`` names the parameter,
    e.g. "temperature must be between 0.1 and 2.0 (got 5)"). The result is a dict of
    plain Python / NumPy values:

    * ``text`` (str) for autoregressive text, with ``candidates`` (per step, the top
      ``num_candidates`` tokens and their probabilities) or ``beams``;
    * ``images``: float array (n, 28, 28) in [0, 1] for the 28x28 models, (n, 8, 8)
      for the 8x8 ones (``dataset="digits"``);
    * ``points``: float array (n, 2) for the 2-D datasets;
    * per-family extras: ``log_likelihood`` (autoregressive digits, flow), ``frames``
      and ``x0_previews`` (diffusion: (F, n, side, side) with ``frame_steps``),
      ``log_density`` + ``extent`` (flow with ``density=True``), ``metrics``
      (GAN mode metrics), ``test_latents`` (VAE with a 2-D latent) …;
    * always ``family``, ``params`` (the values used), ``seed``, ``device`` and
      ``seconds``.

    The same seed and parameters give the same sample on the same device. Models
    run on CUDA when present, else CPU, and are loaded once per process.
    ``progress(step, total)`` is called as sampling advances; diffusion also passes
    the current x̂_0 preview as a third argument when the callback accepts one.

``generators.families() -> list[dict]``
    Each family's ``name``, ``title``, ``datasets`` and ``parameters`` (``name``,
    ``type`` int / float / choice / str / bool / points, ``default``, ``min`` / ``max``
    or ``choices`` or ``max_length``, and ``help``), all JSON-able.

``generators.training_families()``, ``generators.train_live(family, *, params, seed,
points=None, on_snapshot=None, should_stop=None) -> dict`` and
``generators.sample_trained(family, *, state, config, seed=0, **params) -> dict``
    Live training (``generators.live``): a small model of the family learns from
    scratch (GAN, flow, diffusion: 2-D sets ring, grid, moons, spiral, checkerboard or
    the learner's drawn points; VAE: digits; Transformer: a short slice of the lesson
    text). Every ``snapshot_every`` steps and at the end ``on_snapshot`` receives a
    compact JSON dict (step, total, seconds, losses, samples, measure);
    ``should_stop()`` is asked after each and ends the run early. The result holds the
    weights as safetensors bytes and a JSON config, which ``sample_trained`` draws
    from. Knobs are ``Param`` lists validated like ``sample``'s parameters.

Commands
--------
``python -m generators.train FAMILY [--dataset D] [--seed S] [--steps N]`` trains and
writes ``generators/checkpoints/<family>-<dataset>.safetensors`` + ``.json``.
``python -m generators.evaluate`` writes ``checkpoints/evaluation.json`` and ``.md``;
``python -m generators.evaluate28`` their 28x28 section (bits per dimension, digits-FID,
right digit, copy checks).
``python -m generators.bench`` prints sampling times.
"""

from __future__ import annotations

import inspect
import time

import torch

from . import autoregressive, diffusion, flow, gan, store, vae
from .live import LIVE, sample_model, train_live
from .params import Param, ParameterError, validate

__all__ = [
    "REGISTRY",
    "ParameterError",
    "families",
    "sample",
    "sample_trained",
    "train_live",
    "training_families",
]

# name → (title, datasets, module holding PARAMS and demo, (model class, config class))
REGISTRY = {
    "autoregressive": {
        "title": "Autoregressive Transformer",
        "datasets": ["names", "text", "digits28", "digits"],
        "module": autoregressive,
        "classes": (autoregressive.GPT, autoregressive.GPTConfig),
    },
    "vae": {
        "title": "Variational autoencoder",
        "datasets": ["digits"],
        "module": vae,
        "classes": (vae.VAE, vae.VAEConfig),
    },
    "gan": {
        "title": "Generative adversarial network",
        "datasets": ["ring", "grid", "digits28", "digits"],
        "module": gan,
        "classes": (gan.GAN, gan.GANConfig),
    },
    "flow": {
        "title": "Normalizing flow (RealNVP)",
        "datasets": ["moons", "ring", "digits28", "digits"],
        "module": flow,
        "classes": (flow.RealNVP, flow.FlowConfig),
    },
    "diffusion": {
        "title": "Diffusion (DDPM / DDIM)",
        "datasets": ["digits"],
        "module": diffusion,
        "classes": (diffusion.EpsilonNet, diffusion.DiffusionConfig),
    },
}

_MODELS: dict[str, tuple[torch.nn.Module, dict]] = {}


def _classes(name: str) -> tuple:
    """(model class, config class) that rebuild checkpoint ``name``: the family's own
    list where it has one (a family may ship models of several shapes), else the
    family's classes."""
    for spec in REGISTRY.values():
        known = getattr(spec["module"], "CHECKPOINTS", {})
        if name in known:
            return known[name]
    return REGISTRY[name.split("-")[0]]["classes"]


def _loader(family: str, dev: torch.device):
    """load(checkpoint name) → (model, meta), once per process and device; a family's
    demo may load another family's checkpoint (latent diffusion decodes with the VAE)."""

    def load(name: str):
        key = f"{name}@{dev}"
        if key not in _MODELS:
            _MODELS[key] = store.load(name, *_classes(name), dev=dev)
        return _MODELS[key]

    return load


def families() -> list[dict]:
    """Every family with its datasets and parameters (defaults, bounds, help)."""
    return [
        {
            "name": name,
            "title": spec["title"],
            "datasets": list(spec["datasets"]),
            "parameters": [p.as_dict() for p in spec["module"].PARAMS],
        }
        for name, spec in REGISTRY.items()
    ]


def sample_trained(family: str, *, state: bytes, config: dict, seed: int = 0, **params) -> dict:
    """Draw from a model train_live produced (its ``state`` and ``config``)."""
    from safetensors.torch import load as load_tensors

    if family not in REGISTRY:
        raise ParameterError("family", f"family must be one of {', '.join(REGISTRY)}")
    dev = store.device()
    start = time.perf_counter()
    model_cls, config_cls = REGISTRY[family]["classes"]
    model = model_cls(config_cls(**config["model"]))
    model.load_state_dict(load_tensors(state))
    model.to(dev).eval()
    out = sample_model(family, model, config, seed=seed, **params)
    out.update(family=family, seed=seed, device=str(dev), seconds=time.perf_counter() - start)
    return out


def training_families() -> list[dict]:
    """Like families(): each trainable family's name, title, datasets and knobs."""
    return [
        {
            "name": name,
            "title": REGISTRY[name]["title"],
            "datasets": list(knobs[0].choices),
            "parameters": [q.as_dict() for q in knobs],
        }
        for name, (knobs, _, _) in LIVE.items()
    ]


def _progress_adapter(progress):
    if progress is None:
        return None
    try:
        n = len(inspect.signature(progress).parameters)
    except (TypeError, ValueError):
        n = 2
    if n >= 3:
        return progress
    return lambda step, total, frame=None: progress(step, total)


def sample(family: str, seed: int = 0, progress=None, **params) -> dict:
    """Draw from a shipped model; see the package docstring."""
    if family not in REGISTRY:
        raise ParameterError(
            "family", f"family must be one of {', '.join(REGISTRY)} (got {family!r})"
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ParameterError("seed", f"seed must be a whole number ≥ 0 (got {seed!r})")
    spec = REGISTRY[family]
    p = validate(spec["module"].PARAMS, params)
    dev = store.device()
    start = time.perf_counter()
    torch.manual_seed(seed)
    generator = torch.Generator(device=dev).manual_seed(seed)
    out = spec["module"].demo(_loader(family, dev), p, generator, dev, _progress_adapter(progress))
    if dev.type == "cuda":
        torch.cuda.synchronize()
    out.update(
        family=family, params=p, seed=seed, device=str(dev), seconds=time.perf_counter() - start
    )
    return out


assert all(isinstance(q, Param) for s in REGISTRY.values() for q in s["module"].PARAMS)
