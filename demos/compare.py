"""The comparison page's content: the evaluation tables (28x28 digits, then 8x8) with a
plain sentence per column, a sample grid per model, and the DDPM-vs-DDIM steps curve."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from lessons.cache import code_version

from . import selectors
from .presenters import presenter_for, presenters
from .samples import SAMPLES_DIR
from .samples import timings as _timings

# Every family's digits checkpoints, those scored by a likelihood first:
# (key in evaluation.json "digits", what the page calls it, checkpoint, Lab family)
COMPARED = sorted(presenters(), key=lambda p: not p.likelihood)
MODELS = [(m.key, m.title, m.checkpoint, p.family) for p in COMPARED for m in p.compare_models]
# The rows whose own 16 digits are drawn and timed (manage.py demo_samples), with the
# parameters that draw them; a row without sample_params shares its checkpoint with one
# that has them, so it has no grid or time of its own.
DRAWN = [(m, p.family) for p in COMPARED for m in p.compare_models if m.sample_params is not None]
SAMPLE_PARAMS = {m.checkpoint: m.sample_params for m, _family in DRAWN}
GRIDS = [(m.title, m.checkpoint, family) for m, family in DRAWN]
DRAWN_KEYS = {m.key for m, _family in DRAWN}
DATASET = {m.checkpoint: m.dataset for p in COMPARED for m in p.compare_models}

COLUMNS = [
    (
        _("Test NLL"),
        _(
            "How surprised the model is by digits it never saw, in nats per image: lower is "
            "better. Only models with a likelihood can be scored; the VAE and the "
            "dequantized flow give an upper bound."
        ),
    ),
    (
        _("Digits-FID"),
        _(
            "How far the samples' features are from real test digits' features, as our "
            "own digit classifier sees them: lower means more realistic and more varied."
        ),
    ),
    (
        _("Copy ratio"),
        _(
            "How close samples sit to their nearest training digit, relative to real "
            "unseen digits. Below 1 means closer than real digits: either copying or "
            "only drawing the most typical digits."
        ),
    ),
    (
        _("Train ÷ test"),
        _(
            "A ratio of medians: the samples' median distance to the nearest of 447 "
            "training digits, divided by their median distance to the nearest of the 447 "
            "test digits. A model that learned digits in general sits as near both (real "
            "unseen digits score 0.99); below 1 it leans toward the digits it trained on: "
            "memorization."
        ),
    ),
    (
        _("Sampling time"),
        _("Time to draw 16 digits on one CPU thread: what a learner waits for."),
    ),
    (
        _("Parameters"),
        _("How many numbers the model learned: a rough measure of its size."),
    ),
    (
        _("Training time"),
        _("Seconds it took to train on one CPU, from the checkpoint's record."),
    ),
]


COLUMNS28 = [
    (
        _("Bits per dimension"),
        _(
            "How surprised the model is by digits it never saw, in bits per pixel of the "
            "dequantized digits: lower is better. Only models with a likelihood can be "
            "scored; a VAE gives an upper bound."
        ),
    ),
    COLUMNS[1],
    (
        _("Right digit"),
        _(
            "Asked for a given digit, how often our classifier reads the sample as that "
            "digit: what classifier-free guidance buys."
        ),
    ),
    COLUMNS[2],
    (
        _("Train ÷ test"),
        _(
            "A sample's distance to its nearest training digit divided by its distance to "
            "its nearest test digit, relative to the same for real digits no model saw: "
            "about 1 for a model that learned digits in general, below 1 when it leans "
            "toward its training digits."
        ),
    ),
    COLUMNS[4],
    COLUMNS[5],
    (
        _("Training time"),
        _("Seconds it took to train, and on which device, from the checkpoint's record."),
    ),
]


def files_version() -> str:
    """Names, sizes and times of the files the page reads (the evaluation, checkpoints
    and their records, the sample grids and timings): a new file, a new version."""
    from generators import store

    h = hashlib.blake2b(digest_size=16)
    for folder in (store.CHECKPOINT_DIR, SAMPLES_DIR):
        for p in sorted(folder.iterdir()) if folder.exists() else []:
            st = p.stat()
            h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return "compare-" + h.hexdigest()


def compare_context_cached() -> dict:
    """`compare_context`, built once per version of the files it reads."""
    key = f"compare:{code_version()}:{files_version()}"
    context = cache.get(key)
    if context is None:
        context = compare_context()
        cache.set(key, context, 24 * 3600)
    return context


def compare_context() -> dict:
    ev = selectors.evaluation()
    timings = _timings()
    rows, rows28 = [], []
    measured28 = (ev or {}).get("digits28", {}).get("models", {})
    for key, title, checkpoint, family in MODELS:
        if DATASET[checkpoint] == "digits28":
            d28 = measured28.get(checkpoint, {})
            rows28.append(_row28(title, family, checkpoint, d28, timings))
            continue
        d = (ev or {}).get("digits", {}).get(key, {})
        meta = selectors.checkpoint_meta(checkpoint) or {}
        rows.append(
            {
                "title": title,
                "family": family,
                # how the evaluation drew the samples it scored, e.g. guidance and labels
                "sampler": d.get("sampler", ""),
                "measured": bool(d),
                "nll": d.get("nll"),
                "nll_kind": d.get("nll_kind", ""),
                "fid": d.get("fid"),
                "copy_ratio": d.get("copy_ratio"),
                "train_test_ratio": d.get("train_test_ratio"),
                # a row without its own draw would show another row's time
                "milliseconds": _ms(timings.get(checkpoint)) if key in DRAWN_KEYS else None,
                "parameters": _thousands(selectors.checkpoint_parameters(checkpoint)),
                "train_seconds": meta.get("train_seconds"),
            }
        )
    grids = [
        {"title": title, "family": family, "image": f"demos/samples/{checkpoint}.png"}
        for title, checkpoint, family in GRIDS
        if (SAMPLES_DIR / f"{checkpoint}.png").exists()
    ]
    extras = {}
    for p in COMPARED:
        extras |= p.compare_context(ev)
    return {
        "evaluation": ev,
        "rows": rows,
        "columns": COLUMNS,
        "rows28": rows28,
        "columns28": COLUMNS28,
        "digits28": (ev or {}).get("digits28"),
        "classifier28_accuracy": _percent(
            (ev or {}).get("digits28", {}).get("classifier", {}).get("test_accuracy")
        ),
        "grids": grids,
        "baselines": (ev or {}).get("baselines"),
        **extras,
    }


def _row28(title: str, family: str, checkpoint: str, d: dict, timings: dict) -> dict:
    meta = selectors.checkpoint_meta(checkpoint) or {}
    n_params = d.get("parameters") or selectors.checkpoint_parameters(checkpoint)
    return {
        "title": title,
        "family": family,
        "measured": bool(d),
        "bpd": d.get("bpd"),
        "bpd_kind": d.get("bpd_kind", ""),
        "fid": d.get("fid"),
        "right_digit": d.get("right_digit"),
        "copy_ratio": d.get("copy_ratio"),
        "train_test_ratio": d.get("train_test_ratio"),
        "milliseconds": _ms(timings.get(checkpoint)),
        "parameters": _thousands(n_params),  # latent diffusion's includes its decoder
        "train_seconds": meta.get("train_seconds"),
        "train_device": meta.get("device", ""),
    }


def _percent(x: float | None) -> str | None:
    return None if x is None else f"{x:.1%}"


def _thousands(n: int | None) -> str | None:
    return None if n is None else f"{n:,}".replace(",", " ")


def thumbnail(family: str) -> str | None:
    """A static path to 16 digits drawn by the family, when demo_samples has run."""
    for m in presenter_for(family).compare_models:
        if (SAMPLES_DIR / f"{m.checkpoint}.png").exists():
            return f"demos/samples/{m.checkpoint}.png"
    return None


def _ms(seconds: float | None) -> str | None:
    return None if seconds is None else f"{1000 * seconds:.1f}"
