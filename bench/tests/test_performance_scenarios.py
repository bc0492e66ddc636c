"""The KPI dashboard scenarios (bench/performance_scenarios.py): the province
view runs before the national one, each province once, and the growth check
compares medians. No database: these run with `-p no:django`."""

from urllib.parse import parse_qs, urlsplit

from bench import performance_scenarios as scenarios
from bench.scenarios import SCENARIOS, resolve

PATH = "/staff/performance/reports/0b9d/"


def test_the_province_view_is_registered_first():
    assert scenarios.ALL == [
        "performance_dashboard_province",
        "performance_dashboard_country",
    ]
    assert set(scenarios.ALL) <= set(SCENARIOS)
    assert [s.name for s in resolve(scenarios.ALL)][0] == "ping"


def test_the_province_view_asks_for_each_province_and_the_country_for_itself():
    provinces = ["10", "50", "96"]
    paths = scenarios.dashboard_paths(PATH, "province", provinces)
    queries = [parse_qs(urlsplit(path).query) for path in paths]
    assert {urlsplit(path).path for path in paths} == {PATH}
    assert [query["code"] for query in queries] == [["10"], ["50"], ["96"]]
    assert all(query["round"] == ["12"] for query in queries)
    assert all(query["level"] == ["province"] for query in queries)
    (country,) = scenarios.dashboard_paths(PATH, "country", provinces)
    assert parse_qs(urlsplit(country).query) == {"round": ["12"], "level": ["country"]}


def test_the_growth_check_compares_the_medians():
    checks = scenarios.growth_checks([10.0, 20.0, 30.0], [25.0, 40.0, 100.0])
    assert checks == {"p50_ratio_to_province": 2.0, "within_2x": True}
    assert scenarios.growth_checks([10.0], [21.0])["within_2x"] is False
