import pytest

from saduak.areas import selectors
from saduak.core.errors import NotFound

pytestmark = pytest.mark.django_db


def codes(queryset):
    return [area.code for area in queryset]


def test_search_finds_a_district_by_its_thai_name(small_map):
    assert codes(selectors.district_list(search="จอมทอง")) == ["5002"]


def test_search_finds_a_district_by_its_english_name_in_any_case(small_map):
    assert codes(selectors.district_list(search="chom thong")) == ["5002"]
    assert codes(selectors.district_list(search="CHOMTHONG")) == ["5002"]


def test_search_ignores_the_level_words_people_type(small_map):
    assert codes(selectors.district_list(search="อ.เมืองเชียงใหม่")) == ["5001"]
    assert codes(selectors.district_list(search="เขตพระนคร")) == ["1001"]


def test_names_that_start_with_the_query_come_first(small_map):
    found = [area.code for area in selectors.area_search("เชียงใหม่")]
    assert found == ["50", "5001"]


def test_an_empty_search_finds_nothing_rather_than_everything(small_map):
    assert selectors.area_search("   ") == []
    assert selectors.area_search("อำเภอ") == []


def test_subdistricts_can_be_found_by_postal_code(small_map):
    assert codes(selectors.subdistrict_list(postal_code="50200")) == [
        "500101",
        "500102",
    ]


def test_an_unknown_code_is_not_found_with_the_code_in_the_message(small_map):
    with pytest.raises(NotFound) as caught:
        selectors.province_get("99")
    assert "99" in str(caught.value.message)


def test_offices_of_a_district_are_listed(small_map):
    assert codes(selectors.office_list(district_code="5001")) == [
        "ddc-5001",
        "do-5001",
        "reg-5001",
    ]


def test_search_answers_from_cache_until_the_map_is_loaded_again(
    small_map, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from dataclasses import replace

    from conftest import SMALL_MAP
    from saduak.areas.sync import areas_sync

    selectors.area_search("จอมทอง")
    with django_assert_num_queries(0):
        assert [a.code for a in selectors.area_search("จอมทอง")] == ["5002"]

    renamed = [
        replace(r, name_th="จอมทองใหม่") if r.code == "5002" else r for r in SMALL_MAP
    ]
    with django_capture_on_commit_callbacks(execute=True):
        areas_sync(actor="test", rows=renamed)
    assert selectors.area_search("จอมทอง")[0].name_th == "จอมทองใหม่"
