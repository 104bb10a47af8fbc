"""Measure the shipped checkpoints on held-out data and write one comparison table.

    python -m generators.evaluate [--quick]

Writes generators/checkpoints/evaluation.json and evaluation.md:
* digits, likelihood families: test negative log-likelihood in nats per image (AR
  exact, flow dequantized bound, VAE −ELBO and the importance-weighted bound) beside
  two baselines fitted on the same split: independent per-pixel categoricals and a
  mixture of 10 such products (EM);
* digits, all families: digits-FID (Fréchet distance between Gaussians fitted to the
  hidden layer of our own digit classifier, test digits vs samples), the class
  histogram of samples, and a copy check (nearest-training-neighbour distance of
  samples vs of real test digits, and samples' distance to training vs test digits);
* text: held-out nats per character vs a smoothed n-gram ladder (1- to 5-gram);
* GAN ring / grid: modes captured, high-quality fraction, reverse KL;
* flow: test NLL on two moons vs the true entropy;
* diffusion: class accuracy at the default guidance, FID against steps for DDPM and
  DDIM (unconditional, and labelled at the default guidance), and accuracy / FID /
  copy check against guidance scale.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import autoregressive as ar
from . import data, diffusion, flow, gan, progress, store, vae

# ----------------------------------------------------------------------------- classifier


@dataclass
class ClassifierConfig:
    channels: int = 32  # channels of the first convolution (the second has twice as many)
    hidden: int = 128  # width of the hidden layer whose activations feed digits-FID
    dropout: float = 0.3  # dropout before the last layer while training
    num_classes: int = 10  # digits 0..9


class DigitClassifier(nn.Module):
    """A small CNN on 8x8 digits in [0, 1]; ``features`` is its hidden layer."""

    side = 8  # pixels along each edge of a digit

    def __init__(self, config: ClassifierConfig):
        super().__init__()
        self.config = config
        c = config.channels
        self.conv = nn.Sequential(
            nn.Conv2d(1, c, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(c, 2 * c, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # (B, 2c, 4, 4)
        )
        self.fc = nn.Linear(2 * c * 16, config.hidden)
        self.drop = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden, config.num_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """x (B, side²) or (B, side, side) in [0, 1] → (B, hidden)."""
        h = self.conv(x.reshape(-1, 1, self.side, self.side))
        return F.relu(self.fc(h.flatten(1)))

    def forward(self, x):
        return self.head(self.drop(self.features(x)))


def _shift(x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """Augment: shift the whole batch by up to one pixel (zeros enter at the border)."""
    dx, dy = torch.randint(0, 3, (2,), generator=g).tolist()
    return diffusion.augment(x, torch.full((len(x),), 3 * dy + dx))


def train_classifier(seed: int = 0, steps: int = 3000, show: bool = True):
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    X, y = data.digits_tensor("train")
    Xv, yv = data.digits_tensor("val")
    X, Xv = X.float() / 16, Xv.float() / 16
    model = DigitClassifier(ClassifierConfig())
    opt = torch.optim.Adam(model.parameters(), 1e-3, weight_decay=1e-4)
    best, best_state = -1.0, None
    for i in progress.bar(range(steps), desc="classifier", disable=not show):
        model.train()
        ix = torch.randint(len(X), (128,), generator=g)
        loss = F.cross_entropy(model(_shift(X[ix], g)), y[ix])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if (i + 1) % 250 == 0:
            model.eval()
            with torch.no_grad():
                acc = float((model(Xv).argmax(1) == yv).float().mean())
            if acc > best:
                best, best_state = acc, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    return model.eval()


@torch.no_grad()
def classifier_accuracy(model, split: str = "test") -> float:
    X, y = data.digits_tensor(split)
    return float((model(X.float() / 16).argmax(1) == y).float().mean())


def train_classifier_checkpoint(seed: int = 0, directory: Path | None = None):
    start = time.perf_counter()
    model = train_classifier(seed)
    seconds = time.perf_counter() - start
    meta = {
        "family": "classifier",
        "dataset": "digits",
        "seed": seed,
        "train_seconds": round(seconds, 1),
        "command": f"python -m generators.train classifier --seed {seed}",
        "slice_metrics": {
            "val_accuracy": classifier_accuracy(model, "val"),
            "test_accuracy": classifier_accuracy(model, "test"),
        },
    }
    store.save("classifier-digits", model, model.config, meta, directory)
    print(f"classifier: {seconds:.1f} s; {meta['slice_metrics']}")


# ----------------------------------------------------------------------------- metrics


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """‖μ_a − μ_b‖² + Tr(Σ_a + Σ_b − 2 (Σ_a Σ_b)^½) between Gaussians fitted to a and b."""
    from scipy import linalg

    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = linalg.sqrtm(cov_a @ cov_b)
    if not np.isfinite(covmean).all():  # near-singular: nudge the diagonals
        off = np.eye(len(cov_a)) * 1e-6
        covmean = linalg.sqrtm((cov_a + off) @ (cov_b + off))
    covmean = covmean.real
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a + cov_b - 2 * covmean))


class DigitsJudge:
    """The classifier and the reference sets that every digits model is measured with."""

    def __init__(self, classifier: DigitClassifier):
        self.clf = classifier.cpu().eval()
        Xtr = data.digits_tensor("train")[0].float() / 16
        Xte = data.digits_tensor("test")[0].float() / 16
        self.train_pixels, self.test_pixels = Xtr, Xte
        self.test_features = self.features(Xte)
        self.test_nn = self._nn_dist(Xte)
        # as many training digits as test digits, so the two distances are comparable
        pick = torch.randperm(len(Xtr), generator=torch.Generator().manual_seed(0))[: len(Xte)]
        self.train_subset = Xtr[pick]

    @torch.no_grad()
    def features(self, x) -> np.ndarray:
        return self.clf.features(torch.as_tensor(x, dtype=torch.float32).reshape(-1, 64)).numpy()

    @torch.no_grad()
    def labels(self, x) -> np.ndarray:
        return self.clf(torch.as_tensor(x, dtype=torch.float32).reshape(-1, 64)).argmax(1).numpy()

    def _nn_dist(self, x, reference=None) -> np.ndarray:
        reference = self.train_pixels if reference is None else reference
        return torch.cdist(torch.as_tensor(x).reshape(-1, 64).float(), reference).min(1)[0].numpy()

    def train_test_ratio(self, images) -> float:
        """Median distance to the nearest of 447 training digits over that to the nearest
        of the 447 test digits. A model that learned digits in general sits as near both
        (≈ 1; real validation digits score 0.99); below 1 it leans toward the digits it
        was trained on, which is memorization whatever the sample diversity."""
        x = torch.as_tensor(images, dtype=torch.float32).reshape(-1, 64)
        to_train = np.median(self._nn_dist(x, self.train_subset))
        return float(to_train / np.median(self._nn_dist(x, self.test_pixels)))

    def fid(self, images) -> float:
        return frechet_distance(self.features(images), self.test_features)

    def report(self, images) -> dict:
        """FID vs test digits, class histogram, copy check, for images in [0, 1]."""
        images = np.asarray(images, dtype=np.float32).reshape(-1, 64)
        nn_s = self._nn_dist(images)
        hist = np.bincount(self.labels(images), minlength=10)
        return {
            "fid": self.fid(images),
            "class_histogram": hist.tolist(),
            "classes_covered": int((hist > 0).sum()),
            "nn_train_distance_median": float(np.median(nn_s)),
            "nn_train_distance_test_median": float(np.median(self.test_nn)),
            # < 1 means samples sit closer to training digits than real unseen digits do
            "copy_ratio": float(np.median(nn_s) / np.median(self.test_nn)),
            "train_test_ratio": self.train_test_ratio(images),
            "exact_copies": int((nn_s < 1e-3).sum()),
        }


# ----------------------------------------------------------------------------- baselines


ALPHAS = (0.01, 0.03, 0.1, 0.3, 1.0)  # smoothing strengths tried on the validation split


def independent_pixels_nll(split: str = "test", alpha: float | None = None) -> float:
    """NLL (nats / image) of 64 independent categoricals, add-α smoothed; α is chosen
    on the validation split unless given."""
    if alpha is None:
        alpha = min(ALPHAS, key=lambda a: independent_pixels_nll("val", a))
    X, Xt = data.digits_split()["train"][0], data.digits_split()[split][0]
    counts = np.stack([np.bincount(X[:, j], minlength=17) for j in range(64)]) + alpha
    logp = np.log(counts / counts.sum(1, keepdims=True))  # (64, 17)
    return float(-logp[np.arange(64), Xt].sum(1).mean())


def mixture_nll(
    k: int = 10, iters: int = 100, alpha: float | None = None, seed: int = 0, split: str = "test"
) -> float:
    """NLL of a K-component mixture of per-pixel categoricals fitted by EM on the
    training digits; α (smoothing of the M-step) chosen on the validation split."""
    if alpha is None:
        alpha = min(ALPHAS, key=lambda a: mixture_nll(k, iters, a, seed, "val"))
    X, Xt = data.digits_split()["train"][0], data.digits_split()[split][0]
    rng = np.random.default_rng(seed)
    onehot = np.eye(17)[X]  # (N, 64, 17)
    resp = rng.dirichlet(np.ones(k), size=len(X))  # (N, K)
    for _ in range(iters):
        pi = resp.mean(0)
        counts = np.einsum("nk,njv->kjv", resp, onehot) + alpha
        logp = np.log(counts / counts.sum(-1, keepdims=True))  # (K, 64, 17)
        ll = np.einsum("njv,kjv->nk", onehot, logp) + np.log(pi + 1e-300)
        resp = np.exp(ll - ll.max(1, keepdims=True))
        resp /= resp.sum(1, keepdims=True)
    ll_t = logp[:, np.arange(64), Xt].sum(-1).T + np.log(pi + 1e-300)  # (N_test, K)
    m = ll_t.max(1, keepdims=True)
    return float(-(m[:, 0] + np.log(np.exp(ll_t - m).sum(1))).mean())


def ngram_ladder(train_text: str, test_text: str, max_n: int = 5) -> dict[int, float]:
    """Held-out nats per character of interpolated Witten-Bell n-gram models, n = 1..5.

    P(c | h) = (C(h c) + N₁₊(h •) P(c | h')) / (C(h) + N₁₊(h •)), h' = h minus its
    first character; the unigram is add-one smoothed over the vocabulary."""
    vocab = sorted(set(train_text) | set(test_text))
    V = len(vocab)
    counts = [defaultdict(Counter) for _ in range(max_n)]  # order o: context (len o) → next
    for o in range(max_n):
        for i in range(o, len(train_text)):
            counts[o][train_text[i - o : i]][train_text[i]] += 1
    uni = counts[0][""]
    total_uni = sum(uni.values())
    results = {}
    for n in range(1, max_n + 1):
        nll = 0.0
        for i in range(len(test_text)):
            c = test_text[i]
            p = (uni[c] + 1) / (total_uni + V)
            for o in range(1, n):
                if i - o < 0:
                    break
                nxt = counts[o].get(test_text[i - o : i])
                if not nxt:
                    break
                tot, types = sum(nxt.values()), len(nxt)
                p = (nxt[c] + types * p) / (tot + types)
            nll -= math.log(p)
        results[n] = nll / len(test_text)
    return results


# ----------------------------------------------------------------------------- evaluation


def _load(name, family_module_classes):
    model_cls, config_cls = family_module_classes
    return store.load(name, model_cls, config_cls, dev=torch.device("cpu"))


def evaluate(quick: bool = False) -> dict:
    torch.set_num_threads(1)
    g = lambda s=0: torch.Generator().manual_seed(s)  # noqa: E731
    n_samples = 300 if quick else 1000
    out: dict = {
        "generated_by": "python -m generators.evaluate",
        "version": store.VERSION,
        "n_samples": n_samples,
    }
    t0 = time.perf_counter()

    clf, _ = _load("classifier-digits", (DigitClassifier, ClassifierConfig))
    judge = DigitsJudge(clf)
    out["classifier"] = {"test_accuracy": classifier_accuracy(clf)}
    out["baselines"] = {
        "independent_pixels_nll": independent_pixels_nll(),
        "mixture10_nll": mixture_nll(),
    }
    # the reference row: real training digits against the test digits
    real = judge.train_pixels.numpy()
    out["real_train_digits"] = {
        "fid": judge.fid(real),
        "classes_covered": len(set(judge.labels(real).tolist())),
    }
    val = data.digits_tensor("val")[0].float() / 16
    out["real_validation_digits"] = {"train_test_ratio": judge.train_test_ratio(val)}
    print("baselines", out["baselines"], "classifier", out["classifier"])

    Xt, yt = data.digits_tensor("test")
    digits: dict = {}

    m, _ = _load("autoregressive-digits", (ar.GPT, ar.GPTConfig))
    start = torch.full((n_samples, 1), ar.BOS, dtype=torch.long)
    idx, _ = ar.generate(m, start, 64, allowed=ar.BOS, generator=g())
    digits["autoregressive"] = {
        "nll": float(-ar.digits_log_likelihood(m, Xt).mean()),
        "nll_kind": "exact",
        **judge.report(idx[:, 1:].float().numpy() / 16),
    }
    print("autoregressive", digits["autoregressive"]["nll"])

    for name in ("vae-digits", "vae-digits-z16"):
        m, _ = _load(name, (vae.VAE, vae.VAEConfig))
        with torch.no_grad():
            neg_elbo = float(-vae.elbo(m, Xt, g())[0].mean())
            iw = float(-vae.iwae_bound(m, Xt, k=64 if quick else 512, generator=g()).mean())
            imgs = m.decode_mean(torch.randn(n_samples, m.config.latent_dim, generator=g()))
        key = "vae" if name == "vae-digits" else "vae-z16"
        digits[key] = {
            "nll": iw,
            "nll_kind": "IWAE bound",
            "neg_elbo": neg_elbo,
            **judge.report(imgs.numpy()),
        }
        print(key, neg_elbo, iw)

    m, _ = _load("flow-digits", (flow.RealNVP, flow.FlowConfig))
    with torch.no_grad():
        bound = np.mean(
            [float(-flow.digits_log_likelihood_bound(m, Xt, g(s)).mean()) for s in range(4)]
        )
        v = m.inverse(torch.randn(n_samples, 64, generator=g()))
    digits["flow"] = {
        "nll": float(bound),
        "nll_kind": "dequantized bound",
        **judge.report(flow.to_pixels(m.config, v).numpy()),
    }
    print("flow", bound)

    m, _ = _load("gan-digits", (gan.GAN, gan.GANConfig))
    digits["gan"] = {"nll": None, **judge.report(gan.sample(m, n_samples, g()).numpy())}

    m, _ = _load("diffusion-digits", (diffusion.EpsilonNet, diffusion.DiffusionConfig))
    labels = torch.arange(n_samples) % 10
    x, _ = diffusion.sample(
        m,
        n_samples,
        sampler="ddim",
        num_inference_steps=50,
        guidance_scale=diffusion.DEFAULT_GUIDANCE,
        digit=labels,
        generator=g(),
    )
    rep = judge.report(x.numpy())
    rep["class_accuracy"] = float((judge.labels(x.numpy()) == labels.numpy()).mean())
    rep["guidance_scale"] = diffusion.DEFAULT_GUIDANCE
    rep["sampler"] = f"DDIM 50 steps, guidance {diffusion.DEFAULT_GUIDANCE:g}, labels 0..9 in turn"
    digits["diffusion"] = {"nll": None, **rep}
    x, _ = diffusion.sample(
        m,
        n_samples,
        sampler="ddim",
        num_inference_steps=50,
        guidance_scale=1.0,
        digit=-1,
        generator=g(),
    )
    digits["diffusion-unconditional"] = {
        "nll": None,
        **judge.report(x.numpy()),
        "sampler": "DDIM 50 steps, no label",
    }
    out["digits"] = digits
    print("diffusion", rep["class_accuracy"], rep["fid"])

    # FID against steps: unconditional, as the DDIM paper's table, and labelled at the
    # default guidance, as the site samples; then FID against guidance
    n_tab = 200 if quick else n_samples  # FID is biased upwards on few samples
    steps_list = [10, 20, 50] if quick else [5, 10, 20, 50, 100, 1000]
    lab = torch.arange(n_tab) % 10
    for key, digit, w in [
        ("diffusion_steps_fid", -1, 1.0),
        ("diffusion_steps_fid_guided", lab, diffusion.DEFAULT_GUIDANCE),
    ]:
        table = {}
        for sampler in ("ddpm", "ddim"):
            for s in steps_list:
                x, _ = diffusion.sample(
                    m,
                    n_tab,
                    sampler=sampler,
                    num_inference_steps=s,
                    digit=digit,
                    guidance_scale=w,
                    generator=g(),
                )
                table[f"{sampler}-{s}"] = judge.fid(x.numpy())
        out[key] = {"n": n_tab, "guidance_scale": w, "fid": table}
        print(key, table)
    guidance = {}
    for w in [1.0, 1.5, 2.0, 3.0, 5.0, 7.5]:
        x, _ = diffusion.sample(
            m,
            n_tab,
            sampler="ddim",
            num_inference_steps=50,
            guidance_scale=w,
            digit=lab,
            generator=g(),
        )
        rep = judge.report(x.numpy())
        guidance[str(w)] = {
            "accuracy": float((judge.labels(x.numpy()) == lab.numpy()).mean()),
            "fid": rep["fid"],
            # the copy check at each guidance: does guidance or the label bring the
            # samples nearer the training digits?
            "copy_ratio": rep["copy_ratio"],
            "train_test_ratio": rep["train_test_ratio"],
            "exact_copies": rep["exact_copies"],
        }
    out["diffusion_guidance"] = guidance
    print("diffusion guidance", guidance)

    toys = {}
    for ds in ("ring", "grid"):
        m, meta = _load(f"gan-{ds}", (gan.GAN, gan.GANConfig))
        modes, sd = (
            (data.ring_modes(), data.RING_SD) if ds == "ring" else (data.grid_modes(), data.GRID_SD)
        )
        toys[f"gan-{ds}"] = {
            "drs": gan.mode_metrics(gan.sample(m, 2500, g()).numpy(), modes, sd),
            "no_rejection": gan.mode_metrics(
                gan.sample(m, 2500, g(), rejection=False).numpy(), modes, sd
            ),
            "train_seconds": meta.get("train_seconds"),
            "steps": meta.get("steps"),
        }
        seeds = sorted(store.CHECKPOINT_DIR.glob(f"gan-{ds}-seed*.json"))
        if seeds:
            toys[f"gan-{ds}"]["other_seeds"] = [
                json.loads(p.read_text())["slice_metrics"]
                | {"seed": json.loads(p.read_text())["seed"]}
                for p in seeds
            ]
    entropy = data.moons_entropy()
    for ds in ("moons", "ring"):
        m, _ = _load(f"flow-{ds}", (flow.RealNVP, flow.FlowConfig))
        pts = data.TOY_SAMPLERS[ds](10000, g(4321))
        with torch.no_grad():
            nll = float(-m.log_prob(pts).mean())
        toys[f"flow-{ds}"] = {"test_nll": nll}
    toys["flow-moons"]["true_entropy"] = entropy
    toys["flow-moons"]["gap"] = toys["flow-moons"]["test_nll"] - entropy
    out["toys"] = toys
    print("toys", toys)

    try:
        corpus = data.text_corpus()
        train_text, val_text = data.text_split(corpus)
        m, _ = _load("autoregressive-text", (ar.GPT, ar.GPTConfig))
        stoi = {c: i for i, c in enumerate(m.config.chars)}
        known = "".join(c for c in val_text if c in stoi)
        ids = torch.tensor([stoi[c] for c in known])
        out["text"] = {
            "heldout_chars": len(val_text),
            "train_chars": len(train_text),
            "model_nats_per_char": -ar.text_log_likelihood(m, ids),
            "ngram_nats_per_char": {
                str(k): v for k, v in ngram_ladder(train_text, val_text).items()
            },
        }
        print("text", out["text"])
    except FileNotFoundError as e:
        out["text"] = {"error": str(e)}
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def _f(v, nd=2):
    return "–" if v is None else f"{v:.{nd}f}"


def to_markdown(r: dict) -> str:
    b = r["baselines"]
    lines = [
        "# Generators: evaluation on held-out data",
        "",
        f"Digits test set: 447 images. Samples per model: {r['n_samples']}. "
        f"Classifier test accuracy: {r['classifier']['test_accuracy']:.1%}.",
        "",
        "## Digits",
        "",
        "| model | test NLL (nats/image) | NLL kind | digits-FID ↓ | classes covered | "
        "copy ratio (≥ 1 is good) | train ÷ test NN (≈ 1 is good) |",
        "|---|---|---|---|---|---|---|",
    ]
    for k, v in r["digits"].items():
        extra = f" (−ELBO {v['neg_elbo']:.1f})" if "neg_elbo" in v else ""
        lines.append(
            f"| {k} | {_f(v['nll'], 1)}{extra} | {v.get('nll_kind', '–')} | "
            f"{_f(v['fid'])} | {v['classes_covered']}/10 | {_f(v['copy_ratio'])} | "
            f"{_f(v['train_test_ratio'])} |"
        )
    rt = r["real_train_digits"]
    rv = r["real_validation_digits"]
    lines += [
        f"| *real training digits* | – | – | {_f(rt['fid'])} | {rt['classes_covered']}/10 | "
        "1 by definition (test digits) | – |",
        f"| *real validation digits* | – | – | – | – | – | {_f(rv['train_test_ratio'])} |",
        f"| *baseline: independent pixels* | {b['independent_pixels_nll']:.1f} | exact "
        "| – | – | – | – |",
        f"| *baseline: mixture of 10 categoricals* | {b['mixture10_nll']:.1f} | exact "
        "| – | – | – | – |",
        "",
        "Copy ratio: median distance from a sample to its nearest training digit over the "
        "same for real test digits. Train ÷ test NN: median distance to the nearest of 447 "
        "training digits over that to the nearest of the 447 test digits; below 1 the "
        "samples lean toward the digits the model trained on (memorization), whatever "
        "their diversity.",
        "",
        "Diffusion class accuracy at the default guidance "
        f"({r['digits']['diffusion']['guidance_scale']:g}, DDIM 50): "
        f"{r['digits']['diffusion']['class_accuracy']:.1%}.",
        "",
    ]
    for key, title in [
        ("diffusion_steps_fid", "unconditional"),
        ("diffusion_steps_fid_guided", "labels 0..9 in turn, guidance {w:g}"),
    ]:
        if key not in r:
            continue
        title = title.format(w=r[key]["guidance_scale"])
        t = r[key]["fid"]
        steps = sorted({int(k.split("-")[1]) for k in t}, reverse=True)
        lines += [f"## Diffusion: digits-FID against sampling steps ({title})", ""]
        lines += steps_table(t, steps) + [""]
    lines += [
        "## Diffusion: guidance scale (DDIM 50 steps)",
        "",
        "| guidance | class accuracy | digits-FID | copy ratio | train ÷ test NN | exact copies |",
        "|---|---|---|---|---|---|",
    ]
    for w, v in r["diffusion_guidance"].items():
        lines.append(
            f"| {w} | {v['accuracy']:.1%} | {_f(v['fid'])} | {_f(v['copy_ratio'])} | "
            f"{_f(v['train_test_ratio'])} | {v['exact_copies']} |"
        )
    lines += [
        "",
        "## 2-D benchmarks",
        "",
        "| model | modes | high-quality | reverse KL | note |",
        "|---|---|---|---|---|",
    ]
    for k in ("gan-ring", "gan-grid"):
        v = r["toys"][k]
        for kind in ("drs", "no_rejection"):
            mm = v[kind]
            lines.append(
                f"| {k} ({'with DRS' if kind == 'drs' else 'no rejection'}) | "
                f"{mm['modes']}/{mm['of']} | {mm['high_quality']:.1%} | "
                f"{mm['reverse_kl']:.3f} | {v['steps']} steps, {v['train_seconds']} s |"
            )
        for o in v.get("other_seeds", []):
            lines.append(
                f"| {k} seed {o['seed']} (DRS) | {o['modes']}/{o['of']} | "
                f"{o['high_quality']:.1%} | {o['reverse_kl']:.3f} | |"
            )
    fm = r["toys"]["flow-moons"]
    lines += [
        "",
        f"Flow, two moons: test NLL {fm['test_nll']:.3f} nats vs true entropy "
        f"{fm['true_entropy']:.3f} (gap {fm['gap']:+.3f}). Flow, ring: test NLL "
        f"{r['toys']['flow-ring']['test_nll']:.3f} nats.",
        "",
    ]
    tx = r.get("text", {})
    if "model_nats_per_char" in tx:
        lines += [
            "## Text (held-out lesson text, nats per character)",
            "",
            "| model | nats/char |",
            "|---|---|",
            f"| Transformer | {tx['model_nats_per_char']:.3f} |",
        ]
        for n, v in tx["ngram_nats_per_char"].items():
            lines.append(f"| {n}-gram (Witten-Bell) | {v:.3f} |")
        lines.append("")
    return "\n".join(lines)


def plain(o):
    """JSON-able copy: NumPy scalars as Python numbers."""
    if isinstance(o, dict):
        return {k: plain(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [plain(v) for v in o]
    if isinstance(o, (np.floating, np.integer)):
        return o.item()
    return o


def steps_table(fid: dict, steps: list[int]) -> list[str]:
    """Markdown rows of digits-FID by sampler (DDPM, DDIM) and number of steps; ``fid`` is
    keyed "ddpm-50", "ddim-20", …"""
    lines = [
        "| sampler | " + " | ".join(str(s) for s in steps) + " |",
        "|---|" + "---|" * len(steps),
    ]
    for sm in ("ddpm", "ddim"):
        lines.append(f"| {sm.upper()} | " + " | ".join(_f(fid[f"{sm}-{s}"]) for s in steps) + " |")
    return lines


def marked_sections(markdown: str) -> str:
    """The sections other commands own in evaluation.md (``<!-- name -->`` … ``<!-- /name
    -->``: evaluate28's digits28, evaluate_names' names), kept when this one rewrites it."""
    blocks = re.finditer(r"<!-- ([\w-]+) -->.*?<!-- /\1 -->", markdown, flags=re.S)
    return "".join("\n" + b.group(0) + "\n" for b in blocks)


def main(argv=None):
    p = argparse.ArgumentParser(description="Evaluate the shipped checkpoints.")
    p.add_argument("--quick", action="store_true", help="fewer samples (for a smoke run)")
    a = p.parse_args(argv)
    r = evaluate(quick=a.quick)
    path = store.CHECKPOINT_DIR / "evaluation.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    if "digits28" in old:  # python -m generators.evaluate28 writes that section
        r["digits28"] = old["digits28"]
    path.write_text(json.dumps(plain(r), indent=2) + "\n")
    md_path = store.CHECKPOINT_DIR / "evaluation.md"
    old_md = md_path.read_text() if md_path.exists() else ""
    md = to_markdown(r) + marked_sections(old_md)
    md_path.write_text(md + "\n")
    print(md)


if __name__ == "__main__":
    main()
