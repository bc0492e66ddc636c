"""Every statement of saduak/complaints/sql.py, on the database the suite
runs on (SQLite, and PostgreSQL in the second CI run)."""

import hashlib

import pytest
from django.db import connection, transaction

from saduak.complaints import sql
from saduak.complaints.models import ComplaintReportCounts

pytestmark = pytest.mark.django_db


def test_the_rollup_lock_is_taken_on_postgresql_and_reading_still_works() -> None:
    with transaction.atomic():
        sql.report_rollups_lock()
        assert ComplaintReportCounts.objects.count() == 0
    assert sql.takes_locks() == (connection.vendor == "postgresql")


def test_the_fingerprint_lock_takes_any_sha256() -> None:
    for text in ("", "ffff", "ถนน"):
        fingerprint = hashlib.sha256(text.encode()).hexdigest()
        with transaction.atomic():
            sql.fingerprint_lock(fingerprint)
            sql.fingerprint_lock(fingerprint)  # the same transaction again
    with transaction.atomic():
        sql.fingerprint_lock("f" * 64)
