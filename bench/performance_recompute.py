"""Recomputing every score of a KPI framework, on PostgreSQL (issue 16's
target: a framework of 100 KPIs and 10,000 breakdown rows, under 1 s), and
its ratio to one KPI's recomputation, timed in this process: the service
every change of an input calls at the end of its transaction,
`scores_recompute(round=...)`, against `kpi_score_recompute(result=...)`.

    .venv/bin/python -m bench.performance_recompute --kpis 100 --rows 10000 \\
        --database saduak_bench_performance

The framework comes from `performance_generate` (bench/app/): district
breakdown rows in round 12 over every district of the map, results for every
KPI in rounds 6, 9 and 12, milestone and lower-is-better KPIs among them. The
round timed is round 12 (the one holding the breakdown rows); each timing is
the median of `--repeat` calls after one warm call, each call in its own
transaction as a service's would be: once with nothing to change (what most
recomputes find: one input changed) and once with every score of the round
forgotten beforehand, so that it writes every result and total again. The
database (`--database`) is dropped and made afresh, and dropped again at the
end unless `--keep`.
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
TARGET_SECONDS = 1.0


def _admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args, "-v0"], cwd=ROOT, env=env, check=True
    )


def timed(
    call: Callable[[], object],
    repeat: int,
    before_each: Callable[[], object] | None = None,
) -> list[float]:
    """Milliseconds of `repeat` calls, after one warm call (plans and caches,
    as for a server that has recomputed before); `before_each` runs before
    every call, outside the time."""
    call()
    times = []
    for _n in range(repeat):
        if before_each is not None:
            before_each()
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(
    full_ms: list[float], one_ms: list[float], writing_ms: list[float]
) -> dict[str, Any]:
    """The medians, the ratio of all to one and whether the target is met
    (by the slower of the two full recomputations)."""
    full, one = statistics.median(full_ms), statistics.median(one_ms)
    writing = statistics.median(writing_ms)
    return {
        "recompute_all_ms": round(full, 1),
        "recompute_all_max_ms": round(max(full_ms), 1),
        "recompute_all_writing_every_score_ms": round(writing, 1),
        "recompute_all_writing_max_ms": round(max(writing_ms), 1),
        "recompute_one_kpi_ms": round(one, 2),
        "ratio_all_to_one": round(full / one, 1) if one else None,
        "ratio_all_writing_to_one": round(writing / one, 1) if one else None,
        f"under_{TARGET_SECONDS:g}s": max(full, writing) < TARGET_SECONDS * 1000,
    }


def measure(*, kpis: int, rows: int, repeat: int, seed: int) -> dict[str, Any]:
    """Loads the framework into the configured database and times both
    recomputations; also counts the queries of each (Django's own count)."""
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from bench.app.performance_generator import performance_generate
    from saduak.performance.models import (
        BreakdownRow,
        ComponentScore,
        KpiResult,
        Round,
    )
    from saduak.performance.services.scores import kpi_score_recompute, scores_recompute

    made = performance_generate(kpis=kpis, rows=rows, seed=seed, replace=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    last = Round.objects.get(framework__public_id=made.public_id, months=12)
    one = (
        KpiResult.objects.filter(round=last, kpi__kind="numeric")
        .exclude(numerator=None)
        .select_related("kpi", "round")
        .order_by("kpi__code")
        .first()
    )
    assert one is not None

    def all_scores() -> None:
        with transaction.atomic():
            scores_recompute(round=last)

    def one_score() -> None:
        with transaction.atomic():
            kpi_score_recompute(result=one)

    def forget_scores() -> None:
        # Every score and total of the round changes: the recompute writes all.
        KpiResult.objects.filter(round=last).update(score=None, weighted=None)
        ComponentScore.objects.filter(round=last).delete()

    with CaptureQueriesContext(connection) as everything:
        all_scores()
    with CaptureQueriesContext(connection) as single:
        one_score()
    return {
        "database": connection.vendor,
        "kpis": made.kpis,
        "milestone_kpis": made.milestone_kpis,
        "lower_kpis": made.lower_kpis,
        "results_in_round": KpiResult.objects.filter(round=last).count(),
        "breakdown_rows_in_framework": BreakdownRow.objects.filter(
            result__round__framework__public_id=made.public_id
        ).count(),
        "load_seconds": round(made.seconds, 1),
        "round_score": str(Round.objects.get(pk=last.pk).score),
        "queries_all": len(everything.captured_queries),
        "queries_one": len(single.captured_queries),
        "repeat": repeat,
        **summary(
            timed(all_scores, repeat),
            timed(one_score, repeat),
            timed(all_scores, repeat, before_each=forget_scores),
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpis", type=int, default=100)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default="saduak_bench_performance")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get(
            "BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
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
        result = measure(
            kpis=options.kpis,
            rows=options.rows,
            repeat=options.repeat,
            seed=options.seed,
        )
        print(json.dumps(result, indent=2))
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        (results / f"performance-recompute-{stamp}.json").write_text(
            json.dumps(result, indent=2)
        )
    finally:
        if not options.keep:
            from django.db import connections

            connections.close_all()
            _admin(
                options.pg_admin_url, f'DROP DATABASE IF EXISTS "{options.database}"'
            )


if __name__ == "__main__":
    main()
