"""The record of one live demo: what a learner asked a model for, and what came back."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Family(models.TextChoices):
    AUTOREGRESSIVE = "autoregressive", _("Transformer")
    VAE = "vae", _("Variational autoencoder")
    GAN = "gan", _("Generative adversarial network")
    FLOW = "flow", _("Normalizing flow")
    DIFFUSION = "diffusion", _("Diffusion model")


class DemoRun(models.Model):
    """A DemoRun is one request to sample from a model family: the validated parameters
    and seed, the checkpoint that answered, and its life from queued through running to
    succeeded or failed, with the result, the timings and the device it ran on.

    Identical requests (family, parameters, seed, checkpoint) give identical results, so
    a finished identical run is copied instead of recomputed (``reused_from``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    FINISHED = (Status.SUCCEEDED, Status.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.CharField(max_length=20, choices=Family.choices)
    params = models.JSONField(help_text="Validated parameters, every default filled in.")
    seed = models.PositiveBigIntegerField(default=0)
    checkpoint_version = models.CharField(
        max_length=80, help_text="Generators version and a digest of the family's checkpoints."
    )
    input_key = models.CharField(
        max_length=64, db_index=True, help_text="Digest of family, params, seed and checkpoint."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_step = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    live_frames = models.JSONField(
        default=list, blank=True, help_text="Diffusion: x̂₀ previews as they come, while running."
    )
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    error_field = models.CharField(max_length=40, blank=True)
    device = models.CharField(max_length=40, blank=True)
    sampling_seconds = models.FloatField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demo_runs",
    )
    session_key = models.CharField(max_length=40, blank=True, db_index=True)
    client = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="Keyed digest of the client's IP."
    )
    reused_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reuses"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="demorun_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress_step__lte=models.F("progress_total"))
                | models.Q(progress_total=0),
                name="demorun_progress_within_total",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="succeeded") | models.Q(result__isnull=False),
                name="demorun_succeeded_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family} run {self.id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("demo_run", args=[self.id])

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return round(100 * self.progress_step / self.progress_total)

    @property
    def queue_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        return max(0.0, (self.started_at - self.created_at).total_seconds())

    @property
    def total_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.created_at).total_seconds()
