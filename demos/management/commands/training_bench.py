"""How quickly live training answers, through the whole stack.

    python manage.py training_bench [--brokers redis,filesystem] [--trainings 10] [--runs 15]

For each broker it starts its own site as `make run` does (runserver, a solo worker for
sampling, a worker for the `train` queue at nice 10; rate limits lifted) and prints:

* click → first snapshot: a GAN training on the ring with its defaults is asked for
  through the API, polled until its first snapshot shows, then stopped (p50, p95);
* sampling while training: click-to-result of GAN ring samples with nothing else
  running, then while two trainings run (the train worker takes two at once here),
  and their ratio (goal: under 1.5).
"""

from __future__ import annotations

import random
import statistics
import time

from django.core.management.base import BaseCommand

from demos.bench import http, pct, start_stack, stop_stack

POLL = 0.05  # seconds between the client's looks
GAN_RING = {"family": "gan", "params": {"dataset": "ring"}}
REDIS = "redis://127.0.0.1:6379/8"


def bench_user_token() -> str:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user, _ = get_user_model().objects.get_or_create(username="training-bench")
    return Token.objects.get_or_create(user=user)[0].key


def wait_finished(base: str, training_id: str, token: str) -> dict:
    while True:
        _, _, t = http("GET", f"{base}/api/demos/trainings/{training_id}/", token=token)
        if t["status"] in ("succeeded", "failed", "cancelled"):
            return t
        time.sleep(POLL)


def first_snapshot(base: str, token: str, seed: int) -> float:
    t0 = time.perf_counter()
    status, _, t = http("POST", f"{base}/api/demos/trainings/", {**GAN_RING, "seed": seed}, token)
    if status != 201:
        raise RuntimeError(f"training: {status} {t}")
    while not t.get("snapshots"):
        time.sleep(POLL)
        _, _, t = http("GET", f"{base}/api/demos/trainings/{t['id']}/", token=token)
        if t["status"] == "failed":
            raise RuntimeError(f"training failed: {t['error']}")
    seconds = time.perf_counter() - t0
    http("POST", f"{base}/api/demos/trainings/{t['id']}/cancel/", {}, token)
    wait_finished(base, t["id"], token)
    return seconds


def sample_once(base: str, token: str, seed: int) -> float:
    t0 = time.perf_counter()
    body = {"family": "gan", "seed": seed, "params": {"dataset": "ring", "n": 1000}}
    status, _, run = http("POST", f"{base}/api/demos/runs/", body, token)
    if status != 201:
        raise RuntimeError(f"run: {status} {run}")
    while run["status"] not in ("succeeded", "failed"):
        time.sleep(0.02)
        _, _, run = http("GET", f"{base}/api/demos/runs/{run['id']}/", token=token)
    return time.perf_counter() - t0


class Command(BaseCommand):
    help = "Click to first snapshot, and sampling latency while trainings run."

    def add_arguments(self, parser):
        parser.add_argument("--brokers", default="redis,filesystem")
        parser.add_argument("--trainings", type=int, default=10)
        parser.add_argument("--runs", type=int, default=15, help="sampling runs per phase")
        parser.add_argument("--port", type=int, default=8766)

    def handle(self, *args, **o):
        token = bench_user_token()
        rng = random.Random()
        for broker in o["brokers"].split(","):
            url = REDIS if broker == "redis" else "filesystem://"
            if broker == "redis":
                import redis

                redis.Redis.from_url(REDIS).flushdb()
            procs = start_stack(
                o["port"],
                [
                    (["-Q", "cpu,gpu", "--pool", "solo", "-n", "demos@%h"], 0),
                    (["-Q", "train", "--concurrency", "2", "-n", "train@%h"], 10),
                ],
                env={"CELERY_BROKER_URL": url},
                log_name=f"training_bench_{broker}",
            )
            try:
                self._bench(f"http://127.0.0.1:{o['port']}", broker, token, rng, o)
            finally:
                stop_stack(procs)

    def _bench(self, base: str, broker: str, token: str, rng: random.Random, o: dict) -> None:
        sample_once(base, token, 0)  # warm-up: the sampling worker loads its model
        first = [first_snapshot(base, token, rng.randrange(2**40)) for _ in range(o["trainings"])]
        idle = [sample_once(base, token, rng.randrange(2**40)) for _ in range(o["runs"])]
        busy_ids = []
        for _ in range(2):
            body = {
                **GAN_RING,
                "seed": rng.randrange(2**40),
                "params": {"dataset": "ring", "steps": 20000, "snapshot_every": 200},
            }
            _, _, t = http("POST", f"{base}/api/demos/trainings/", body, token)
            busy_ids.append(t["id"])
        time.sleep(3)  # both started
        busy = [sample_once(base, token, rng.randrange(2**40)) for _ in range(o["runs"])]
        states = [http("GET", f"{base}/api/demos/trainings/{i}/", token=token)[2] for i in busy_ids]
        running = sum(t["status"] == "running" for t in states)
        for i in busy_ids:
            http("POST", f"{base}/api/demos/trainings/{i}/cancel/", {}, token)
            wait_finished(base, i, token)
        ratio = statistics.median(busy) / statistics.median(idle)
        self.stdout.write(
            f"broker {broker}: click → first snapshot p50 {statistics.median(first):.2f} s, "
            f"p95 {pct(first, 0.95):.2f} s ({o['trainings']} GAN ring trainings)"
        )
        self.stdout.write(
            f"broker {broker}: sampling click → result p50 idle {statistics.median(idle):.3f} s, "
            f"while {running} trainings run {statistics.median(busy):.3f} s: {ratio:.2f}x "
            f"({o['runs']} GAN ring runs each)"
        )
