"""Writes: loading an episode from a bundle, rebuilding it from its script, replacing
its audio. Each is atomic, files included: the audio file is named by its content, so
writing the same audio twice writes one file, and a file written in a transaction
that rolls back is deleted again (`lessons.media`)."""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from lessons.media import media_atomic, media_save
from lessons.models import AudioType, Episode, LearningPath

from .files import AudioCheck, PodcastSpec, script_sha256
from .formats import vtt_write
from .render import RenderError, render_episode
from .script import script_parse


def _guid(path: LearningPath) -> str:
    # A tag URI: stable for the life of the episode, whatever its URL or title becomes.
    return f"tag:sample-space,2026:podcast/{path.slug}"


def _store_audio(episode: Episode, data: bytes, audio_type: str) -> list[str]:
    """Point the episode at this audio, stored under its hash; the fields it changed."""
    digest = hashlib.sha256(data).hexdigest()
    if digest == episode.audio_sha256 and episode.audio:
        return []
    extension = "ogg" if audio_type == AudioType.OGG else "mp3"
    name = f"podcasts/{episode.path.slug}-{digest[:16]}.{extension}"
    if not default_storage.exists(name):
        name = media_save(name, ContentFile(data))
    episode.audio.name = name
    episode.audio_type, episode.audio_size, episode.audio_sha256 = audio_type, len(data), digest
    episode.audio_updated_at = timezone.now()
    return ["audio", "audio_type", "audio_size", "audio_sha256", "audio_updated_at"]


@media_atomic()
def episode_sync(*, path: LearningPath, spec: PodcastSpec | None) -> bool:
    """Make the path's episode match its bundle's podcast folder; True if anything
    changed. Nothing is written when it already matches (import stays idempotent)."""
    episode = Episode.objects.filter(path=path).first()
    if spec is None:
        if episode is None:
            return False
        episode.delete()
        return True
    wanted = {
        "title": spec.script.title,
        "description": spec.script.description,
        "script": spec.script_text,
        "transcript_vtt": spec.transcript,
        "duration": spec.duration,
        "chapters": spec.chapters or [],
        "build": spec.build or {},
    }
    if episode is None:
        episode = Episode(path=path, guid=_guid(path), published_at=timezone.now(), **wanted)
        if spec.audio is not None:
            _store_audio(episode, spec.audio, spec.audio_type)
        episode.save()
        return True
    episode.path = path
    changed = [key for key, value in wanted.items() if getattr(episode, key) != value]
    for key in changed:
        setattr(episode, key, wanted[key])
    if spec.audio is not None:
        changed += _store_audio(episode, spec.audio, spec.audio_type)
    elif episode.audio:
        episode.audio.name, episode.audio_size, episode.audio_sha256 = "", 0, ""
        changed += ["audio", "audio_size", "audio_sha256"]
    if changed:
        episode.save(update_fields=[*changed, "updated_at"])
    return bool(changed)


def episode_rebuild(*, episode: Episode) -> Episode:
    """Speak the episode's script again (espeak-ng): new audio, transcript and chapter
    times. Raises RenderError (nothing written) when a tool is missing or fails."""
    script = script_parse(episode.script)
    rendering = render_episode(script, script_text=episode.script)  # slow part: outside
    with media_atomic():
        episode = Episode.objects.select_for_update().select_related("path").get(pk=episode.pk)
        if script_sha256(episode.script) != rendering.build["script_sha256"]:
            raise RenderError("the script changed while the audio was being made: try again")
        fields = _store_audio(episode, rendering.audio, AudioType.MP3)
        episode.duration = rendering.duration
        episode.chapters = rendering.chapters
        episode.transcript_vtt = vtt_write(rendering.cues)
        episode.build = rendering.build
        episode.save(
            update_fields=[*fields, "duration", "chapters", "transcript_vtt", "build", "updated_at"]
        )
    return episode


@media_atomic()
def episode_replace_audio(*, episode: Episode, data: bytes, check: AudioCheck, filename: str):
    """Use staff's own recording instead of the generated one (`check` from
    `audio_check`). The transcript and chapters keep their times: rebuild from the
    script to redo them."""
    episode = Episode.objects.select_for_update().select_related("path").get(pk=episode.pk)
    fields = _store_audio(episode, data, check.audio_type)
    episode.duration = check.duration
    episode.build = {"uploaded": filename}
    episode.save(update_fields=[*fields, "duration", "build", "updated_at"])
    return episode


@transaction.atomic
def episode_save_script(*, episode: Episode, script_text: str) -> Episode:
    """Staff wrote or edited the script: title and description follow it. The audio
    keeps playing the old words until it is rebuilt."""
    script = script_parse(script_text)
    episode.script, episode.title = script_text, script.title
    episode.description = script.description
    if episode.pk is None:
        episode.guid = _guid(episode.path)
        episode.published_at = timezone.now()
        episode.save()
    else:
        episode.save(update_fields=["script", "title", "description", "updated_at"])
    return episode
