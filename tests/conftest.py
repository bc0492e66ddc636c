"""Fixtures of the project-wide tests in tests/."""

from collections.abc import Iterator

import pytest
from django.core import signals
from django.db import close_old_connections


@pytest.fixture
def connections_kept() -> Iterator[None]:
    """schemathesis calls the WSGI application itself, whose request signals would
    close the test's connection inside its transaction; Django's test client
    disconnects them the same way. With this a fuzz test runs in a transaction
    rolled back at its end, rather than a transactional test whose database is
    emptied afterwards (seconds per test on PostgreSQL)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
