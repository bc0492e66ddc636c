from urllib.parse import parse_qs, urlsplit

import pytest

from bench.scenarios import (
    AREA_TERMS,
    BASELINE,
    PING_PATH,
    SCENARIOS,
    Scenario,
    area_search_paths,
    register,
    resolve,
)


def test_ping_is_first_and_only_once():
    names = [s.name for s in resolve(["area_search", "ping", "area_search"])]
    assert names == ["ping", "area_search"]


def test_ping_is_added_when_not_asked_for():
    assert [s.name for s in resolve(["area_search"])] == [BASELINE, "area_search"]


def test_unknown_scenario():
    with pytest.raises(ValueError, match="nope"):
        resolve(["nope"])


def test_duplicate_registration():
    with pytest.raises(ValueError):
        register(Scenario(name="ping", paths=lambda: ["/"]))


def test_ping_path():
    assert SCENARIOS["ping"].paths() == [PING_PATH]


def test_area_search_paths_are_encoded_and_cycle_the_terms():
    paths = area_search_paths()
    assert all(p.isascii() for p in paths)  # Thai is percent-encoded
    parts = [urlsplit(p) for p in paths]
    assert {p.path for p in parts} == {"/api/v1/areas/search"}
    assert [parse_qs(p.query)["q"][0] for p in parts] == AREA_TERMS
    assert {"เชียง", "Mueang", "บาง", "Khon", "สุ"} <= set(AREA_TERMS)
