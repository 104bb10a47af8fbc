"""Error types more than one concept raises or catches. A leaf: it imports nothing of
the app, so every module may import it."""


class BundleError(ValueError):
    """A bundle that cannot be loaded; the message starts with `file:line:`."""

    def __init__(self, file: str, line: int | None, message: str):
        self.file, self.line, self.message = file, line, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")
