"""Do FSRS parameters fitted to a learner's reviews predict their recall better than
the defaults? Measured on simulated learners whose true forgetting we know.

    .venv/bin/python scripts/bench_fsrs.py [--learners 6] [--cards 250] [--days 150]

Each simulated learner forgets as FSRS does with weights of their own (the defaults,
each scaled by a random log-normal factor; see lessons/flashcards/simulation.py) and is
scheduled with the defaults, as a new learner here is. Their cards are split: 75% of
the cards' histories train, 25% are held out. On the held-out reviews we score, as
srs-benchmark reports them, the log loss and the RMSE over bins of:

  default  FSRS's default weights
  site     weights fitted to every learner's training reviews together (the site fit)
  own      weights fitted to this learner's training reviews (the per-learner fit)
  truth    the learner's true weights (the best any weights can do)

Lower is better for both. Prints one row per learner and the mean.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import fsrs  # noqa: E402
import torch  # noqa: E402

from lessons.flashcards.simulation import (  # noqa: E402
    DEFAULT_PARAMETERS,
    evaluate,
    simulate,
    split_by_card,
    true_weights,
)

CARD_ID_STRIDE = 100_000  # learners' card ids kept apart in the pooled site fit


def fit(logs: list[fsrs.ReviewLog]) -> tuple[float, ...]:
    return tuple(fsrs.Optimizer(logs).compute_optimal_parameters())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=6)
    parser.add_argument("--cards", type=int, default=250)
    parser.add_argument("--days", type=int, default=150)
    parser.add_argument("--spread", type=float, default=0.5, help="log-normal sd of the truth")
    args = parser.parse_args()
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))

    learners = []
    for seed in range(args.learners):
        truth = true_weights(1000 + seed, args.spread)
        logs = simulate(truth=truth, cards=args.cards, days=args.days, seed=seed)
        train, test = split_by_card(logs, test_share=0.25, seed=seed)
        learners.append((truth, train, test))

    started = time.perf_counter()
    pooled = [
        fsrs.ReviewLog(seed * CARD_ID_STRIDE + log.card_id, log.rating, log.review_datetime, None)
        for seed, (_, train, _) in enumerate(learners)
        for log in train
    ]
    site = fit(pooled)
    site_seconds = time.perf_counter() - started
    print(f"site fit: {len(pooled)} training reviews, {site_seconds:.1f} s")

    header = (
        f"{'learner':>7} {'train':>6} {'test':>5} | log loss: {'default':>7} {'site':>7} "
        f"{'own':>7} {'truth':>7} | RMSE(bins): {'default':>7} {'site':>7} {'own':>7} {'truth':>7}"
        f" | fit s"
    )
    print(header)
    print("-" * len(header))
    rows = []
    for seed, (truth, train, test) in enumerate(learners):
        started = time.perf_counter()
        own = fit(train)
        seconds = time.perf_counter() - started
        scores = [evaluate(w, test) for w in (DEFAULT_PARAMETERS, site, own, truth)]
        rows.append(scores)
        loss = " ".join(f"{s.log_loss:7.4f}" for s in scores)
        rmse = " ".join(f"{s.rmse_bins:7.4f}" for s in scores)
        print(
            f"{seed:>7} {len(train):>6} {scores[0].reviews:>5} | log loss: {loss} "
            f"| RMSE(bins): {rmse} | {seconds:5.1f}"
        )
    print("-" * len(header))
    mean_loss = " ".join(f"{statistics.mean(r[i].log_loss for r in rows):7.4f}" for i in range(4))
    mean_rmse = " ".join(f"{statistics.mean(r[i].rmse_bins for r in rows):7.4f}" for i in range(4))
    print(f"{'mean':>7} {'':>6} {'':>5} | log loss: {mean_loss} | RMSE(bins): {mean_rmse} |")


if __name__ == "__main__":
    main()
