"""Every statement of saduak.eservices.sql run against the database the suite
runs on (SQLite by default, PostgreSQL with DATABASE_URL): hand-written SQL is
tested on both, not trusted from one."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saduak.core.references import new_reference
from saduak.eservices import sql
from saduak.eservices.choices import ApplicationStatus
from saduak.eservices.models import (
    Application,
    ApplicationDecisionCounts,
    ApplicationDecisionMinutes,
    ApplicationReportCounts,
)
from saduak.eservices.selectors.applications import published_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_cases(low_income, make_user, district_office):
    """Open applications of the district office: three at intake, one at the
    committee, and one closed one at intake."""
    version = published_version(low_income)
    applicant = make_user(first_name="สมหญิง", last_name="ใจดี")
    stages = [
        ("intake", ApplicationStatus.IN_PROGRESS),
        ("intake", ApplicationStatus.RETURNED),
        ("intake", ApplicationStatus.IN_PROGRESS),
        ("committee", ApplicationStatus.IN_PROGRESS),
        ("intake", ApplicationStatus.CLOSED),
    ]
    for stage, status in stages:
        Application.objects.create(
            reference=new_reference(),
            version=version,
            service=low_income,
            applicant=applicant,
            office=district_office,
            district_code=district_office.district_id or "",
            province_code=district_office.province_id or "",
            status=status,
            stage=stage,
            stage_entered_at=timezone.now(),
            submitted_at=timezone.now(),
        )
    return Application.objects.filter(
        office=district_office,
        status__in=(ApplicationStatus.IN_PROGRESS, ApplicationStatus.RETURNED),
    )


@pytest.mark.parametrize("bound", [1, 2, 3, 10])
def test_the_bounded_counts_are_the_orm_counts_cut_at_bound_plus_one(open_cases, bound):
    querysets = [
        open_cases.filter(stage="intake"),
        open_cases.filter(stage="committee"),
        open_cases.filter(stage="payment"),
        open_cases,
    ]
    with CaptureQueriesContext(connection) as queries:
        found = sql.counts_at_most(querysets, bound)
    assert len(queries) == 1
    assert found == [min(queryset.count(), bound + 1) for queryset in querysets]
    assert [queryset.count() for queryset in querysets] == [3, 1, 0, 4]


def test_no_querysets_are_no_counts_and_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert sql.counts_at_most([], 5) == []
    assert len(queries) == 0


def test_only_postgresql_locks_the_report_rollups():
    assert sql.locks_report_rollups() == (connection.vendor == "postgresql")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="LOCK TABLE: PostgreSQL only"
)
def test_the_lock_holds_the_three_report_rollups_until_the_transaction_ends():
    tables = [
        model._meta.db_table
        for model in (
            ApplicationReportCounts,
            ApplicationDecisionMinutes,
            ApplicationDecisionCounts,
        )
    ]
    held = (
        "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE l.pid = pg_backend_pid() AND l.granted "
        "AND l.mode = 'ShareRowExclusiveLock' ORDER BY c.relname"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(held)
        assert cursor.fetchall() == []
        sql.report_rollups_lock()
        cursor.execute(held)
        assert [row[0] for row in cursor.fetchall()] == sorted(tables)


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="SQLite: IMMEDIATE transactions"
)
def test_on_sqlite_the_lock_sends_nothing():
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        sql.report_rollups_lock()
    assert [query["sql"] for query in queries] == []
