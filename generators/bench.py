"""Sampling speed, and live training's speed and reach.

    python -m generators.bench [--repeats N]
    python -m generators.bench --live [--seed S]

Prints, on this CPU (one thread, as the site's workers run) and on CUDA when present:
each family's default demo (click to result at the Lab's defaults: for 28x28 diffusion
and the VAE that is 16 digits, DDIM 20 steps), DDPM vs DDIM at several step counts,
and the KV cache's speed-up for text generation. ``--only 28`` times the 28x28 models
alone. With ``--live``: each family's live training with its
default knobs (steps per second, wall time, the final measure), and the GAN on the ring
with each loss, so the minimax loss's failure is printed beside the others.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import torch

import generators
from generators import autoregressive as ar
from generators import store

DEMOS = [
    ("autoregressive", {"dataset": "text", "max_new_tokens": 200}),
    ("autoregressive", {"dataset": "text", "strategy": "beam", "max_new_tokens": 100}),
    ("autoregressive", {"dataset": "digits", "n": 16}),
    ("vae", {"dataset": "digits", "mode": "sample", "n": 16}),
    ("vae", {"dataset": "digits", "mode": "grid", "grid_size": 20}),
    # 28x28: the Lab's defaults (the VAE's card opens on a 12x12 grid of the plane)
    ("vae", {"dataset": "digits28", "mode": "grid", "grid_size": 12}),
    ("vae", {"dataset": "digits28", "mode": "sample", "latent_dim": 16}),
    ("vae", {"dataset": "digits28", "mode": "reconstruct", "latent_dim": 16}),
    ("diffusion", {}),  # 16 digits of any class, DDIM 20 steps, U-Net
    ("diffusion", {"digit": 7}),  # guided: the network runs twice per step
    ("diffusion", {"space": "latent"}),
    ("diffusion", {"space": "latent", "digit": 7}),
    ("gan", {"dataset": "ring", "n": 2500}),
    ("gan", {"dataset": "grid", "n": 2500}),
    ("gan", {"dataset": "digits", "n": 64}),
    ("flow", {"dataset": "moons", "n": 1000, "density": True}),
    ("flow", {"dataset": "digits", "n": 16}),
    ("diffusion", {"dataset": "digits", "sampler": "ddim", "num_inference_steps": 50}),
    ("diffusion", {"dataset": "digits", "num_inference_steps": 50, "digit": 7}),  # guided
    # the Lab's defaults for the 28x28 digits and the names (the 784-step pixel
    # Transformer is bounded by n ≤ 16; a beam over names by beam_width ≤ 8)
    ("autoregressive", {"dataset": "names", "n": 16, "num_candidates": 5}),
    ("autoregressive", {"dataset": "names", "strategy": "beam", "beam_width": 8}),
    ("autoregressive", {"dataset": "digits28", "n": 16}),
    ("gan", {"dataset": "digits28", "n": 16}),
    ("gan", {"dataset": "digits28", "n": 64}),
    ("flow", {"dataset": "digits28", "n": 16}),
    ("flow", {"dataset": "digits28", "n": 64}),
]
STEPS = [10, 20, 50, 100, 1000]
STEPS_28 = [10, 15, 20, 25, 50]


def p50(fn, repeats: int) -> float:
    fn()  # warm-up: loads the model, first-call overheads
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run(repeats: int, only28: bool = False) -> None:
    dev = store.device()
    print(f"device: {dev}, torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(f"\n{'family':15} {'demo':55} {'p50 (s)':>8}")
    for family, params in DEMOS:
        if only28 and params.get("dataset", "digits28") != "digits28":
            continue
        t = p50(lambda f=family, p=params: generators.sample(f, seed=0, **p), repeats)
        desc = ", ".join(f"{k}={v}" for k, v in params.items()) or "Lab defaults"
        print(f"{family:15} {desc:55} {t:8.3f}")
    tables = [("digits28", STEPS_28, "U-Net, 28x28"), ("digits", STEPS, "MLP, 8x8")]
    for dataset, steps, title in tables[:1] if only28 else tables:
        print(f"\ndiffusion ({title}), 16 digits of any class: seconds by sampler and steps")
        print(f"{'steps':>6} {'DDPM':>8} {'DDIM':>8}")
        for s in steps:
            reps = 1 if s == 1000 else repeats  # 1000 steps: one timed run is enough
            row = [
                p50(
                    lambda sm=sm, s=s, d=dataset: generators.sample(
                        "diffusion", dataset=d, sampler=sm, num_inference_steps=s
                    ),
                    reps,
                )
                for sm in ("ddpm", "ddim")
            ]
            print(f"{s:6d} {row[0]:8.3f} {row[1]:8.3f}")
    if only28:
        return
    model, _ = generators._loader("autoregressive", dev)("autoregressive-text")
    start = torch.zeros(1, 1, dtype=torch.long, device=dev)
    timed = {}
    for use_cache in (True, False):
        timed[use_cache] = p50(
            lambda c=use_cache: ar.generate(
                model, start, 400, generator=torch.Generator(device=dev).manual_seed(0), use_cache=c
            ),
            repeats,
        )
    print(
        f"\nKV cache, 400 characters: {timed[True]:.3f} s with, {timed[False]:.3f} s without "
        f"(speed-up x{timed[False] / timed[True]:.1f})"
    )


LIVE = [
    ("gan", {"dataset": "ring"}),
    ("gan", {"dataset": "ring", "loss": "minimax"}),
    ("gan", {"dataset": "ring", "loss": "hinge"}),
    # the minimax loss's failure, where it shows: no R1 and a quick discriminator
    ("gan", {"dataset": "ring", "r1": 0.0, "lr_d": 0.005}),
    ("gan", {"dataset": "ring", "loss": "minimax", "r1": 0.0, "lr_d": 0.005}),
    ("flow", {"dataset": "moons"}),
    ("diffusion", {"dataset": "ring"}),
    ("vae", {"dataset": "digits"}),
    ("autoregressive", {"dataset": "text"}),
]


def live(seed: int) -> None:
    """Each family's default live training, once: its speed and what it reaches."""
    print(f"\nlive training, defaults, seed {seed} ({store.device()}, one thread)")
    print(f"{'family':15} {'knobs':32} {'steps':>6} {'seconds':>8} {'steps/s':>8}  measure")
    for family, params in LIVE:
        r = generators.train_live(family, params=params, seed=seed)
        m = r["measure"]
        extra = ", ".join(f"{k} {v}" for k, v in m.items() if k not in ("name", "value"))
        knobs = " ".join(f"{k}={v}" for k, v in params.items())
        print(
            f"{family:15} {knobs:32} {r['steps']:6d} {r['seconds']:8.1f} "
            f"{r['steps'] / r['seconds']:8.1f}  {m['name']} {m['value']:.3f}"
            + (f" ({extra})" if extra else "")
        )


def main(argv=None):
    p = argparse.ArgumentParser(description="Time the samplers, or live training.")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--live", action="store_true", help="live training, each family")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--only", choices=["28"], help="28: the 28x28 models alone")
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    # this CPU always, and CUDA too when present
    for name in ["cpu"] + (["cuda"] if torch.cuda.is_available() else []):
        os.environ["GENERATORS_DEVICE"] = name
        if a.live:
            live(a.seed)
        else:
            run(a.repeats, only28=a.only == "28")


if __name__ == "__main__":
    main()
