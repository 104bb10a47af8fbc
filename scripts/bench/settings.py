"""The project's own settings (DEBUG off) plus one bare view, for scripts/bench_pages.py."""

from learning_platform.settings.base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "scripts.bench.urls"
