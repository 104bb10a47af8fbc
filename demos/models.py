"""The record of one live demo: what a learner asked a model for, and what came back."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Family(models.TextChoices):
    AUTOREGRESSIVE = "autoregressive", _("Transformer")
    VAE = "vae", _("Variational autoencoder")
    GAN = "gan", _("Generative adversarial network")
    FLOW = "flow", _("Normalizing flow")
    DIFFUSION = "diffusion", _("Diffusion model")


class WorkerJob(models.Model):
    """What a worker does for a learner, as the reaper and the pages see it: how many
    times a worker took it, when it was asked for, started, last reported and ended,
    the device it ran on, and why it failed."""

    error = models.TextField(blank=True)
    error_field = models.CharField(max_length=40, blank=True)
    device = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    FINISHED: tuple = ()

    class Meta:
        abstract = True

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED


class DemoRun(WorkerJob):
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
    batch_key = models.CharField(
        max_length=64, blank=True, help_text="Runs with one key can share a batch; blank: alone."
    )
    batch = models.UUIDField(
        null=True, blank=True, help_text="The run whose worker task sampled this one."
    )
    progress_step = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    live_frames = models.JSONField(
        default=list, blank=True, help_text="Diffusion: x̂₀ previews as they come, while running."
    )
    result = models.JSONField(null=True, blank=True)
    sampling_seconds = models.FloatField(null=True, blank=True)
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
    training = models.ForeignKey(
        "TrainingRun",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sample_runs",
        help_text="Sampled from this learner-trained model instead of the shipped checkpoint.",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="demorun_status_created"),
            models.Index(fields=["batch_key", "status", "created_at"], name="demorun_batch_queue"),
        ]
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


STATE_MAX_BYTES = 32 * 1024 * 1024  # a trained model's weights (safetensors) at most


class TrainingRun(WorkerJob):
    """A TrainingRun is a learner training one family's model from scratch on a dataset
    (a toy set, or points they drew): the knobs and seed they chose, its life from queued
    through running to succeeded, failed or cancelled, what it showed along the way
    (``TrainingSnapshot``), and at the end the trained weights, which the learner can
    then sample from (a ``DemoRun`` with ``training`` set).

    A training belongs to its learner, or to the browser session that started it; no one
    else may read it. An anonymous session's weights are deleted after
    ``TRAINING_STATE_TTL_HOURS`` (the record and its snapshots stay)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Training")
        SUCCEEDED = "succeeded", _("Trained")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Stopped")

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)
    ACTIVE = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.CharField(max_length=20, choices=Family.choices)
    dataset = models.CharField(max_length=20)
    params = models.JSONField(help_text="Validated knobs, every default filled in.")
    points = models.JSONField(
        null=True, blank=True, help_text="The drawn dataset as [[x, y], ...], kept with the run."
    )
    seed = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    measure = models.JSONField(
        null=True, blank=True, help_text="The trained model's final measure (name, value, …)."
    )
    state = models.BinaryField(
        null=True, blank=True, help_text="The trained weights (safetensors); null once deleted."
    )
    config = models.JSONField(null=True, blank=True, help_text="The model's config, for sampling.")
    cancel_requested = models.BooleanField(default=False)
    training_seconds = models.FloatField(null=True, blank=True)
    state_deleted_at = models.DateTimeField(null=True, blank=True)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="trainings",
    )
    session_key = models.CharField(max_length=40, blank=True, db_index=True)
    client = models.CharField(
        max_length=64, blank=True, help_text="Keyed digest of the client's IP."
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="training_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(learner__isnull=False) | ~models.Q(session_key=""),
                name="training_has_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(step__lte=models.F("total")) | models.Q(total=0),
                name="training_step_within_total",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="succeeded")
                | models.Q(measure__isnull=False, config__isnull=False),
                name="training_succeeded_has_model",
            ),
            models.CheckConstraint(
                condition=~models.Q(dataset="drawn") | models.Q(points__isnull=False),
                name="training_drawn_has_points",
            ),
            models.CheckConstraint(
                condition=models.Q(state__isnull=True)
                | models.Q(LessThanOrEqual(Length("state"), STATE_MAX_BYTES)),
                name="training_state_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family} training {self.id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("training_detail", args=[self.id])

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return round(100 * self.step / self.total) if self.total else 0


class TrainingSnapshot(models.Model):
    """A TrainingSnapshot is what a training showed at one moment: the step, the losses
    and samples drawn from the model as it was then, and its measure.

    One row per snapshot, so each is one INSERT while the training runs (a JSON list on
    the run would be rewritten whole, and grow, at every snapshot), the slider reads one
    row by its index, and the loss curve reads the losses without the samples."""

    run = models.ForeignKey(TrainingRun, on_delete=models.CASCADE, related_name="snapshots")
    index = models.PositiveIntegerField()
    step = models.PositiveIntegerField()
    seconds = models.FloatField(default=0)
    losses = models.JSONField(default=dict)
    samples = models.JSONField(default=dict, help_text='{"points"|"images"|"text": ...}')
    measure = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["run", "index"]
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="snapshot_index_once_per_run")
        ]

    def __str__(self) -> str:
        return f"snapshot {self.index} of {self.run_id} (step {self.step})"
