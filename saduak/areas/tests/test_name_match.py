from collections import Counter

import geothai
import pytest

from conftest import SMALL_MAP
from saduak.areas.geography import AreaRow, current_rows
from saduak.areas.name_match import (
    LIKELY_RATIO,
    MapMatcher,
    MatchReason,
    MatchStatus,
    code_key,
    name_key,
)
from saduak.areas.sync import areas_sync


def load_provinces_and_districts() -> None:
    """All 77 provinces and 928 districts of geothai's map (no subdistricts:
    names are matched at these two levels)."""
    areas_sync(
        actor="test",
        rows=[row for row in current_rows() if row.level != "subdistrict"],
    )


@pytest.fixture
def whole_map(db):
    load_provinces_and_districts()


# name_key: the one form names are compared in


@pytest.mark.parametrize(
    "written",
    [
        "เชียงใหม่",
        "จังหวัดเชียงใหม่",
        "จ.เชียงใหม่",
        "จ. เชียงใหม่",
        "  เชียง   ใหม่ ",
        "Chiang Mai",
        "CHIANG MAI",
        "chiangmai",
        "Chiang Mai Province",
        "Changwat Chiang Mai",
        "เชียงใหม่\u200b",
    ],
)
def test_the_ways_people_write_a_province_all_give_its_key(written):
    assert name_key(written) in {name_key("เชียงใหม่"), name_key("Chiang Mai")}


@pytest.mark.parametrize(
    "written",
    [
        "อำเภอจอมทอง",
        "อ.จอมทอง",
        "อ. จอมทอง",
        "กิ่งอำเภอจอมทอง",
        "กิ่ง อ.จอมทอง",
        "จอม ทอง",
    ],
)
def test_district_prefixes_and_spaces_are_removed(written):
    assert name_key(written) == "จอมทอง"


def test_english_district_prefixes_and_suffixes_are_removed():
    for written in ("Amphoe Chom Thong", "Chom Thong District", "Khet Chom Thong"):
        assert name_key(written) == "chomthong"


def test_muang_is_read_as_mueang():
    assert name_key("Amphoe Muang Chiang Mai") == name_key("Mueang Chiang Mai")


def test_thai_typing_slips_are_repaired():
    # Two sara e for sara ae, a doubled tone mark, sara am typed as two marks.
    assert name_key("เเพร่") == name_key("แพร่")
    assert name_key("ขอนแก่่น") == name_key("ขอนแก่น")
    assert name_key("กําแพงเพชร") == name_key("กำแพงเพชร")


def test_a_short_form_without_its_dot_is_part_of_the_name():
    # "อ" is the first letter of อ่างทอง: only "อ." is the district's word.
    assert name_key("อ่างทอง") == "อ่างทอง"


def test_an_empty_or_prefix_only_cell_has_no_key():
    assert name_key("") == ""
    assert name_key("   ") == ""
    assert name_key("จังหวัด") == ""


def test_codes_are_read_with_thai_digits_spaces_and_a_spreadsheet_decimal():
    assert code_key("๕๐๐๑") == "5001"
    assert code_key(" 50 01 ") == "5001"
    assert code_key("50.0") == "50"
    assert code_key("do-5001") == "do-5001"


# Matching on the small map


def test_a_province_is_matched_exactly_by_thai_or_english_name(small_map):
    matcher = MapMatcher("province")
    for written in ("จ.เชียงใหม่", "Chiang Mai", "CHIANG  MAI"):
        match = matcher.match(name=written)
        assert (match.status, match.code, match.reason) == (
            MatchStatus.EXACT,
            "50",
            MatchReason.NAME,
        )


def test_bangkok_is_matched_by_the_names_people_use_for_it(small_map):
    matcher = MapMatcher("province")
    for written in ("กทม.", "กรุงเทพฯ", "กรุงเทพมหานคร", "Bangkok", "Krung Thep"):
        assert matcher.match(name=written).code == "10", written


def test_a_province_is_matched_by_its_code_in_thai_digits(small_map):
    match = MapMatcher("province").match(code="๕๐")
    assert (match.status, match.code, match.reason) == (
        MatchStatus.EXACT,
        "50",
        MatchReason.CODE,
    )


def test_a_close_misspelling_is_offered_as_likely_with_its_candidate(small_map):
    match = MapMatcher("province").match(name="เชียงไหม่")
    assert match.status == MatchStatus.LIKELY
    assert match.reason == MatchReason.SPELLING
    assert match.code == ""
    assert match.candidate_codes == ["50"]
    assert match.candidates[0].ratio >= LIKELY_RATIO


def test_an_english_misspelling_is_offered_as_likely(small_map):
    match = MapMatcher("province").match(name="Chaing Mai")
    assert (match.status, match.candidate_codes) == (MatchStatus.LIKELY, ["50"])


def test_a_name_far_from_every_province_is_unknown_without_candidates(small_map):
    match = MapMatcher("province").match(name="ภูเก็ต")
    assert (match.status, match.reason, match.candidates) == (
        MatchStatus.UNKNOWN,
        MatchReason.NOT_FOUND,
        (),
    )


def test_an_empty_name_is_unknown(small_map):
    match = MapMatcher("province").match(name="  ")
    assert (match.status, match.reason) == (MatchStatus.UNKNOWN, MatchReason.NO_NAME)


def test_a_code_not_on_the_map_is_unknown(small_map):
    match = MapMatcher("district").match(code="9999", name="จอมทอง")
    assert (match.status, match.reason) == (
        MatchStatus.UNKNOWN,
        MatchReason.UNKNOWN_CODE,
    )


def test_a_district_is_matched_with_or_without_its_prefix(small_map):
    matcher = MapMatcher("district")
    for written in ("อำเภอจอมทอง", "อ.จอมทอง", "Amphoe Chom Thong", "จอมทอง"):
        assert matcher.match(name=written).code == "5002", written


def test_a_bangkok_district_is_matched_with_or_without_khet(small_map):
    matcher = MapMatcher("district")
    for written in ("เขตพระนคร", "พระนคร", "Khet Phra Nakhon", "Phra Nakhon District"):
        assert matcher.match(name=written).code == "1001", written


def test_mueang_alone_needs_the_province_column(small_map):
    matcher = MapMatcher("district")
    alone = matcher.match(name="อ.เมือง")
    with_province = matcher.match(name="อ.เมือง", province="จ.เชียงใหม่")
    english = matcher.match(name="Amphoe Muang", province="Chiang Mai")
    assert alone.status == MatchStatus.EXACT  # the small map has one Mueang
    assert (with_province.status, with_province.code) == (MatchStatus.EXACT, "5001")
    assert (english.status, english.code) == (MatchStatus.EXACT, "5001")


def test_mueang_x_and_x_mueang_spellings_meet(small_map):
    matcher = MapMatcher("district")
    for written in ("เมืองเชียงใหม่", "อำเภอเมือง เชียงใหม่", "Muang Chiang Mai"):
        assert matcher.match(name=written).code == "5001", written


def test_a_district_name_of_another_province_is_likely_not_exact(small_map):
    match = MapMatcher("district").match(name="จอมทอง", province="กรุงเทพมหานคร")
    assert match.status == MatchStatus.LIKELY
    assert match.reason == MatchReason.OTHER_PROVINCE
    assert match.candidate_codes == ["5002"]


def test_a_province_given_by_code_narrows_the_district(small_map):
    match = MapMatcher("district").match(name="จอมทอง", province="๕๐")
    assert (match.status, match.code) == (MatchStatus.EXACT, "5002")


def test_a_misspelt_province_makes_an_exact_district_likely(small_map):
    match = MapMatcher("district").match(name="จอมทอง", province="เชียงไหม่")
    assert match.status == MatchStatus.LIKELY
    assert match.reason == MatchReason.PROVINCE_UNSURE
    assert match.candidate_codes == ["5002"]


def test_a_code_and_a_name_of_two_places_are_offered_both(small_map):
    match = MapMatcher("district").match(code="5001", name="จอมทอง")
    assert match.status == MatchStatus.LIKELY
    assert match.reason == MatchReason.CODE_AND_NAME
    assert match.candidate_codes == ["5001", "5002"]


def test_a_code_with_its_own_name_misspelt_is_exact_by_code(small_map):
    match = MapMatcher("district").match(code="5002", name="จอมทอน")
    assert (match.status, match.code, match.reason) == (
        MatchStatus.EXACT,
        "5002",
        MatchReason.CODE,
    )


def test_a_district_code_of_another_province_than_the_row_says_is_likely(small_map):
    match = MapMatcher("district").match(code="5002", province="กรุงเทพ")
    assert (match.status, match.reason) == (
        MatchStatus.LIKELY,
        MatchReason.PROVINCE_UNSURE,
    )


def test_offices_are_matched_by_code_or_name(small_map):
    matcher = MapMatcher("office")
    assert matcher.match(code="DO-5001").code == "do-5001"
    assert matcher.match(name="ที่ว่าการอำเภอจอมทอง").code == "do-5002"
    close = matcher.match(name="ที่ว่าการอำเภอจอมทอน")
    assert (close.status, close.candidate_codes[0]) == (MatchStatus.LIKELY, "do-5002")


def test_an_inactive_district_is_not_matched(small_map):
    areas_sync(
        actor="test",
        rows=[row for row in SMALL_MAP if row.code not in ("5002", "500201")],
    )
    assert MapMatcher("district").match(name="จอมทอง").status == MatchStatus.UNKNOWN


def test_the_same_district_name_in_two_provinces_is_ambiguous_without_a_province(
    small_map,
):
    areas_sync(
        actor="test",
        rows=[*SMALL_MAP, AreaRow("district", "1035", "เขตจอมทอง", "Chom Thong", "10")],
    )
    matcher = MapMatcher("district")
    match = matcher.match(name="จอมทอง")
    assert (match.status, match.reason) == (MatchStatus.AMBIGUOUS, MatchReason.SEVERAL)
    assert sorted(match.candidate_codes) == ["1035", "5002"]
    assert matcher.match(name="จอมทอง", province="Bangkok").code == "1035"
    assert matcher.match(name="Chom Thong", province="เชียงใหม่").code == "5002"


def test_a_match_is_kept_as_plain_json(small_map):
    match = MapMatcher("province").match(name="เชียงไหม่").as_dict()
    assert match["status"] == "likely"
    assert match["candidates"][0]["code"] == "50"
    assert match["candidates"][0]["name_en"] == "Chiang Mai"


def test_an_unknown_level_is_a_programming_error(small_map):
    with pytest.raises(ValueError, match="facility"):
        MapMatcher("facility")


# The whole map


def test_every_province_is_matched_by_its_names_with_and_without_prefixes(whole_map):
    matcher = MapMatcher("province")
    provinces = geothai.provinces()
    assert len(provinces) == 77
    for province in provinces:
        for written in (
            province.name_th,
            f"จังหวัด{province.name_th}",
            f"จ. {province.name_th}",
            province.name_en,
            province.name_en.upper(),
            f"{province.name_en} Province",
        ):
            match = matcher.match(name=written)
            assert (match.status, match.code) == (
                MatchStatus.EXACT,
                province.code,
            ), written


def test_every_district_is_matched_within_its_province(whole_map):
    matcher = MapMatcher("district")
    districts = [
        district
        for province in geothai.provinces()
        for district in geothai.districts(province.code)
    ]
    assert len(districts) == 928
    english_in_province = Counter(
        (district.code[:2], name_key(district.name_en)) for district in districts
    )
    shared_english = set()
    for district in districts:
        province = geothai.province(district.code[:2])
        for name, province_name in (
            (f"อำเภอ{district.name_th}", province.name_th),
            (district.name_th, f"จ.{province.name_th}"),
        ):
            match = matcher.match(name=name, province=province_name)
            assert (match.status, match.code) == (
                MatchStatus.EXACT,
                district.code,
            ), (name, province_name)
        english = matcher.match(
            name=f"Amphoe {district.name_en}", province=province.name_en
        )
        if english_in_province[(province.code, name_key(district.name_en))] > 1:
            # Two districts of one province spelt alike in English (บางไทร and
            # บางซ้าย are both "Bang Sai"): only the Thai name tells them apart.
            assert english.status == MatchStatus.AMBIGUOUS
            assert district.code in english.candidate_codes
            shared_english.add(district.name_en)
        else:
            assert (english.status, english.code) == (MatchStatus.EXACT, district.code)
    assert shared_english == {"Bang Sai"}


def test_district_names_of_several_provinces_are_ambiguous_and_the_rest_exact(
    whole_map,
):
    matcher = MapMatcher("district")
    ambiguous = set()
    for province in geothai.provinces():
        for district in geothai.districts(province.code):
            match = matcher.match(name=district.name_th)
            if match.status == MatchStatus.AMBIGUOUS:
                assert district.code in match.candidate_codes
                ambiguous.add(name_key(district.name_th))
            else:
                assert (match.status, match.code) == (MatchStatus.EXACT, district.code)
    assert ambiguous == {"จอมทอง", "เฉลิมพระเกียรติ"}


def test_mueang_with_each_province_finds_that_provinces_capital_district(whole_map):
    matcher = MapMatcher("district")
    nationwide = matcher.match(name="อ.เมือง")
    assert nationwide.status == MatchStatus.AMBIGUOUS
    assert len(nationwide.candidates) == 76  # every province but Bangkok
    for province in geothai.provinces():
        if province.code == "10":
            continue
        match = matcher.match(name="อ.เมือง", province=province.name_th)
        assert match.status == MatchStatus.EXACT, province.name_th
        assert match.code == f"{province.code}01"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("นครราชสีมาา", "30"),
        ("สุราษธานี", "84"),
        ("Nakhon Si Thamarat", "80"),
        ("Prachuap Kirikhan", "77"),
        ("ขอนเเก่น", "40"),
    ],
)
def test_real_misspellings_of_provinces_are_offered_first(whole_map, written, code):
    match = MapMatcher("province").match(name=written)
    assert match.status in (MatchStatus.LIKELY, MatchStatus.EXACT)
    assert match.candidate_codes[0] == code


def test_nothing_is_offered_for_a_name_that_is_no_province(whole_map):
    for written in ("รวม", "Total", "สำนักงานใหญ่", "ไม่ระบุ"):
        assert MapMatcher("province").match(name=written).status == (
            MatchStatus.UNKNOWN
        ), written
