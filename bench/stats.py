"""Pure result arithmetic: percentiles, per-scenario summaries, ratios to the
baseline, and the printed table. No I/O here, so it is unit-tested directly."""

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

MB = 1024 * 1024


def percentile(ordered: Sequence[float], pct: float) -> float:
    """The `pct`th percentile of already sorted values, interpolating linearly
    between the two closest ranks (numpy's default method). NaN when empty."""
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile must be within 0..100, got {pct}")
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * pct / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class ScenarioResult:
    name: str
    requests: int  # responses received in the measured window, errors included
    errors: int  # non-2xx responses and failed requests
    elapsed_s: float
    rps: float  # successful (2xx) responses per second
    p50_ms: float
    p95_ms: float
    p99_ms: float
    peak_rss_mb: float
    avg_body_bytes: float = 0.0
    error_kinds: dict[str, int] = field(default_factory=dict)
    rps_ratio: float | None = None  # rps / baseline rps
    p95_ratio: float | None = None  # p95 / baseline p95
    checks: dict[str, Any] = field(default_factory=dict)  # the scenario's own


def summarize(
    name: str,
    latencies_ms: Sequence[float],
    error_kinds: dict[str, int],
    elapsed_s: float,
    peak_rss_bytes: int,
    body_bytes: int = 0,
) -> ScenarioResult:
    """Latencies are those of the 2xx responses only."""
    ordered = sorted(latencies_ms)
    ok = len(ordered)
    errors = sum(error_kinds.values())
    return ScenarioResult(
        name=name,
        requests=ok + errors,
        errors=errors,
        elapsed_s=elapsed_s,
        rps=ok / elapsed_s if elapsed_s > 0 else 0.0,
        p50_ms=percentile(ordered, 50),
        p95_ms=percentile(ordered, 95),
        p99_ms=percentile(ordered, 99),
        peak_rss_mb=peak_rss_bytes / MB,
        avg_body_bytes=body_bytes / ok if ok else 0.0,
        error_kinds=dict(error_kinds),
    )


def _ratio(value: float, base: float) -> float | None:
    if math.isnan(value) or math.isnan(base) or base <= 0:
        return None
    return value / base


def with_ratios(
    results: Sequence[ScenarioResult], baseline: str = "ping"
) -> list[ScenarioResult]:
    """Each result with its throughput and p95 ratio to the baseline scenario."""
    base = next((r for r in results if r.name == baseline), None)
    if base is None:
        raise ValueError(f"baseline scenario {baseline!r} is not among the results")
    return [
        replace(
            r,
            rps_ratio=_ratio(r.rps, base.rps),
            p95_ratio=_ratio(r.p95_ms, base.p95_ms),
        )
        for r in results
    ]


COLUMNS = (
    "scenario",
    "requests",
    "req/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "errors",
    "peak RSS MB",
    "req/s vs ping",
    "p95 vs ping",
)


def _num(value: float | None, digits: int) -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"{value:.{digits}f}"


def table_rows(results: Sequence[ScenarioResult]) -> list[list[str]]:
    return [
        [
            r.name,
            str(r.requests),
            _num(r.rps, 1),
            _num(r.p50_ms, 2),
            _num(r.p95_ms, 2),
            _num(r.p99_ms, 2),
            str(r.errors),
            _num(r.peak_rss_mb, 1),
            _num(r.rps_ratio, 3),
            _num(r.p95_ratio, 3),
        ]
        for r in results
    ]


def format_table(results: Sequence[ScenarioResult]) -> str:
    rows = [list(COLUMNS), *table_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]

    def line(row: list[str]) -> str:
        cells = [row[0].ljust(widths[0])]
        cells += [
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        return "  ".join(cells)

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float):
        return round(value, 4)
    return value


def result_to_json(result: ScenarioResult) -> dict[str, Any]:
    return {key: _json_safe(value) for key, value in asdict(result).items()}
