"""The demos' broker and worker fixtures, for the Lab's browser test."""

from tests.demos.conftest import redis_broker, worker  # noqa: F401
