"""Figures of the Transformer: our text model's attention, the causal mask, positional
encodings and the model's own training curve.

The model is the shipped character-level Transformer trained on the lessons' text
(checkpoint ``autoregressive-text``). Its attention weights are recomputed here from its
own layers, because the model calls a fused attention kernel that never returns them.
Numbers are rounded to a few decimals before they are drawn or written, so the files do
not change with the number of CPU threads.
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import torch

from generators import autoregressive, store

from . import canvas
from .registry import figure

TEXT_MODEL = "autoregressive-text"  # the lesson-text model; the names model is another dataset
SENTENCE = "The model predicts the next letter."  # a real sentence for the attention figures


@cache
def text_model() -> autoregressive.GPT:
    """The shipped text Transformer on the CPU (loaded once per process)."""
    model, _ = store.load(
        TEXT_MODEL, autoregressive.GPT, autoregressive.GPTConfig, dev=torch.device("cpu")
    )
    return model


def encode(text: str) -> torch.Tensor:
    """(1, T) token ids of ``text`` in the model's character vocabulary."""
    stoi = {c: i for i, c in enumerate(text_model().config.chars)}
    missing = sorted({c for c in text if c not in stoi})
    if missing:
        raise ValueError(f"the text model never saw the characters {''.join(missing)!r}")
    return torch.tensor([[stoi[c] for c in text]], dtype=torch.long)


@torch.no_grad()
def attention_weights(text: str) -> np.ndarray:
    """(layers, heads, T, T) softmax(QKᵀ/√d + causal mask) of every head on ``text``.

    Row i is the distribution over the positions 0..i that query i reads from."""
    model = text_model()
    idx = encode(text)
    T = idx.size(1)
    x = model.wte(idx) + model.wpe(torch.arange(T))  # (1, T, C)
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    maps = []
    for block in model.blocks:
        attn = block.attn
        C = x.size(-1)
        h = attn.n_head
        q, k, _ = attn.c_attn(block.ln_1(x)).split(C, dim=2)
        q = q.view(1, T, h, C // h).transpose(1, 2)  # (1, h, T, d)
        k = k.view(1, T, h, C // h).transpose(1, 2)  # (1, h, T, d)
        scores = q @ k.transpose(-2, -1) / (C // h) ** 0.5  # (1, h, T, T)
        scores = scores.masked_fill(~causal, float("-inf"))
        maps.append(torch.softmax(scores, -1)[0])
        x = block(x)  # the block's real forward pass feeds the next layer
    return np.round(torch.stack(maps).numpy(), 3)


def _char_label(c: str) -> str:
    return "␣" if c == " " else c


@figure(
    "transformer-attention.png",
    "transformer-attention.json",
    lesson="self-attention-and-transformers",
)
def attention() -> tuple[bytes, bytes]:
    """Our model's attention on a real sentence: the still shows the head whose weights
    are most concentrated; the JSON holds every layer and head for the widget."""
    weights = attention_weights(SENTENCE)  # (L, H, T, T)
    L, H, T, _ = weights.shape
    # The sharpest head (lowest mean row entropy, late rows only) makes the clearest still.
    p = np.clip(weights[:, :, T // 2 :, :], 1e-9, 1)
    entropy = -(p * np.log(p)).sum(-1).mean(-1)  # (L, H)
    layer, head = np.unravel_index(int(np.argmin(entropy)), entropy.shape)
    fig, ax = canvas.new(6.4, 6.4)
    ax.imshow(weights[layer, head], cmap="Blues", vmin=0, vmax=1)
    labels = [_char_label(c) for c in SENTENCE]
    ax.set_xticks(range(T), labels, fontsize=9, fontfamily="DejaVu Sans Mono")
    ax.set_yticks(range(T), labels, fontsize=9, fontfamily="DejaVu Sans Mono")
    ax.tick_params(length=0)
    ax.set_xlabel("key: the character attended to")
    ax.set_ylabel("query: the character reading")
    ax.set_title(f"Layer {layer + 1}, head {head + 1} of our text Transformer")
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    data = {
        "kind": "attention",
        "model": TEXT_MODEL,
        "text": SENTENCE,
        "tokens": list(SENTENCE),
        "layers": L,
        "heads": H,
        "still": {"layer": int(layer), "head": int(head)},
        # weights[l][h][i][j]: how much character i attends to character j (j ≤ i)
        "weights": [
            [[row[: i + 1].round(2).tolist() for i, row in enumerate(m)] for m in lay]
            for lay in weights
        ],
    }
    return canvas.png(fig), json.dumps(data, separators=(",", ":")).encode()


@figure("transformer-causal-mask.svg", lesson="attention-and-positional-encoding")
def causal_mask() -> bytes:
    """The causal mask for a short word in both conventions the lessons use."""
    word = "sample"
    T = len(word)
    allowed = np.tril(np.ones((T, T), dtype=bool))
    fig, axes = canvas.new(6.4, 3.8, ncols=2, layout="constrained")
    titles = ("Boolean mask\n(True = may attend)", "Additive mask\n(added to the scores)")
    for ax, title, additive in zip(axes, titles, (False, True), strict=True):
        ax.imshow(allowed, cmap="Blues", vmin=-0.6, vmax=1.4)
        for i in range(T):
            for j in range(T):
                if additive:
                    text = "0" if allowed[i, j] else "−∞"
                else:
                    text = "T" if allowed[i, j] else "F"
                ax.text(j, i, text, ha="center", va="center", fontsize=13, color=canvas.INK)
        ax.set_xticks(range(T), list(word), fontfamily="DejaVu Sans Mono")
        ax.set_yticks(range(T), list(word), fontfamily="DejaVu Sans Mono")
        ax.tick_params(length=0)
        ax.set_xlabel("key position j")
        ax.set_title(title, fontsize=11)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
    axes[0].set_ylabel("query position i")
    return canvas.svg(fig)


def sinusoidal_encoding(positions: int, d: int) -> np.ndarray:
    """PE(p, 2i) = sin(p / 10000^(2i/d)), PE(p, 2i+1) = cos(p / 10000^(2i/d))."""
    p = np.arange(positions)[:, None]
    i = np.arange(d // 2)[None, :]
    angle = p / 10000 ** (2 * i / d)
    pe = np.zeros((positions, d))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle)
    return pe


@figure("transformer-positional-encoding.png", lesson="attention-and-positional-encoding")
def positional_encoding() -> bytes:
    """Sinusoidal encodings as an image and three of its clocks as curves."""
    d, positions = 64, 100
    pe = np.round(sinusoidal_encoding(positions, d), 4)
    fig, (top, bottom) = canvas.new(6.4, 6.0, nrows=2, height_ratios=(1.3, 1), layout="constrained")
    image = top.imshow(pe.T, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    top.set_xlabel("position p")
    top.set_ylabel("dimension")
    top.set_title("PE(p, ·) for d = 64: fast clocks at the top, slow below")
    fig.colorbar(image, ax=top, fraction=0.04, pad=0.02)
    for dim, colour in zip(
        (0, 10, 30), (canvas.PALETTE[5], canvas.PALETTE[4], canvas.PALETTE[2]), strict=True
    ):
        bottom.plot(pe[:, dim], color=colour, label=f"dimension {dim}")
    bottom.set_xlabel("position p")
    bottom.set_ylabel("value")
    bottom.legend(loc="lower left", fontsize=10, ncols=3, frameon=False)
    bottom.set_ylim(-1.5, 1.3)
    return canvas.png(fig)


@figure("transformer-learned-positions.png", lesson="attention-and-positional-encoding")
def learned_positions() -> bytes:
    """Cosine similarity between our model's learned position embeddings."""
    wpe = text_model().wpe.weight.detach().numpy().astype(np.float64)
    unit = wpe / np.linalg.norm(wpe, axis=1, keepdims=True)
    similarity = np.round(unit @ unit.T, 3)
    fig, ax = canvas.new(6.4, 5.2)
    image = ax.imshow(similarity, cmap="RdBu_r", vmin=-1, vmax=1)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.03, label="cosine similarity")
    ax.set_xlabel("position")
    ax.set_ylabel("position")
    ax.set_title("Our text model's learned position vectors, compared")
    return canvas.png(fig)


@figure("transformer-loss-curve.svg", lesson="training-objectives-and-optimization")
def loss_curve() -> bytes:
    """The text model's training loss, from its checkpoint's own record."""
    meta = store.read_meta(TEXT_MODEL)
    losses = np.asarray(meta["loss_curve"], dtype=float)
    steps = (np.arange(len(losses)) + 0.5) * meta["steps"] / len(losses)  # window centres
    fig, ax = canvas.new(6.4, 3.6)
    ax.plot(steps, losses, color=canvas.PALETTE[4], label="training loss")
    heldout = meta.get("slice_metrics", {}).get("nats_per_char")
    if heldout is not None:
        ax.axhline(
            heldout, color=canvas.PALETTE[5], linestyle="--", label=f"held-out: {heldout:.2f}"
        )
    uniform = np.log(meta["config"]["vocab_size"])
    ax.axhline(
        uniform, color=canvas.MUTED, linestyle=":", label=f"uniform guess: ln V = {uniform:.2f}"
    )
    ax.set_xlabel("training step")
    ax.set_ylabel("cross-entropy (nats per character)")
    ax.set_ylim(0, uniform + 0.6)
    ax.legend(frameon=False, fontsize=10)
    return canvas.svg(fig)
