"""Train a family and write its checkpoint.

    python -m generators.train FAMILY [--dataset D] [--seed S] [--steps N]

FAMILY is autoregressive, vae, gan, flow, diffusion or classifier (the digit
classifier that evaluate.py uses). Training is reproducible from the seed on the same
device; the command prints how long it took and records it in the checkpoint JSON.
"""

from __future__ import annotations

import argparse
import copy
import os
import time
from dataclasses import replace

import torch

from . import autoregressive as ar
from . import data, diffusion, flow, gan, progress, store, vae

# checkpoint name → (family, dataset, config, training hyper-parameters)
TARGETS = {
    "autoregressive-text": (
        "autoregressive",
        "text",
        ar.GPTConfig(block_size=128, n_layer=3, n_head=4, n_embd=96, dropout=0.1),
        dict(steps=2500, batch_size=16, lr=2e-3, val_every=250),
    ),
    "autoregressive-digits": (
        "autoregressive",
        "digits",
        ar.GPTConfig(vocab_size=18, block_size=65, n_layer=3, n_head=4, n_embd=64, dropout=0.1),
        dict(steps=3000, batch_size=32, lr=2e-3, val_every=250),
    ),
    "vae-digits": (
        "vae",
        "digits",
        vae.VAEConfig(latent_dim=2, hidden=256, n_layers=2, dropout=0.3),
        dict(
            steps=15000,
            batch_size=128,
            lr=1e-3,
            val_every=500,
            weight_decay=1e-3,
            kl_warmup=0.3,  # β rises 0 → 1 over the first 30 % of the steps
        ),
    ),
    "vae-digits-z16": (
        "vae",
        "digits",
        vae.VAEConfig(latent_dim=16, hidden=256, n_layers=2, dropout=0.3),
        dict(steps=5000, batch_size=128, lr=1e-3, val_every=500, weight_decay=1e-3),
    ),
    "gan-ring": (
        "gan",
        "ring",
        gan.GANConfig(r1_gamma=0.1, lr=2e-4, drs_percentile=50.0, drs_d_steps=6000, drs_d_lr=3e-4),
        dict(steps=20000),
    ),
    "gan-grid": (
        "gan",
        "grid",
        gan.GANConfig(
            r1_gamma=0.1,
            lr=2e-4,
            drs_percentile=98.0,
            drs_d_steps=3000,
            drs_d_lr=1e-3,
            drs_lr_decay=True,
            drs_fourier=128,
            drs_fourier_scale=2.0,
        ),
        dict(steps=20000),
    ),
    "gan-digits": (
        "gan",
        "digits",
        gan.GANConfig(
            data_dim=64,
            latent_dim=32,
            hidden=256,
            r1_gamma=1.0,
            lr=2e-4,
            batch_size=128,
            sigmoid_output=True,
        ),
        dict(steps=6000),
    ),
    "flow-moons": (
        "flow",
        "moons",
        flow.FlowConfig(dim=2, n_steps=10, hidden=128),
        dict(steps=6000, batch_size=512, lr=2e-3),
    ),
    "flow-ring": (
        "flow",
        "ring",
        flow.FlowConfig(dim=2, n_steps=10, hidden=128),
        dict(steps=6000, batch_size=512, lr=2e-3),
    ),
    "flow-digits": (
        "flow",
        "digits",
        flow.FlowConfig(dim=64, n_steps=8, hidden=256, dequantize=True, dropout=0.5),
        dict(steps=3000, batch_size=128, lr=1e-3, val_every=250, weight_decay=1e-3),
    ),
    "diffusion-digits": (
        "diffusion",
        "digits",
        diffusion.DiffusionConfig(hidden=512, n_blocks=3, augment=0.8, p_uncond=0.3),
        dict(steps=18000, batch_size=128, lr=1e-3),
    ),
    # 28x28 digits and names: the showcase models (see _train_28)
    "gan-digits28": (
        "gan",
        "digits28",
        gan.DCGANConfig(latent_dim=64, channels=64, r1_gamma=10.0, lr=2e-4, batch_size=64),
        dict(steps=6000),
    ),
    "flow-digits28": (
        "flow",
        "digits28",
        flow.MultiScaleFlowConfig(hidden=64, n_scales=2, n_couplings=3, n_final=4),
        dict(steps=4000, batch_size=64, lr=1e-3, val_every=500, weight_decay=1e-4),
    ),
    "autoregressive-digits28": (
        "autoregressive",
        "digits28",
        ar.GPTConfig(vocab_size=257, block_size=784, n_layer=3, n_head=4, n_embd=64),
        dict(steps=3000, batch_size=16, lr=2e-3, val_every=500),
    ),
    "autoregressive-names": (
        "autoregressive",
        "names",
        ar.GPTConfig(
            vocab_size=27,
            block_size=14,  # the start token + the longest name, 13 letters
            n_layer=4,
            n_head=4,
            n_embd=128,
            dropout=0.1,
            chars=ar.NAME_END + "abcdefghijklmnopqrstuvwxyz",
        ),
        dict(steps=12000, batch_size=128, lr=2e-3, val_every=500, weight_decay=0.01),
    ),
    # 28x28 digits (MNIST, 4,000 training digits): the showcase models
    "diffusion-digits28": (
        "diffusion",
        "digits28",
        diffusion.UNetConfig(channels=(32, 64), patch=2, dropout=0.1, p_uncond=0.1),
        dict(steps=12000, batch_size=128, lr=2e-3, ema=0.999),
    ),
    "vae-digits28": (
        "vae",
        "digits28",
        vae.ConvVAEConfig(latent_dim=2),
        dict(steps=6000, batch_size=128, lr=1e-3, val_every=500, kl_warmup=0.3),
    ),
    "vae-digits28-z16": (
        "vae",
        "digits28",
        vae.ConvVAEConfig(latent_dim=16),
        dict(steps=6000, batch_size=128, lr=1e-3, val_every=500, kl_warmup=0.1),
    ),
    # diffusion on the 16-D latents of vae-digits28-z16, decoded by it (needs that first)
    "diffusion-latent28": (
        "diffusion",
        "latent28",
        diffusion.DiffusionConfig(
            n_pixels=16, hidden=256, n_blocks=3, emb_dim=64, points=True, clip=5.0
        ),
        dict(steps=8000, batch_size=256, lr=1e-3, ema=0.999),
    ),
}
LATENT_VAE = "vae-digits28-z16"  # the autoencoder whose latents diffusion-latent28 learns


def _lr_lambda(steps: int):
    # linear warm-up over 2 % of the steps, then linear decay to zero
    warm = max(1, steps // 50)
    return lambda i: min((i + 1) / warm, max(0.0, (steps - i) / (steps - warm)))


def adamw(model, hp: dict, steps: int):
    """AdamW (hp: lr, weight_decay) and its schedule: warm-up, then linear decay to 0."""
    opt = torch.optim.AdamW(model.parameters(), lr=hp["lr"], weight_decay=hp.get("weight_decay", 0))
    return opt, torch.optim.lr_scheduler.LambdaLR(opt, _lr_lambda(steps))


def update(model, opt, sched, loss: torch.Tensor) -> None:
    """One optimizer step on ``loss``, gradients clipped to norm 1, then the schedule."""
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    sched.step()


def _fit(model, loss_fn, steps, hp, seed, desc, val_fn=None, val_every=0, show=True):
    """AdamW (hp: lr, weight_decay) with warm-up and linear decay; with val_fn keep the
    weights of the best validation score (early stopping). Returns the loss history."""
    opt, sched = adamw(model, hp, steps)
    history, best, best_state = [], float("inf"), None
    # an exponential moving average of the weights, the network diffusion samples with
    # (Ho et al. 2020): it smooths the last steps' noise out of the weights
    ema = [p.detach().clone() for p in model.parameters()] if hp.get("ema") else None
    bar = progress.bar(range(steps), desc=desc, disable=not show)
    for i in bar:
        model.train()
        loss = loss_fn(i)
        update(model, opt, sched, loss)
        if ema:
            with torch.no_grad():
                torch._foreach_lerp_(ema, list(model.parameters()), 1 - hp["ema"])
        history.append(float(loss.detach()))
        if i % 50 == 0:
            bar.set_postfix(loss=f"{history[-1]:.4f}")
        if val_fn and ((i + 1) % val_every == 0 or i + 1 == steps):
            model.eval()
            with torch.no_grad():  # validation needs no graph
                v = val_fn()
            if v < best:
                best, best_state = v, copy.deepcopy(model.state_dict())
            bar.write(f"step {i + 1}: validation {v:.4f} (best {best:.4f})")
    if best_state is not None:
        model.load_state_dict(best_state)
    if ema:
        with torch.no_grad():
            for p, e in zip(model.parameters(), ema, strict=True):
                p.copy_(e)
    model.eval()
    return history


def batches(X: torch.Tensor, batch_size: int, g: torch.Generator):
    """A function drawing a random batch of rows of X (with replacement) from g."""
    return lambda: X[torch.randint(len(X), (batch_size,), generator=g)]


def text_batches(ids: torch.Tensor, block_size: int, batch_size: int, g: torch.Generator):
    """A function drawing batch_size random windows of block_size + 1 tokens: inputs
    [:, :-1] and their next-token targets [:, 1:]."""

    def batch():
        ix = torch.randint(len(ids) - block_size - 1, (batch_size,), generator=g)
        return torch.stack([ids[j : j + block_size + 1] for j in ix.tolist()])

    return batch


def train(
    name: str,
    *,
    seed: int = 0,
    steps: int | None = None,
    config=None,
    hp: dict | None = None,
    show: bool = True,
    text: str | None = None,
):
    """Train target ``name`` (see TARGETS) on CPU/CUDA. Returns (model, history, extra)."""
    family, dataset, default_config, default_hp = TARGETS[name]
    config = config or copy.deepcopy(default_config)
    hp = {**default_hp, **(hp or {})}
    steps = steps or hp["steps"]
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    dev = store.device()
    extra: dict = {}
    val_every = hp.get("val_every", 0)
    if name in SHOWCASE_28:
        model, history = _train_28(name, config, hp, steps, g, dev, show)
        return model, history, extra
    if family == "autoregressive":
        if dataset == "text":
            corpus = text if text is not None else data.text_corpus()
            chars = "".join(sorted(set(corpus)))
            config = replace(config, chars=chars, vocab_size=len(chars))
            train_text, val_text = data.text_split(corpus)
            stoi = {c: i for i, c in enumerate(chars)}
            ids = torch.tensor([stoi[c] for c in train_text], dtype=torch.long)
            val_ids = torch.tensor([stoi[c] for c in val_text], dtype=torch.long).to(dev)
            model = ar.GPT(config).to(dev)
            bs = config.block_size

            batch = text_batches(ids, bs, hp["batch_size"], g)

            def loss_fn(i):
                xb = batch().to(dev)
                return ar.loss(model, xb[:, :-1], xb[:, 1:])

            val_fn = lambda: -ar.text_log_likelihood(model, val_ids[:20000])  # noqa: E731
        else:
            X, Xv = data.digits_tensor("train")[0].to(dev), data.digits_tensor("val")[0].to(dev)
            model = ar.GPT(config).to(dev)
            batch = batches(X, hp["batch_size"], g)

            def loss_fn(i):
                return ar.loss(model, *ar.digits_inputs(batch()))

            val_fn = lambda: float(-ar.digits_log_likelihood(model, Xv).mean())  # noqa: E731
        history = _fit(model, loss_fn, steps, hp, seed, name, val_fn, val_every, show)
    elif family == "vae":
        if dataset == "digits28":
            X, Xv = (data.digits28_tensor(s)[0].to(dev) for s in ("train", "val"))
            model = vae.ConvVAE(config).to(dev)
        else:
            X, Xv = (data.digits_tensor(s)[0].to(dev) for s in ("train", "val"))
            model = vae.VAE(config).to(dev)
        batch = batches(X, hp["batch_size"], g)
        vg = torch.Generator(device=dev)
        val_fn = lambda: float(-vae.elbo(model, Xv, vg.manual_seed(0))[0].mean())  # noqa: E731
        warm = hp.get("kl_warmup", 0) * steps
        beta = lambda i: min(1.0, (i + 1) / warm) if warm else 1.0  # noqa: E731
        history = _fit(
            model,
            lambda i: vae.loss(model, batch(), beta(i)),
            steps,
            hp,
            seed,
            name,
            val_fn,
            val_every,
            show,
        )
    elif family == "flow":
        model = flow.RealNVP(config).to(dev)
        if dataset == "digits":
            X, Xv = data.digits_tensor("train")[0].to(dev), data.digits_tensor("val")[0].to(dev)
            batch = batches(X, hp["batch_size"], g)
            vg = torch.Generator(device=dev)
            val_fn = lambda: float(  # noqa: E731
                -flow.digits_log_likelihood_bound(model, Xv, vg.manual_seed(0)).mean()
            )
        else:
            draw = data.TOY_SAMPLERS[dataset]
            batch = lambda: draw(hp["batch_size"], g).to(dev)  # noqa: E731
            val_fn = None
        history = _fit(
            model,
            lambda i: flow.loss(model, batch()),
            steps,
            hp,
            seed,
            name,
            val_fn,
            val_every,
            show,
        )
    elif family == "diffusion" and dataset == "digits28":
        X, Y = (t.to(dev) for t in data.digits28_tensor("train"))
        model = diffusion.UNet(config).to(dev)
        gd = torch.Generator(device=dev).manual_seed(seed)
        batch = lambda: torch.randint(len(X), (hp["batch_size"],), generator=g)  # noqa: E731

        def loss_fn(i):
            ix = batch()
            return diffusion.loss(model, X[ix], Y[ix], gd)

        history = _fit(model, loss_fn, steps, hp, seed, name, None, 0, show)
    elif family == "diffusion" and dataset == "latent28":
        model, history, extra = _train_latent_diffusion(config, hp, steps, g, seed, dev, name, show)
    elif family == "diffusion":
        X, Y = (t.to(dev) for t in data.digits_tensor("train"))
        model = diffusion.EpsilonNet(config).to(dev)
        gd = torch.Generator(device=dev).manual_seed(seed)

        def loss_fn(i):
            ix = torch.randint(len(X), (hp["batch_size"],), generator=g)
            if config.augment == 0:
                return diffusion.loss(model, X[ix], Y[ix], gd)
            a = diffusion.draw_augmentations(len(ix), config.augment, g).to(dev)
            return diffusion.loss(model, diffusion.augment(X[ix], a), Y[ix], gd, a)

        history = _fit(model, loss_fn, steps, hp, seed, name, None, 0, show)
    elif family == "gan":
        model, history = _train_gan(config, dataset, steps, g, dev, name, show)
    else:
        raise KeyError(family)
    return model, history, extra


def _train_28(name: str, config, hp: dict, steps: int, g: torch.Generator, dev, show: bool):
    """The 28x28 digit models and the names Transformer. Likelihood models keep the
    weights of their best validation score (early stopping); the GAN keeps its last.
    Validation uses fixed slices and fixed dequantization noise, so scores compare."""
    val_every = hp.get("val_every", 0)
    gd = torch.Generator(device=dev).manual_seed(int(torch.randint(2**31, (1,), generator=g)))
    if name == "gan-digits28":
        return _train_gan(config, "digits28", steps, g, dev, name, show)
    if name == "autoregressive-names":
        split = data.names_split()
        inp, tgt = ar.names_tokens(split["train"], config.chars, config.block_size)
        inp, tgt = inp.to(dev), tgt.to(dev)
        tune = ar_names_heldout()["tune"]
        model = ar.GPT(config).to(dev)

        def loss_fn(i):
            ix = torch.randint(len(inp), (hp["batch_size"],), generator=g).to(dev)
            return ar.loss(model, inp[ix], tgt[ix])

        val_fn = lambda: ar.names_nll(model, tune)  # noqa: E731
    else:
        X = data.digits28_tensor("train")[0].to(dev)
        Xv = data.digits28_tensor("val")[0][:VAL28].to(dev)
        batch = batches(X, hp["batch_size"], g)
        if name == "flow-digits28":
            model = flow.MultiScaleFlow(config).to(dev)
            yv = data.dequantize28(Xv, torch.Generator(device=dev).manual_seed(0))

            def loss_fn(i):
                return -model.log_prob(data.dequantize28(batch().to(dev), gd)).mean()

            val_fn = lambda: float(flow.bits_per_dim(model.log_prob(yv)).mean())  # noqa: E731
        else:  # autoregressive-digits28: 784 pixel tokens, exact likelihood
            model = ar.GPT(config).to(dev)
            xv = ar.pixels_tokens(Xv)

            def loss_fn(i):
                return ar.loss(model, *ar.pixels_inputs(ar.pixels_tokens(batch().to(dev))))

            val_fn = lambda: ar.pixels_bits_per_dim(model, xv)  # noqa: E731
    return model, _fit(model, loss_fn, steps, hp, 0, name, val_fn, val_every, show)


SHOWCASE_28 = ("gan-digits28", "flow-digits28", "autoregressive-digits28", "autoregressive-names")
VAL28 = 200  # validation digits scored during training (of 500), to keep it cheap


def ar_names_heldout() -> dict[str, list[str]]:
    """The held-out names split in two halves: "tune" chooses the Transformer's best
    weights and the n-grams' add-k; "test" reports them both."""
    val = data.names_split()["val"]
    half = len(val) // 2
    return {"tune": val[:half], "test": val[half:]}


def latent_codes(autoencoder, X: torch.Tensor, batch: int = 500):
    """μ and σ of q(z|x) for every digit of X (N, 1, 28, 28)."""
    with torch.no_grad():
        mu, logvar = zip(*(autoencoder.encode(b) for b in X.split(batch)), strict=True)
    return torch.cat(mu), torch.cat(logvar).mul(0.5).exp()


def _train_latent_diffusion(config, hp, steps, g, seed, dev, name, show):
    """Diffusion on the VAE's latents (Rombach et al. 2022, in miniature): each batch
    draws z ~ q(z|x) for training digits, divided by one scale so that z has unit
    variance (Stable Diffusion's 0.18215 is the same idea)."""
    autoencoder, _ = store.load(LATENT_VAE, vae.ConvVAE, vae.ConvVAEConfig, dev=dev)
    X, Y = (t.to(dev) for t in data.digits28_tensor("train"))
    mu, sigma = latent_codes(autoencoder, X)
    scale = float(mu.std())
    model = diffusion.EpsilonNet(config).to(dev)
    gd = torch.Generator(device=dev).manual_seed(seed)

    def loss_fn(i):
        ix = torch.randint(len(X), (hp["batch_size"],), generator=g).to(dev)
        eps = torch.randn(mu[ix].shape, generator=gd, device=dev)
        return diffusion.loss(model, (mu[ix] + sigma[ix] * eps) / scale, Y[ix], gd)

    history = _fit(model, loss_fn, steps, hp, seed, name, None, 0, show)
    return model, history, {"autoencoder": LATENT_VAE, "latent_scale": scale}


@torch.no_grad()
def latent_test_loss(model, n: int = 256, autoencoder=None, scale: float | None = None) -> float:
    """The denoising loss of the latent diffusion on μ(x) / scale of n test digits, with
    one fixed draw of t and ε."""
    dev = next(model.parameters()).device
    if autoencoder is None:
        autoencoder, _ = store.load(LATENT_VAE, vae.ConvVAE, vae.ConvVAEConfig, dev=dev)
    if scale is None:
        scale = store.read_meta("diffusion-latent28")["latent_scale"]
    X, Y = (t[:n].to(dev) for t in data.digits28_tensor("test"))
    mu, _ = latent_codes(autoencoder, X)
    return float(diffusion.loss(model, mu / scale, Y, torch.Generator(device=dev).manual_seed(0)))


def _train_gan(config: gan.GANConfig, dataset, steps, g, dev, name, show):
    """Alternate one D step and one G step; Adam(β1 = 0.5), lr decayed linearly to 0."""
    model = (gan.DCGAN if dataset == "digits28" else gan.GAN)(config).to(dev)
    if dataset == "digits28":
        X = data.digits28_tensor("train")[0].to(dev)
        real_batch = lambda: X[torch.randint(len(X), (config.batch_size,), generator=g).to(dev)]  # noqa: E731
    elif dataset == "digits":
        X = (data.digits_tensor("train")[0].float() / 16).to(dev)
        real_batch = lambda: X[torch.randint(len(X), (config.batch_size,), generator=g)]  # noqa: E731
    else:
        draw = data.TOY_SAMPLERS[dataset]
        real_batch = lambda: draw(config.batch_size, g).to(dev)  # noqa: E731
    opt_d = torch.optim.Adam(model.discriminator.parameters(), config.lr, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(model.generator.parameters(), config.lr, betas=(0.5, 0.999))
    decay = lambda i: 1 - i / steps  # noqa: E731
    sched = [torch.optim.lr_scheduler.LambdaLR(o, decay) for o in (opt_d, opt_g)]
    history = []
    bar = progress.bar(range(steps), desc=name, disable=not show)
    for i in bar:
        model.train()
        loss_d, loss_g = gan.train_step(model, opt_d, opt_g, real_batch, g)
        for s in sched:
            s.step()
        history.append((float(loss_d.detach()), float(loss_g.detach())))
        if i % 50 == 0:
            bar.set_postfix(d=f"{loss_d.item():.3f}", g=f"{loss_g.item():.3f}")
    model.eval()
    if (
        getattr(config, "drs_d_steps", 0) > 0
    ):  # a fresh generator: fitting the critic is independent of training
        g_drs = torch.Generator().manual_seed(12345)
        if dataset != "digits":
            draw = data.TOY_SAMPLERS[dataset]
            real_batch = lambda: draw(config.batch_size, g_drs).to(dev)  # noqa: E731
        gan.fit_critic(model, real_batch, config.drs_d_steps, config.drs_d_lr, g_drs)
    if config.drs_percentile > 0:
        gan.calibrate_drs(
            model, config.drs_percentile, generator=torch.Generator(device=dev).manual_seed(1)
        )
    return model, history


# ----------------------------------------------------------------------------- slice metrics


@torch.no_grad()
def slice_metrics(name: str, model, text: str | None = None, scale: float | None = None) -> dict:
    """Cheap deterministic measurements on a small slice of held-out data, recorded in
    the checkpoint JSON; the tests recompute them to show the checkpoint reproduces."""
    dev = next(model.parameters()).device
    g = lambda: torch.Generator(device=dev).manual_seed(0)  # noqa: E731
    if name.startswith("vae-digits28"):
        X28 = data.digits28_tensor("test")[0][:64].to(dev)
        return {"test64_neg_elbo": float(-vae.elbo(model, X28, g())[0].mean())}
    if name == "diffusion-digits28":
        Xd, Yd = (t[:256].to(dev) for t in data.digits28_tensor("test"))
        return {"test256_loss": float(diffusion.loss(model, Xd, Yd, g()))}
    if name == "diffusion-latent28":
        return {"test256_loss": latent_test_loss(model, 256, scale=scale)}
    X = data.digits_tensor("test")[0][:64].to(dev)
    X28 = data.digits28_tensor("test")[0][:16].to(dev)
    if name == "autoregressive-digits28":
        return {"test16_bpd": ar.pixels_bits_per_dim(model, ar.pixels_tokens(X28))}
    if name == "flow-digits28":
        y = data.dequantize28(X28, g())
        return {"test16_bpd": float(flow.bits_per_dim(model.log_prob(y)).mean())}
    if name == "gan-digits28":
        return {"mean_pixel_256": float(gan.sample(model, 256, g()).mean())}
    if name == "autoregressive-names":
        return {"test500_nats_per_char": ar.names_nll(model, ar_names_heldout()["test"][:500])}
    if name == "autoregressive-digits":
        return {"test64_nll": float(-ar.digits_log_likelihood(model, X).mean())}
    if name == "autoregressive-text":
        # the lessons keep changing, so the slice itself is recorded with its score
        stoi = {c: i for i, c in enumerate(model.config.chars)}
        val = text if text is not None else data.text_split(data.text_corpus())[1][:2000]
        ids = torch.tensor([stoi[c] for c in val if c in stoi], device=dev)
        return {"heldout_slice": val, "nats_per_char": -ar.text_log_likelihood(model, ids)}
    if name.startswith("vae"):
        return {"test64_neg_elbo": float(-vae.elbo(model, X, g())[0].mean())}
    if name == "flow-digits":
        return {"test64_nll_bound": float(-flow.digits_log_likelihood_bound(model, X, g()).mean())}
    if name.startswith("flow"):
        pts = data.TOY_SAMPLERS[name.split("-")[1]](2048, torch.Generator().manual_seed(12345))
        return {"test2048_nll": float(-model.log_prob(pts.to(dev)).mean())}
    if name == "gan-digits":
        x = gan.sample(model, 256, g())
        return {"mean_pixel_256": float(x.mean())}
    if name.startswith("gan"):
        modes, sd = (
            (data.ring_modes(), data.RING_SD)
            if name == "gan-ring"
            else (data.grid_modes(), data.GRID_SD)
        )
        return gan.mode_metrics(gan.sample(model, 2500, g()).cpu().numpy(), modes, sd)
    if name == "diffusion-digits":
        Xd, Yd = (t[:256].to(dev) for t in data.digits_tensor("test"))
        return {"test256_loss": float(diffusion.loss(model, Xd, Yd, g()))}
    raise KeyError(name)


def main(argv=None):
    torch.set_num_threads(1)
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "family", choices=["autoregressive", "vae", "gan", "flow", "diffusion", "classifier"]
    )
    p.add_argument("--dataset", default=None, help="dataset (or variant, e.g. digits-z16)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=None, help="override the default steps")
    p.add_argument("--out", default=None, help="checkpoint folder (default: shipped)")
    p.add_argument(
        "--metrics-only",
        action="store_true",
        help="write only <name>-seed<S>.json (a report over training seeds), no weights",
    )
    p.add_argument(
        "--device", choices=["cpu", "cuda"], default=None, help="default: CUDA when present"
    )
    a = p.parse_args(argv)
    from pathlib import Path

    if a.device:  # store.device() reads it, as sampling does
        os.environ["GENERATORS_DEVICE"] = a.device
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True

    out = Path(a.out) if a.out else None
    if a.family == "classifier":
        if a.dataset == "digits28":
            from .evaluate28 import train_classifier_checkpoint as train28

            train28(seed=a.seed, directory=out, steps=a.steps or 3000)
            return
        from .evaluate import train_classifier_checkpoint

        train_classifier_checkpoint(seed=a.seed, directory=out)
        return
    datasets = {n.split("-", 1)[1] for n, t in TARGETS.items() if t[0] == a.family}
    dataset = a.dataset or sorted(datasets)[0]
    name = f"{a.family}-{dataset}"
    if name not in TARGETS:
        p.error(f"--dataset for {a.family} must be one of {', '.join(sorted(datasets))}")
    start = time.perf_counter()
    model, history, extra = train(name, seed=a.seed, steps=a.steps)
    seconds = time.perf_counter() - start
    steps = a.steps or TARGETS[name][3]["steps"]
    command = f"python -m generators.train {a.family} --dataset {dataset} --seed {a.seed}"
    if a.steps:
        command += f" --steps {a.steps}"
    if a.device:
        command += f" --device {a.device}"
    losses = [h if isinstance(h, float) else h[0] for h in history]
    every = max(1, len(losses) // 50)
    meta = {
        "family": a.family,
        "dataset": dataset,
        "seed": a.seed,
        "steps": steps,
        "hyperparameters": TARGETS[name][3],
        "train_seconds": round(seconds, 1),
        "device": str(store.device()),
        "torch": torch.__version__,
        "command": command,
        "loss_curve": [
            round(sum(losses[i : i + every]) / len(losses[i : i + every]), 5)
            for i in range(0, len(losses), every)
        ],
        **extra,
    }
    if name == "autoregressive-text":  # the lessons change: record which text was learned
        import hashlib

        corpus = data.text_corpus()
        meta["corpus"] = {
            "files": len(data.text_files()),
            "chars": len(corpus),
            "sha256": hashlib.sha256(corpus.encode()).hexdigest(),
        }
    # measured on the CPU whatever the training device, so that the tests (on the CPU)
    # draw the same t and ε from the same generator and can reproduce them
    on_cpu = copy.deepcopy(model).cpu()
    meta["slice_metrics"] = slice_metrics(name, on_cpu, scale=extra.get("latent_scale"))
    if a.metrics_only:
        import json
        from dataclasses import asdict

        path = (out or store.CHECKPOINT_DIR) / f"{name}-seed{a.seed}.json"
        info = {"name": name, "version": store.VERSION, "config": asdict(model.config), **meta}
        path.write_text(json.dumps(info, indent=2) + "\n")
    else:
        store.save(name, model, model.config, meta, out)
    print(f"{name}: trained {steps} steps in {seconds:.1f} s; {meta['slice_metrics']}")


if __name__ == "__main__":
    main()
