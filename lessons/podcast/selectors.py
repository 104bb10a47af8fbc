"""Reads: the episode of a path, the episodes in the feed, the transcript as paragraphs."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from lessons.models import Episode, LearningPath, Visibility

from .files import PodcastSpec
from .formats import Cue, vtt_read
from .script import script_parse


def episode_of(*, path: LearningPath) -> Episode | None:
    """The path's episode, or None (one query). A clone has none of its own: the
    podcast is linked, not copied, so it plays the episode of the path it was cloned
    from (one more query per step back along `cloned_from`)."""
    episode = Episode.objects.filter(path=path).first()
    source, hops = path, 0
    while episode is None and source.cloned_from_id is not None and hops < 10:
        source = LearningPath.objects.only("id", "cloned_from_id").get(pk=source.cloned_from_id)
        episode = Episode.objects.filter(path_id=source.pk).first()
        hops += 1
    if episode is not None:
        episode.path = path
    return episode


def episode_spec(*, episode: Episode) -> PodcastSpec:
    """The episode as the bundle's podcast folder (for export): reads its audio file."""
    audio = None
    if episode.has_audio:
        with episode.audio.open("rb") as file:
            audio = file.read()
    return PodcastSpec(
        script_text=episode.script,
        script=script_parse(episode.script),
        audio=audio,
        audio_type=episode.audio_type,
        transcript=episode.transcript_vtt,
        duration=episode.duration,
        chapters=episode.chapters,
        build=episode.build,
    )


def episodes_in_feed() -> QuerySet[Episode]:
    """Episodes the public feed lists: those of public, staff-owned paths that have
    audio, newest first (one query)."""
    return (
        Episode.objects.filter(
            path__visibility=Visibility.PUBLIC, path__owner__isnull=True, audio_size__gt=0
        )
        .exclude(audio="")
        .select_related("path")
        .order_by("-published_at", "id")
    )


@dataclass
class Paragraph:
    """One speaker's turn in the transcript: consecutive cues of the same voice."""

    speaker: str
    cues: list[tuple[int, Cue]]  # (cue number, cue)

    @property
    def start(self) -> float:
        return self.cues[0][1].start


@dataclass
class TranscriptChapter:
    title: str
    start: float
    paragraphs: list[Paragraph] = field(default_factory=list)


def transcript_chapters(*, episode: Episode) -> list[TranscriptChapter]:
    """The timed transcript cut into the chapters and turns the page shows."""
    if not episode.transcript_vtt:
        return []
    cues = vtt_read(episode.transcript_vtt)
    chapters = [
        TranscriptChapter(title=c["title"], start=c["start"]) for c in episode.chapters
    ] or [TranscriptChapter(title="", start=0.0)]
    index = 0
    for number, cue in enumerate(cues, start=1):
        while index + 1 < len(chapters) and cue.start >= chapters[index + 1].start:
            index += 1
        paragraphs = chapters[index].paragraphs
        if paragraphs and paragraphs[-1].speaker == cue.speaker:
            paragraphs[-1].cues.append((number, cue))
        else:
            paragraphs.append(Paragraph(speaker=cue.speaker, cues=[(number, cue)]))
    return chapters
