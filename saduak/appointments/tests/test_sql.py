"""Every statement of `saduak/appointments/sql.py`, run on the database the
suite runs on (SQLite, and PostgreSQL in CI's second run)."""

import pytest
from django.db import connection, transaction

from saduak.appointments import sql
from saduak.appointments.models import MobileServedCounts

pytestmark = pytest.mark.django_db


def test_the_mobile_rollup_lock_is_taken_on_postgresql_and_reading_still_works():
    with transaction.atomic():
        sql.mobile_rollups_lock()
        assert MobileServedCounts.objects.count() == 0
    assert sql.takes_locks() == (connection.vendor == "postgresql")
