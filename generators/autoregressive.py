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

import math
from dataclasses import dataclass
from functools import lru_cache

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


class KVCache:
    """Keys and values of the positions seen so far, per block, in buffers allocated
    once for the whole block: appending writes in place, where concatenating would copy
    the whole cache at every step (quadratic in the length, which 784 pixels feel)."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self.length = 0  # positions stored
        self.k: list[torch.Tensor] = []  # per block (B, h, capacity, d)
        self.v: list[torch.Tensor] = []

    def update(self, layer: int, k: torch.Tensor, v: torch.Tensor):
        """Store this block's new keys / values (B, h, T, d) after the earlier ones and
        return all of them, (B, h, length + T, d)."""
        if layer == len(self.k):
            B, h, _, d = k.shape
            self.k.append(k.new_zeros(B, h, self.capacity, d))
            self.v.append(v.new_zeros(B, h, self.capacity, d))
        end = self.length + k.size(2)
        self.k[layer][:, :, self.length : end] = k
        self.v[layer][:, :, self.length : end] = v
        return self.k[layer][:, :, :end], self.v[layer][:, :, :end]

    def reorder(self, rows: torch.Tensor) -> None:
        """Keep the rows ``rows`` (beam search follows each beam's parent)."""
        self.k = [b[rows] for b in self.k]
        self.v = [b[rows] for b in self.v]


class CausalSelfAttention(nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        assert config.n_embd % config.n_head == 0
        self.n_head = config.n_head
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)  # q, k, v in one matmul
        self.c_proj = nn.Linear(config.n_embd, config.n_embd)
        self.dropout = config.dropout

    def forward(self, x, cache: KVCache | None = None, layer: int = 0):
        B, T, C = x.shape  # (B, T, C)
        q, k, v = self.c_attn(x).split(C, dim=2)
        h = self.n_head
        q = q.view(B, T, h, C // h).transpose(1, 2)  # (B, h, T, d)
        k = k.view(B, T, h, C // h).transpose(1, 2)  # (B, h, T, d)
        v = v.view(B, T, h, C // h).transpose(1, 2)  # (B, h, T, d)
        if cache is not None:  # KV cache: keys and values of earlier positions too
            k, v = cache.update(layer, k, v)  # (B, h, P+T, d)
        P = k.size(2) - T
        drop = self.dropout if self.training else 0.0
        if P == 0:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=drop)
        elif T == 1:  # one new token sees every earlier one: no mask, two small matmuls
            att = (q @ k.transpose(-2, -1)) * (k.size(-1) ** -0.5)  # (B, h, 1, P+1)
            y = torch.softmax(att, -1) @ v  # (B, h, 1, d)
        else:  # query i (absolute P+i) may see keys 0..P+i
            mask = torch.ones(T, P + T, dtype=torch.bool, device=x.device).tril(diagonal=P)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=drop)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)
        return F.dropout(self.c_proj(y), drop, self.training)


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

    def forward(self, x, cache=None, layer=0):
        x = x + self.attn(self.ln_1(x), cache, layer)
        x = x + self.mlp(self.ln_2(x))
        return x


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

    def forward(self, idx, cache: KVCache | list | None = None):
        """idx (B, T) → logits (B, T, V) and the cache (or None).

        Pass ``cache=[]`` to start caching, then the returned cache with the next tokens.
        """
        B, T = idx.shape
        if cache is not None and not isinstance(cache, KVCache):
            cache = KVCache(self.config.block_size)
        past_len = cache.length if cache is not None else 0
        assert past_len + T <= self.config.block_size, "context longer than block_size"
        pos = torch.arange(past_len, past_len + T, device=idx.device)  # (T,)
        x = self.wte(idx) + self.wpe(pos)  # (B, T, C)
        for i, block in enumerate(self.blocks):
            x = block(x, cache, i)
        if cache is not None:
            cache.length += T
        logits = self.lm_head(self.ln_f(x))  # (B, T, V)
        return logits, cache


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


# ----------------------------------------------------------------------------- 28x28 pixels

PIXEL_LEVELS = 256  # MNIST pixel values 0..255 are the tokens
PIXEL_BOS = 256  # the start token of a 28x28 image
N_PIXELS = 784


def pixels_tokens(images: torch.Tensor) -> torch.Tensor:
    """images (B, 1, 28, 28) in [0, 1] → pixel levels (B, 784) int64 in 0..255, raster order."""
    return torch.round(images.reshape(images.size(0), -1) * 255).long()


def pixels_inputs(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """x (B, 784) levels → inputs [BOS, x_0..x_782] and targets x_0..x_783."""
    bos = torch.full((x.size(0), 1), PIXEL_BOS, dtype=torch.long, device=x.device)
    return torch.cat([bos, x[:, :-1]], 1), x


@torch.no_grad()
def pixels_log_likelihood(model: GPT, x: torch.Tensor, batch: int = 64) -> torch.Tensor:
    """(B,) exact log P(x) in nats of each 784-pixel image, Σ_t log p(x_t | x_<t)."""
    out = []
    for i in range(0, len(x), batch):
        inp, tgt = pixels_inputs(x[i : i + batch])
        logits, _ = model(inp)  # (b, 784, V)
        logp = F.log_softmax(logits[..., :PIXEL_LEVELS], -1)  # only levels are valid outputs
        out.append(logp.gather(-1, tgt[..., None]).squeeze(-1).sum(1))
    return torch.cat(out)


def pixels_bits_per_dim(model: GPT, x: torch.Tensor) -> float:
    """Mean bits per pixel, −log₂ P(x) / 784: a discrete model's exact value, equal to
    its density's on dequantized (k + u) / 256 data, so it compares with the flow's."""
    return float(-pixels_log_likelihood(model, x).mean() / (N_PIXELS * math.log(2)))


# ----------------------------------------------------------------------------- names

NAME_END = "\n"  # one token starts and ends a name (makemore's "."): token 0


def names_tokens(names: list[str], chars: str, block_size: int):
    """Each name as inputs [END, c_1..c_n] and targets [c_1..c_n, END], padded to
    block_size with targets −100 (ignored by the loss). → (inputs, targets) (N, block)."""
    stoi = {c: i for i, c in enumerate(chars)}
    inp = torch.zeros(len(names), block_size, dtype=torch.long)
    tgt = torch.full((len(names), block_size), -100, dtype=torch.long)
    for row, name in enumerate(names):
        ids = [stoi[c] for c in name]
        inp[row, 1 : len(ids) + 1] = torch.tensor(ids, dtype=torch.long)
        tgt[row, : len(ids) + 1] = torch.tensor([*ids, stoi[NAME_END]], dtype=torch.long)
    return inp, tgt


@torch.no_grad()
def names_nll(model: GPT, names: list[str], batch: int = 1024) -> float:
    """Mean negative log-likelihood in nats per character over held-out names, the
    end of each name counted as one more character (the n-gram ladder counts alike)."""
    dev = next(model.parameters()).device
    total, count = 0.0, 0
    for i in range(0, len(names), batch):
        inp, tgt = names_tokens(names[i : i + batch], model.config.chars, model.config.block_size)
        logits, _ = model(inp.to(dev))
        tgt = tgt.to(dev)
        total += float(F.cross_entropy(logits.transpose(1, 2), tgt, reduction="sum"))
        count += int((tgt != -100).sum())
    return total / count


def _cut_names(model: GPT, rows: torch.Tensor) -> list[str]:
    """Token rows (after the start token) → names, each cut at its first END."""
    chars = model.config.chars
    return ["".join(chars[int(i)] for i in row).split(NAME_END)[0] for row in rows]


@torch.no_grad()
def sample_names(model: GPT, n: int, prompt: str = "", generator=None, progress=None, **opts):
    """n names that begin with ``prompt``, drawn letter by letter until END (opts:
    strategy, temperature, top_k, top_p, num_candidates as for generate). Returns
    (names, candidates of the first name's steps)."""
    stoi = {c: i for i, c in enumerate(model.config.chars)}
    dev = next(model.parameters()).device
    start = torch.tensor([[stoi[NAME_END]] + [stoi[c] for c in prompt]], device=dev)
    steps = model.config.block_size - len(prompt)
    idx, cands = generate(
        model, start.repeat(n, 1), steps, generator=generator, progress=progress, **opts
    )
    # a name that never took END is cut where the block ends (13 letters, the longest)
    longest = model.config.block_size - 1
    names = [(prompt + rest)[:longest] for rest in _cut_names(model, idx[:, start.size(1) :])]
    first = len(names[0]) - len(prompt) + 1  # its letters and its END
    return names, cands[:first]


@torch.no_grad()
def beam_names(model: GPT, prompt: str, beam_width: int, progress=None) -> list[tuple[str, float]]:
    """Beam search over whole names: keep the beam_width prefixes of highest Σ log p;
    a prefix that takes END is finished. Returns up to beam_width (name, log p), best
    first. Plain Σ log p favours short names: each letter only lowers it."""
    chars, bs = model.config.chars, model.config.block_size
    stoi = {c: i for i, c in enumerate(chars)}
    end = stoi[NAME_END]
    dev = next(model.parameters()).device
    beams = torch.tensor([[end] + [stoi[c] for c in prompt]], device=dev)
    scores = torch.zeros(1, device=dev)
    finished: list[tuple[str, float]] = []
    total_steps = bs - len(prompt)
    for step in range(total_steps):
        logits, _ = model(beams)
        logp = F.log_softmax(logits[:, -1], -1)  # (W, V)
        if step == total_steps - 1:  # the block is full: every prefix must end here
            only_end = torch.full_like(logp, float("-inf"))
            only_end[:, end] = logp[:, end]
            logp = only_end
        V = logp.size(-1)
        total = (scores[:, None] + logp).reshape(-1)
        top, flat = torch.topk(total, min(2 * beam_width, total.numel()))
        keep_rows, keep_tokens, keep_scores = [], [], []
        for score, f in zip(top.tolist(), flat.tolist(), strict=True):
            parent, token = divmod(f, V)
            if score == float("-inf"):
                break
            if token == end:
                letters = "".join(chars[int(i)] for i in beams[parent, 1 + len(prompt) :])
                finished.append((prompt + letters, score))
            elif len(keep_rows) < beam_width:
                keep_rows.append(parent)
                keep_tokens.append(token)
                keep_scores.append(score)
        if progress:
            progress(step + 1, total_steps)
        best_alive = keep_scores[0] if keep_scores else float("-inf")
        finished.sort(key=lambda t: -t[1])
        if not keep_rows or (
            len(finished) >= beam_width and finished[beam_width - 1][1] >= best_alive
        ):
            break  # no live prefix can beat the finished names any more
        rows = torch.tensor(keep_rows, device=dev)
        beams = torch.cat([beams[rows], torch.tensor(keep_tokens, device=dev)[:, None]], 1)
        scores = torch.tensor(keep_scores, device=dev)
    return finished[:beam_width]


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
    if cache is None or cache.length >= bs:
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
        cache.reorder(parent)
        if progress:
            progress(step + 1, max_new_tokens)
    return [(beams[i], float(scores[i])) for i in range(len(scores))]


# ----------------------------------------------------------------------------- site API

PARAMS = [
    Param(
        "dataset",
        "choice",
        "names",
        "What the model learned: 1990 US Census names, lesson text, 28x28 or 8x8 digits.",
        choices=("names", "text", "digits28", "digits"),
    ),
    Param(
        "prompt",
        "str",
        "",
        "Names: their first letters; text: the text to continue. Only characters the model knows.",
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
    Param(
        "n",
        "int",
        16,
        "How many names or digits (at most 16 digits at 28x28: 784 steps each).",
        1,
        64,
    ),
]
MAX_DIGITS28 = 16  # 784 sequential steps per digit: this bounds a run's time on a CPU
NAME_PROMPT_MAX = 12  # a prompt leaves room for at least one letter in the block


@lru_cache(maxsize=1)
def training_names() -> frozenset[str]:
    """The names the model learned from, to tell a new name from a remembered one."""
    from .data import names_split

    return frozenset(names_split()["train"])


def _names_demo(model: GPT, p: dict, opts: dict, progress) -> dict:
    prompt = p["prompt"].lower()
    letters = set(model.config.chars) - {NAME_END}
    bad = sorted({c for c in prompt if c not in letters})
    if bad:
        raise ParameterError(
            "prompt", f"a name prompt takes the letters a–z only (got {''.join(bad)!r})"
        )
    if len(prompt) > NAME_PROMPT_MAX:
        raise ParameterError(
            "prompt", f"a name prompt is at most {NAME_PROMPT_MAX} letters (got {len(prompt)})"
        )
    if p["strategy"] == "beam":
        found = beam_names(model, prompt, p["beam_width"], progress)
        names = [name for name, _ in found]
        out = {"beams": [{"text": name, "log_prob": lp} for name, lp in found], "candidates": []}
    else:
        names, cands = sample_names(model, p["n"], prompt, progress=progress, **opts)
        stoi = model.config.chars
        out = {"candidates": [[{"token": stoi[t], "prob": q} for t, q in c] for c in cands]}
    known = training_names()
    # the first name's letters after the prompt, then its end, line up with the candidates
    out.update(
        names=names,
        new=[name not in known for name in names],
        text=names[0][len(prompt) :] + NAME_END if names else "",
    )
    return out


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
    if p["dataset"] == "names":
        return _names_demo(model, p, opts, progress)
    if p["dataset"] in ("digits", "digits28") and p["strategy"] == "beam":
        raise ParameterError(
            "strategy", "strategy beam is for text and names; use sample or greedy"
        )
    if p["dataset"] == "digits28":
        if p["n"] > MAX_DIGITS28:
            raise ParameterError(
                "n", f"n must be between 1 and {MAX_DIGITS28} for 28x28 digits (got {p['n']})"
            )
        start = torch.full((p["n"], 1), PIXEL_BOS, dtype=torch.long, device=dev)
        # the block holds BOS + 783 pixels: the cache never has to be rebuilt
        idx, cands = generate(
            model, start, N_PIXELS, allowed=PIXEL_LEVELS, progress=progress, **opts
        )
        x = idx[:, 1:]
        return {
            "images": (x.float() / 255).reshape(-1, 28, 28).cpu().numpy(),
            "log_likelihood": pixels_log_likelihood(model, x).cpu().numpy(),
            "candidates": [[{"token": t, "prob": q} for t, q in c] for c in cands],
        }
    if p["dataset"] == "digits":
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
