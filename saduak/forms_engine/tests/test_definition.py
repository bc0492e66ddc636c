"""Parsing a version's form: the built-in forms are valid, and every kind of
broken form is refused with a message naming the section and the field."""

import copy
from typing import Any

import pytest
from django.utils import translation

from saduak.core.errors import InvalidInput
from saduak.eservices.builtins import BUILTIN_SERVICES
from saduak.forms_engine.definition import (
    form_from_definition,
)


def text(value: str) -> dict[str, str]:
    return {"th": value, "en": value}


def form_with(*fields: dict[str, Any], key: str = "main") -> dict[str, Any]:
    return {"sections": [{"key": key, "title": text("Main"), "fields": list(fields)}]}


def field(key: str, kind: str = "text", **options: Any) -> dict[str, Any]:
    return {"key": key, "type": kind, "label": text(key.title()), **options}


def refusal(definition: Any) -> InvalidInput:
    with translation.override("en"), pytest.raises(InvalidInput) as raised:
        form_from_definition(definition)
    assert raised.value.code == "form-invalid"
    return raised.value


CHOICES = [{"value": "a", "label": text("A")}, {"value": "b", "label": text("B")}]


@pytest.mark.parametrize("service", BUILTIN_SERVICES, ids=lambda s: s["code"])
def test_the_built_in_forms_are_valid(service: dict[str, Any]) -> None:
    form = form_from_definition(service["form"])
    assert [page.key for page in form.pages] == [
        "applicant",
        "household",
        "request",
        "payment",
        "documents",
    ]
    assert form.declaration is not None
    assert form.section("declaration").only_declaration  # type: ignore[union-attr]
    assert form.by_key["bank_book"].file_types == ("pdf", "jpg", "png")
    assert form.by_key["bank_book"].max_bytes == 10 * 1024 * 1024
    assert form.by_key["income_source_other"].show_if.equals == "other"  # type: ignore[union-attr]
    members = form.by_key["members"]
    assert [column.key for column in members.columns] == ["name", "relation", "age"]
    assert members.max_rows == 15


def test_the_pages_are_walked_forward_and_back() -> None:
    form = form_from_definition(BUILTIN_SERVICES[0]["form"])
    assert form.page_after("applicant").key == "household"  # type: ignore[union-attr]
    assert form.page_after("documents") is None
    assert form.page_before("household").key == "applicant"  # type: ignore[union-attr]
    assert form.page_before("applicant") is None


@pytest.mark.parametrize(
    ("definition", "words"),
    [
        ({}, "no sections"),
        ({"sections": []}, "no sections"),
        (form_with(field("name", "colour")), "unknown field type “colour”"),
        (form_with(field("Name")), "must start with a small letter"),
        (form_with(field("x" * 41)), "at most 40"),
        (form_with(field("name"), field("name")), "another field of the form"),
        (form_with(field("pick", "choice")), "needs a list of choices"),
        (
            form_with(field("pick", "choice", choices=[CHOICES[0], CHOICES[0]])),
            "same value",
        ),
        (form_with(field("rows", "table")), "at least one column"),
        (
            form_with(field("rows", "table", columns=[field("where", "address")])),
            "column “where”",
        ),
        (
            form_with(field("scan", "file", file_types=["pdf", "exe"])),
            "“exe” is not accepted",
        ),
        (form_with(field("scan", "file", file_types=[])), "at least one file type"),
        (
            form_with(field("scan", "file", max_size_mb=500)),
            "at most 20 MB",
        ),
        (
            form_with(field("one", "declaration"), field("two", "declaration")),
            "at most one declaration",
        ),
        (form_with(field("count", "number", min=10, max=1)), "minimum is larger"),
        (form_with(field("count", "number", min=1.5)), "whole number"),
        (form_with(field("amount", "money", max="1.234")), "at most 2 decimals"),
        (form_with(field("amount", "money", min=-1)), "at least 0"),
        (
            form_with(field("other", show_if={"field": "nowhere", "equals": "a"})),
            "not a field before this one",
        ),
        (
            form_with(
                field("other", show_if={"field": "pick", "equals": "a"}),
                field("pick", "choice", choices=CHOICES),
            ),
            "not a field before this one",
        ),
        (
            form_with(
                field("pick", "choice", choices=CHOICES),
                field("other", show_if={"field": "pick", "equals": "c"}),
            ),
            "must be one of: a, b",
        ),
        (
            form_with(
                field("name"), field("other", show_if={"field": "name", "equals": "x"})
            ),
            "choice or a yes/no field",
        ),
        (form_with(field("name", prefill="shoe_size")), "unknown prefill"),
        (form_with(field("name", required="yes")), "true or false"),
        (form_with(field("name", label={"en": "Name"})), "needs a Thai text"),
        (form_with(field("name", max_length=0)), "from 1 to 500"),
        (form_with(field("name"), key="check"), "another page"),
        (
            {"sections": [{"key": "main", "title": text("T"), "fields": []}]},
            "at least one field",
        ),
    ],
)
def test_a_broken_form_is_refused_saying_where_and_why(
    definition: dict[str, Any], words: str
) -> None:
    error = refusal(definition)
    assert words in str(error.message)


def test_the_refusal_names_the_section_and_the_field(settings: Any) -> None:
    settings.ESERVICES_MAX_UPLOAD_MB = 20
    broken = copy.deepcopy(BUILTIN_SERVICES[0]["form"])
    broken["sections"][1]["fields"][0]["type"] = "slider"
    error = refusal(broken)
    assert str(error.message).startswith("Section “household”, field “household_size”:")
    assert error.extra["section"] == "household"
    assert error.extra["field"] == "household_size"


def test_defaults_fill_what_a_field_leaves_out() -> None:
    form = form_from_definition(
        form_with(field("name"), field("story", "textarea"), field("scan", "file"))
    )
    assert form.by_key["name"].max_length == 200
    assert form.by_key["story"].max_length == 3000
    scan = form.by_key["scan"]
    assert (scan.file_types, scan.max_size_mb, scan.max_files) == (
        ("pdf", "jpg", "png"),
        10,
        1,
    )
    assert not form.by_key["name"].required
