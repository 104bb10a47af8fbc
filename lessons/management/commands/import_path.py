from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lessons.authoring.archive import bundle_from_zip
from lessons.authoring.bundle import bundle_read
from lessons.authoring.services import path_import
from lessons.errors import BundleError


class Command(BaseCommand):
    help = (
        "Load a learning path from a bundle: a folder (path.yaml + lessons/*.md) or a .zip "
        "of one. Idempotent: it creates or updates the path with the bundle's slug."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source",
            help="The bundle folder (e.g. lessons/content/how-generative-ai-works) or a .zip",
        )

    def handle(self, source, **options):
        try:
            if Path(source).is_file():
                bundle = bundle_from_zip(Path(source), max_bytes=settings.BUNDLE_MAX_BYTES)
            else:
                bundle = bundle_read(source)
        except BundleError as error:
            raise CommandError(f"Nothing was imported. {error}") from error
        path, changed = path_import(bundle=bundle)
        lessons = sum(1 for _ in bundle.walk())
        state = "imported" if changed else "already up to date"
        self.stdout.write(
            f"{path.slug}: {state} ({lessons} lessons, {len(bundle.resources)} resources)"
        )
