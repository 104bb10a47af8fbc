from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons.authoring.archive import bundle_to_zip
from lessons.authoring.bundle import bundle_write
from lessons.authoring.selectors import path_bundle
from lessons.models import LearningPath


class Command(BaseCommand):
    help = (
        "Write a learning path to a bundle: a folder (path.yaml + lessons/*.md), or one "
        ".zip file when the target ends in .zip."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("target", help="A folder, or a file name ending in .zip")

    def handle(self, slug, target, **options):
        path = LearningPath.objects.filter(slug=slug).first()
        if path is None:
            raise CommandError(f"No learning path with slug '{slug}'.")
        bundle = path_bundle(path=path)
        if target.endswith(".zip"):
            data = bundle_to_zip(bundle)
            Path(target).write_bytes(data)
            self.stdout.write(f"{slug}: written to {target} ({len(data)} bytes)")
        else:
            bundle_write(bundle, Path(target))
            self.stdout.write(f"{slug}: written to {target}")
