"""Issue 17's two targets, timed in this process on PostgreSQL
(docs/bench-collection.md):

1. sending one directive to the 928 district offices, with its
   notifications queued (a Redis broker, as in production: `--broker-url`),
   under 5 s: `directive_send` (the letter numbered from HQ's register,
   then the service call `request_send`) with route direct to the 928
   district offices (928 answers, a notification to each office's staff),
   and the through-provinces path: `directive_send` (77 legs, the
   provinces' staff told) then the 77 provinces' `leg_forward` (928
   answers, the districts told);
2. HQ's follow-up dashboard of one directive to 928 districts within 2x of
   the same page for one province: the page `performance-directives:dashboard`
   asked through Django's test client by an HQ administrator (the whole
   view), `?level=country` against `?level=province&code=<each of the 77>`.
   Without that page (`--selector`, or when the URL name does not resolve)
   the selector behind it, `request_progress`, is timed instead, and the
   report says so.

    .venv/bin/python -m bench.collection_targets --database saduak_bench_demo

The map is the real one (`load_areas`: 77 provinces, 928 district offices);
the staff (one per provincial and district office, each with an e-mail, so
every notification is queued) and the directive in progress the dashboard
reads come from `collection_generate` (bench/app/). The same dashboard under
load through gunicorn: bench/collection_scenarios.py.

Each timing is the median of `--repeat` calls (each send a new directive,
each call in its own transaction as the services open it); the pages after
one warm call. The database (`--database`) is dropped and made afresh, and
dropped again at the end unless `--keep`; `--reuse` keeps a database that
already has the map (for trying the script again quickly).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEND_TARGET_SECONDS = 5.0
GROWTH_LIMIT = 2.0


def _admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)


def _exists(url: str, database: str) -> bool:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
    return found is not None


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args, "-v0"], cwd=ROOT, env=env, check=True
    )


def median_ms(times: list[float]) -> float:
    return round(statistics.median(times), 1)


def send_summary(direct_ms: list[float], through: list[tuple[float, float]]) -> dict:
    """The medians (and the fastest and slowest runs) of both ways of
    sending, and whether each is under the target (by its slowest run)."""
    send_ms = [send for send, _forwards in through]
    forward_ms = [forwards for _send, forwards in through]
    total_ms = [send + forwards for send, forwards in through]
    limit = SEND_TARGET_SECONDS * 1000
    return {
        "send_direct_928_ms": median_ms(direct_ms),
        "send_direct_928_min_ms": round(min(direct_ms), 1),
        "send_direct_928_max_ms": round(max(direct_ms), 1),
        "send_through_provinces_ms": median_ms(send_ms),
        "forward_77_provinces_ms": median_ms(forward_ms),
        "through_provinces_total_ms": median_ms(total_ms),
        "through_provinces_total_min_ms": round(min(total_ms), 1),
        "through_provinces_total_max_ms": round(max(total_ms), 1),
        f"direct_under_{SEND_TARGET_SECONDS:g}s": max(direct_ms) < limit,
        f"through_provinces_under_{SEND_TARGET_SECONDS:g}s": max(total_ms) < limit,
    }


def growth_summary(country_ms: list[float], province_ms: list[float]) -> dict:
    national, province = statistics.median(country_ms), statistics.median(province_ms)
    ratio = national / province
    return {
        "dashboard_country_ms": round(national, 1),
        "dashboard_province_ms": round(province, 1),
        "dashboard_province_pages": len(province_ms),
        "dashboard_ratio_country_to_province": round(ratio, 2),
        f"dashboard_within_{GROWTH_LIMIT:g}x": ratio <= GROWTH_LIMIT,
    }


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of `repeat` calls, after one warm call."""
    call()
    times = []
    for _n in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def measure_sends(*, repeat: int) -> dict[str, Any]:
    """Times `repeat` directives sent direct to every district office and
    `repeat` sent through the provinces (each a new directive); counts the
    answers, the notifications queued and the queries of one of each."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.app.collection_generator import bench_staff, directive_draft
    from saduak.accounts.models import User
    from saduak.areas.choices import OfficeKind
    from saduak.areas.models import Office
    from saduak.notifications.models import Notification
    from saduak.performance.choices import RequestRoute
    from saduak.performance.models import ReportAnswer
    from saduak.performance.services.collection import leg_forward
    from saduak.performance.services.directives import directive_send

    staff = bench_staff()
    offices = list(
        Office.objects.filter(kind=OfficeKind.DISTRICT_OFFICE, is_active=True)
        .select_related("district", "province")
        .order_by("code")
    )
    direct_ms: list[float] = []
    through: list[tuple[float, float]] = []
    counts: dict[str, Any] = {}
    for n in range(repeat + 1):  # the first of each is the warm call
        directive = directive_draft(
            staff.hq,
            title_th=f"ส่งตรงถึงอำเภอ {n}",
            route=RequestRoute.DIRECT,
            offices=offices,
        )
        told = Notification.objects.count()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            request = directive_send(actor=staff.hq, directive=directive).request
            elapsed = (time.perf_counter() - started) * 1000
        if n:
            direct_ms.append(elapsed)
        else:
            counts.update(
                direct_answers=ReportAnswer.objects.filter(request=request).count(),
                direct_notifications=Notification.objects.count() - told,
                direct_queries=len(queries.captured_queries),
            )

        directive = directive_draft(staff.hq, title_th=f"ส่งผ่านจังหวัด {n}")
        told = Notification.objects.count()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            request = directive_send(actor=staff.hq, directive=directive).request
            send = (time.perf_counter() - started) * 1000
        send_queries = len(queries.captured_queries)
        legs = list(request.legs.select_related("province", "office"))
        started = time.perf_counter()
        for leg in legs:
            leg_forward(actor=staff.provinces[leg.province_id], leg=leg)
        forwards = (time.perf_counter() - started) * 1000
        if n:
            through.append((send, forwards))
        else:
            counts.update(
                through_legs=len(legs),
                through_answers=ReportAnswer.objects.filter(request=request).count(),
                through_notifications=Notification.objects.count() - told,
                through_send_queries=send_queries,
            )
    # What the notifications cost: the same direct send with nobody to tell
    # (the district staff's e-mail addresses blanked for it, then put back).
    district_ids = [person.pk for person in staff.districts.values()]
    emails = dict(User.objects.filter(pk__in=district_ids).values_list("pk", "email"))
    User.objects.filter(pk__in=district_ids).update(email="")
    quiet: list[float] = []
    try:
        for n in range(repeat):
            directive = directive_draft(
                staff.hq,
                title_th=f"ส่งตรงโดยไม่มีผู้รับแจ้ง {n}",
                route=RequestRoute.DIRECT,
                offices=offices,
            )
            started = time.perf_counter()
            directive_send(actor=staff.hq, directive=directive)
            quiet.append((time.perf_counter() - started) * 1000)
    finally:
        for pk, email in emails.items():
            User.objects.filter(pk=pk).update(email=email)
    return {
        **counts,
        "send_repeat": repeat,
        **send_summary(direct_ms, through),
        "send_direct_928_without_notifications_ms": median_ms(quiet),
    }


def measure_dashboard(*, repeat: int, selector: bool) -> dict[str, Any]:
    """Loads the directive in progress (`collection_generate`) and times
    HQ's dashboard for the country and for each province (each province
    `max(1, repeat // 5)` times): the page, or the selector if asked or if
    the page is not there."""
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from bench.app.collection_generator import bench_staff, collection_generate
    from saduak.accounts.units import unit_get
    from saduak.areas.models import Province
    from saduak.identity.step_up import PASSED_AT_KEY
    from saduak.performance.models import ReportRequest
    from saduak.performance.selectors.collection import request_progress

    made = collection_generate(seed=1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    hq = bench_staff().hq
    request = ReportRequest.objects.get(public_id=made.public_id)
    path = ""
    if not selector:
        try:
            path = reverse("performance-directives:dashboard", args=[made.public_id])
        except NoReverseMatch:
            path = ""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(hq)
    session = client.session
    session[PASSED_AT_KEY] = time.time()
    session.save()

    def view(level: str, code: str = "") -> Callable[[], None]:
        if path:

            def page() -> None:
                query = f"level={level}" + (f"&code={code}" if code else "")
                response = client.get(f"{path}?{query}")
                assert response.status_code == 200, response.status_code

            return page

        def progress() -> None:
            unit = unit_get(viewer=hq, level=level, code=code)
            rows = request_progress(request=request, unit=unit).rows
            assert rows

        return progress

    country = timed(view("country"), repeat)
    provinces: list[float] = []
    for code in Province.objects.filter(is_active=True).values_list("code", flat=True):
        provinces += timed(view("province", code), max(1, repeat // 5))
    return {
        "dashboard_measured": (
            f"page {path}" if path else "selector request_progress (no page)"
        ),
        "generator": {
            "answers": made.answers,
            "provinces": made.provinces,
            "by_status": made.by_status,
            "late": made.late,
            "request_send_ms": round(made.send_seconds * 1000, 1),
            "leg_forward_77_ms": round(made.forward_seconds * 1000, 1),
        },
        **growth_summary(country, provinces),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database", default="saduak_bench_demo")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get(
            "BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument(
        "--broker-url",
        default="redis://127.0.0.1:6379/13",
        help="where notifications are queued (emptied before and after); "
        "'' runs their delivery in this process instead (eager)",
    )
    parser.add_argument("--selector", action="store_true", help="time the selector")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse", action="store_true", help="use the database if it has the map"
    )
    options = parser.parse_args()
    database_url = options.pg_admin_url.rsplit("/", 1)[0] + "/" + options.database
    reuse = options.reuse and _exists(options.pg_admin_url, options.database)
    if not reuse:
        _admin(options.pg_admin_url, f'DROP DATABASE IF EXISTS "{options.database}"')
        _admin(options.pg_admin_url, f'CREATE DATABASE "{options.database}"')
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "0",
        "CELERY_BROKER_URL": options.broker_url,
    }
    if options.broker_url:
        import redis

        redis.Redis.from_url(options.broker_url).flushdb()
    try:
        _manage(env, "migrate")
        if not reuse:
            _manage(env, "load_areas")
        os.environ.update(env)
        result = {
            "database": options.database,
            "broker": options.broker_url or "eager (delivered in process)",
            **measure_sends(repeat=options.repeat),
            **measure_dashboard(repeat=options.repeat * 3, selector=options.selector),
        }
        print(json.dumps(result, indent=2, ensure_ascii=False))
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        (results / f"collection-targets-{stamp}.json").write_text(
            json.dumps(result, indent=2, ensure_ascii=False)
        )
    finally:
        if options.broker_url:
            import redis

            redis.Redis.from_url(options.broker_url).flushdb()
        if not options.keep:
            from django.db import connections

            connections.close_all()
            _admin(
                options.pg_admin_url, f'DROP DATABASE IF EXISTS "{options.database}"'
            )


if __name__ == "__main__":
    main()
