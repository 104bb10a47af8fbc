"""Settings shared by every environment, read from the environment by one reader.

Every setting a deployment changes is an environment variable, documented in the
README's "Settings" table (a test keeps the two in step).
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # SQLite, the embedded broker and uploaded media live here

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "lessons",
    "demos",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "learning_platform.input.RejectUnsafeInput",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "learning_platform.urls"
WSGI_APPLICATION = "learning_platform.wsgi.application"
ASGI_APPLICATION = "learning_platform.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lessons.cache.csrf_placeholder",
            ],
        },
    },
]

# With no DATABASE_URL the site runs on SQLite under var/, so `make run` needs no server.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A transaction takes SQLite's write lock when it begins: a check and the write it
    # guards (a rate limit, a queue bound) cannot interleave between web processes.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# Django's cache keeps what changes only with a path's content (lessons/cache.py).
# CACHE_URL, or REDIS_URL as docker-compose sets it, names a shared one: Django's own
# Redis backend for redis://. Without either: files under var/cache, which every process
# on this machine shares (runserver, the Celery workers, `manage.py import_path`), so an
# edit made by any of them is seen by all; a per-process memory cache would not be.
CACHES = {
    "default": env.cache_url(
        "CACHE_URL", default=env("REDIS_URL", default=f"filecache://{VAR_DIR / 'cache'}")
    )
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "learning_platform.redis_cache.RedisCache"  # see there
# Sessions are read from the cache and written through to the database: a signed-in
# page costs no session query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# ModelBackend with the signed-in user read from the cache, not the database.
AUTHENTICATION_BACKENDS = ["lessons.accounts.CachedUserBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Flashcards: the recall probability FSRS schedules for, and how many unseen cards a day
# enter a study session. These are defaults; each learner can change both.
FSRS_DESIRED_RETENTION = env.float("FSRS_DESIRED_RETENTION", default=0.9)
FLASHCARDS_NEW_PER_DAY = env.int("FLASHCARDS_NEW_PER_DAY", default=10)

# The largest path bundle (.zip) an upload or `import_path` accepts, packed or unpacked.
BUNDLE_MAX_BYTES = 80_000_000  # room for a podcast's audio (at most 50 MiB)
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "learning_platform.schema.SchemaWithErrors",
    # Token first: an anonymous call that needs a learner answers 401 with
    # `WWW-Authenticate: Token`, the convention for token auth, rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "learning_platform.input.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sample Space API",
    "DESCRIPTION": "Learning paths, lessons and progress of Sample Space.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's assets come from drf-spectacular-sidecar: the docs work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DemoFamilyEnum": "demos.models.Family",
        "RunStatusEnum": "demos.models.DemoRun.Status",
        "TrainingStatusEnum": "demos.models.TrainingRun.Status",
    },
}

# Celery. With no CELERY_BROKER_URL the broker is embedded: kombu's filesystem
# transport passes messages through files under var/broker, so the web process and a
# local worker talk with no server running. Set CELERY_BROKER_URL (redis://...) to use
# a real broker, as docker-compose does.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    _broker_dir.mkdir(exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(VAR_DIR / "broker-control"),
        "polling_interval": 0.1,  # seconds; kombu's default of 1 s is felt on every demo
    }
CELERY_TASK_IGNORE_RESULT = True  # results live in our own tables, not a result backend
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_DEFAULT_QUEUE = "cpu"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Live demos (demos/). One setting routes every demo task: "gpu" where the workers have
# CUDA (docker-compose), "cpu" otherwise; `make run`'s worker listens on both.
DEMOS_QUEUE = env("DEMOS_QUEUE", default="cpu")
# Learners' trainings go to their own queue, so a long training never holds up sampling.
TRAINING_QUEUE = env("TRAINING_QUEUE", default="train")
CELERY_TASK_ROUTES = {
    "demos.run": {"queue": DEMOS_QUEUE},
    "demos.train": {"queue": TRAINING_QUEUE},
    "lessons.fsrs_fit": {"queue": TRAINING_QUEUE},  # minutes of CPU: beside the trainings
}
# Tasks outside an app's tasks.py module, which is all autodiscovery finds.
CELERY_IMPORTS = ["lessons.flashcards.tasks"]
# FSRS parameters are fitted to our learners' reviews once a day, at this hour (UTC), by
# beat running inside the training worker (scripts/serve.sh, docker-compose's trainer).
FSRS_FIT_HOUR = env.int("FSRS_FIT_HOUR", default=3)
CELERY_BEAT_SCHEDULE = {
    "fsrs-fit": {"task": "lessons.fsrs_fit", "schedule": crontab(hour=FSRS_FIT_HOUR, minute=0)},
}
DEMOS_SOFT_TIME_LIMIT = env.int("DEMOS_SOFT_TIME_LIMIT", default=60)  # seconds: run ends failed
DEMOS_TIME_LIMIT = env.int("DEMOS_TIME_LIMIT", default=75)  # seconds: the worker child is killed
DEMOS_RUNS_PER_MINUTE = env.int("DEMOS_RUNS_PER_MINUTE", default=20)  # per learner or session
DEMOS_RUNS_PER_MINUTE_PER_IP = env.int("DEMOS_RUNS_PER_MINUTE_PER_IP", default=60)
DEMOS_MAX_QUEUED = env.int("DEMOS_MAX_QUEUED", default=30)  # beyond it: 429 with Retry-After
DEMOS_TORCH_THREADS = env.int("DEMOS_TORCH_THREADS", default=1)  # per worker process
# A worker that takes a run also takes up to this many queued runs that can share its batch
# (same model and parameters but the seed): one batch costs far less than its runs alone.
DEMOS_BATCH_SIZE = env.int("DEMOS_BATCH_SIZE", default=16)  # 1: every run alone
# A running run whose worker has not reported for this long is failed by the reaper; a
# queued one that no worker picked up within DEMOS_QUEUED_TIMEOUT likewise.
DEMOS_STALE_SECONDS = 30
DEMOS_QUEUED_TIMEOUT = 600
# "Train it yourself" (demos/training/).
TRAINING_SOFT_TIME_LIMIT = env.int("TRAINING_SOFT_TIME_LIMIT", default=300)  # stops, keeps model
TRAINING_TIME_LIMIT = env.int("TRAINING_TIME_LIMIT", default=330)  # the worker child is killed
TRAININGS_PER_LEARNER = env.int("TRAININGS_PER_LEARNER", default=1)  # queued or running at once
TRAININGS_MAX_QUEUED = env.int("TRAININGS_MAX_QUEUED", default=10)  # site-wide; beyond: 429
TRAINING_STATE_TTL_HOURS = env.int("TRAINING_STATE_TTL_HOURS", default=24)  # anonymous weights
TRAINING_STALE_SECONDS = 60  # a running training silent this long is failed by the reaper
TRAINING_QUEUED_TIMEOUT = 1800  # a training no worker picked up within this is failed

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
