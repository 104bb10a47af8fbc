"""Draw the comparison page's sample grids and time them.

    python manage.py demo_samples

For every digits checkpoint: 16 digits with seed 0 as a PNG under
demos/static/demos/samples/, and the median of three timed draws (one torch thread, as
the workers run) in timings.json beside them. Rerun after retraining a model."""

from __future__ import annotations

import base64
import json
import statistics
import time

from django.core.management.base import BaseCommand

from demos import drawing
from demos.compare import GRIDS, SAMPLE_PARAMS
from demos.samples import SAMPLES_DIR


class Command(BaseCommand):
    help = "Draw and time 16 digits from every digits checkpoint for /lab/compare/."

    def handle(self, *args, **options):
        import torch

        import generators

        torch.set_num_threads(1)
        SAMPLES_DIR.mkdir(parents=True, exist_ok=True)
        timings = {}
        for _title, checkpoint, family in GRIDS:
            params = SAMPLE_PARAMS[checkpoint]
            try:
                out = generators.sample(family, seed=0, **params)
            except (FileNotFoundError, RuntimeError) as exc:  # not trained yet, or stale
                self.stderr.write(f"{checkpoint}: skipped ({exc})")
                continue
            times = []
            for _ in range(3):
                t = time.perf_counter()
                generators.sample(family, seed=0, **params)
                times.append(time.perf_counter() - t)
            timings[checkpoint] = round(statistics.median(times), 6)
            uri = drawing.image_grid(out["images"], cols=4)
            png = base64.b64decode(uri.split(",", 1)[1])
            (SAMPLES_DIR / f"{checkpoint}.png").write_bytes(png)
            self.stdout.write(f"{checkpoint}: {1000 * timings[checkpoint]:.1f} ms for 16 digits")
        path = SAMPLES_DIR / "timings.json"
        old = json.loads(path.read_text()) if path.exists() else {}
        path.write_text(json.dumps(old | timings, indent=2, sort_keys=True) + "\n")
