from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lessons.authoring.figures import FOLDER
from lessons.figures import registry

CONTENT = Path(settings.BASE_DIR) / "lessons" / "content"


class Command(BaseCommand):
    help = (
        "Draw a path's figures from code (lessons/figures/) into its bundle's figures/ "
        "folder: the same code and checkpoints give the same bytes. --check draws into a "
        "temporary folder instead and fails naming every file that differs, is missing or "
        "is drawn by no code. Load the result with import_path."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The path's slug, e.g. how-generative-ai-works")
        parser.add_argument(
            "--check", action="store_true", help="Compare with the folder; write nothing."
        )
        parser.add_argument("--only", help="Only the figures whose file names contain this.")

    def handle(self, slug, check=False, only=None, **options):
        if slug != registry.PATH_SLUG:
            raise CommandError(f"No figures are drawn by code for '{slug}'.")
        folder = CONTENT / slug / FOLDER
        if check:
            problems = registry.draw_check(folder, only=only)
            if problems:
                raise CommandError(
                    f"{len(problems)} figure file(s) out of date; run "
                    f"`manage.py draw_figures {slug}`:\n" + "\n".join(problems)
                )
            self.stdout.write(f"{slug}: every figure redraws to the bytes in {folder}")
            return
        written = registry.draw_all(folder, only=only)
        if only and not written:
            raise CommandError(f"No figure's file name contains '{only}'.")
        for path in written:
            self.stdout.write(f"{path} ({path.stat().st_size} bytes)")
        drawn = {figure_file for fig in registry.load() for figure_file in fig.files}
        stray = sorted(p.name for p in folder.glob("*") if p.name not in drawn)
        if stray:
            self.stderr.write(f"Drawn by no code (delete them, or draw them): {', '.join(stray)}")
