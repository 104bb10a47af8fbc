"""Settings for the test suite.

Tests run against PostgreSQL whenever it answers (CI always has it on 127.0.0.1:5432).
With CI set and PostgreSQL missing, the suite stops at once with a message rather than
quietly testing against SQLite.
"""

import os
import socket

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


if "DATABASE_URL" in os.environ:
    DATABASES = {"default": env.db("DATABASE_URL")}
elif _answers("127.0.0.1", 5432):
    DATABASES = {"default": env.db_url_config(POSTGRES_URL)}
elif env.bool("CI", default=False):
    raise ImproperlyConfigured(
        "CI is set but PostgreSQL does not answer on 127.0.0.1:5432. Start it with "
        "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`."
    )

DEBUG = False
SECRET_KEY = "tests-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast sign-ups
# Hashed manifest storage 404s vendored assets under live_server: plain storage here.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Episode audio imported by the tests is stored apart from `make run`'s media.
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# A real cache, in files: shared with the gunicorn workers some tests start
# (tests/web_workers.py) and emptied before every test (tests/conftest.py).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "test-cache",  # noqa: F405
    }
}
