"""The complaint scenarios' requests (bench/complaint_scenarios.py): what the
lists ask for is the spec's filters, the same at both loads, and a filing is a
form the Open311 API accepts. No database: these run with `-p no:django`."""

from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from bench import complaint_scenarios as scenarios
from bench.scenarios import SCENARIOS, resolve

END = date(2026, 12, 6)
CODES = ["road-damage", "street-lights", "garbage", "noise", "water-supply"] + [
    f"other-{n}" for n in range(10)
]


def _query(path: str) -> dict[str, str]:
    parts = urlsplit(path)
    assert parts.path == scenarios.REQUESTS_PATH
    return {key: values[0] for key, values in parse_qs(parts.query).items()}


def test_every_pair_is_registered_small_load_first():
    names = scenarios.ALL
    for kind in scenarios.GROWTH_KINDS:
        small, big = f"{kind}_1k", f"{kind}_{scenarios._size(scenarios.BIG_LOAD)}"
        assert names.index(small) < names.index(big)
    # Each size's scenarios together, so each load is made once.
    sizes = [name.rsplit("_", 1)[1] for name in scenarios.GROWTH_SCENARIOS]
    assert sizes == sorted(sizes, key=lambda size: size != "1k")
    assert [s.name for s in resolve(names)][0] == "ping"
    assert set(names) <= set(SCENARIOS)


def test_the_filtered_lists_use_the_specs_filters_within_90_days():
    paths = scenarios.filtered_list_paths(CODES, END)
    assert paths == scenarios.filtered_list_paths(CODES, END)  # the same at both loads
    assert len(set(paths)) == len(paths) == 8 * 2 * scenarios.LIST_WINDOWS
    for path in paths:
        query = _query(path)
        assert set(query) == {"service_code", "status", "start_date", "end_date"}
        assert query["service_code"] in CODES[:8]
        assert query["status"] in ("open", "closed")
        start = datetime.fromisoformat(query["start_date"])
        end = datetime.fromisoformat(query["end_date"])
        assert start.utcoffset() == end.utcoffset() == timedelta(hours=7)
        assert timedelta(0) < end - start <= timedelta(days=90)
        assert end.date() <= END


def test_the_paged_lists_ask_twenty_of_three_services():
    paths = scenarios.paged_list_paths(CODES, END)
    assert len(set(paths)) == scenarios.LIST_WINDOWS
    for path in paths:
        query = _query(path)
        assert query["service_code"] == "road-damage,street-lights,garbage"
        assert query["status"] == "closed"
        assert query["page_size"] == "20"
        span = datetime.fromisoformat(query["end_date"]) - datetime.fromisoformat(
            query["start_date"]
        )
        assert span <= timedelta(days=90)


def test_a_filing_is_a_spec_form_with_new_text_each_time():
    first, second = (
        parse_qs(
            scenarios.file_body(
                key="o311_key",
                code="road-damage",
                subdistrict="500101",
                marker="benchx",
                number=number,
                answers={"hazard": "yes"},
            ).decode()
        )
        for number in (1, 2)
    )
    for sent in (first, second):
        assert sent["api_key"] == ["o311_key"]
        assert sent["service_code"] == ["road-damage"]
        assert sent["address_id"] == ["500101"]
        assert sent["attribute[hazard]"] == ["yes"]
        assert 5.5 <= float(sent["lat"][0]) <= 20.5
        assert 97.3 <= float(sent["long"][0]) <= 105.7
        assert sent["description"][0].startswith("benchx ")
        assert len(sent["description"][0]) <= 4000
    assert first["description"] != second["description"]


def test_growth_is_the_ratio_of_medians():
    checks = scenarios.growth_checks([10, 20, 30], [25, 40, 70])
    assert checks["p50_ratio_to_1k"] == 2.0
    assert checks["within_2x"] is True
    assert scenarios.growth_checks([10], [21])["within_2x"] is False
    assert scenarios.growth_checks([10, 30], [20, 40])["mean_ratio_to_1k"] == 1.5


@pytest.mark.parametrize(("count", "size"), [(1000, "1k"), (1_000_000, "1m")])
def test_sizes_are_named(count, size):
    assert scenarios._size(count) == size
