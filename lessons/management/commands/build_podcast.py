import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lessons.podcast.files import FOLDER, SCRIPT, PodcastSpec, podcast_write
from lessons.podcast.formats import clock, vtt_write
from lessons.podcast.render import RenderError, render_episode
from lessons.podcast.script import ScriptError, script_parse

CONTENT = Path(settings.BASE_DIR) / "lessons" / "content"


class Command(BaseCommand):
    help = (
        "Speak a path's podcast script with espeak-ng (two voices) and write the episode "
        "audio, its timed transcript and episode.json beside the script. The same script "
        "and voices give the same bytes. Load the result with import_path."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The path's slug, e.g. how-generative-ai-works")
        parser.add_argument(
            "--bundle",
            help="The bundle folder (default: lessons/content/SLUG).",
        )

    def handle(self, slug, bundle=None, **options):
        directory = Path(bundle) if bundle else CONTENT / slug
        script_file = directory / FOLDER / SCRIPT
        if not script_file.is_file():
            raise CommandError(f"{script_file}: no podcast script there.")
        text = script_file.read_bytes().decode("utf-8")
        try:
            script = script_parse(text)
        except ScriptError as error:
            raise CommandError(f"{script_file}:{error}") from error
        started = time.monotonic()
        try:
            rendering = render_episode(script, script_text=text)
        except RenderError as error:
            raise CommandError(f"Nothing was written. {error}") from error
        spec = PodcastSpec(
            script_text=text,
            script=script,
            audio=rendering.audio,
            transcript=vtt_write(rendering.cues),
            duration=rendering.duration,
            chapters=rendering.chapters,
            build=rendering.build,
        )
        podcast_write(spec, directory)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{slug}: {clock(rendering.duration)} ({rendering.duration:.1f} s), "
            f"{len(rendering.chapters)} chapters, {len(rendering.cues)} cues, "
            f"{len(rendering.audio) / 1e6:.2f} MB, built in {seconds:.1f} s → {directory / FOLDER}"
        )
