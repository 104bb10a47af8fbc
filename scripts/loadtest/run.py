"""The load test: simulated learners against the whole stack, started here.

    make loadtest                        # 50, 100 and 200 learners, 45 s each
    .venv/bin/python scripts/loadtest/run.py --users 50 100 --seconds 60

Starts what a deployment runs: gunicorn (2 workers, DEBUG off), Celery worker(s) on the
sampling queue, on PostgreSQL and Redis (broker and cache); both must answer (the
defaults are the local ones: LOADTEST_DATABASE_URL, LOADTEST_REDIS_URL). The database
is the load test's own, migrated and loaded with the first path here, with signed-in
learners' sessions made directly (so the test measures learning, not password
hashing). Locust (requirements-load.txt) is installed into var/loadtest-venv on first
use. Then, for each number of users, runs locust headless (learners in
scripts/loadtest/locustfile.py) and prints requests per second, p50 / p95 per kind of
request, errors, and the demo click-to-result times. The demo rate limits are lifted:
every learner comes from 127.0.0.1.
"""

import argparse
import csv
import os
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
VAR = ROOT / "var"
LOCUST_VENV = VAR / "loadtest-venv"
DATABASE_URL = os.environ.get(
    "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sample_space_load"
)
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/14")
LIMITS_LIFTED = {
    "DEMOS_RUNS_PER_MINUTE": "1000000",
    "DEMOS_RUNS_PER_MINUTE_PER_IP": "1000000",
    "DEMOS_MAX_QUEUED": "1000000",
}


def stack_env() -> dict[str, str]:
    return (
        os.environ
        | LIMITS_LIFTED
        | {
            "DJANGO_SETTINGS_MODULE": "learning_platform.settings.base",
            "DEBUG": "false",
            "DATABASE_URL": DATABASE_URL,
            "CONN_MAX_AGE": "60",
            "CELERY_BROKER_URL": REDIS_URL,
            "CACHE_URL": REDIS_URL,
            "DEMOS_QUEUE": "cpu",
            "PYTHONPATH": str(ROOT),
        }
    )


def locust_installed() -> Path:
    locust = LOCUST_VENV / "bin" / "locust"
    if not locust.exists():
        print("installing locust into var/loadtest-venv …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(LOCUST_VENV)], check=True)
        pip = [str(LOCUST_VENV / "bin" / "pip"), "install", "--quiet"]
        subprocess.run([*pip, "-r", str(ROOT / "requirements-load.txt")], check=True)
    return locust


def prepare(env: dict[str, str], learners: int) -> Path:
    """Create and load the database; sessions for the signed-in learners."""
    name = DATABASE_URL.rsplit("/", 1)[1]
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin_url, "-qc", f'CREATE DATABASE "{name}"'], capture_output=True)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    content = "lessons/content/how-generative-ai-works"
    subprocess.run([*manage, "import_path", content, "-v0"], cwd=ROOT, env=env, check=True)
    out = VAR / "loadtest-sessions.json"
    script = f"""
import json
from django.conf import settings
from django.contrib.auth.models import User
COOKIE = settings.SESSION_COOKIE_NAME
from django.test import Client
from lessons.models import LearningPath
path = LearningPath.objects.get(slug="how-generative-ai-works")
cookies = []
for n in range({learners}):
    user, _ = User.objects.get_or_create(username=f"load-learner-{{n}}")
    client = Client()
    client.force_login(user)
    cookies.append((COOKIE, client.cookies[COOKIE].value))
lessons = list(path.lessons.values_list("slug", flat=True))
open({str(out)!r}, "w").write(json.dumps({{"cookies": cookies, "lessons": lessons}}))
"""
    quiet = {"stdout": subprocess.DEVNULL}
    subprocess.run([*manage, "shell", "-c", script], cwd=ROOT, env=env, check=True, **quiet)
    return out


def start(env: dict[str, str], port: int, web_workers: int, sampling_workers: int) -> list:
    log = open(VAR / "loadtest.log", "w")
    celery = [sys.executable, "-m", "celery", "-A", "learning_platform", "worker", "-l", "warning"]
    celery += ["-Q", "cpu", "--concurrency", str(sampling_workers), "-n", "load@%h"]
    procs = [subprocess.Popen(celery, cwd=ROOT, env=env, stdout=log, stderr=log)]
    gunicorn = [sys.executable, "-m", "gunicorn", "learning_platform.wsgi:application"]
    gunicorn += ["--workers", str(web_workers), "--bind", f"127.0.0.1:{port}", "--timeout", "120"]
    procs.append(subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=log, stderr=log))
    deadline = time.monotonic() + 120
    families = f"http://127.0.0.1:{port}/api/demos/families/"
    while True:
        try:
            urllib.request.urlopen(families, timeout=60)
            break
        except OSError:
            if time.monotonic() > deadline:
                stop(procs)
                sys.exit("the site did not start within 120 s: see var/loadtest.log")
            time.sleep(0.5)
    # Every web worker imports the models' code (torch) before the clock starts.
    with ThreadPoolExecutor(4 * web_workers) as pool:
        list(
            pool.map(
                lambda _: urllib.request.urlopen(families, timeout=120), range(8 * web_workers)
            )
        )
    return procs


def stop(procs: list) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(60)


def run_locust(locust: Path, users: int, seconds: int, port: int, sessions: Path) -> Path:
    prefix = VAR / f"loadtest-{users}"
    command = [str(locust), "-f", str(Path(__file__).parent / "locustfile.py"), "--headless"]
    command += ["-u", str(users), "-r", str(max(1, users // 10)), "-t", f"{seconds}s"]
    command += ["--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary"]
    env = os.environ | {"LOADTEST_SESSIONS": str(sessions)}
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return Path(f"{prefix}_stats.csv")


def report(users: int, stats: Path) -> None:
    rows = list(csv.DictReader(stats.open()))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(
        f"\n{users} learners: {float(total['Requests/s']):.1f} requests/s, "
        f"{total['Request Count']} requests, {total['Failure Count']} errors"
    )
    print(f"  {'kind':<24} {'count':>6} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7}")
    for r in rows:
        if r["Name"] != "Aggregated":
            print(
                f"  {r['Name']:<24} {r['Request Count']:>6} {r['Failure Count']:>6} "
                f"{r['50%']:>7} {r['95%']:>7}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description="Load test with simulated learners.")
    parser.add_argument("--users", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--seconds", type=int, default=45)
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--sampling-workers", type=int, default=1)
    args = parser.parse_args()
    locust = locust_installed()
    env = stack_env()
    sessions = prepare(env, learners=max(args.users))
    procs = start(env, args.port, args.web_workers, args.sampling_workers)
    print(
        f"gunicorn {args.web_workers} workers, {args.sampling_workers} sampling worker "
        f"process(es), PostgreSQL, Redis; {args.seconds} s per run; load {os.getloadavg()[0]:.1f}"
    )
    try:
        for users in args.users:
            report(users, run_locust(locust, users, args.seconds, args.port, sessions))
    finally:
        stop(procs)


if __name__ == "__main__":
    main()
