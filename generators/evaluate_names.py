"""Measuring the names Transformer: held-out NLL per character against an n-gram
ladder, and how many of its samples are new names.

    python -m generators.evaluate_names [--device cuda]

* The held-out names (``data.names_split()["val"]``, 10 % of the 91,910) are split in
  two halves: **tune** chooses each n-gram's add-k and the Transformer's best weights
  (early stopping), **test** reports them all.
* Each name is scored as its letters and then its end, the start token padding the
  context (``.emma.`` in makemore's notation): NLL per character is the mean of
  −log p over those tokens, in nats, for the model and the n-grams alike.
* The n-gram ladder (n = 1..5) counts contexts of n − 1 tokens in the training names
  and smooths with add-k, P(c | h) = (C(h c) + k) / (C(h) + k V), V = 27, with k
  chosen for each n from ``K_GRID`` on the tune half.
* New names: of ``N_SAMPLES`` names sampled at temperature 1 (no top-k or top-p), the
  share that is not in the training list, and the share of those that are still
  real census names (they are in the held-out list).

The results go into the ``names`` section of checkpoints/evaluation.json and
evaluation.md, kept apart from the other sections.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch

from . import autoregressive as ar
from . import data, store
from .train import ar_names_heldout

CHECKPOINT = "autoregressive-names"
K_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)  # add-k strengths tried on the tune half
N_SAMPLES = 1000
END = ar.NAME_END


def _events(names: list[str], order: int):
    """(context, next) pairs of every name: contexts of order − 1 tokens, padded with
    the start token, and the end of the name as the last next token."""
    for name in names:
        seq = END * (order - 1) + name + END
        for i in range(order - 1, len(seq)):
            yield seq[i - order + 1 : i], seq[i]


class NGram:
    """An add-k smoothed n-gram over the 27 tokens (a–z and the start / end token)."""

    def __init__(self, names: list[str], order: int, vocab: int = 27):
        self.order, self.vocab = order, vocab
        self.pairs = Counter(_events(names, order))
        self.contexts = Counter()
        for (h, _), c in self.pairs.items():
            self.contexts[h] += c

    def nll(self, names: list[str], k: float) -> float:
        """Mean −log P(c | h) per character (letters and ends), in nats."""
        total, count = 0.0, 0
        for h, c in _events(names, self.order):
            p = (self.pairs.get((h, c), 0) + k) / (self.contexts.get(h, 0) + k * self.vocab)
            total -= math.log(p)
            count += 1
        return total / count


def ngram_ladder(train: list[str], tune: list[str], test: list[str], max_n: int = 5) -> dict:
    """{n: {"k": the add-k chosen on tune, "tune": its NLL there, "test": its NLL on test}}."""
    ladder = {}
    for n in range(1, max_n + 1):
        model = NGram(train, n)
        k = min(K_GRID, key=lambda k: model.nll(tune, k))
        ladder[n] = {"k": k, "tune": model.nll(tune, k), "test": model.nll(test, k)}
    return ladder


def new_names(model, n: int = N_SAMPLES, seed: int = 0) -> dict:
    """Sample n names at temperature 1; how many are new, and how many of the new ones
    are real (in the held-out census list)."""
    dev = next(model.parameters()).device
    g = torch.Generator(device=dev).manual_seed(seed)
    names, _ = ar.sample_names(model, n, generator=g)
    split = data.names_split()
    train, held_out = set(split["train"]), set(split["val"])
    new = [s for s in names if s not in train]
    return {
        "n": n,
        "new_share": len(new) / n,
        "new_but_real_share": sum(s in held_out for s in new) / n,
        "distinct_share": len(set(names)) / n,
        "mean_length": float(np.mean([len(s) for s in names])),
        "examples": names[:20],
    }


def evaluate(dev=None) -> dict:
    dev = dev or store.device()
    t0 = time.perf_counter()
    split, held = data.names_split(), ar_names_heldout()
    model, meta = store.load(CHECKPOINT, ar.GPT, ar.GPTConfig, dev=dev)
    ladder = ngram_ladder(split["train"], held["tune"], held["test"])
    best = min(ladder, key=lambda n: ladder[n]["test"])
    out = {
        "generated_by": "python -m generators.evaluate_names",
        "names": {k: len(v) for k, v in [("train", split["train"]), *held.items()]},
        "model": {
            "nats_per_char": ar.names_nll(model, held["test"]),
            "tune_nats_per_char": ar.names_nll(model, held["tune"]),
            "parameters": sum(p.numel() for p in model.parameters()),
            "train_seconds": meta.get("train_seconds"),
            "train_device": meta.get("device"),
        },
        "ngram": {str(n): v for n, v in ladder.items()},
        "best_ngram": best,
        "samples": new_names(model),
    }
    out["model"]["below_best_ngram"] = out["model"]["nats_per_char"] < ladder[best]["test"]
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def to_markdown(r: dict) -> str:
    m, s = r["model"], r["samples"]
    best = r["ngram"][str(r["best_ngram"])]
    lines = [
        "## Names (1990 US Census, lower-cased)",
        "",
        f"Trained on {r['names']['train']:,} names; add-k and the Transformer's weights "
        f"chosen on {r['names']['tune']:,} held-out names, reported on the other "
        f"{r['names']['test']:,}. NLL in nats per character, each name's end counted as a "
        "character.",
        "",
        "| model | NLL / char (test) ↓ | tune | add-k |",
        "|---|---|---|---|",
        f"| Transformer ({m['parameters']:,} parameters) | {m['nats_per_char']:.3f} | "
        f"{m['tune_nats_per_char']:.3f} | – |",
    ]
    for n, v in r["ngram"].items():
        lines.append(f"| {n}-gram | {v['test']:.3f} | {v['tune']:.3f} | {v['k']:g} |")
    lines += [
        "",
        f"Best n-gram: the {r['best_ngram']}-gram, {best['test']:.3f} nats/char; the "
        f"Transformer is {'below' if m['below_best_ngram'] else 'NOT below'} it. "
        f"Of {s['n']:,} names sampled at temperature 1, {s['new_share']:.1%} are new (not in "
        f"the training list), {s['new_but_real_share']:.1%} new but real (in the held-out "
        f"list), {s['distinct_share']:.1%} distinct. Examples: {', '.join(s['examples'][:12])}.",
        "",
    ]
    return "\n".join(lines)


MD_START, MD_END = "<!-- names -->", "<!-- /names -->"


def write(r: dict, directory: Path | None = None) -> None:
    """Put the section ``names`` into evaluation.json and evaluation.md, keeping the rest."""
    directory = directory or store.CHECKPOINT_DIR
    path = directory / "evaluation.json"
    ev = json.loads(path.read_text()) if path.exists() else {}
    ev["names"] = r
    path.write_text(json.dumps(ev, indent=2) + "\n")
    md_path = directory / "evaluation.md"
    md = md_path.read_text() if md_path.exists() else ""
    if MD_START in md:
        before, rest = md.split(MD_START, 1)
        md = before + rest.split(MD_END, 1)[1].lstrip("\n")
    md_path.write_text(md.rstrip() + "\n\n" + section_markdown(ev).lstrip("\n"))


def section_markdown(ev: dict) -> str:
    """The names section, for evaluate.py to keep when it rewrites evaluation.md."""
    if "names" not in ev:
        return ""
    return "\n" + MD_START + "\n" + to_markdown(ev["names"]) + "\n" + MD_END + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description="Evaluate the names Transformer.")
    p.add_argument("--device", choices=["cpu", "cuda"], default=None)
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    r = evaluate(dev=torch.device(a.device) if a.device else None)
    write(r)
    print(to_markdown(r))


if __name__ == "__main__":
    main()
