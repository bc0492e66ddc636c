"""The shared form editor: the pure operations on a definition (editing.py)
and the editor's forms (editor_forms.py). The hosts' services (the
e-service builder, performance's report forms) are tested in their apps."""

import copy
from collections.abc import Iterator

import pytest
from django.utils import translation

from saduak.core.errors import InvalidInput
from saduak.forms_engine import editing
from saduak.forms_engine.editor_forms import (
    ColumnForm,
    FieldForm,
    FieldTypeForm,
    field_summary,
)


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """The messages these tests read are the English source texts."""
    with translation.override("en"):
        yield


def text(thai: str, english: str = "") -> dict[str, str]:
    return {"th": thai, "en": english}


FORM = {
    "sections": [
        {
            "key": "about",
            "title": text("เกี่ยวกับ", "About"),
            "fields": [
                {
                    "key": "occupation",
                    "type": "text",
                    "label": text("อาชีพ", "Occupation"),
                    "required": True,
                },
                {
                    "key": "has_card",
                    "type": "yesno",
                    "label": text("มีบัตรหรือไม่", "Has a card"),
                    "required": True,
                },
                {
                    "key": "card_number",
                    "type": "text",
                    "label": text("เลขบัตร", "Card number"),
                    "required": True,
                    "show_if": {"field": "has_card", "equals": "yes"},
                },
            ],
        },
        {"key": "more", "title": text("เพิ่มเติม", "More"), "fields": []},
    ]
}
TABLE = {
    "key": "staff",
    "type": "table",
    "label": text("เจ้าหน้าที่", "Staff"),
    "required": True,
    "columns": [
        {"key": "unit", "type": "text", "label": text("หน่วย", "Unit")},
        {"key": "people", "type": "number", "label": text("คน", "People")},
    ],
}


def keys(form: dict, section: int = 0) -> list[str]:
    return [field["key"] for field in form["sections"][section]["fields"]]


def test_an_operation_returns_a_new_checked_form_and_leaves_the_old_one():
    before = copy.deepcopy(FORM)
    edit = editing.field_add(FORM, section_key="more", field=TABLE)
    assert before == FORM
    assert keys(edit.form, 1) == ["staff"]
    assert edit.action == "field_add"
    assert edit.details == {"section": "more", "field": TABLE}
    assert edit.form == editing.form_check(edit.form, complete=False)


def test_an_empty_or_missing_form_starts_with_no_sections():
    edit = editing.section_add(None, key="first", title=text("หนึ่ง", "One"))
    assert edit.form == {
        "sections": [{"key": "first", "title": text("หนึ่ง", "One"), "fields": []}]
    }
    assert editing.form_check({}, complete=False) == {"sections": []}


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ({"key": "Bad Key", "type": "text", "label": text("ก")}, "field key must"),
        ({"key": "occupation", "type": "text", "label": text("ก")}, "has the key"),
        ({"key": "pick", "type": "choice", "label": text("ก")}, "list of choices"),
        ({"key": "what", "type": "colour", "label": text("ก")}, "more"),
    ],
)
def test_a_bad_field_is_refused_with_the_reason(field, message):
    with pytest.raises(InvalidInput, match=message):
        editing.field_add(FORM, section_key="more", field=field)


def test_a_field_of_a_section_that_does_not_exist_is_refused():
    with pytest.raises(InvalidInput, match="no section nowhere") as error:
        editing.field_add(FORM, section_key="nowhere", field=TABLE)
    assert error.value.code == "section-unknown"


def test_renaming_a_field_carries_the_conditions_that_depend_on_it():
    field = {**FORM["sections"][0]["fields"][1], "key": "holds_card"}
    edit = editing.field_update(FORM, field_key="has_card", field=field)
    assert edit.form["sections"][0]["fields"][2]["show_if"]["field"] == "holds_card"
    assert edit.details["before"]["key"] == "has_card"
    with pytest.raises(InvalidInput, match="has the key"):
        editing.field_update(
            FORM, field_key="has_card", field={**field, "key": "occupation"}
        )


def test_a_field_others_depend_on_cannot_be_removed_or_moved_below_them():
    with pytest.raises(InvalidInput, match="decides whether card_number"):
        editing.field_remove(FORM, field_key="has_card")
    with pytest.raises(InvalidInput, match="must come after"):
        editing.field_move(FORM, field_key="has_card", direction=editing.DOWN)
    edit = editing.field_remove(FORM, field_key="card_number")
    assert keys(edit.form) == ["occupation", "has_card"]
    assert edit.details == {"field": FORM["sections"][0]["fields"][2]}


def test_a_field_moves_within_its_section_and_across_to_the_next():
    edit = editing.field_move(FORM, field_key="occupation", direction=editing.DOWN)
    assert keys(edit.form) == ["has_card", "occupation", "card_number"]
    edit = editing.field_move(FORM, field_key="card_number", direction=editing.DOWN)
    assert keys(edit.form) == ["occupation", "has_card"]
    assert keys(edit.form, 1) == ["card_number"]
    back = editing.field_move(edit.form, field_key="card_number", direction=editing.UP)
    assert keys(back.form) == ["occupation", "has_card", "card_number"]
    top = editing.field_move(FORM, field_key="occupation", direction=editing.UP)
    assert top.form == editing.form_check(FORM, complete=False)


def test_sections_are_added_renamed_moved_and_removed_when_empty():
    edit = editing.section_add(FORM, key="spare", title=text("สำรอง"))
    edit = editing.section_move(edit.form, section_key="spare", direction=editing.UP)
    assert [section["key"] for section in edit.form["sections"]] == [
        "about",
        "spare",
        "more",
    ]
    edit = editing.section_update(
        edit.form, section_key="spare", title=text("อื่น", "Other")
    )
    assert edit.details == {
        "section": "spare",
        "before": text("สำรอง"),
        "title": text("อื่น", "Other"),
    }
    edit = editing.section_remove(edit.form, section_key="spare")
    assert edit.form == editing.form_check(FORM, complete=False)
    with pytest.raises(InvalidInput, match="fields of this section first"):
        editing.section_remove(FORM, section_key="about")


@pytest.mark.parametrize(
    ("key", "message"),
    [("about", "Two sections have the key about"), ("9x", "key must start")],
)
def test_a_section_key_taken_or_malformed_is_refused(key, message):
    with pytest.raises(InvalidInput, match=message):
        editing.section_add(FORM, key=key, title=text("ก"))


def test_a_section_needs_a_thai_title():
    with pytest.raises(InvalidInput):
        editing.section_add(FORM, key="spare", title=text("", "Spare"))


def test_a_complete_form_needs_fields_in_every_section_and_the_hosts_own_check():
    with pytest.raises(InvalidInput, match="no fields yet"):
        editing.form_check({"sections": []}, complete=True)
    with pytest.raises(InvalidInput, match="“เพิ่มเติม” has no fields"):
        editing.form_check(FORM, complete=True)
    whole = editing.field_add(FORM, section_key="more", field=TABLE).form
    assert editing.form_check(whole, complete=True) == whole
    seen: list[list[str]] = []

    def also(fields: list[dict]) -> None:
        seen.append([field["key"] for field in fields])
        raise InvalidInput("the host's own requirement", code="form-incomplete")

    with pytest.raises(InvalidInput, match="host's own requirement"):
        editing.form_check(whole, complete=True, complete_also=also)
    assert seen == [["occupation", "has_card", "card_number", "staff"]]
    assert editing.form_problems(whole) == []
    assert editing.form_problems(FORM) == [
        "The section “เพิ่มเติม” has no fields: add some or remove it."
    ]


def test_types_check_refuses_types_and_prefill_a_host_does_not_offer():
    whole = editing.field_add(FORM, section_key="more", field=TABLE).form
    offered = ("text", "yesno", "table")
    assert editing.types_check(whole, allowed=offered, prefill=False) == whole
    with pytest.raises(InvalidInput, match="staff is of a type"):
        editing.types_check(whole, allowed=("text", "yesno"), prefill=False)
    named = editing.field_add(
        FORM,
        section_key="more",
        field={
            "key": "name",
            "type": "text",
            "label": text("ชื่อ"),
            "prefill": "full_name",
        },
    ).form
    assert editing.types_check(named, allowed=offered, prefill=True) == named
    with pytest.raises(InvalidInput, match="name cannot be filled in"):
        editing.types_check(named, allowed=offered, prefill=False)


def test_the_whole_form_is_replaced_checked_with_counts_for_the_audit():
    whole = editing.field_add(FORM, section_key="more", field=TABLE).form
    edit = editing.form_replace(FORM, form=whole)
    assert edit.form == whole
    assert edit.action == "replace"
    assert edit.details == {
        "sections_before": 2,
        "fields_before": 3,
        "sections": 2,
        "fields": 4,
    }
    with pytest.raises(InvalidInput):
        editing.form_replace(FORM, form={"sections": "none"})


# --- the editor's forms -----------------------------------------------------


def test_the_field_types_offered_are_the_hosts():
    form = FieldTypeForm(types=("text", "table"))
    assert [value for value, _ in form.fields["type"].choices] == ["text", "table"]
    everything = FieldTypeForm()
    assert len(everything.fields["type"].choices) == 16


def test_a_host_without_prefill_offers_no_digital_id_option():
    assert "prefill" in FieldForm(field_type="text", earlier=[]).fields
    assert (
        "prefill" not in FieldForm(field_type="text", earlier=[], prefill=False).fields
    )


def test_a_table_field_is_made_from_its_columns():
    data = {
        "label_th": "เจ้าหน้าที่",
        "label_en": "Staff",
        "required": "on",
        "max_rows": "10",
        "col-TOTAL_FORMS": "3",
        "col-INITIAL_FORMS": "0",
        "col-0-label_th": "หน่วย",
        "col-0-label_en": "Unit",
        "col-0-type": "text",
        "col-0-required": "on",
        "col-1-label_th": "คน",
        "col-1-label_en": "People",
        "col-1-type": "number",
        "col-2-type": "text",
    }
    form = FieldForm(data, field_type="table", earlier=[], prefill=False)
    assert form.is_valid(), form.errors
    field = form.field(set())
    assert field["key"] == "staff"
    assert field["max_rows"] == 10
    assert field["columns"] == [
        {
            "key": "unit",
            "type": "text",
            "label": text("หน่วย", "Unit"),
            "required": True,
        },
        {
            "key": "people",
            "type": "number",
            "label": text("คน", "People"),
            "required": False,
        },
    ]
    edit = editing.field_add(FORM, section_key="more", field=field)
    assert keys(edit.form, 1) == ["staff"]


def test_a_column_is_read_back_into_the_form_it_came_from():
    column = {
        "key": "kind",
        "type": "choice",
        "label": text("ชนิด", "Kind"),
        "required": True,
        "choices": [{"value": "a", "label": text("ก", "A")}],
    }
    assert ColumnForm.initial_from(column)["choices"] == "a|ก|A"


def test_a_field_is_summed_up_in_words():
    by_key = {field["key"]: field for field in FORM["sections"][0]["fields"]}
    summary = field_summary(by_key["card_number"], by_key)
    assert summary["label"] == "Card number"
    assert summary["shown_when"] == "Shown only when “Has a card” is “Yes”."
    assert field_summary(TABLE, {})["columns"] == ["Unit", "People"]
