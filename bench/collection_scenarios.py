"""HQ's follow-up dashboard of one directive under load (docs/bench-collection.md):
a directive sent through the 77 provinces to the 928 district offices, its
answers in progress (`manage.py collection_generate`, bench/app/), and its
dashboard (`performance-directives:dashboard`) opened by an HQ administrator
for one province at a time (`collection_dashboard_province`: each of the 77
in turn) and for the whole country (`collection_dashboard_country`: 77
province rows over the 928 answers). Issue 17's target: the country's median
within 2x of a province's (`p50_ratio_to_province` in the checks).

    .venv/bin/python -m bench.run --db postgres --pg-db saduak_bench_demo \\
        --scenarios "$(.venv/bin/python -m bench.collection_scenarios)"

When the page's URL name does not resolve on the server, the scenarios ask
the bench-only endpoint `/bench/collection-progress/<uuid>/` (bench/app/,
the selector `request_progress` behind the page, as JSON) instead, and
`measured` in the checks says which. The province scenario must run first
(the default order does): it loads the directive once for the run and keeps
its latencies for the ratio.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from bench.complaint_scenarios import STAFF_SCRIPT, _shell, _statuses
from bench.loadgen import LoadResult, RequestSpec
from bench.scenarios import Prepared, Scenario, SetupContext, register
from bench.stats import percentile

GROWTH_LIMIT = 2.0
LOAD_TIMEOUT_S = 900

# The directive loaded, its dashboard's path (the page by its URL name, or
# the bench's endpoint when the page is not there) and the provinces.
DIRECTIVE_SCRIPT = """
import json
from django.urls import NoReverseMatch, reverse
from saduak.areas.models import Province
from saduak.performance.models import ReportAnswer, ReportRequest
from bench.app.collection_generator import TITLE_EN
request = ReportRequest.objects.filter(title_en=TITLE_EN).latest("created_at")
try:
    path = reverse("performance-directives:dashboard", args=[request.public_id])
    measured = "page"
except NoReverseMatch:
    path = reverse("bench-collection-progress", args=[request.public_id])
    measured = "selector (bench endpoint)"
print(json.dumps({
    "path": path,
    "measured": measured,
    "provinces": list(
        Province.objects.filter(is_active=True).order_by("code")
        .values_list("code", flat=True)
    ),
    "answers": ReportAnswer.objects.filter(request=request).count(),
}))
"""

_state: dict[str, Any] = {"loaded": None}
_latencies: dict[str, list[float]] = {}


def _ensure_loaded(context: SetupContext) -> dict[str, Any]:
    if _state["loaded"] is None:
        output = context.manage(
            "collection_generate", "--replace", timeout=LOAD_TIMEOUT_S
        )
        report = output.strip().splitlines()[-1] if output.strip() else ""
        print(f"[bench] collection_generate: {report}", flush=True)
        found = _shell(context, DIRECTIVE_SCRIPT)
        _state.update(loaded=found, report=report)
    return dict(_state["loaded"])


def dashboard_paths(path: str, level: str, provinces: list[str]) -> list[str]:
    """The dashboard for each province in turn, or for the country (one
    path)."""
    if level == "country":
        return [f"{path}?{urlencode({'level': 'country'})}"]
    return [
        f"{path}?{urlencode({'level': 'province', 'code': code})}" for code in provinces
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
                "measured": found["measured"],
                "answers_loaded": found["answers"],
                "distinct_paths": len(paths),
                "answers": _statuses(load),
                "p50_ms": round(percentile(sorted(load.latencies_ms), 50), 1)
                if load.latencies_ms
                else None,
                "mean_body_bytes": round(load.body_bytes / answered) if answered else 0,
            }
            small = _latencies.get("collection_dashboard_province")
            if level == "country" and small and load.latencies_ms:
                checks.update(growth_checks(small, list(load.latencies_ms)))
            return checks

        return Prepared(
            headers={"Cookie": f"{signed_in['cookie']}={signed_in['key']}"},
            requests=[RequestSpec(path, expect_status=200) for path in paths],
            verify=verify,
        )

    return setup


ALL = ["collection_dashboard_province", "collection_dashboard_country"]
register(
    Scenario(
        name="collection_dashboard_province",
        paths=lambda: ["/staff/performance/directives/"],
        setup=_setup("collection_dashboard_province", "province"),
        description="HQ's follow-up dashboard of a directive to 928 districts, "
        "one province at a time",
    )
)
register(
    Scenario(
        name="collection_dashboard_country",
        paths=lambda: ["/staff/performance/directives/"],
        setup=_setup("collection_dashboard_country", "country"),
        description="the same dashboard for the whole country (77 provinces)",
    )
)

if __name__ == "__main__":
    print(",".join(ALL))
