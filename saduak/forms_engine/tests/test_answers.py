"""Cleaning answers into their JSON shapes, per field type, and checking that
an application is complete; hidden fields are never required."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from saduak.core.personal_id import with_check_digit
from saduak.eservices.builtins import BUILTIN_SERVICES
from saduak.forms_engine.answers import (
    answers_check_complete,
    answers_clean,
    drop_hidden,
    typed_date,
    visible_fields,
)
from saduak.forms_engine.definition import form_from_definition

FORM = form_from_definition(BUILTIN_SERVICES[0]["form"])
CAPITAL = form_from_definition(BUILTIN_SERVICES[2]["form"])
PERSONAL_ID = with_check_digit("110000000001")


def clean(key: str, value: Any, form: Any = FORM) -> tuple[Any, list[str]]:
    with translation.override("en"):
        values, errors = answers_clean(form, {key: value}, fields=[form.by_key[key]])
    return values.get(key), errors.get(key, [])


@pytest.mark.parametrize(
    ("key", "given_value", "cleaned"),
    [
        ("full_name", "  สมศรี   ใจดี ", "สมศรี ใจดี"),
        ("reason", "บรรทัดหนึ่ง\r\nบรรทัดสอง ", "บรรทัดหนึ่ง\nบรรทัดสอง"),
        ("household_size", "4", 4),
        ("household_size", "๔", 4),
        ("household_size", 12, 12),
        ("monthly_income", "2,500", "2500.00"),
        ("monthly_income", "2500.5", "2500.50"),
        ("monthly_income", "0", "0.00"),
        ("monthly_income", 1200, "1200.00"),
        ("birth_date", "1985-03-14", "1985-03-14"),
        ("birth_date", "14/03/2528", "1985-03-14"),
        ("birth_date", "14/03/1985", "1985-03-14"),
        ("birth_date", "๑๔/๐๓/๒๕๒๘", "1985-03-14"),
        ("income_source", "wage", "wage"),
        ("dependants", ["sick", "newborn", "sick"], ["newborn", "sick"]),
        ("dependants", "elderly", ["elderly"]),
        ("has_welfare_card", "no", "no"),
        ("has_welfare_card", True, "yes"),
        ("personal_id", PERSONAL_ID[:1] + "-" + PERSONAL_ID[1:], PERSONAL_ID),
        ("phone", "081-234-5678", "0812345678"),
        ("phone", "+66812345678", "0812345678"),
        ("phone", "053 123 456", "053123456"),
        ("email", "Somsri@Example.COM", "Somsri@example.com"),
        (
            "bank_account",
            {"bank": "014", "number": "123-4-56789-0"},
            {"bank": "014", "number": "1234567890"},
        ),
        ("declaration", True, True),
        ("declaration", "yes", True),
    ],
)
def test_each_type_is_cleaned_into_its_json_shape(
    key: str, given_value: Any, cleaned: Any
) -> None:
    assert clean(key, given_value) == (cleaned, [])


@pytest.mark.parametrize(
    ("key", "given_value", "words"),
    [
        ("full_name", "ก" * 201, "at most 200 characters"),
        ("household_size", "0", "at least 1"),
        ("household_size", "31", "at most 30"),
        ("household_size", "2.5", "whole number"),
        ("household_size", "four", "whole number"),
        ("monthly_income", "-5", "below zero"),
        ("monthly_income", "10.555", "at most 2 decimals"),
        ("monthly_income", "1e3", "such as 1500"),
        ("monthly_income", "1000001", "at most 1,000,000.00"),
        ("requested_amount", "3000.01", "at most 3,000.00"),
        ("birth_date", "31/02/2528", "real date"),
        ("birth_date", "yesterday", "real date"),
        ("income_source", "lottery", "one of the options"),
        ("dependants", ["elderly", "pets"], "from the options"),
        ("has_welfare_card", "maybe", "yes or no"),
        ("personal_id", "1234567890123", "check digit"),
        ("personal_id", "12345", "13 digits"),
        ("phone", "12345", "Thai phone number"),
        ("email", "somsri@", "e-mail address"),
        ("bank_account", {"bank": "999", "number": "1234567890"}, "bank from the list"),
        ("bank_account", {"bank": "006", "number": "12345"}, "10 to 12 digits"),
        ("declaration", False, "Tick the box"),
        ("members", [{"name": "ก", "age": "200"}], "Row 1, Age: Enter at most 130"),
        ("members", [{"name": "ก"}] * 16, "At most 15 rows"),
    ],
)
def test_a_wrong_value_is_refused_saying_how_to_put_it_right(
    key: str, given_value: Any, words: str
) -> None:
    value, errors = clean(key, given_value)
    assert value is None
    assert len(errors) == 1
    assert words in errors[0]


def test_empty_values_clear_the_answer_and_missing_ones_are_left_alone() -> None:
    fields = [FORM.by_key["full_name"], FORM.by_key["dependants"], FORM.by_key["phone"]]
    values, errors = answers_clean(
        FORM, {"full_name": "  ", "dependants": []}, fields=fields
    )
    assert values == {"full_name": None, "dependants": None}
    assert errors == {}


def test_table_rows_are_cleaned_by_their_columns_and_blank_rows_dropped() -> None:
    rows = [
        {"name": " สมชาย ", "relation": "สามี", "age": "45"},
        {"name": "", "relation": "", "age": ""},
        {"name": "ด.ญ. มะลิ", "relation": "", "age": "๗"},
    ]
    assert clean("members", rows) == (
        [
            {"name": "สมชาย", "relation": "สามี", "age": 45},
            {"name": "ด.ญ. มะลิ", "relation": None, "age": 7},
        ],
        [],
    )
    equipment = [{"item": "จักรเย็บผ้า", "cost": "4,500"}]
    assert clean("equipment", equipment, CAPITAL) == (
        [{"item": "จักรเย็บผ้า", "cost": "4500.00"}],
        [],
    )


def test_an_address_must_nest_province_district_and_subdistrict(
    small_map: None,
) -> None:
    good = {
        "line": " 12  หมู่ 3 ",
        "province": "50",
        "district": "5001",
        "subdistrict": "500101",
        "postal_code": "",
    }
    assert clean("address", good) == (
        {**good, "line": "12 หมู่ 3", "postal_code": "50200"},
        [],
    )
    for broken, words in (
        ({**good, "province": "99"}, "province from the list"),
        ({**good, "district": "1001"}, "district of the province"),
        ({**good, "subdistrict": "500201"}, "subdistrict of the district"),
        ({**good, "postal_code": "5020"}, "5 digits"),
        ({**good, "postal_code": "10200"}, "postal code of Si Phum is 50200"),
    ):
        value, errors = clean("address", broken)
        assert value is None
        assert len(errors) == 1
        assert words in errors[0]


def test_a_partial_address_may_be_saved_in_a_draft(small_map: None) -> None:
    assert clean("address", {"province": "50"}) == (
        {
            "line": "",
            "province": "50",
            "district": "",
            "subdistrict": "",
            "postal_code": "",
        },
        [],
    )


@given(
    baht=st.integers(min_value=0, max_value=999_999),
    satang=st.integers(min_value=0, max_value=99),
    grouped=st.booleans(),
)
def test_any_amount_in_baht_and_satang_is_read_exactly(
    baht: int, satang: int, grouped: bool
) -> None:
    typed = f"{baht:,}" if grouped else str(baht)
    typed += f".{satang:02d}"
    value, errors = clean("monthly_income", typed)
    assert errors == []
    assert Decimal(value) == Decimal(baht) + Decimal(satang) / 100
    assert value == f"{Decimal(value):.2f}"


@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_any_date_typed_in_either_era_or_iso_is_the_same_day(day: date) -> None:
    for typed in (
        f"{day.day:02d}/{day.month:02d}/{day.year + 543}",
        f"{day.day}/{day.month}/{day.year}",
        day.isoformat(),
    ):
        assert typed_date(typed) == day


def test_the_number_pad_date_without_slashes_is_read() -> None:
    assert typed_date("14032528") == date(1985, 3, 14)
    assert typed_date("30/02/2569") is None


def complete(**changes: Any) -> dict[str, Any]:
    answers = {
        "full_name": "สมศรี ใจดี",
        "personal_id": PERSONAL_ID,
        "birth_date": "1985-03-14",
        "phone": "0812345678",
        "address": {
            "line": "12",
            "province": "50",
            "district": "5001",
            "subdistrict": "500101",
            "postal_code": "50200",
        },
        "household_size": 4,
        "monthly_income": "2500.00",
        "income_source": "wage",
        "housing": "rent",
        "has_welfare_card": "no",
        "reason": "เดือดร้อน",
        "requested_amount": "3000.00",
        "bank_account": {"bank": "006", "number": "1234567890"},
        "declaration": True,
    }
    answers.update(changes)
    return answers


def test_complete_answers_with_the_bank_book_leave_nothing_to_do() -> None:
    assert (
        answers_check_complete(FORM, complete(), attachments_by_field={"bank_book": 1})
        == {}
    )


def test_what_is_missing_is_named_field_by_field() -> None:
    with translation.override("en"):
        errors = answers_check_complete(
            FORM,
            complete(
                phone=None,
                declaration=None,
                address={"line": "12", "province": "50"},
                bank_account={"bank": "006", "number": ""},
                members=[{"name": "", "relation": "ลูก", "age": 3}],
            ),
            attachments_by_field={"bank_book": 0, "house_photos": 4},
        )
    assert errors == {
        "phone": ["This is required."],
        "address": ["Give the district, the subdistrict, the postal code."],
        "members": ["Row 1: Name is required."],
        "bank_account": ["Enter the account number."],
        "bank_book": ["Upload this document."],
        "house_photos": ["At most 3 files; remove some."],
        "declaration": ["Tick the box to make the declaration."],
    }


def test_a_hidden_field_is_never_required_and_its_answer_is_dropped() -> None:
    other = complete(income_source="other")
    errors = answers_check_complete(FORM, other, attachments_by_field={"bank_book": 1})
    assert list(errors) == ["income_source_other"]
    wage = complete(income_source="wage", income_source_other="ขายของ")
    assert "income_source_other" not in {f.key for f in visible_fields(FORM, wage)}
    assert (
        answers_check_complete(FORM, wage, attachments_by_field={"bank_book": 1}) == {}
    )
    assert "income_source_other" not in drop_hidden(FORM, wage)


def test_checking_one_page_looks_only_at_its_fields() -> None:
    section = FORM.section("household")
    assert section is not None
    errors = answers_check_complete(
        FORM, {}, attachments_by_field={}, fields=section.fields
    )
    assert set(errors) == {
        "household_size",
        "monthly_income",
        "income_source",
        "housing",
        "has_welfare_card",
    }


def test_a_condition_on_a_multiple_choice_holds_when_the_list_contains_it() -> None:
    form = form_from_definition(
        {
            "sections": [
                {
                    "key": "main",
                    "title": "หลัก",
                    "fields": [
                        {
                            "key": "who",
                            "type": "multichoice",
                            "label": "ใคร",
                            "choices": [
                                {"value": "child", "label": "เด็ก"},
                                {"value": "elder", "label": "ผู้สูงอายุ"},
                            ],
                        },
                        {
                            "key": "school",
                            "type": "text",
                            "label": "โรงเรียน",
                            "required": True,
                            "show_if": {"field": "who", "equals": "child"},
                        },
                        {
                            "key": "class",
                            "type": "yesno",
                            "label": "ชั้น",
                            "show_if": {"field": "who", "equals": "elder"},
                        },
                        {
                            "key": "room",
                            "type": "text",
                            "label": "ห้อง",
                            "required": True,
                            "show_if": {"field": "class", "equals": "yes"},
                        },
                    ],
                }
            ]
        }
    )
    keys = lambda answers: [f.key for f in visible_fields(form, answers)]  # noqa: E731
    assert keys({"who": ["elder", "child"]}) == ["who", "school", "class"]
    assert keys({"who": ["elder"], "class": "yes"}) == ["who", "class", "room"]
    # A field depending on a hidden field is hidden too.
    assert keys({"who": ["child"], "class": "yes"}) == ["who", "school"]
