"""Reading HTML form posts into the JSON shapes, and stored answers back into
the inputs' values, so that a page shows again exactly what was typed."""

from typing import Any

from django.http import QueryDict
from django.utils import translation

from saduak.eservices.builtins import BUILTIN_SERVICES
from saduak.forms_engine.definition import Section, form_from_definition
from saduak.forms_engine.post import (
    post_from_answers,
    raw_from_post,
    typed_date_text,
    values_from_post,
    values_with_rows,
    values_without_row,
)

FORM = form_from_definition(BUILTIN_SERVICES[0]["form"])


def section(key: str) -> Section:
    found = FORM.section(key)
    assert found is not None
    return found


APPLICANT = section("applicant")
HOUSEHOLD = section("household")
PAYMENT = section("payment")
DECLARATION = section("declaration")
assert FORM.declaration is not None
DECLARED_FIELD = FORM.declaration


def posted(**values: Any) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if isinstance(value, list):
            data.setlist(name, value)
        else:
            data[name] = value
    return data


def test_a_post_becomes_the_json_shapes_of_the_page_fields() -> None:
    data = posted(
        full_name="สมศรี ใจดี",
        personal_id="1100000000016",
        birth_date="14/03/2528",
        phone="0812345678",
        address__line="12 หมู่ 3",
        address__province="50",
        address__district="5001",
        address__subdistrict="500101",
        address__postal_code="50200",
        csrfmiddlewaretoken="ignored",
    )
    assert raw_from_post(APPLICANT, data) == {
        "full_name": "สมศรี ใจดี",
        "personal_id": "1100000000016",
        "birth_date": "1985-03-14",
        "phone": "0812345678",
        "email": "",
        "address": {
            "line": "12 หมู่ 3",
            "province": "50",
            "district": "5001",
            "subdistrict": "500101",
            "postal_code": "50200",
        },
    }


def test_dates_typed_either_way_become_iso_and_a_bad_one_is_passed_on_as_typed() -> (
    None
):
    for typed, raw in (
        ("14/03/2528", "1985-03-14"),
        ("14-3-1985", "1985-03-14"),
        ("1985-03-14", "1985-03-14"),
        (" 31/02/2528 ", "31/02/2528"),
        ("", ""),
    ):
        assert raw_from_post(APPLICANT, posted(birth_date=typed))["birth_date"] == raw


def test_choices_tables_and_bank_accounts_are_read() -> None:
    data = posted(
        dependants=["elderly", "sick"],
        has_welfare_card="yes",
        **{
            "members-rows": "2",
            "members-0-name": "สมชาย",
            "members-0-relation": "สามี",
            "members-0-age": "45",
            "members-1-name": "",
            "members-5-name": "ignored: beyond the rows",
        },
    )
    raw = raw_from_post(HOUSEHOLD, data)
    assert raw["dependants"] == ["elderly", "sick"]
    assert raw["has_welfare_card"] == "yes"
    assert raw["members"] == [
        {"name": "สมชาย", "relation": "สามี", "age": "45"},
        {"name": "", "relation": "", "age": ""},
    ]
    assert raw_from_post(
        PAYMENT, posted(bank_account__bank="006", bank_account__number="123-4")
    ) == {"bank_account": {"bank": "006", "number": "123-4"}}


def test_a_table_never_reads_more_rows_than_it_allows() -> None:
    raw = raw_from_post(HOUSEHOLD, posted(**{"members-rows": "999"}))
    assert len(raw["members"]) == 15


def test_the_declaration_is_read_only_where_it_is_asked() -> None:
    assert "declaration" not in raw_from_post(DECLARATION, posted(declaration="yes"))
    declaration = [DECLARED_FIELD]
    assert raw_from_post(
        DECLARATION, posted(declaration="yes"), fields=declaration
    ) == {"declaration": True}
    assert raw_from_post(DECLARATION, posted(), fields=declaration) == {
        "declaration": None
    }


def test_values_from_a_post_are_kept_as_typed() -> None:
    data = posted(
        household_size="สี่",
        dependants=["elderly"],
        **{"members-rows": "1", "members-0-name": "สมชาย", "members-0-age": "x"},
    )
    values = values_from_post(HOUSEHOLD, data)
    assert values["household_size"] == "สี่"
    assert values["dependants"] == ["elderly"]
    assert values["members-0-age"] == "x"
    assert values["members-rows"] == "1"
    assert raw_from_post(HOUSEHOLD, values) == raw_from_post(HOUSEHOLD, data)


def test_stored_answers_become_the_inputs_values_with_dates_in_the_era_of_the_language() -> (
    None
):
    answers = {
        "birth_date": "1985-03-14",
        "address": {"line": "12", "province": "50"},
        "household_size": 4,
        "members": [{"name": "สมชาย", "age": 45}],
        "dependants": ["sick"],
    }
    with translation.override("th"):
        values = post_from_answers(APPLICANT, answers)
    assert values["birth_date"] == "14/03/2528"
    assert values["address__line"] == "12"
    assert values["address__district"] == ""
    assert values["full_name"] == ""
    household = post_from_answers(HOUSEHOLD, answers)
    assert household["household_size"] == "4"
    assert household["members-rows"] == "1"
    assert household["members-0-name"] == "สมชาย"
    assert household["members-0-age"] == "45"
    assert household["members-0-relation"] == ""
    assert household["dependants"] == ["sick"]
    with translation.override("en"):
        assert typed_date_text("1985-03-14") == "14/03/1985"
    # Round trip: what the inputs show reads back as the same answers.
    with translation.override("th"):
        assert raw_from_post(APPLICANT, values)["birth_date"] == "1985-03-14"


def test_a_row_taken_out_moves_the_later_rows_up() -> None:
    values = {
        "members-rows": "3",
        "members-0-name": "หนึ่ง",
        "members-1-name": "สอง",
        "members-2-name": "สาม",
        "household_size": "3",
    }
    item = FORM.by_key["members"]
    kept = values_without_row(values, item, 1)
    assert kept == {
        "members-rows": "2",
        "members-0-name": "หนึ่ง",
        "members-1-name": "สาม",
        "household_size": "3",
    }
    assert values_without_row(values, item, 7) == values
    assert values_with_rows(values, item, 1)["members-rows"] == "4"
    assert values_with_rows({"members-rows": "15"}, item, 1)["members-rows"] == "15"
