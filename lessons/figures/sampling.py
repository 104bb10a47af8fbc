"""Figures of decoding: temperature, top-k and top-p on our text model's real
next-character distribution, a beam search tree, and a likelihood read one character
at a time.

Logits and probabilities are rounded before they are drawn or written, so the bytes
do not depend on the CPU's thread count.
"""

from __future__ import annotations

import json
import math

import numpy as np
import torch
import torch.nn.functional as F

from generators import autoregressive

from . import canvas
from .registry import figure
from .transformer import TEXT_MODEL, encode, text_model

# Prompts whose next character the widget shows: an open choice, a nearly certain one,
# and one in between.
PROMPTS = (
    "A generative model learns the ",
    "the next token is sampled from a probabilit",
    "Diffusion models add noise to an im",
)
SHOWN = 12  # bars drawn: the most likely characters under the model at T = 1


@torch.no_grad()
def next_logits(prompt: str) -> np.ndarray:
    """(V,) the model's logits for the character after ``prompt``, 3 decimals."""
    logits, _ = text_model()(encode(prompt))
    return np.round(logits[0, -1].double().numpy(), 3)


def decode_filter(logits: np.ndarray, temperature: float, top_k: int, top_p: float) -> np.ndarray:
    """The probabilities the sampler draws from: the model's own filter_logits
    (temperature, then top-k, then nucleus), then softmax."""
    filtered = autoregressive.filter_logits(torch.tensor(logits), temperature, top_k, top_p)
    return torch.softmax(filtered, -1).numpy()


def _label(c: str) -> str:
    return {" ": "␣", "\n": "↵"}.get(c, c)


@figure("sampling-temperature.png", "sampling-temperature.json", lesson="sampling-algorithms")
def temperature() -> tuple[bytes, bytes]:
    """Four decoding rules on one real distribution; the JSON carries the logits of
    every prompt so the widget can apply any T, k and p."""
    chars = text_model().config.chars
    logits = next_logits(PROMPTS[0])
    base = decode_filter(logits, 1.0, 0, 1.0)
    order = np.argsort(-base, kind="stable")[:SHOWN]
    rules = (
        ("T = 1 (the model as trained)", 1.0, 0, 1.0),
        ("T = 0.5: sharper", 0.5, 0, 1.0),
        ("top-k, k = 5", 1.0, 5, 1.0),
        ("top-p, p = 0.6", 1.0, 0, 0.6),
    )
    fig, axes = canvas.new(6.4, 5.6, nrows=2, ncols=2, sharey=True, layout="constrained")
    for ax, (title, t, k, p) in zip(axes.flat, rules, strict=True):
        probs = np.round(decode_filter(logits, t, k, p), 4)
        kept = probs[order] > 0
        colours = [canvas.PALETTE[4] if keep else canvas.MUTED for keep in kept]
        ax.bar(range(SHOWN), probs[order], color=colours)
        ax.set_xticks(
            range(SHOWN), [_label(chars[i]) for i in order], fontfamily="DejaVu Sans Mono"
        )
        ax.tick_params(axis="x", length=0)
        ax.set_title(title, fontsize=11)
    for ax in axes[:, 0]:
        ax.set_ylabel("probability")
    fig.suptitle(f"Next character after “{PROMPTS[0].strip()} …”", fontsize=12)
    data = {
        "kind": "temperature",
        "model": TEXT_MODEL,
        "tokens": [_label(c) for c in chars],
        "shown": SHOWN,
        "defaults": {"temperature": 1.0, "top_k": 0, "top_p": 1.0},
        "prompts": [{"prompt": p, "logits": next_logits(p).tolist()} for p in PROMPTS],
    }
    return canvas.png(fig), json.dumps(data, separators=(",", ":")).encode()


BEAM_PROMPT = "The model "
BEAM_WIDTH = 3
BEAM_STEPS = 5


def beam_steps(prompt: str, width: int, steps: int) -> list[list[tuple[str, float]]]:
    """The beams kept after each step of our model's beam search: per step, (text
    added so far, Σ log p) for each beam, best first. Beam search is deterministic, so
    the beams after step n are the same whether the search stops at n or goes on."""
    idx = encode(prompt)
    chars = text_model().config.chars
    out = []
    for n in range(1, steps + 1):
        beams = autoregressive.beam_search(text_model(), idx, n, width)
        out.append(
            [("".join(chars[int(t)] for t in b[idx.size(1) :]), round(s, 2)) for b, s in beams]
        )
    return out


@figure("sampling-beam-search.svg", lesson="sampling-algorithms")
def beam_tree() -> bytes:
    """The prefixes beam search keeps, step by step, joined to their parents."""
    steps = beam_steps(BEAM_PROMPT, BEAM_WIDTH, BEAM_STEPS)
    survivors = {text[:n] for text, _ in steps[-1] for n in range(1, BEAM_STEPS + 1)}
    fig, ax = canvas.new(6.4, 3.4)
    ax.axis("off")
    place = {"": (0, (BEAM_WIDTH - 1) / 2)}
    ax.text(0, place[""][1], f"“{BEAM_PROMPT.strip()}␣”", ha="right", va="center", fontsize=13)
    for depth, beams in enumerate(steps, start=1):
        for rank, (text, score) in enumerate(beams):
            x, y = depth, rank
            px, py = place[text[:-1]]
            alive = text in survivors
            colour = canvas.PALETTE[4] if alive else canvas.MUTED
            ax.plot([px + 0.12, x - 0.12], [py, y], color=colour, linewidth=2 if alive else 1)
            ax.text(
                x,
                y,
                _label(text[-1]),
                ha="center",
                va="center",
                fontsize=16,
                fontfamily="DejaVu Sans Mono",
                color=colour,
                bbox=dict(boxstyle="round", facecolor="white", edgecolor=colour),
            )
            ax.text(
                x, y + 0.28, f"{score:.1f}", ha="center", va="top", fontsize=11, color=canvas.MUTED
            )
            place[text] = (x, y)
    for rank, (_, score) in enumerate(steps[-1]):
        ax.text(BEAM_STEPS + 0.4, rank, f"{score:.2f}", ha="left", va="center", fontsize=12)
    ax.text(BEAM_STEPS + 0.4, -0.55, "log p", ha="left", fontsize=12)
    ax.set_xlim(-2.2, BEAM_STEPS + 1.2)
    ax.set_ylim(BEAM_WIDTH - 0.4, -0.7)
    return canvas.svg(fig)


LIKELIHOOD_CONTEXT = "We train by maximum "
LIKELIHOOD_WORD = "likelihood"


@torch.no_grad()
def char_log_probs(context: str, text: str) -> np.ndarray:
    """log p(x_i | x_<i) of each character of ``text`` after ``context``, 3 decimals."""
    ids = encode(context + text)
    logits, _ = text_model()(ids[:, :-1])
    logp = F.log_softmax(logits[0].double(), -1)
    targets = ids[0, 1:]
    every = logp.gather(-1, targets[:, None]).squeeze(-1).numpy()
    return np.round(every[-len(text) :], 3)


@figure("sampling-chain-rule.svg", lesson="probability-factorization-and-likelihood")
def chain_rule() -> bytes:
    """One word's log-likelihood as the sum of its characters' conditionals."""
    logp = char_log_probs(LIKELIHOOD_CONTEXT, LIKELIHOOD_WORD)
    bits = -logp / math.log(2)
    fig, ax = canvas.new(6.4, 3.8)
    ax.bar(range(len(bits)), bits, color=canvas.PALETTE[4])
    ax.set_xticks(
        range(len(bits)), list(LIKELIHOOD_WORD), fontfamily="DejaVu Sans Mono", fontsize=13
    )
    ax.tick_params(axis="x", length=0)
    for i, (b, lp) in enumerate(zip(bits, logp, strict=True)):
        ax.text(
            i,
            b + 0.08,
            f"{math.exp(lp):.2f}",
            ha="center",
            va="bottom",
            fontsize=9,
            color=canvas.MUTED,
        )
    ax.set_ylabel(r"$-\log_2 p(x_i \mid x_{<i})$ in bits")
    total = float(bits.sum())
    ax.set_title(
        f"After “{LIKELIHOOD_CONTEXT.strip()}”: −log₂ p(“{LIKELIHOOD_WORD}”) = {total:.2f} bits",
        fontsize=11,
    )
    ax.set_ylim(0, max(bits) * 1.25 + 0.2)
    return canvas.svg(fig)
