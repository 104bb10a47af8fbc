"""The Redis cache backend (learning_platform/redis_cache.py): Django's own, with one
client kept per connection pool; against a real Redis (DB 6)."""

import json
import os
import socket
import subprocess
import sys

import pytest

from learning_platform.redis_cache import RedisCache

URL = "redis://127.0.0.1:6379/6"


@pytest.fixture
def redis_cache():
    """A RedisCache on DB 6, emptied first. Missing Redis: fail in CI, skip elsewhere."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        message = "Redis does not answer on 127.0.0.1:6379 (redis-server --daemonize yes)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    cache = RedisCache(URL, {})
    cache.clear()
    return cache


def test_the_kept_client_serves_every_operation(redis_cache):
    """Protects the cache the site runs on in deployment: with one client kept, every
    operation the site uses still reads and writes Redis."""
    cache = redis_cache
    assert cache.add("version", "a", None) and not cache.add("version", "b", None)
    cache.set("page", {"html": "<p>é</p>"}, 60)
    assert cache.get("version") == "a" and cache.get("page") == {"html": "<p>é</p>"}
    assert cache.get_many(["version", "page", "absent"]) == {
        "version": "a",
        "page": {"html": "<p>é</p>"},
    }
    cache.delete("version")
    assert cache.get("version") is None and cache.get("absent", "default") == "default"
    cache.set("n", 1, 60)
    assert cache.incr("n") == 2


def test_one_client_is_built_per_pool_not_per_operation(redis_cache):
    """Protects the saving itself: Django's backend builds a `redis.Redis` per call,
    which costs more than a local GET; ours builds one and keeps it."""
    kept = redis_cache._cache
    assert kept.get_client() is kept.get_client()
    assert kept.get_client(write=True) is kept.get_client("any-key")


def test_a_redis_cache_url_gets_this_backend():
    """Protects the settings: CACHE_URL (or REDIS_URL) naming Redis selects this backend,
    and no URL keeps the files under var/cache. (The settings module is read afresh for
    each environment, in a process of its own.)"""
    code = """
import importlib, json, os, sys
cases = json.loads(sys.argv[1])
for case in cases:
    for name in ("CACHE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ.update(case)
    import learning_platform.settings.base as base
    print(importlib.reload(base).CACHES["default"]["BACKEND"])
"""
    cases = [{"CACHE_URL": URL}, {"REDIS_URL": URL}, {}]
    run = subprocess.run(
        [sys.executable, "-c", code, json.dumps(cases)], capture_output=True, text=True, check=True
    )
    assert run.stdout.split() == [
        "learning_platform.redis_cache.RedisCache",
        "learning_platform.redis_cache.RedisCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    ]
