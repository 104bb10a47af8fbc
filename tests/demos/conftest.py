"""Fixtures for the demos: real Redis (DB 5) as the broker, and a real `celery worker`
process, started by the test, that works on the test database."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
REDIS_URL = os.environ.get("DEMOS_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_broker(settings):
    """The Celery app publishes to Redis DB 5 (emptied first). Missing Redis: fail in
    CI, skip elsewhere."""
    if not _redis_answers():
        message = "Redis does not answer on 127.0.0.1:6379 (redis-server --daemonize yes)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    import redis

    from learning_platform.celery import app

    redis.Redis.from_url(REDIS_URL).flushdb()
    saved = app.conf.broker_url, app.conf.broker_transport_options
    _forget_connections(app)
    app.conf.broker_url, app.conf.broker_transport_options = REDIS_URL, {}
    settings.DEMOS_QUEUE = f"test-{uuid.uuid4().hex[:8]}"
    yield app
    _forget_connections(app)
    app.conf.broker_url, app.conf.broker_transport_options = saved


def _forget_connections(app) -> None:
    """Drop the app's connection and producer pools, so the next publish connects to
    the broker the configuration names now."""
    app.close()
    app.amqp._producer_pool = None


class Worker:
    """A `celery worker` subprocess on one queue: prefork with one child on Redis by
    default; ``broker=None`` leaves the embedded default, as under `make run`."""

    def __init__(
        self, queue: str, database: str, log: Path, broker: str | None = REDIS_URL, pool="prefork"
    ):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "learning_platform.settings.test",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "DEMOS_QUEUE": queue,
            "DEMOS_TORCH_THREADS": "1",
        }
        env.pop("CELERY_BROKER_URL", None)
        if broker:
            env["CELERY_BROKER_URL"] = broker
        self.log = log
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "learning_platform", "worker", "-Q", queue]
            + ["--pool", pool, "-c", "1", "-l", "info", "-n", f"{queue}@%h"]
            + ["--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"celery worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)

    def children(self) -> list[int]:
        """Pids of the pool's child processes."""
        out = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                out.append(int(stat.parent.name))
        return out

    def kill(self) -> None:
        """SIGKILL the worker and its children at once, as a crash or an OOM would."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        """Cold shutdown (SIGQUIT): a run still in progress is not waited for."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


@pytest.fixture
def worker(redis_broker, transactional_db, settings, tmp_path):
    """A worker on this test's demo queue, working on the test database."""
    from django.db import connection

    w = Worker(settings.DEMOS_QUEUE, connection.settings_dict["NAME"], tmp_path / "worker.log")
    yield w
    w.stop()


def wait_for(run_id, statuses, timeout: float = 60.0, seen: list | None = None):
    """Poll the database until the run reaches one of ``statuses``; returns it."""
    from demos.models import DemoRun

    deadline = time.monotonic() + timeout
    while True:
        run = DemoRun.objects.get(id=run_id)
        if seen is not None and (not seen or seen[-1] != run.status):
            seen.append(run.status)
        if run.status in statuses:
            return run
        if time.monotonic() > deadline:
            raise AssertionError(f"run {run_id} still {run.status} after {timeout} s")
        time.sleep(0.05)
