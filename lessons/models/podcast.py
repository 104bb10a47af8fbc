from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AudioType(models.TextChoices):
    MP3 = "audio/mpeg", _("MP3")
    OGG = "audio/ogg", _("Ogg (Opus or Vorbis)")


AUDIO_EXTENSIONS = {AudioType.MP3: "mp3", AudioType.OGG: "ogg"}


class Episode(models.Model):
    """An Episode is a path's podcast: a two-voice conversation through the path's big
    ideas. Its script lives in the path's bundle; the audio is made from it by
    `build_podcast` (or uploaded by staff), and the transcript and chapters carry times
    measured on that audio. A path has at most one episode."""

    path = models.OneToOneField(
        "lessons.LearningPath", on_delete=models.CASCADE, related_name="episode"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    script = models.TextField(help_text=_("The script as written: '## Chapter', 'HOST: …'."))
    audio = models.FileField(upload_to="podcasts/", max_length=300, blank=True)
    audio_type = models.CharField(max_length=20, choices=AudioType.choices, default=AudioType.MP3)
    audio_size = models.PositiveBigIntegerField(default=0, help_text=_("Bytes."))
    audio_sha256 = models.CharField(max_length=64, blank=True)
    audio_updated_at = models.DateTimeField(null=True, blank=True)
    duration = models.FloatField(default=0, help_text=_("Seconds, measured on the audio."))
    chapters = models.JSONField(default=list, help_text=_('[{"title": …, "start": seconds}]'))
    transcript_vtt = models.TextField(blank=True, help_text=_("WebVTT, timed on the audio."))
    build = models.JSONField(default=dict, blank=True, help_text=_("How the audio was made."))
    guid = models.CharField(max_length=200, unique=True, help_text=_("Stable id in the feed."))
    published_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration__gte=0), name="episode_duration_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("path_podcast", kwargs={"slug": self.path.slug})

    @property
    def audio_extension(self) -> str:
        return AUDIO_EXTENSIONS.get(self.audio_type, "mp3")

    @property
    def has_audio(self) -> bool:
        return bool(self.audio) and self.audio_size > 0
