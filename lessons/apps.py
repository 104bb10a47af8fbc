from django.apps import AppConfig


class LessonsConfig(AppConfig):
    """Learning paths, their lesson trees and resources, and learners' progress."""

    name = "lessons"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (keeps anonymous progress on sign-in)
        from .accounts import connect_signals as connect_user_signals
        from .cache import connect_signals

        connect_signals()  # every write to a path's content bumps its cache version
        connect_user_signals()  # every write to a user forgets the kept one
