from django.core.management.base import BaseCommand, CommandError

from lessons.bundle import BundleError, bundle_read
from lessons.services import path_import


class Command(BaseCommand):
    help = "Load a learning path from a bundle folder (path.yaml + lessons/*.md). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", help="The bundle folder, e.g. lessons/content/how-generative-ai-works"
        )

    def handle(self, directory, **options):
        try:
            bundle = bundle_read(directory)
        except BundleError as error:
            raise CommandError(f"Nothing was imported. {error}") from error
        path, changed = path_import(bundle=bundle)
        lessons = sum(1 for _ in bundle.walk())
        state = "imported" if changed else "already up to date"
        self.stdout.write(
            f"{path.slug}: {state} ({lessons} lessons, {len(bundle.resources)} resources)"
        )
