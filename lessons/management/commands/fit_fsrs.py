from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from lessons.flashcards.parameters import MIN_REVIEWS, parameters_fit, parameters_fit_all


class Command(BaseCommand):
    help = (
        "Fit FSRS parameters from the stored reviews: the whole site's, then each learner's "
        f"with at least {MIN_REVIEWS} reviews (what the daily task does). With --learner, "
        "only that learner's."
    )

    def add_arguments(self, parser):
        parser.add_argument("--learner", help="A username: fit only this learner's reviews.")

    def handle(self, learner=None, **options):
        if learner is None:
            result = parameters_fit_all()
            self.stdout.write(
                f"fitted {result['fitted']} parameter sets; "
                f"{result['learners_below']} learners below {MIN_REVIEWS} reviews "
                "keep the shared ones"
            )
            return
        user = User.objects.filter(username=learner).first()
        if user is None:
            raise CommandError(f"No learner named '{learner}'.")
        fitted = parameters_fit(learner=user)
        if fitted is None:
            self.stdout.write(
                f"{learner}: fewer than {MIN_REVIEWS} reviews across days; defaults kept"
            )
        else:
            self.stdout.write(f"{learner}: fitted on {fitted.review_count} reviews")
