"""Pages against Django's floor: the path and lesson pages, anonymous and signed in,
side by side with a bare Django view of the same size, in one run under one gunicorn.

    .venv/bin/python scripts/bench_pages.py [--seconds 8] [--connections 16]

Starts gunicorn (2 workers, DEBUG off) with the project's settings plus one bare view
(scripts/bench/), on this environment's database and cache (DATABASE_URL, CACHE_URL or
REDIS_URL; SQLite and files under var/ without them), migrated and with the first path
loaded. Runs `wrk` against each page in turn, the bare view before and after, and prints
requests per second and each page's share of the bare view's. Goals: anonymous pages
at least 50 %, signed-in ones at least 25 %. Last, the bare view signed in (it loads
the session and its user and issues a CSRF token, as every signed-in page must): the
share left to a signed-in page before its own work. Needs Debian's `wrk`
(`bash scripts/system-deps.sh wrk`).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "scripts.bench.settings"
os.environ.setdefault("CONN_MAX_AGE", "60")  # as a deployment keeps its connections
CONTENT = ROOT / "lessons" / "content" / "how-generative-ai-works"
GOALS = {"anonymous": 0.50, "signed in": 0.25}

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from demos.catalog import BY_LESSON  # noqa: E402
from lessons.models import LearningPath, LessonCompletion  # noqa: E402
from lessons.reading.selectors import reading_in_order  # noqa: E402


def prepare() -> tuple[dict[str, str], str]:
    """The pages to measure (name → URL) and a signed-in learner's session cookie."""
    call_command("migrate", verbosity=0)
    if not LearningPath.objects.filter(slug=CONTENT.name).exists():
        call_command("import_path", str(CONTENT), verbosity=0)
    path = LearningPath.objects.get(slug=CONTENT.name)
    lessons = [node.lesson for node in reading_in_order(path=path)]  # the same on any database
    learner, _ = User.objects.get_or_create(username="bench-reader")
    for lesson in lessons[:3]:  # some progress, so ticks and counts are real
        LessonCompletion.objects.get_or_create(learner=learner, lesson=lesson)
    client = Client()
    client.force_login(learner)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    plain = next(lesson for lesson in lessons[4:] if lesson.slug not in BY_LESSON)
    demo = next(lesson for lesson in lessons if lesson.slug in BY_LESSON)
    return {
        "path": path.get_absolute_url(),
        "lesson": plain.get_absolute_url(),
        "lesson with a Lab demo": demo.get_absolute_url(),  # the reader's recent runs, live
    }, cookie


def serve(port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "scripts.bench.wsgi_app:application"]
    command += ["--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/bench/bare/1/", timeout=5)
            return server
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or still booting
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start within 60 s")


def wrk(url: str, seconds: int, connections: int, cookie: str | None) -> float:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        sys.exit(f"{url}: {errors[1]} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=8, help="per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8109)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: bash scripts/system-deps.sh wrk")
    pages, cookie = prepare()
    base = f"http://127.0.0.1:{args.port}"
    server = serve(args.port)
    try:
        rows = []
        for name, url in pages.items():
            for who, sent in (("anonymous", None), ("signed in", cookie)):
                headers = {"Cookie": sent} if sent else {}
                for _ in range(20):  # fill the cache in both workers
                    page = requests.get(base + url, headers=headers, timeout=30)
                    page.raise_for_status()
                size = len(page.content)
                bare = f"{base}/bench/bare/{size}/"
                measure = [
                    wrk(target, args.seconds, args.connections, c)
                    for target, c in ((bare, None), (base + url, sent), (bare, None))
                ]
                floor = (measure[0] + measure[2]) / 2
                rows.append((f"{name}, {who}", size, measure[1], floor, GOALS[who]))
        signed_in_floor = [  # what Django's session, user and CSRF token cost alone
            wrk(target, args.seconds, args.connections, c)
            for target, c in (
                (bare, None),
                (f"{base}/bench/bare-signed-in/{size}/", cookie),
                (bare, None),
            )
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(
        f"gunicorn 2 workers, DEBUG off, {engine}, cache {backend}, wrk -t2 "
        f"-c{args.connections} -d{args.seconds}s; bare = mean of before and after"
    )
    print(f"{'page':<34} {'bytes':>7} {'req/s':>8} {'bare req/s':>11} {'ratio':>6} {'goal':>5}")
    for label, size, rate, floor, goal in rows:
        ratio = rate / floor
        mark = "ok" if ratio >= goal else "BELOW"
        print(
            f"{label:<34} {size:>7} {rate:>8.0f} {floor:>11.0f} {ratio:>6.0%} {goal:>5.0%} {mark}"
        )
    rate, floor = signed_in_floor[1], (signed_in_floor[0] + signed_in_floor[2]) / 2
    label = "bare view, signed in"
    note = "(session, user, CSRF token: a signed-in page's floor)"
    print(f"{label:<34} {size:>7} {rate:>8.0f} {floor:>11.0f} {rate / floor:>6.0%} {note}")


if __name__ == "__main__":
    main()
