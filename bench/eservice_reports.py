"""The e-service report at national volume, on PostgreSQL: a fiscal year of
applications over every district office, then the report as HQ (the country),
a province's staff and a district's admin would open it, timed in this process
(the selector the page calls; the page adds its form and template on top).

    .venv/bin/python -m bench.eservice_reports --applications 1000000 \\
        --baseline-rev b72f74a

It also times the backfill (the first recount, which fills the rollups from the
applications) and a recount with nothing to repair: the nightly task's cost.
`--baseline-rev` loads saduak/eservices/selectors/reports.py of that git
revision (the live aggregation over the applications it replaced) and times it
on the same data, in the same run, for the before/after comparison.

The database (`--database`, default saduak_bench_reports) is dropped and made
afresh, and dropped again at the end unless `--keep`. The applications are
written straight into the table (no events or audit trail), like
eservices_generate_applications: what the report reads is all there."""

import argparse
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
BANGKOK = ZoneInfo("Asia/Bangkok")
FISCAL_YEAR_START = datetime(2024, 10, 1, tzinfo=BANGKOK)
GROUPINGS = (("service", "office"), ("office",), ("month",), ("service", "stage"))
STAGES = ("intake", "fact_check", "committee", "payment")


def _admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args, "-v0"], cwd=ROOT, env=env, check=True
    )


def _load(count: int, seed: int) -> dict[str, Any]:
    from django.db import transaction

    from saduak.accounts.models import User
    from saduak.areas.choices import OfficeKind
    from saduak.areas.models import Office
    from saduak.core.personal_id import with_check_digit
    from saduak.eservices.catalogue import builtin_services_install
    from saduak.eservices.choices import ApplicationStatus, Outcome, VersionStatus
    from saduak.eservices.models import Application, ServiceVersion

    builtin_services_install()
    versions = list(
        ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
            "service"
        )
    )
    offices = list(
        Office.objects.filter(kind=OfficeKind.DISTRICT_OFFICE, is_active=True)
    )
    applicant = User.objects.create_user(
        with_check_digit("899999999990"), None, first_name="ผู้ยื่น", last_name="โหลด"
    )
    picks = random.Random(seed)
    started = time.perf_counter()
    made = 0
    while made < count:
        rows = []
        for _n in range(min(5000, count - made)):
            made += 1
            version = picks.choice(versions)
            office = picks.choice(offices)
            submitted = FISCAL_YEAR_START + timedelta(
                seconds=picks.randrange(365 * 86400)
            )
            fate = picks.random()
            row = Application(
                reference=f"B{made:09d}",
                version=version,
                service=version.service,
                applicant=applicant,
                office=office,
                district_code=office.district_id or "",
                province_code=office.province_id or "",
                submitted_at=submitted,
                status=ApplicationStatus.IN_PROGRESS,
                stage=picks.choice(STAGES),
                answers={"requested_amount": "3000.00"},
            )
            if fate < 0.05:
                row.status = ApplicationStatus.RETURNED
            elif fate < 0.75:
                row.decided_at = submitted + timedelta(
                    seconds=picks.randrange(3600, 40 * 86400)
                )
                if fate < 0.2:
                    row.outcome, row.status, row.stage = (
                        Outcome.REJECTED,
                        ApplicationStatus.CLOSED,
                        "closed",
                    )
                elif fate < 0.35:
                    row.outcome, row.stage = Outcome.APPROVED, "payment"
                    row.approved_amount = Decimal(picks.choice((1000, 2000, 3000)))
                else:
                    row.outcome, row.status, row.stage = (
                        Outcome.PAID,
                        ApplicationStatus.CLOSED,
                        "closed",
                    )
                    row.approved_amount = Decimal(picks.choice((1000, 2000, 3000)))
            rows.append(row)
        with transaction.atomic():
            Application.objects.bulk_create(rows, batch_size=1000)
    return {
        "applications": made,
        "offices": len(offices),
        "services": len(versions),
        "load_seconds": round(time.perf_counter() - started, 1),
    }


def _viewers() -> dict[str, Any]:
    from saduak.accounts.choices import Role
    from saduak.accounts.models import User
    from saduak.accounts.services import staff_role_grant
    from saduak.areas.models import Office
    from saduak.core.personal_id import with_check_digit

    viewers = {}
    for number, (name, role, office) in enumerate(
        (
            ("country (HQ)", Role.HQ_ADMIN, "hq"),
            ("province 50", Role.PROVINCIAL_STAFF, "pao-50"),
            ("district 5001", Role.DISTRICT_ADMIN, "do-5001"),
        )
    ):
        user = User.objects.create_user(
            with_check_digit(f"79999999900{number}"), None, first_name="ผู้ดู"
        )
        staff_role_grant(
            user=user, role=role, office=Office.objects.get(code=office), actor="bench"
        )
        viewers[name] = user
    return viewers


def _baseline(revision: str) -> ModuleType:
    source = subprocess.run(
        ["git", "show", f"{revision}:saduak/eservices/selectors/reports.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "baseline_reports.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("baseline_reports", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _time(call: Any, repeat: int) -> tuple[float, Any]:
    call()  # warm: plans and caches, as a page already opened once
    times, result = [], None
    for _n in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def _measure(options: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection

    from saduak.eservices.models import ApplicationDecisionMinutes
    from saduak.eservices.models import ApplicationReportCounts as Counts
    from saduak.eservices.report_rollups import report_rollups_recount
    from saduak.eservices.selectors import reports

    loaded = _load(options.applications, options.seed)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    backfill_repaired = report_rollups_recount()
    backfill = time.perf_counter() - started
    started = time.perf_counter()
    nightly_repaired = report_rollups_recount()
    nightly = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    result: dict[str, Any] = {
        **loaded,
        "count_rows": Counts.objects.count(),
        "minutes_rows": ApplicationDecisionMinutes.objects.count(),
        "backfill_seconds": round(backfill, 1),
        "backfill_rows_made": backfill_repaired,
        "recount_no_drift_seconds": round(nightly, 1),
        "recount_no_drift_repaired": nightly_repaired,
        "reports": [],
    }
    baseline = _baseline(options.baseline_rev) if options.baseline_rev else None
    for name, viewer in _viewers().items():
        for group_by in GROUPINGS:
            filters = reports.ReportFilters(
                start=FISCAL_YEAR_START.date(),
                end=FISCAL_YEAR_START.date() + timedelta(days=364),
                group_by=group_by,
            )
            after_ms, after = _time(
                lambda viewer=viewer, filters=filters: reports.applications_report(
                    viewer=viewer, filters=filters
                ),
                options.repeat,
            )
            line: dict[str, Any] = {
                "viewer": name,
                "group_by": "+".join(group_by),
                "received": after.total.received,
                "after_ms": round(after_ms, 1),
            }
            if baseline is not None:
                old_filters = baseline.ReportFilters(
                    start=filters.start, end=filters.end, group_by=group_by
                )
                before_ms, before = _time(
                    lambda viewer=viewer, old_filters=old_filters: (
                        baseline.applications_report(viewer=viewer, filters=old_filters)
                    ),
                    options.repeat,
                )
                line["before_ms"] = round(before_ms, 1)
                line["same_totals"] = (
                    before.total.received,
                    before.total.approved,
                    before.total.paid,
                    before.total.amount_paid,
                    len(before.rows),
                ) == (
                    after.total.received,
                    after.total.approved,
                    after.total.paid,
                    after.total.amount_paid,
                    len(after.rows),
                )
                line["median_difference_days"] = (
                    abs(before.total.median_days - after.total.median_days)
                    if before.total.median_days is not None
                    and after.total.median_days is not None
                    else None
                )
            result["reports"].append(line)
            print(json.dumps(line, default=str), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--database", default="saduak_bench_reports")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get(
            "BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--baseline-rev", default="")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    database_url = options.pg_admin_url.rsplit("/", 1)[0] + "/" + options.database
    _admin(options.pg_admin_url, f'DROP DATABASE IF EXISTS "{options.database}"')
    _admin(options.pg_admin_url, f'CREATE DATABASE "{options.database}"')
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "0",
        "CELERY_TASK_ALWAYS_EAGER": "1",
    }
    try:
        _manage(env, "migrate")
        _manage(env, "load_areas")
        os.environ.update(env)
        result = _measure(options)
        print(json.dumps({k: v for k, v in result.items() if k != "reports"}))
    finally:
        if not options.keep:
            from django.db import connections

            connections.close_all()
            _admin(
                options.pg_admin_url, f'DROP DATABASE IF EXISTS "{options.database}"'
            )


if __name__ == "__main__":
    main()
