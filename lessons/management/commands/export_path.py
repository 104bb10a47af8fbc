from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons.bundle import bundle_write
from lessons.models import LearningPath
from lessons.selectors import path_bundle


class Command(BaseCommand):
    help = "Write a learning path to a bundle folder (path.yaml + lessons/*.md)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("directory")

    def handle(self, slug, directory, **options):
        path = LearningPath.objects.filter(slug=slug).first()
        if path is None:
            raise CommandError(f"No learning path with slug '{slug}'.")
        bundle_write(path_bundle(path=path), Path(directory))
        self.stdout.write(f"{slug}: written to {directory}")
