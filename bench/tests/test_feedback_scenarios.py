"""The happiness vote's scenarios, their requests and their checks, against a
stand-in for `manage.py` (no server, no database)."""

import json
from collections import Counter
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from bench import feedback_scenarios as feedback
from bench.loadgen import LoadResult
from bench.scenarios import SCENARIOS, Prepared, SetupContext

OFFICES = ["ddc-1001", "do-1001", "reg-1001", "do-1002", "reg-1002", "ddc-1002"]


class FakeManage:
    """Answers the scenarios' shell scripts with canned JSON, one per call in
    turn per kind of script, and records the other commands."""

    def __init__(self, **answers: list[Any]) -> None:
        self.answers = {kind: list(values) for kind, values in answers.items()}
        self.commands: list[tuple[str, ...]] = []

    def __call__(self, *args: str, **kwargs: Any) -> str:
        self.commands.append(args)
        if args[0] == "feedback_generate_votes":
            return "10000 votes for 2784 offices ... in 1.0s\n"
        if "CHECKPOINT" in args[-1]:
            return ""
        script = args[-1]
        kind = next(
            name
            for name, marker in (
                ("offices", "DISTRICT_LEVEL_KINDS"),
                ("totals", "by_status"),
                ("device", "app-device"),
            )
            if marker in script
        )
        return "noise on stdout\n" + json.dumps(self.answers[kind].pop(0)) + "\n"


def context(manage: FakeManage) -> SetupContext:
    return SetupContext(base_url="http://127.0.0.1:1", manage=manage)


def load(statuses: dict[int, int], latencies: list[float] | None = None) -> LoadResult:
    return LoadResult(latencies_ms=latencies or [], statuses=Counter(statuses))


def totals(counted: int, held: int = 0, rolled_up: int | None = None) -> dict:
    rolled_up = counted if rolled_up is None else rolled_up
    return {
        "votes": counted + held,
        "by_status": {"counted": counted, "held": held},
        "day_rollups": rolled_up,
        "month_rollups": rolled_up,
    }


def test_the_scenarios_are_registered():
    names = {
        "vote_ingest",
        "vote_same_device",
        "ranking_10k",
        "ranking_10m",
        "ranking_cached",
    }
    assert names <= set(SCENARIOS)
    assert "BENCH_FEEDBACK_VOTES" in SCENARIOS["ranking_10m"].description


def test_ingest_sends_each_device_once_over_the_offices_in_turn():
    manage = FakeManage(offices=[OFFICES], totals=[totals(0)])
    prepared = feedback.ingest_setup(context(manage))
    assert isinstance(prepared, Prepared) and prepared.once
    bodies = [json.loads(request.body) for request in prepared.requests]
    assert len(bodies) == feedback.INGEST_VOTES
    devices = [body["device_id"] for body in bodies]
    assert len(set(devices)) == len(devices)
    assert all(
        20 <= len(device) <= 64 and device.replace("-", "").isalnum()
        for device in devices
    )
    by_office = Counter(body["office"] for body in bodies)
    assert feedback.RACE_OFFICE not in by_office
    assert max(by_office.values()) - min(by_office.values()) <= 1
    assert {body["score"] for body in bodies} == {1, 2, 3, 4, 5}
    request = prepared.requests[0]
    assert (request.path, request.method, request.expect_status) == (
        feedback.VOTES,
        "POST",
        201,
    )
    assert request.content_type == "application/json"


def test_ingest_checks_the_rollups_against_the_counted_votes():
    manage = FakeManage(
        offices=[OFFICES, OFFICES],
        totals=[totals(10), totals(310), totals(5), totals(305, rolled_up=304)],
    )
    prepared = feedback.ingest_setup(context(manage))
    assert prepared.verify is not None
    checks = prepared.verify(context(manage), load({201: 280}))
    assert checks["rollups_match_votes"] and checks["a_row_per_vote"]
    assert checks["votes_made"] == 300 and checks["held"] == 0
    prepared = feedback.ingest_setup(context(manage))
    assert prepared.verify is not None
    checks = prepared.verify(context(manage), load({201: 280}))
    assert not checks["rollups_match_votes"]


def test_the_same_device_votes_twenty_times_at_once():
    prepared = feedback.same_device_setup(context(FakeManage()))
    assert prepared.once and prepared.concurrency == 20 == len(prepared.requests)
    assert prepared.warmup_s == 0
    bodies = [json.loads(request.body) for request in prepared.requests]
    assert {(body["office"], body["device_id"]) for body in bodies} == {
        (feedback.RACE_OFFICE, feedback.RACE_DEVICE)
    }
    assert len({body["score"] for body in bodies}) == 5


@pytest.mark.parametrize(
    ("found", "answers", "counted_once"),
    [
        ({"rows": [{"score": 3, "times_cast": 20, "status": "counted"}],
          "rollup": [0, 0, 1, 0, 0]}, {201: 20}, True),
        ({"rows": [{"score": 3, "times_cast": 20, "status": "counted"}],
          "rollup": [0, 1, 1, 0, 0]}, {201: 20}, False),
        ({"rows": [{"score": 3, "times_cast": 19, "status": "counted"}],
          "rollup": [0, 0, 1, 0, 0]}, {201: 19, 500: 1}, False),
        ({"rows": [{"score": 3, "times_cast": 1, "status": "counted"}] * 2,
          "rollup": [0, 0, 2, 0, 0]}, {201: 20}, False),
        ({"rows": [{"score": 3, "times_cast": 20, "status": "counted"}],
          "rollup": [0, 0, 0, 1, 0]}, {201: 20}, False),
    ],
)  # fmt: skip
def test_the_same_device_must_be_one_row_cast_twenty_times_counted_once(
    found, answers, counted_once
):
    manage = FakeManage(device=[found])
    prepared = feedback.same_device_setup(context(manage))
    assert prepared.verify is not None
    checks = prepared.verify(context(manage), load(answers))
    assert checks["counted_once"] is counted_once
    assert checks["rows"] == len(found["rows"])


def test_ranking_periods_are_distinct_shapes_the_page_offers():
    end = date(2026, 12, 2)
    periods = feedback.ranking_periods(end)
    assert len(periods) == len(set(periods)) > 1000
    assert all(start <= finish <= end for start, finish in periods)
    assert min(finish for _, finish in periods) == end - timedelta(days=364)
    assert (date(2026, 10, 1), end) in periods  # this fiscal year to date
    assert (date(2026, 12, 1), end) in periods  # this month to date
    assert (end - timedelta(days=29), end) in periods
    assert (date(2026, 1, 1), date(2026, 3, 31)) in periods  # a quarter
    assert periods != sorted(periods)  # costly and cheap ones mixed


def test_ranking_paths_ask_the_page_for_a_period():
    paths = feedback.ranking_paths(date(2026, 12, 2))
    parts = urlsplit(paths[0])
    assert parts.path == feedback.RANKING_PAGE == "/happiness/"
    assert set(parse_qs(parts.query)) == {"start", "end"}
    assert len(set(paths)) == len(paths)


def test_the_ranking_loads_its_votes_then_compares_with_the_small_load(monkeypatch):
    monkeypatch.setattr(feedback, "_ranking_latencies", {})
    monkeypatch.setattr(feedback, "_today", lambda: date(2026, 12, 2))
    manage = FakeManage()
    small = feedback._ranking_setup("ranking_10k", 10_000)(context(manage))
    assert manage.commands[0] == (
        "feedback_generate_votes",
        "--votes=10000",
        "--end=2026-12-02",
        "--replace",
    )
    assert small.once and len(small.requests) == len(
        feedback.ranking_periods(date(2026, 12, 2))
    )
    assert small.verify is not None
    checks = small.verify(context(manage), load({200: 3}, [100.0, 110.0, 120.0]))
    assert checks["votes_loaded"] == 10_000 and "p50_ratio_to_10k" not in checks
    big = feedback._ranking_setup("ranking_10m", 1_000_000)(context(manage))
    assert big.verify is not None
    checks = big.verify(context(manage), load({200: 3}, [150.0, 160.0, 200.0]))
    assert checks["p50_ratio_to_10k"] == pytest.approx(160 / 110, abs=1e-3)
    assert checks["mean_ratio_to_10k"] == pytest.approx(170 / 110, abs=1e-3)
    assert checks["within_1.5x"] is True


def test_growth_beyond_the_limit_is_reported():
    checks = feedback.growth_checks([10.0, 10.0], [16.0, 16.0])
    assert checks["p50_ratio_to_10k"] == 1.6 and checks["within_1.5x"] is False
