"""A lecture hall pressing Sample at once: a burst of Lab-default diffusion runs, with
dynamic batching and without, on one worker and on two, side by side in one run.

    python manage.py demo_burst [--runs 100] [--within 10] [--batch-size 16] [--workers 1 2]

For each setting it starts its own web server and ``--pool solo`` Celery workers (this
environment's database and broker, rate limits lifted, ``DEMOS_BATCH_SIZE`` 1 for
"without"), warms every worker up, then asks for ``--runs`` runs through the HTTP API,
evenly spread over ``--within`` seconds, each with a fresh seed. It prints the time from
the first click until the last result, the p50 / p95 click-to-result (the click is when
the client sent the request; the result, when the worker stored it), runs per second
(runs over the time until the last result) and the mean number of runs per batch.
"""

from __future__ import annotations

import random
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.management.base import BaseCommand

from demos.bench import http, pct, start_stack, stop_stack
from demos.catalog import BY_NAME
from demos.models import DemoRun


class Command(BaseCommand):
    help = "A burst of Lab-default diffusion runs, batched and not, on one and two workers."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=100)
        parser.add_argument("--within", type=float, default=10.0, help="seconds to send them in")
        parser.add_argument("--batch-size", type=int, default=settings.DEMOS_BATCH_SIZE)
        parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
        parser.add_argument("--port", type=int, default=8766)

    def handle(self, *args, **o):
        params = BY_NAME["diffusion"].start
        self.stdout.write(
            f"{o['runs']} diffusion runs ({params or 'defaults'}) sent within {o['within']:g} s; "
            f"batching: up to {o['batch_size']} runs per batch; times in seconds"
        )
        self.stdout.write(
            f"{'workers':>7} {'batching':>8} {'last result':>11} {'p50':>6} {'p95':>6} "
            f"{'runs/s':>7} {'per batch':>9}"
        )
        rows = {}
        for workers in o["workers"]:
            for size in (1, o["batch_size"]):
                row = self._burst(o, params, workers, size)
                rows[workers, size] = row
                self.stdout.write(
                    f"{workers:7d} {'on' if size > 1 else 'off':>8} {row['last']:11.2f} "
                    f"{row['p50']:6.2f} {row['p95']:6.2f} {row['rate']:7.2f} {row['batch']:9.1f}"
                )
        for workers in o["workers"]:
            off, on = rows[workers, 1], rows[workers, o["batch_size"]]
            self.stdout.write(
                f"{workers} worker(s): batching gives x{on['rate'] / off['rate']:.2f} runs/s"
            )

    def _burst(self, o: dict, params: dict, workers: int, size: int) -> dict:
        port = o["port"]
        base = f"http://127.0.0.1:{port}"
        procs = start_stack(
            port,
            [
                (["-Q", settings.DEMOS_QUEUE, "--pool", "solo", "-n", f"burst{k}@%h"], 0)
                for k in range(workers)
            ],
            env={"DEMOS_BATCH_SIZE": str(size)},
            log_name="demo_burst",
        )
        rng = random.Random()
        try:
            # warm-up: every worker loads the model before the clock starts
            self._wait(self._send(base, params, [rng.randrange(2**40) for _ in range(4 * workers)]))
            seeds = [rng.randrange(2**40) for _ in range(o["runs"])]
            gap = o["within"] / o["runs"]
            start = time.time()
            with ThreadPoolExecutor(8) as pool:
                sent = list(
                    pool.map(
                        lambda k: self._send_at(base, params, seeds[k], start + k * gap),
                        range(o["runs"]),
                    )
                )
            runs = self._wait(dict(sent))
        finally:
            stop_stack(procs)
        clicks = dict(sent)
        took = [runs[i].finished_at.timestamp() - clicks[i] for i in clicks]
        last = max(r.finished_at.timestamp() for r in runs.values()) - start
        batches = {r.batch for r in runs.values()}
        return {
            "last": last,
            "p50": statistics.median(took),
            "p95": pct(took, 0.95),
            "rate": len(runs) / last,
            "batch": len(runs) / len(batches),
        }

    def _send_at(self, base: str, params: dict, seed: int, when: float) -> tuple[str, float]:
        time.sleep(max(0.0, when - time.time()))
        return next(iter(self._send(base, params, [seed]).items()))

    def _send(self, base: str, params: dict, seeds: list[int]) -> dict[str, float]:
        """Ask for one run per seed; {run id: when the request was sent}."""
        sent = {}
        for seed in seeds:
            click = time.time()
            status, _, run = http(
                "POST",
                f"{base}/api/demos/runs/",
                {"family": "diffusion", "seed": seed, "params": params},
            )
            if status != 201:
                raise RuntimeError(f"the run was not queued: {status} {run}")
            sent[run["id"]] = click
        return sent

    def _wait(self, sent: dict[str, float], timeout: float = 600) -> dict[str, DemoRun]:
        """Wait until every run is finished (read from the database); all must succeed."""
        deadline = time.monotonic() + timeout
        while True:
            runs = {str(r.id): r for r in DemoRun.objects.filter(id__in=list(sent))}
            if all(r.finished for r in runs.values()):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the runs did not finish in time")
            time.sleep(0.2)
        failed = [r for r in runs.values() if r.status != DemoRun.Status.SUCCEEDED]
        if failed:
            raise RuntimeError(f"{len(failed)} runs failed, e.g. {failed[0].error}")
        return runs
