"""The province map's shapes (npm @svg-maps/thailand, made GeoJSON at install)
are named by the map's own letters; the table gives each DOPA province its
shape, and every province of the map has exactly one."""

import json
from pathlib import Path

import geothai
import pytest
from django.conf import settings

from saduak.areas.province_shapes import SHAPE_BY_PROVINCE, shape_of

SHAPES = Path(settings.NODE_MODULES) / ".saduak" / "charts" / "thailand-provinces.json"


def squeezed(name: str) -> str:
    return "".join(letter for letter in name.lower() if letter.isalpha())


@pytest.fixture(scope="module")
def shapes() -> dict[str, str]:
    if not SHAPES.exists():
        pytest.fail(f"{SHAPES} is missing: run npm ci (its postinstall builds it).")
    features = json.loads(SHAPES.read_text(encoding="utf-8"))["features"]
    return {feature["id"]: feature["properties"]["name"] for feature in features}


def test_every_one_of_the_77_provinces_has_its_own_shape():
    codes = {province.code for province in geothai.provinces()}
    assert len(codes) == 77
    assert set(SHAPE_BY_PROVINCE) == codes
    assert len(set(SHAPE_BY_PROVINCE.values())) == 77


def test_each_shape_is_drawn_on_the_map_under_the_provinces_english_name(shapes):
    assert set(shapes) == set(SHAPE_BY_PROVINCE.values())
    for province in geothai.provinces():
        shape = SHAPE_BY_PROVINCE[province.code]
        assert squeezed(shapes[shape]) == squeezed(province.name_en), province.code


def test_the_map_has_closed_rings_in_the_svgs_own_frame():
    features = json.loads(SHAPES.read_text(encoding="utf-8"))["features"]
    for feature in features:
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                assert ring[0] == ring[-1] and len(ring) >= 4, feature["id"]
                assert all(0 <= x <= 560 and 0 <= y <= 1025 for x, y in ring)


def test_a_code_the_map_does_not_draw_has_no_shape():
    assert shape_of("50") == "cmi"
    assert shape_of("99") == ""
