"""Amphoe Sang Suk (the happiness vote) under load: votes from many devices for
many offices, one device's vote sent twenty times at once, and the national
ranking page with ten thousand and with ten million votes loaded (its cost
should grow with the offices, not the votes), computed and cached."""

import json
import os
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from statistics import fmean
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bench.loadgen import LoadResult, RequestSpec
from bench.scenarios import Prepared, Scenario, SetupContext, register
from bench.stats import percentile

VOTES = "/api/v1/happiness/votes"
RANKING_PAGE = "/happiness/"
BANGKOK = ZoneInfo("Asia/Bangkok")

# --- Shell scripts run on the bench database (`manage.py shell -c`) ----------------
# Every active district-level office's code, as JSON.
OFFICES_SCRIPT = """
import json
from saduak.areas.choices import DISTRICT_LEVEL_KINDS
from saduak.areas.models import Office
print(json.dumps(list(
    Office.objects.filter(kind__in=DISTRICT_LEVEL_KINDS, is_active=True)
    .order_by("code").values_list("code", flat=True)
)))
"""

# The counted votes against what the rollups hold, and the votes by status.
TOTALS_SCRIPT = """
import json
from django.db.models import Count, Sum
from saduak.feedback.models import OfficeDayHappiness, OfficeMonthHappiness, Vote

def total(model):
    sums = model.objects.aggregate(*(Sum(f"votes_{s}") for s in range(1, 6)))
    return sum(value or 0 for value in sums.values())

by_status = dict(Vote.objects.values_list("status").annotate(n=Count("id")).order_by())
print(json.dumps({
    "votes": sum(by_status.values()),
    "by_status": by_status,
    "day_rollups": total(OfficeDayHappiness),
    "month_rollups": total(OfficeMonthHappiness),
}))
"""

# One device's rows for one office today (there must be one), and that office's
# day rollup.
DEVICE_SCRIPT = """
import json
from django.utils import timezone
from saduak.feedback.keys import salted
from saduak.feedback.models import OfficeDayHappiness, Vote

given = json.loads(PARAMETERS)
today = timezone.localdate()
rows = list(
    Vote.objects.filter(
        office__code=given["office"], day=today,
        voter_key=salted("app-device", given["device"]),
    ).values("score", "times_cast", "status")
)
rollup = OfficeDayHappiness.objects.filter(office__code=given["office"], day=today)
counts = rollup.values_list(*(f"votes_{s}" for s in range(1, 6))).first() or [0] * 5
print(json.dumps({"rows": rows, "rollup": list(counts)}))
"""


CHECKPOINT_SCRIPT = """
from django.db import DatabaseError, connection
if connection.vendor == "postgresql":
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError as error:
        print(f"no checkpoint: {error}")
"""


def _shell(context: SetupContext, script: str, parameters: Any = None) -> Any:
    """Runs `script` on the bench database and returns the JSON it printed last."""
    if parameters is not None:
        script = f"PARAMETERS = {json.dumps(json.dumps(parameters))}\n{script}"
    output = context.manage("shell", "--no-startup", "--no-imports", "-c", script)
    return json.loads(output.strip().splitlines()[-1])


def _statuses(load: LoadResult) -> dict[str, int]:
    return {str(status): count for status, count in sorted(load.statuses.items())}


def _vote(office: str, score: int, device: str) -> RequestSpec:
    body = {"office": office, "score": score, "device_id": device}
    return RequestSpec(
        VOTES,
        method="POST",
        body=json.dumps(body).encode(),
        content_type="application/json",
        expect_status=201,
    )


# --- Votes from many devices ------------------------------------------------------
INGEST_VOTES = 100_000
# Kept out of the ingest, so that the same-device race finds its office's day
# empty whichever order the scenarios run in.
RACE_OFFICE = "ddc-1001"


def ingest_setup(context: SetupContext) -> Prepared:
    """One vote per request, each from a new device, the offices taken in turn
    (a few dozen votes each: far below the spike threshold, which the bench
    raises anyway; every request comes from 127.0.0.1)."""
    offices = [code for code in _shell(context, OFFICES_SCRIPT) if code != RACE_OFFICE]
    before = _shell(context, TOTALS_SCRIPT)
    picks = random.Random(1)
    scores = picks.choices([1, 2, 3, 4, 5], weights=[4, 6, 15, 35, 40], k=INGEST_VOTES)
    requests = [
        _vote(offices[n % len(offices)], scores[n], f"bench-ingest-{n:012d}")
        for n in range(INGEST_VOTES)
    ]

    def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
        after = _shell(context, TOTALS_SCRIPT)
        counted = after["by_status"].get("counted", 0)
        made = after["votes"] - before["votes"]
        return {
            "answers": _statuses(load),
            "votes_made": made,
            "held": after["by_status"].get("held", 0)
            - before["by_status"].get("held", 0),
            "counted_votes": counted,
            "day_rollup_votes": after["day_rollups"],
            "month_rollup_votes": after["month_rollups"],
            # Every counted vote in both rollups exactly once.
            "rollups_match_votes": counted
            == after["day_rollups"]
            == after["month_rollups"],
            # A new row for every 201 (the warm-up's are not in the answers).
            "a_row_per_vote": made >= load.statuses[201] > 0,
        }

    return Prepared(requests=requests, once=True, verify=verify)


# --- One device, twenty times at once --------------------------------------------
RACE_SUBMISSIONS = 20
RACE_DEVICE = "bench-same-device-000000000001"


def same_device_setup(context: SetupContext) -> Prepared:
    """Twenty parallel votes of one device for one office (scores changing
    from one to the next): one row, cast twenty times, counted once."""
    requests = [
        _vote(RACE_OFFICE, 1 + n % 5, RACE_DEVICE) for n in range(RACE_SUBMISSIONS)
    ]
    parameters = {"office": RACE_OFFICE, "device": RACE_DEVICE}

    def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
        found = _shell(context, DEVICE_SCRIPT, parameters)
        rows, rollup = found["rows"], found["rollup"]
        counted_score = rows[0]["score"] if len(rows) == 1 else None
        return {
            "answers": _statuses(load),
            "rows": len(rows),
            "times_cast": rows[0]["times_cast"] if rows else None,
            "rollup": rollup,
            "counted_once": load.statuses[201] == RACE_SUBMISSIONS
            and len(rows) == 1
            and rows[0]["times_cast"] == RACE_SUBMISSIONS
            and rows[0]["status"] == "counted"
            and sum(rollup) == 1
            and counted_score is not None
            and rollup[counted_score - 1] == 1,
        }

    return Prepared(
        requests=requests,
        once=True,
        concurrency=RACE_SUBMISSIONS,
        warmup_s=0,
        duration_s=60,
        timeout_s=60,
        verify=verify,
    )


# --- The national ranking page ----------------------------------------------------
SMALL_LOAD = 10_000
# BENCH_FEEDBACK_VOTES=1000000 for a quicker run; ten million takes minutes.
BIG_LOAD = int(os.environ.get("BENCH_FEEDBACK_VOTES", "10000000"))
LOAD_TIMEOUT_S = 3600
# The ratio the target allows between the page with BIG_LOAD votes and with
# SMALL_LOAD votes.
RANKING_GROWTH_LIMIT = 1.5
# Kept from one scenario to the next of this run (the runner is one process).
_ranking_latencies: dict[str, list[float]] = {}


def _today() -> date:
    return datetime.now(BANGKOK).date()


def _fiscal_year_start(day: date) -> date:
    return date(day.year if day.month >= 10 else day.year - 1, 10, 1)


def ranking_periods(end: date, days: int = 365) -> list[tuple[date, date]]:
    """Distinct periods the page offers, as people in the last `days` days
    would have asked for them: the fiscal year, quarter and month to that day
    and its last 30 and 90 days. Each is worked out afresh (the page and the
    ranking are cached by period), and each costs what the page costs on its
    day: whole months read from the month rollup, the rest day by day."""
    periods: set[tuple[date, date]] = set()
    for back in range(days):
        day = end - timedelta(days=back)
        quarter = date(day.year, 1 + (day.month - 1) // 3 * 3, 1)
        for start in (
            _fiscal_year_start(day),
            quarter,
            day.replace(day=1),
            day - timedelta(days=29),
            day - timedelta(days=89),
        ):
            periods.add((start, day))
    ordered = sorted(periods)
    random.Random(2).shuffle(ordered)  # the costly and the cheap mixed
    return ordered


def ranking_paths(end: date) -> list[str]:
    return [
        f"{RANKING_PAGE}?{urlencode({'start': start, 'end': finish})}"
        for start, finish in ranking_periods(end)
    ]


def _load_votes(context: SetupContext, votes: int, end: date) -> str:
    output = context.manage(
        "feedback_generate_votes",
        f"--votes={votes}",
        f"--end={end.isoformat()}",
        "--replace",
        timeout=LOAD_TIMEOUT_S,
    )
    report = output.strip().splitlines()[-1] if output.strip() else ""
    print(f"[bench] feedback_generate_votes: {report}", flush=True)
    # The load's writes are flushed now rather than by a checkpoint in the middle
    # of the measurement (needs a superuser or pg_checkpoint, as the bench has).
    context.manage("shell", "--no-startup", "--no-imports", "-c", CHECKPOINT_SCRIPT)
    return report


def _ranking_setup(name: str, votes: int) -> Callable[[SetupContext], Prepared]:
    """Loads `votes` (replacing all), then asks for every period once."""

    def setup(context: SetupContext) -> Prepared:
        end = _today()
        loaded = _load_votes(context, votes, end)
        paths = ranking_paths(end)

        def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
            _ranking_latencies[name] = list(load.latencies_ms)
            checks: dict[str, Any] = {
                "votes_loaded": votes,
                "generator": loaded,
                "distinct_periods": len(paths),
                "answers": _statuses(load),
                "ran_out_of_periods": sum(load.statuses.values()) >= len(paths),
            }
            small = _ranking_latencies.get("ranking_10k")
            if name != "ranking_10k" and small and load.latencies_ms:
                checks.update(growth_checks(small, list(load.latencies_ms)))
            return checks

        # Each period once: a second request for one would be served cached.
        return Prepared(
            requests=[RequestSpec(path) for path in paths],
            once=True,
            warmup_s=1,
            verify=verify,
        )

    return setup


def growth_checks(small: list[float], big: list[float]) -> dict[str, Any]:
    """The big load's latency over the small one's, by median and by mean."""
    p50_ratio = percentile(sorted(big), 50) / percentile(sorted(small), 50)
    mean_ratio = fmean(big) / fmean(small)
    return {
        "p50_ratio_to_10k": round(p50_ratio, 3),
        "mean_ratio_to_10k": round(mean_ratio, 3),
        f"within_{RANKING_GROWTH_LIMIT:g}x": p50_ratio <= RANKING_GROWTH_LIMIT,
    }


def ranking_cached_setup(context: SetupContext) -> Prepared:
    """The page everyone opens (this fiscal year to date), over and over: served
    from the page cache but once every FEEDBACK_PUBLIC_CACHE_SECONDS. On
    whatever votes the scenarios before it loaded (BIG_LOAD after
    ranking_10m)."""
    totals = _shell(context, TOTALS_SCRIPT)

    def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
        return {"votes_loaded": totals["votes"], "answers": _statuses(load)}

    return Prepared(verify=verify)


def _count(votes: int) -> str:
    return f"{votes // 1_000_000}M" if votes >= 1_000_000 else f"{votes // 1000}k"


register(
    Scenario(
        name="vote_ingest",
        paths=lambda: [VOTES],
        setup=ingest_setup,
        description="votes from distinct devices for all district offices in turn "
        "(POST JSON); checks counted votes against both rollups",
    )
)
register(
    Scenario(
        name="vote_same_device",
        paths=lambda: [VOTES],
        setup=same_device_setup,
        description=f"{RACE_SUBMISSIONS} parallel votes of one device for one office: "
        "one row, cast 20 times, counted once",
    )
)
register(
    Scenario(
        name="ranking_10k",
        paths=lambda: [RANKING_PAGE],
        setup=_ranking_setup("ranking_10k", SMALL_LOAD),
        description=f"ranking page, {_count(SMALL_LOAD)} votes, a new period each "
        "request (nothing cached)",
    )
)
register(
    Scenario(
        name="ranking_10m",
        paths=lambda: [RANKING_PAGE],
        setup=_ranking_setup("ranking_10m", BIG_LOAD),
        description=f"ranking page, {_count(BIG_LOAD)} votes (BENCH_FEEDBACK_VOTES), "
        "a new period each request (nothing cached)",
    )
)
register(
    Scenario(
        name="ranking_cached",
        paths=lambda: [RANKING_PAGE],
        setup=ranking_cached_setup,
        description="ranking page, this fiscal year to date, the same address "
        "again and again (page cache)",
    )
)
