"""Files in MEDIA_ROOT that follow the database transaction they were written in.

A row and the file it points at are one write: when the transaction rolls back, the
row is gone, so the file must go too. `media_save` writes at once (the row is saved
pointing at a file that exists) and remembers the file in the innermost
`media_atomic` block; a block that rolls back (an exception, or `set_rollback`)
deletes what was saved inside it, and one that commits hands its files to the block
around it, which may still roll back. A leaf: it imports nothing of the app.

What it cannot see: a rollback of an ordinary `transaction.atomic` block *around* the
outermost `media_atomic` (so every service that writes media is itself wrapped in it).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction

_written: ContextVar[list[str] | None] = ContextVar("media_written", default=None)


def media_save(name: str, content: File) -> str:
    """Save `content` under `name` (or the free name storage picks); the name saved.
    Deleted again if the `media_atomic` block around it rolls back."""
    saved = default_storage.save(name, content)
    pending = _written.get()
    if pending is not None:
        pending.append(saved)
    return saved


@contextmanager
def media_atomic(using: str | None = None) -> Iterator[None]:
    """`transaction.atomic`, plus: the files `media_save` wrote inside are deleted if
    it rolls back. Use as `with media_atomic():` or as a decorator `@media_atomic()`."""
    written: list[str] = []
    token = _written.set(written)
    rolled_back = True  # until the block has left the atomic block without an error
    try:
        with transaction.atomic(using=using):
            yield
            doomed = transaction.get_rollback(using=using)
        rolled_back = doomed
    finally:
        _written.reset(token)
        if rolled_back:
            for name in written:
                default_storage.delete(name)
        elif (outer := _written.get()) is not None:
            outer.extend(written)
