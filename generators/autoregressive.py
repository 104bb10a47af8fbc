"""Autoregressive family: a decoder-only Transformer (GPT, Radford et al. 2018).

p(x) = ∏_t p(x_t | x_<t). Causal multi-head self-attention, learned positional
embeddings, pre-norm residual blocks, and a KV cache so that generating a token
costs one position's worth of compute instead of the whole context.

Two datasets:
* text — characters of the project's own lessons;
* digits — the 64 pixels of an 8x8 digit read in raster order as tokens 0..16 after
  a start token (PixelCNN's idea, with a Transformer), so log p(x) is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from .params import Param, ParameterError


@dataclass
class GPTConfig:
    vocab_size: int = 18  # number of distinct tokens (text: characters; digits: 17 levels + BOS)
    block_size: int = 65  # longest context the model attends to, in tokens
    n_layer: int = 4  # number of Transformer blocks
    n_head: int = 4  # attention heads per block
    n_embd: int = 128  # width of the residual stream
    dropout: float = 0.0  # dropout on attention and MLP outputs while training
    chars: str = ""  # text: the vocabulary, token i is chars[i]; "" for digits


class CausalSelfAttention(nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        assert config.n_embd % config.n_head == 0
        self.n_head = config.n_head
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)  # q, k, v in one matmul
        self.c_proj = nn.Linear(config.n_embd, config.n_embd)
        self.dropout = config.dropout

    def forward(self, x, past: tuple[torch.Tensor, torch.Tensor] | None = None):
        B, T, C = x.shape  # (B, T, C)
        q, k, v = self.c_attn(x).split(C, dim=2)
        h = self.n_head
        q = q.view(B, T, h, C // h).transpose(1, 2)  # (B, h, T, d)
        k = k.view(B, T, h, C // h).transpose(1, 2)  # (B, h, T, d)
        v = v.view(B, T, h, C // h).transpose(1, 2)  # (B, h, T, d)
        if past is not None:  # KV cache: keys and values of earlier positions
            k = torch.cat([past[0], k], dim=2)  # (B, h, P+T, d)
            v = torch.cat([past[1], v], dim=2)
        P = k.size(2) - T
        drop = self.dropout if self.training else 0.0
        if P == 0:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=drop)
        else:  # query i (absolute P+i) may see keys 0..P+i
            mask = torch.ones(T, P + T, dtype=torch.bool, device=x.device).tril(diagonal=P)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=drop)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)
        return F.dropout(self.c_proj(y), drop, self.training), (k, v)


class Block(nn.Module):
    """Pre-norm residual block: x + Attn(LN(x)), then x + MLP(LN(x))."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = nn.Sequential(
            nn.Linear(config.n_embd, 4 * config.n_embd),
            nn.GELU(),
            nn.Linear(4 * config.n_embd, config.n_embd),
            nn.Dropout(config.dropout),
        )

    def forward(self, x, past=None):
        a, present = self.attn(self.ln_1(x), past)
        x = x + a
        x = x + self.mlp(self.ln_2(x))
        return x, present


class GPT(nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)  # token embedding
        self.wpe = nn.Embedding(config.block_size, config.n_embd)  # positional embedding
        self.blocks = nn.ModuleList([Block(config) for _ in range(config.n_layer)])
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, 0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def forward(self, idx, cache: list | None = None):
        """idx (B, T) → logits (B, T, V) and the new cache (one (k, v) per block).

        Pass ``cache=[]`` to start caching, then the returned cache with the next tokens.
        """
        B, T = idx.shape
        past_len = cache[0][0].size(2) if cache else 0
        assert past_len + T <= self.config.block_size, "context longer than block_size"
        pos = torch.arange(past_len, past_len + T, device=idx.device)  # (T,)
        x = self.wte(idx) + self.wpe(pos)  # (B, T, C)
        new_cache = []
        for i, block in enumerate(self.blocks):
            x, present = block(x, cache[i] if cache else None)
            new_cache.append(present)
        logits = self.lm_head(self.ln_f(x))  # (B, T, V)
        return logits, (new_cache if cache is not None else None)


def loss(model: GPT, idx: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean negative log-likelihood per token, in nats: −(1/BT) Σ log p(x_t | x_<t)."""
    logits, _ = model(idx)
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))


# ----------------------------------------------------------------------------- digits

BOS = 17  # start token for digits; pixel tokens are 0..16


def digits_inputs(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """x (B, 64) pixel levels → inputs [BOS, x_0..x_62] and targets x_0..x_63."""
    bos = torch.full((x.size(0), 1), BOS, dtype=torch.long, device=x.device)
    return torch.cat([bos, x[:, :-1]], 1), x


@torch.no_grad()
def digits_log_likelihood(model: GPT, x: torch.Tensor) -> torch.Tensor:
    """(B,) exact log p(x) in nats of each image: Σ_t log p(x_t | x_<t)."""
    inp, tgt = digits_inputs(x)
    logits, _ = model(inp)  # (B, 64, V)
    logp = F.log_softmax(logits[..., :BOS], -1)  # only pixel levels are valid outputs
    return logp.gather(-1, tgt[..., None]).squeeze(-1).sum(1)


@torch.no_grad()
def text_log_likelihood(model: GPT, ids: torch.Tensor) -> float:
    """Mean log p per character over a long sequence, with sliding windows so that
    every scored character sees at least half a block of context."""
    bs = model.config.block_size
    stride = bs // 2
    total, count = 0.0, 0
    for start in range(0, max(1, len(ids) - 1), stride):
        chunk = ids[max(0, start + stride - bs) : start + stride + 1]
        if len(chunk) < 2:
            break
        inp, tgt = chunk[:-1][None], chunk[1:][None]
        logits, _ = model(inp)
        logp = F.log_softmax(logits, -1).gather(-1, tgt[..., None]).squeeze()
        new = min(stride, len(chunk) - 1) if start > 0 else len(chunk) - 1
        total += float(logp.reshape(-1)[-new:].sum())
        count += new
    return total / count


# ----------------------------------------------------------------------------- sampling


def filter_logits(logits: torch.Tensor, temperature: float, top_k: int, top_p: float):
    """Temperature, then top-k, then nucleus (top-p, Holtzman et al. 2020)."""
    logits = logits / temperature
    if top_k and top_k < logits.size(-1):
        kth = torch.topk(logits, top_k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p < 1.0:
        sorted_logits, order = torch.sort(logits, descending=True, dim=-1)
        cum = torch.softmax(sorted_logits, -1).cumsum(-1)
        drop = cum - torch.softmax(sorted_logits, -1) >= top_p  # keep the smallest set ≥ p
        sorted_logits = sorted_logits.masked_fill(drop, float("-inf"))
        logits = torch.full_like(logits, float("-inf")).scatter(-1, order, sorted_logits)
    return logits


def _next_logits(model: GPT, idx: torch.Tensor, cache, use_cache: bool):
    """Logits for the next token; with the cache only the newest token is computed.
    When the cache fills the block, it is rebuilt from the last half block."""
    bs = model.config.block_size
    if not use_cache:
        logits, _ = model(idx[:, -bs:])
        return logits[:, -1], None
    if cache is None or cache[0][0].size(2) >= bs:
        ctx = idx[:, -(bs // 2) :] if cache is not None else idx[:, -bs:]
        logits, cache = model(ctx, cache=[])
    else:
        logits, cache = model(idx[:, -1:], cache=cache)
    return logits[:, -1], cache


@torch.no_grad()
def generate(
    model: GPT,
    idx: torch.Tensor,
    max_new_tokens: int,
    *,
    strategy: str = "sample",
    temperature: float = 1.0,
    top_k: int = 0,
    top_p: float = 1.0,
    num_candidates: int = 0,
    allowed: int | None = None,
    generator: torch.Generator | None = None,
    use_cache: bool = True,
    progress=None,
):
    """Extend idx (B, T) by max_new_tokens. Returns (idx (B, T+N), candidates) where
    candidates[step] lists (token, prob) of the first row's top choices at that step,
    from the distribution actually sampled (after temperature, top-k and top-p)."""
    cache, candidates = None, []
    for step in range(max_new_tokens):
        logits, cache = _next_logits(model, idx, cache, use_cache)  # (B, V)
        if allowed is not None:
            logits = logits[:, :allowed]
        if strategy == "greedy":
            probs = torch.softmax(logits, -1)
            nxt = probs.argmax(-1, keepdim=True)
        else:
            probs = torch.softmax(filter_logits(logits, temperature, top_k, top_p), -1)
            nxt = torch.multinomial(probs, 1, generator=generator)  # (B, 1)
        if num_candidates:
            p, t = torch.topk(probs[0], min(num_candidates, probs.size(-1)))
            candidates.append([(int(a), float(b)) for a, b in zip(t, p, strict=True) if b > 0])
        idx = torch.cat([idx, nxt], 1)
        if progress:
            progress(step + 1, max_new_tokens)
    return idx, candidates


@torch.no_grad()
def beam_search(model: GPT, idx: torch.Tensor, max_new_tokens: int, beam_width: int, progress=None):
    """Keep the beam_width prefixes of highest Σ log p. idx (1, T) → list of
    (tokens (T+N,), log p) for every beam, best first."""
    beams, scores, cache = idx, torch.zeros(1, device=idx.device), None
    for step in range(max_new_tokens):
        logits, cache = _next_logits(model, beams, cache, True)  # (W, V)
        logp = F.log_softmax(logits, -1)
        V = logp.size(-1)
        total = (scores[:, None] + logp).reshape(-1)  # (W*V,)
        scores, flat = torch.topk(total, min(beam_width, total.numel()))
        parent, token = flat // V, flat % V
        beams = torch.cat([beams[parent], token[:, None]], 1)
        cache = [(k[parent], v[parent]) for k, v in cache]
        if progress:
            progress(step + 1, max_new_tokens)
    return [(beams[i], float(scores[i])) for i in range(len(scores))]


# ----------------------------------------------------------------------------- site API

PARAMS = [
    Param(
        "dataset",
        "choice",
        "text",
        "What the model learned: lesson text or digit pixels.",
        choices=("text", "digits"),
    ),
    Param(
        "prompt",
        "str",
        "",
        "Text to continue (text only); only characters the model knows.",
        max=200,
    ),
    Param("max_new_tokens", "int", 200, "How many characters to generate (text only).", 1, 400),
    Param(
        "strategy",
        "choice",
        "sample",
        "Sample from p, take the argmax, or beam search.",
        choices=("sample", "greedy", "beam"),
    ),
    Param(
        "temperature", "float", 1.0, "Divide the logits by this: <1 sharper, >1 flatter.", 0.1, 2.0
    ),
    Param("top_k", "int", 0, "Sample only among the k most likely tokens (0 = off).", 0, 100),
    Param("top_p", "float", 1.0, "Nucleus: the smallest set of tokens with mass ≥ p.", 0.05, 1.0),
    Param("beam_width", "int", 4, "Prefixes kept by beam search.", 1, 8),
    Param("num_candidates", "int", 0, "Top candidates and probabilities returned per step.", 0, 10),
    Param("n", "int", 16, "How many digits to draw (digits only).", 1, 64),
]


def demo(load, p: dict, generator: torch.Generator, dev: torch.device, progress=None) -> dict:
    model, meta = load(f"autoregressive-{p['dataset']}")
    cfg = model.config
    opts = dict(
        strategy=p["strategy"],
        temperature=p["temperature"],
        top_k=p["top_k"],
        top_p=p["top_p"],
        num_candidates=p["num_candidates"],
        generator=generator,
    )
    if p["dataset"] == "digits":
        if p["strategy"] == "beam":
            raise ParameterError("strategy", "strategy beam is for text; use sample or greedy")
        start = torch.full((p["n"], 1), BOS, dtype=torch.long, device=dev)
        idx, cands = generate(model, start, 64, allowed=BOS, progress=progress, **opts)
        x = idx[:, 1:]
        return {
            "images": (x.float() / 16).reshape(-1, 8, 8).cpu().numpy(),
            "log_likelihood": digits_log_likelihood(model, x).cpu().numpy(),
            "candidates": [[{"token": t, "prob": q} for t, q in c] for c in cands],
        }
    stoi = {c: i for i, c in enumerate(cfg.chars)}
    unknown = sorted({c for c in p["prompt"] if c not in stoi})
    if unknown:
        raise ParameterError(
            "prompt", f"prompt contains characters the model never saw: {''.join(unknown)!r}"
        )
    prompt = p["prompt"] or "\n"  # an empty prompt starts a new paragraph
    idx = torch.tensor([[stoi[c] for c in prompt]], dtype=torch.long, device=dev)
    decode = lambda ids: "".join(cfg.chars[int(i)] for i in ids)  # noqa: E731
    n0 = idx.size(1)
    if p["strategy"] == "beam":
        beams = beam_search(model, idx, p["max_new_tokens"], p["beam_width"], progress)
        return {
            "text": decode(beams[0][0][n0:]),
            "beams": [{"text": decode(b[n0:]), "log_prob": s} for b, s in beams],
        }
    out, cands = generate(model, idx, p["max_new_tokens"], progress=progress, **opts)
    return {
        "text": decode(out[0, n0:]),
        "candidates": [[{"token": cfg.chars[t], "prob": q} for t, q in c] for c in cands],
    }
