"""HQ's follow-up dashboard scenarios (bench/collection_scenarios.py) and the
arithmetic of the in-process targets (bench/collection_targets.py): the
province view runs before the national one, each province once, and the
checks compare medians. No database: these run with `-p no:django`."""

from urllib.parse import parse_qs, urlsplit

from bench import collection_scenarios as scenarios
from bench import collection_targets as targets
from bench.scenarios import SCENARIOS, resolve

PATH = "/staff/performance/directives/0b9d/progress/"


def test_the_province_view_is_registered_first():
    assert scenarios.ALL == [
        "collection_dashboard_province",
        "collection_dashboard_country",
    ]
    assert set(scenarios.ALL) <= set(SCENARIOS)
    names = [s.name for s in resolve(scenarios.ALL)]
    assert names == ["ping", *scenarios.ALL]


def test_the_province_view_asks_for_each_province_and_the_country_for_itself():
    provinces = ["10", "50", "96"]
    paths = scenarios.dashboard_paths(PATH, "province", provinces)
    queries = [parse_qs(urlsplit(path).query) for path in paths]
    assert {urlsplit(path).path for path in paths} == {PATH}
    assert [query["code"] for query in queries] == [["10"], ["50"], ["96"]]
    assert all(query["level"] == ["province"] for query in queries)
    (country,) = scenarios.dashboard_paths(PATH, "country", provinces)
    assert parse_qs(urlsplit(country).query) == {"level": ["country"]}


def test_the_growth_check_compares_the_medians():
    checks = scenarios.growth_checks([10.0, 20.0, 30.0], [25.0, 40.0, 100.0])
    assert checks == {"p50_ratio_to_province": 2.0, "within_2x": True}
    assert scenarios.growth_checks([10.0], [21.0])["within_2x"] is False


def test_the_targets_take_medians_and_judge_the_slowest_send():
    sends = targets.send_summary(
        [1000.0, 1200.0, 5100.0], [(300.0, 2000.0), (400.0, 2500.0), (200.0, 1000.0)]
    )
    assert sends["send_direct_928_ms"] == 1200.0
    assert sends["send_direct_928_max_ms"] == 5100.0
    assert sends["send_direct_928_min_ms"] == 1000.0
    assert sends["direct_under_5s"] is False
    assert sends["send_through_provinces_ms"] == 300.0
    assert sends["forward_77_provinces_ms"] == 2000.0
    assert sends["through_provinces_total_ms"] == 2300.0
    assert sends["through_provinces_total_max_ms"] == 2900.0
    assert sends["through_provinces_total_min_ms"] == 1200.0
    assert sends["through_provinces_under_5s"] is True

    pages = targets.growth_summary([30.0, 40.0, 50.0], [20.0, 25.0])
    assert pages["dashboard_ratio_country_to_province"] == 1.78
    assert pages["dashboard_within_2x"] is True
    assert pages["dashboard_province_pages"] == 2
    assert targets.growth_summary([50.0], [20.0])["dashboard_within_2x"] is False


def test_timed_leaves_out_the_warm_call():
    calls: list[int] = []
    times = targets.timed(lambda: calls.append(1), 3)
    assert len(calls) == 4 and len(times) == 3
    assert all(ms >= 0 for ms in times)
