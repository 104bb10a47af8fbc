"""Fail trainings whose worker is gone and delete anonymous sessions' old weights."""

from django.core.management.base import BaseCommand

from demos.training.services import trainings_cleanup, trainings_reap


class Command(BaseCommand):
    help = (
        "Fail trainings whose worker is gone; delete the trained weights of anonymous "
        "sessions' trainings older than TRAINING_STATE_TTL_HOURS (run it from cron)."
    )

    def handle(self, *args, **options) -> None:
        deleted = trainings_cleanup()
        ended = trainings_reap()
        self.stdout.write(f"weights of {deleted} trainings deleted; {ended} trainings failed")
