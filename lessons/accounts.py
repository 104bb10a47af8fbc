"""The signed-in user, from the cache: a signed-in page costs no user query.

Django's `ModelBackend` reads the user the session names from the database on every
request. `CachedUserBackend` keeps that row in Django's cache (Redis in deployment),
and every save or delete of a user forgets it, now and again when the transaction
commits, in whichever process writes (the admin, `changepassword`, a sign-in updating
`last_login`). So a changed password still ends the other sessions at once (Django
compares the session's hash with the kept row's), and a deactivated user is signed
out on their next request. Each request gets its own unpickled copy: nothing one
request sets on its user reaches another.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

USER_SECONDS = 3600  # a bound on staleness should a forget ever be missed


def _key(user_id) -> str:
    return f"user:{user_id}"


class CachedUserBackend(ModelBackend):
    """`ModelBackend` (passwords, permissions, `is_active`) with the user kept."""

    def get_user(self, user_id):
        user = cache.get(_key(user_id))
        if user is None:
            user = super().get_user(user_id)  # None if absent or may not sign in
            if user is not None:
                cache.set(_key(user_id), user, USER_SECONDS)
            return user
        return user if self.user_can_authenticate(user) else None


def forget_user(user_id) -> None:
    """The next request reads this user from the database (now, and again once the
    transaction commits: a request between the two may have kept the old row)."""
    cache.delete(_key(user_id))
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.delete(_key(user_id)))


def _on_write(sender, instance, **kwargs) -> None:
    forget_user(instance.pk)


def connect_signals() -> None:
    user = get_user_model()
    post_save.connect(_on_write, sender=user, dispatch_uid="forget-user")
    post_delete.connect(_on_write, sender=user, dispatch_uid="forget-user-d")
