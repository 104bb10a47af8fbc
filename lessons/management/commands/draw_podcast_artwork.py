from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from lessons.podcast.artwork import artwork_draw

ARTWORK = Path(settings.BASE_DIR) / "static" / "img" / "podcast-artwork.png"


class Command(BaseCommand):
    help = "Draw the podcast's square cover (Pillow) into static/img/podcast-artwork.png."

    def handle(self, **options):
        ARTWORK.parent.mkdir(parents=True, exist_ok=True)
        artwork_draw().save(ARTWORK, format="PNG", optimize=True)
        self.stdout.write(f"{ARTWORK} written ({ARTWORK.stat().st_size // 1024} KiB)")
