"""Simulated learners for judging fitted FSRS parameters (no Django here).

A simulated learner forgets as FSRS predicts with *their own* weights (the ground
truth), but is scheduled with the weights under test. At each review they recall with
the true retrievability; a recall is rated Hard, Good or Easy, a lapse Again. The
review logs that come out are what a real learner's would be, with a known answer.

`evaluate` scores weights on review logs the way srs-benchmark does: replay each card's
history, predict recall at every review at least a day after the previous one, and
report the log loss and the RMSE over bins (reviews grouped by elapsed days, review
number and lapses on log-spaced buckets; per bin, the mean prediction against the
observed recall rate, weighted by the bin's size).
"""

import heapq
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import fsrs
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

START = datetime(2026, 1, 5, 8, tzinfo=UTC)
RECALLED = (fsrs.Rating.Hard, fsrs.Rating.Good, fsrs.Rating.Easy)
RECALLED_WEIGHTS = (0.15, 0.75, 0.10)  # how a remembered card is rated


def true_weights(seed: int, spread: float = 0.5) -> tuple[float, ...]:
    """A learner's ground truth: FSRS's defaults, each scaled by a log-normal factor of
    standard deviation `spread` and kept within the library's bounds."""
    rng = random.Random(seed)
    weights = []
    for default, low, high in zip(
        DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
    ):
        weights.append(min(high, max(low, default * math.exp(rng.gauss(0, spread)))))
    return tuple(weights)


def simulate(
    *,
    truth: tuple[float, ...],
    scheduled_with: tuple[float, ...] = DEFAULT_PARAMETERS,
    cards: int = 200,
    days: int = 120,
    new_per_day: int = 10,
    seed: int = 0,
) -> list[fsrs.ReviewLog]:
    """One learner's review logs over `days`: `new_per_day` new cards a day until
    `cards` are seen, each reviewed when the scheduler says (desired retention 0.9)."""
    rng = random.Random(seed)
    memory = fsrs.Scheduler(parameters=truth, enable_fuzzing=False)
    scheduler = fsrs.Scheduler(parameters=scheduled_with, enable_fuzzing=False)
    end = START + timedelta(days=days)
    queue: list[tuple[datetime, int]] = []
    for card_id in range(1, cards + 1):
        day, slot = divmod(card_id - 1, new_per_day)
        heapq.heappush(queue, (START + timedelta(days=day, minutes=3 * slot), card_id))
    known: dict[int, tuple[fsrs.Card, fsrs.Card]] = {}
    logs = []
    while queue:
        at, card_id = heapq.heappop(queue)
        if at >= end:
            break
        true_card, card = known.get(card_id) or (
            fsrs.Card(card_id=card_id, due=at),
            fsrs.Card(card_id=card_id, due=at),
        )
        recall = memory.get_card_retrievability(true_card, at) if true_card.last_review else 0.7
        if rng.random() < recall:
            rating = rng.choices(RECALLED, RECALLED_WEIGHTS)[0]
        else:
            rating = fsrs.Rating.Again
        true_card, _ = memory.review_card(true_card, rating, at)
        card, _ = scheduler.review_card(card, rating, at)
        known[card_id] = (true_card, card)
        logs.append(fsrs.ReviewLog(card_id, rating, at, None))
        heapq.heappush(queue, (max(card.due, at + timedelta(minutes=1)), card_id))
    return logs


def split_by_card(logs: list[fsrs.ReviewLog], test_share: float, seed: int = 0):
    """Training and held-out logs, each card's whole history on one side."""
    ids = sorted({log.card_id for log in logs})
    held_out = set(random.Random(seed).sample(ids, round(len(ids) * test_share)))
    train = [log for log in logs if log.card_id not in held_out]
    test = [log for log in logs if log.card_id in held_out]
    return train, test


def _bucket(x: float, base: float) -> float:
    """Log-spaced bucket of a positive count (0 stays 0)."""
    return 0.0 if x <= 0 else round(base ** math.floor(math.log(x, base)), 2)


@dataclass
class Score:
    log_loss: float
    rmse_bins: float
    reviews: int  # predictions scored: reviews a day or more after the previous one


def evaluate(weights: tuple[float, ...], logs: list[fsrs.ReviewLog]) -> Score:
    """How well the weights predict recall (not Again) in the logs; see the docstring."""
    scheduler = fsrs.Scheduler(parameters=weights, enable_fuzzing=False)
    histories: dict[int, list[fsrs.ReviewLog]] = {}
    for log in sorted(logs, key=lambda log: (log.card_id, log.review_datetime)):
        histories.setdefault(log.card_id, []).append(log)
    loss, bins, n = 0.0, {}, 0
    for card_id, history in histories.items():
        card, lapses = fsrs.Card(card_id=card_id, due=history[0].review_datetime), 0
        for number, log in enumerate(history):
            at = log.review_datetime
            if card.last_review is not None and (at - card.last_review).days >= 1:
                p = min(max(scheduler.get_card_retrievability(card, at), 1e-6), 1 - 1e-6)
                y = 0 if log.rating == fsrs.Rating.Again else 1
                loss -= y * math.log(p) + (1 - y) * math.log(1 - p)
                n += 1
                key = (
                    _bucket((at - card.last_review).days, 3.62),
                    _bucket(number, 1.89),
                    _bucket(lapses, 1.73),
                )
                total = bins.setdefault(key, [0.0, 0.0, 0])
                total[0], total[1], total[2] = total[0] + p, total[1] + y, total[2] + 1
            lapses += log.rating == fsrs.Rating.Again and number > 0
            card, _ = scheduler.review_card(card, log.rating, at)
    squares = sum(count * ((p / count) - (y / count)) ** 2 for p, y, count in bins.values())
    return Score(log_loss=loss / max(n, 1), rmse_bins=math.sqrt(squares / max(n, 1)), reviews=n)
