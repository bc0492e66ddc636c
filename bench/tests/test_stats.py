import json
import math

import pytest

from bench.stats import (
    MB,
    ScenarioResult,
    format_table,
    percentile,
    result_to_json,
    summarize,
    with_ratios,
)


def result(name: str, rps: float, p95: float) -> ScenarioResult:
    return ScenarioResult(name, 100, 0, 1.0, rps, p95 / 2, p95, p95 * 2, 50.0)


class TestPercentile:
    def test_empty_is_nan(self):
        assert math.isnan(percentile([], 50))

    def test_single_value(self):
        assert percentile([7.0], 0) == percentile([7.0], 99) == 7.0

    def test_ends_are_min_and_max(self):
        values = [1.0, 2.0, 3.0, 10.0]
        assert percentile(values, 0) == 1.0
        assert percentile(values, 100) == 10.0

    @pytest.mark.parametrize(
        ("pct", "expected"),
        # numpy.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], pct) with method="linear"
        [(50, 5.5), (95, 9.55), (99, 9.91), (25, 3.25), (10, 1.9)],
    )
    def test_linear_interpolation_matches_numpy(self, pct, expected):
        values = [float(v) for v in range(1, 11)]
        assert percentile(values, pct) == pytest.approx(expected)

    def test_exact_rank(self):
        assert percentile([0.0, 10.0, 20.0, 30.0, 40.0], 75) == 30.0

    @pytest.mark.parametrize("pct", [-1, 100.5])
    def test_out_of_range(self, pct):
        with pytest.raises(ValueError):
            percentile([1.0], pct)


class TestSummarize:
    def test_counts_and_rates(self):
        latencies = [float(v) for v in range(1, 101)]  # 100 ok responses
        r = summarize(
            "x", latencies, {"HTTP 500": 3, "TimeoutError": 1}, 2.0, 64 * MB, 5000
        )
        assert r.requests == 104
        assert r.errors == 4
        assert r.rps == 50.0  # only 2xx responses count as throughput
        assert r.p50_ms == pytest.approx(50.5)
        assert r.p95_ms == pytest.approx(95.05)
        assert r.p99_ms == pytest.approx(99.01)
        assert r.peak_rss_mb == 64.0
        assert r.avg_body_bytes == 50.0
        assert r.error_kinds == {"HTTP 500": 3, "TimeoutError": 1}

    def test_unsorted_input(self):
        assert summarize("x", [3.0, 1.0, 2.0], {}, 1.0, 0).p50_ms == 2.0

    def test_all_failed(self):
        r = summarize("x", [], {"HTTP 404": 10}, 1.0, 0)
        assert r.rps == 0.0
        assert math.isnan(r.p95_ms)
        assert r.requests == r.errors == 10

    def test_zero_elapsed(self):
        assert summarize("x", [1.0], {}, 0.0, 0).rps == 0.0


class TestRatios:
    def test_relative_to_ping(self):
        rows = with_ratios([result("ping", 1000, 10), result("area_search", 250, 35)])
        assert (rows[0].rps_ratio, rows[0].p95_ratio) == (1.0, 1.0)
        assert rows[1].rps_ratio == pytest.approx(0.25)
        assert rows[1].p95_ratio == pytest.approx(3.5)

    def test_baseline_need_not_be_first(self):
        rows = with_ratios([result("a", 500, 20), result("ping", 1000, 10)])
        assert rows[0].rps_ratio == pytest.approx(0.5)
        assert rows[0].p95_ratio == pytest.approx(2.0)

    def test_unusable_baseline_gives_none(self):
        ping = summarize("ping", [], {"HTTP 404": 5}, 1.0, 0)  # rps 0, p95 NaN
        rows = with_ratios([ping, result("a", 500, 20)])
        assert rows[1].rps_ratio is None
        assert rows[1].p95_ratio is None

    def test_missing_baseline(self):
        with pytest.raises(ValueError, match="ping"):
            with_ratios([result("a", 1, 1)])


class TestOutput:
    def test_table(self):
        rows = with_ratios([result("ping", 1000, 10), result("area_search", 250, 35)])
        lines = format_table(rows).splitlines()
        assert len(lines) == 4  # header, rule, two scenarios
        assert lines[0].split()[0] == "scenario"
        assert "req/s vs ping" in lines[0]
        assert lines[1].startswith("--")
        assert lines[2].split()[0] == "ping"
        assert lines[3].split()[-2:] == ["0.250", "3.500"]
        assert len({len(line) for line in lines}) == 1  # aligned columns

    def test_table_without_ratios_shows_dash(self):
        cells = format_table([summarize("x", [], {}, 1.0, 0)]).splitlines()[2].split()
        assert cells[-2:] == ["-", "-"]
        assert cells[3] == "-"  # p50 of nothing

    def test_json_has_no_nan(self):
        document = result_to_json(summarize("x", [], {"HTTP 500": 1}, 1.0, 0))
        text = json.dumps(document, allow_nan=False)
        assert json.loads(text)["p95_ms"] is None
        assert json.loads(text)["error_kinds"] == {"HTTP 500": 1}
