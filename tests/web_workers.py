"""The site under gunicorn with several worker processes, on the test database.

Races between web workers (two requests of one learner handled by two processes at the
same instant) cannot happen in Django's test client or in the single-process live
server; this fixture makes them possible, so that tests can show limits and writes hold
whatever the number of workers.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 8
BROKER_URL = "redis://127.0.0.1:6379/7"  # no worker consumes it: runs stay queued


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _warm(url: str) -> None:
    """Have every worker import the models' code (torch) before a test's burst: busy
    workers do not accept, so concurrent requests spread over all of them."""
    from concurrent.futures import ThreadPoolExecutor

    def get(_):
        return requests.get(f"{url}/api/demos/families/", timeout=300).status_code

    with ThreadPoolExecutor(2 * WORKERS) as pool:
        list(pool.map(get, range(2 * WORKERS)))


@pytest.fixture
def web_workers(transactional_db, web_server):
    """The base URL of gunicorn running the site with WORKERS processes. Data the test
    writes is committed (transactional_db), so every worker sees it; the tables are
    emptied after the test, as for any transactional test."""
    return web_server


@pytest.fixture(scope="session")
def web_server(django_db_setup):
    """One gunicorn for the whole session (each start imports torch in every worker),
    on the test database, stopped before the database is dropped."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("several web workers need PostgreSQL (CI always has it)")
    db = connection.settings_dict
    port = _free_port()
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "learning_platform.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER_URL,
        "PYTHONPATH": str(ROOT),
    }
    # A long timeout: the first request of each worker imports torch, which on a busy
    # 2-core machine can take longer than gunicorn's default 30 s (the worker is killed).
    command = "-m gunicorn learning_platform.wsgi:application --log-level warning".split()
    command += ["--timeout", "300"]
    command += ["--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [sys.executable, *command],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/api/paths/", timeout=30).ok:
                    break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start within 60 s")
                time.sleep(0.1)
        _warm(url)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
