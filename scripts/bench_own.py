"""Measure making a path your own on the first path: clone, .zip export, .zip import.

    DATABASE_URL=postgres://… .venv/bin/python scripts/bench_own.py

Runs in a throwaway test database (created and dropped here), so it never touches
real data. Prints the median of several runs of each step, in milliseconds.
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learning_platform.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from lessons.authoring.archive import bundle_from_zip, bundle_to_zip  # noqa: E402
from lessons.authoring.bundle import bundle_read  # noqa: E402
from lessons.authoring.selectors import path_bundle  # noqa: E402
from lessons.authoring.services import path_clone, path_import, path_import_as_new  # noqa: E402

RUNS = 7


def median_ms(step) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        path, _ = path_import(bundle=bundle_read(ROOT / "lessons/content/how-generative-ai-works"))
        owner = User.objects.create_user(username="bench", password="bench-passphrase")
        lessons = path.lessons.count()
        data = bundle_to_zip(path_bundle(path=path))
        print(
            f"database: {connection.vendor} ({name}); first path: {lessons} lessons, "
            f"{path.resources.count()} resources, {path.flashcards.count()} cards, "
            f"{path.quiz_questions.count()} questions"
        )
        print(f"clone:       {median_ms(lambda: path_clone(path=path, owner=owner)):7.1f} ms")
        print(
            f"export .zip: {median_ms(lambda: bundle_to_zip(path_bundle(path=path))):7.1f} ms"
            f"  ({len(data) / 1000:.0f} kB)"
        )

        def load():
            bundle = bundle_from_zip(io.BytesIO(data), max_bytes=50_000_000)
            path_import_as_new(bundle=bundle, owner=owner)

        print(f"import .zip: {median_ms(load):7.1f} ms  (validate + unpack + write, new path)")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
