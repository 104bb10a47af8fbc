"""What the Lab's benchmarks share: HTTP as a client sees it, percentiles, and a stack
of our own (a web server and Celery workers) started with this environment's settings.

Used by ``manage.py demo_bench`` and ``manage.py training_bench``; not by the site.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

# Limits lifted so a benchmark measures speed, not the rate limits.
NO_LIMITS = {
    "DEMOS_RUNS_PER_MINUTE": "1000000",
    "DEMOS_RUNS_PER_MINUTE_PER_IP": "1000000",
    "DEMOS_MAX_QUEUED": "1000000",
    "TRAININGS_PER_LEARNER": "1000",
    "TRAININGS_MAX_QUEUED": "1000",
}


def http(
    method: str, url: str, body: dict | None = None, token: str = ""
) -> tuple[int, dict, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, dict(r.headers), json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read() or b"{}")


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def start_stack(port: int, workers: list[tuple[list[str], int]], env=None, log_name="bench"):
    """runserver on `port` and one `celery worker` per (arguments, niceness) in
    `workers`, e.g. (["-Q", "cpu", "--pool", "solo"], 0); waits until the site answers."""
    env = {**os.environ, **NO_LIMITS, **(env or {})}
    root = Path(settings.BASE_DIR)
    log = open(root / "var" / f"{log_name}.log", "w")
    procs = []
    for argv, niceness in workers:
        procs.append(
            subprocess.Popen(
                ["nice", "-n", str(niceness), sys.executable, "-m", "celery", "-A"]
                + ["learning_platform", "worker", *argv, "-l", "warning"],
                cwd=root,
                env=env,
                stdout=log,
                stderr=log,
            )
        )
    procs.append(
        subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=root,
            env=env,
            stdout=log,
            stderr=log,
        )
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/demos/families/", timeout=30)
            return procs
        except OSError as exc:
            if time.monotonic() > deadline:
                stop_stack(procs)
                raise RuntimeError(f"no web server; see var/{log_name}.log") from exc
            time.sleep(0.5)


def stop_stack(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(30)
