"""The KPI dashboard under load (docs/bench-performance.md): the department's
framework with 100 KPIs and district breakdown rows for every district
(10,000 rows in round 12, `manage.py performance_generate`), its dashboard
(`performance-reports:dashboard`, round 12) opened by an HQ administrator
for one province at a time (`performance_dashboard_province`: each of the
77 in turn) and for the whole country (`performance_dashboard_country`: all
928 districts' rows behind it). Issue 16's target: the national dashboard's
median within 2x of the province's (`p50_ratio_to_province` in the checks).

    .venv/bin/python -m bench.run --db postgres --pg-db saduak_demobench \\
        --scenarios "$(.venv/bin/python -m bench.performance_scenarios)"

The province scenario must run first (the default order does): it loads the
framework once for the run and keeps its latencies for the ratio.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from bench.complaint_scenarios import STAFF_SCRIPT, _shell, _statuses
from bench.loadgen import LoadResult, RequestSpec
from bench.scenarios import Prepared, Scenario, SetupContext, register
from bench.stats import percentile

KPIS = 100
ROWS = 10_000
ROUND = 12
GROWTH_LIMIT = 2.0
LOAD_TIMEOUT_S = 1800

# The framework loaded, its dashboard's path and the provinces (shell on the
# bench database; the URL by its name, so the scenario follows the page).
FRAMEWORK_SCRIPT = """
import json
from django.urls import reverse
from saduak.areas.models import Province
from saduak.performance.models import BreakdownRow, Framework
framework = Framework.objects.get(fiscal_year=2569, unit_level="country", unit_code="")
print(json.dumps({
    "path": reverse("performance-reports:dashboard", args=[framework.public_id]),
    "provinces": list(
        Province.objects.filter(is_active=True).order_by("code")
        .values_list("code", flat=True)
    ),
    "rows": BreakdownRow.objects.filter(result__round__framework=framework).count(),
}))
"""

_state: dict[str, Any] = {"loaded": None}
_latencies: dict[str, list[float]] = {}


def _ensure_loaded(context: SetupContext) -> dict[str, Any]:
    if _state["loaded"] is None:
        output = context.manage(
            "performance_generate",
            f"--kpis={KPIS}",
            f"--rows={ROWS}",
            "--replace",
            timeout=LOAD_TIMEOUT_S,
        )
        report = output.strip().splitlines()[-1] if output.strip() else ""
        print(f"[bench] performance_generate: {report}", flush=True)
        found = _shell(context, FRAMEWORK_SCRIPT)
        _state.update(loaded=found, report=report)
    return dict(_state["loaded"])


def dashboard_paths(path: str, level: str, provinces: list[str]) -> list[str]:
    """The dashboard of round 12 for each province in turn, or for the
    country (one path)."""
    if level == "country":
        return [f"{path}?{urlencode({'round': ROUND, 'level': 'country'})}"]
    return [
        f"{path}?{urlencode({'round': ROUND, 'level': 'province', 'code': code})}"
        for code in provinces
    ]


def growth_checks(small: list[float], big: list[float]) -> dict[str, Any]:
    """The national view's median over the province view's."""
    ratio = percentile(sorted(big), 50) / percentile(sorted(small), 50)
    return {
        "p50_ratio_to_province": round(ratio, 3),
        f"within_{GROWTH_LIMIT:g}x": ratio <= GROWTH_LIMIT,
    }


def _setup(name: str, level: str) -> Callable[[SetupContext], Prepared]:
    def setup(context: SetupContext) -> Prepared:
        found = _ensure_loaded(context)
        paths = dashboard_paths(found["path"], level, found["provinces"])
        signed_in = _shell(context, STAFF_SCRIPT)

        def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
            _latencies[name] = list(load.latencies_ms)
            answered = sum(load.statuses.values())
            checks: dict[str, Any] = {
                "generator": _state.get("report", ""),
                "breakdown_rows": found["rows"],
                "distinct_paths": len(paths),
                "answers": _statuses(load),
                "p50_ms": round(percentile(sorted(load.latencies_ms), 50), 1)
                if load.latencies_ms
                else None,
                "mean_body_bytes": round(load.body_bytes / answered) if answered else 0,
            }
            small = _latencies.get("performance_dashboard_province")
            if level == "country" and small and load.latencies_ms:
                checks.update(growth_checks(small, list(load.latencies_ms)))
            return checks

        return Prepared(
            headers={"Cookie": f"{signed_in['cookie']}={signed_in['key']}"},
            requests=[RequestSpec(path, expect_status=200) for path in paths],
            verify=verify,
        )

    return setup


ALL = ["performance_dashboard_province", "performance_dashboard_country"]
register(
    Scenario(
        name="performance_dashboard_province",
        paths=lambda: ["/staff/performance/reports/"],
        setup=_setup("performance_dashboard_province", "province"),
        description="KPI dashboard of the department's framework (100 KPIs, "
        "10,000 district rows), HQ viewing one province at a time",
    )
)
register(
    Scenario(
        name="performance_dashboard_country",
        paths=lambda: ["/staff/performance/reports/"],
        setup=_setup("performance_dashboard_country", "country"),
        description="the same dashboard for the whole country (928 districts)",
    )
)

if __name__ == "__main__":
    print(",".join(ALL))
