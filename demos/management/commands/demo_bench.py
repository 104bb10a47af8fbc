"""Click-to-result latency of the live demos through the whole stack.

    python manage.py demo_bench [--url URL | --start] [--runs 20] [--concurrency 1]

Asks for runs through the HTTP API as the Lab does (each with a fresh seed, so none is
reused), polls each until it finishes, and prints per family the p50 / p95 of the
click-to-result time seen by the client, split into queueing (created → a worker
started it), sampling (inside the model) and the rest (task start-up, database writes,
polling). ``--start`` runs its own web server and Celery worker with this
environment's settings (embedded broker, or CELERY_BROKER_URL), rate limits lifted.
"""

from __future__ import annotations

import random
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from demos.bench import http, pct, start_stack, stop_stack
from demos.catalog import FAMILIES

POLL = 0.02  # seconds between the client's looks at a run


def _when(s: str) -> float:
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def one_run(base: str, family: str, params: dict, seed: int) -> dict:
    while True:
        t0 = time.perf_counter()
        status, headers, run = http(
            "POST", f"{base}/api/demos/runs/", {"family": family, "seed": seed, "params": params}
        )
        if status != 429:
            break
        time.sleep(float(headers.get("Retry-After", 1)))
    if status != 201:
        raise RuntimeError(f"{family}: {status} {run}")
    while run["status"] not in ("succeeded", "failed"):
        time.sleep(POLL)
        _, _, run = http("GET", f"{base}/api/demos/runs/{run['id']}/")
    total = time.perf_counter() - t0
    if run["status"] == "failed":
        raise RuntimeError(f"{family} failed: {run['error']}")
    queue = _when(run["started_at"]) - _when(run["created_at"])
    sampling = run["sampling_seconds"]
    return {"total": total, "queue": queue, "sampling": sampling, "device": run["device"]}


class Command(BaseCommand):
    help = "Click-to-result latency per family through web, broker and worker."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--start", action="store_true", help="start a server and a worker")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--runs", type=int, default=20, help="runs per family")
        parser.add_argument("--concurrency", type=int, default=1, help="runs in flight at once")
        parser.add_argument("--family", action="append", help="only these families")

    def handle(self, *args, **o):
        procs = []
        base = o["url"].rstrip("/")
        try:
            if o["start"]:
                base = f"http://127.0.0.1:{o['port']}"
                procs = self._start(o["port"])
            self._bench(base, o)
        finally:
            stop_stack(procs)

    def _start(self, port: int) -> list:
        return start_stack(
            port, [(["-Q", settings.DEMOS_QUEUE, "--pool", "solo"], 0)], log_name="demo_bench"
        )

    def _bench(self, base: str, o: dict) -> None:
        families = [f for f in FAMILIES if not o["family"] or f.name in o["family"]]
        rng = random.Random()
        broker = settings.CELERY_BROKER_URL.split("://")[0]
        self.stdout.write(
            f"{base}: broker {broker}, {o['runs']} runs per family, "
            f"{o['concurrency']} in flight; times in seconds"
        )
        self.stdout.write(
            f"{'family':15} {'device':6} {'click→result p50':>16} {'p95':>7} "
            f"{'queueing p50':>12} {'sampling p50':>12} {'rest p50':>9}"
        )
        for f in families:
            one_run(base, f.name, f.start, rng.randrange(2**40))  # warm-up: model load
            seeds = [rng.randrange(2**40) for _ in range(o["runs"])]
            with ThreadPoolExecutor(o["concurrency"]) as pool:
                rows = list(pool.map(lambda s, f=f: one_run(base, f.name, f.start, s), seeds))
            total = [r["total"] for r in rows]
            queue = [r["queue"] for r in rows]
            sampling = [r["sampling"] for r in rows]
            rest = [r["total"] - r["queue"] - r["sampling"] for r in rows]
            self.stdout.write(
                f"{f.name:15} {rows[0]['device']:6} {statistics.median(total):16.3f} "
                f"{pct(total, 0.95):7.3f} {statistics.median(queue):12.3f} "
                f"{statistics.median(sampling):12.3f} {statistics.median(rest):9.3f}"
            )
