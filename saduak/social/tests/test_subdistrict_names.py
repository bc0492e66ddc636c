"""Subdistrict names matched to the map within a province (subdistrict_names.py)."""

import pytest

from saduak.social.subdistrict_names import SubdistrictMatcher, subdistrict_key

pytestmark = pytest.mark.django_db


def test_the_level_word_is_left_out_of_the_key():
    assert (
        subdistrict_key("ตำบลศรีภูมิ")
        == subdistrict_key("ต. ศรีภูมิ")
        == subdistrict_key("ศรีภูมิ")
    )
    assert subdistrict_key("Tambon Si Phum") == subdistrict_key("si phum subdistrict")


def test_names_match_in_thai_or_english_with_the_district_and_within_the_province(
    small_map,
):
    matcher = SubdistrictMatcher("50")
    assert matcher.match("ศรีภูมิ", "") == ("500101", "", "")
    assert matcher.match("Ban Luang", "จอมทอง") == ("500201", "", "")
    # In another district: offered as likely, with its code.
    code, problem, hint = matcher.match("Ban Luang", "Mueang Chiang Mai")
    assert (code, problem) == (None, "subdistrict-name-likely") and "500201" in hint
    assert matcher.match("พระบรมมหาราชวัง", "")[1] == "subdistrict-name-unknown"
    assert matcher.match("ศรีภูมี", "")[:2] == (None, "subdistrict-name-likely")
    assert matcher.match("ศรีภูมิ", "ไม่มีอำเภอนี้")[1] == "district-name-unknown"


def test_a_national_matcher_finds_every_province(small_map):
    assert SubdistrictMatcher("").match("พระบรมมหาราชวัง", "")[0] == "100101"
