"""The comparison page's sample grids and their timings, as `manage.py demo_samples`
draws them: 16 digits per checkpoint, timed on one torch thread (median of three)."""

import json
from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent / "static" / "demos" / "samples"


def timings() -> dict[str, float]:
    """Seconds for 16 digits, by checkpoint; empty until demo_samples has run."""
    path = SAMPLES_DIR / "timings.json"
    return json.loads(path.read_text()) if path.exists() else {}
