"""Fields as accessible HTML, and answers as a read-only summary.

Every input has a label; help, the condition and errors are tied to it with
aria-describedby; the first input of a field has the id the error summary
links to (`anchor_id`). Conditional fields are all shown without JavaScript,
each saying when it applies; eservice-form.js hides those that do not."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from saduak.areas.models import District, Province, Subdistrict
from saduak.core.uploads.sniffing import KINDS, kinds_label
from saduak.forms_engine.answers import (
    ADDRESS_PARTS,
    BANK_PARTS,
    visible_fields,
)
from saduak.forms_engine.banks import BANKS
from saduak.forms_engine.definition import (
    DEFAULT_MAX_ROWS,
    Field,
    FormDefinition,
    Section,
)
from saduak.forms_engine.post import (
    DECLARED,
    cell_name,
    part_name,
    raw_from_post,
    row_count,
    rows_name,
)

# Types with one text-like input, and how that input is set up.
INPUTS: dict[str, dict[str, str]] = {
    "text": {"type": "text"},
    "number": {"type": "text", "inputmode": "numeric"},
    "money": {"type": "text", "inputmode": "decimal"},
    "date": {"type": "text", "inputmode": "numeric"},
    "personal_id": {"type": "text", "inputmode": "numeric", "autocomplete": "off"},
    "phone": {"type": "tel", "inputmode": "tel", "autocomplete": "tel"},
    "email": {"type": "email", "inputmode": "email", "autocomplete": "email"},
}
AUTOCOMPLETE = {
    "first_name": "given-name",
    "last_name": "family-name",
    "full_name": "name",
    "birth_date": "bday",
    "phone": "tel",
    "email": "email",
}
# Up to this many choices are radio buttons; more are a drop-down list.
MOST_RADIOS = 10


def field_id(key: str) -> str:
    return f"id_{key}"


def anchor_id(item: Field) -> str:
    """The id of the field's first input: where an error summary link goes."""
    if item.type == "address":
        return f"{field_id(item.key)}__line"
    if item.type == "bank_account":
        return f"{field_id(item.key)}__bank"
    if item.type in ("choice", "multichoice", "yesno") and not _as_select(item):
        return f"{field_id(item.key)}_0"
    if item.type == "table":
        return f"{field_id(item.key)}-legend"
    return field_id(item.key)


def _as_select(item: Field) -> bool:
    return item.type == "choice" and len(item.choices) > MOST_RADIOS


def _date_placeholder() -> str:
    english = (translation.get_language() or "th").startswith("en")
    return "dd/mm/yyyy" if english else "วว/ดด/ปปปป"


@dataclass
class Attached:
    """An uploaded document as a field shows it; `id` is its public id (the
    "remove" button's value), never the sequential one."""

    id: str
    name: str
    size: int


@dataclass
class FieldView:
    field: Field
    id: str
    anchor: str
    value: Any
    errors: list[str]
    condition: str = ""
    show_if_field: str = ""
    show_if_equals: str = ""
    input: dict[str, str] = dataclass_field(default_factory=dict)
    extra: dict[str, Any] = dataclass_field(default_factory=dict)

    @property
    def hint_id(self) -> str:
        return f"{self.id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def condition_id(self) -> str:
        return f"{self.id}-condition"

    @property
    def describedby(self) -> str:
        ids = []
        if self.field.help_text or self.extra.get("hint"):
            ids.append(self.hint_id)
        if self.condition:
            ids.append(self.condition_id)
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)


def _condition_text(form: FormDefinition, item: Field) -> str:
    if item.show_if is None:
        return ""
    source = form.by_key[item.show_if.field]
    if source.type == "yesno":
        answer = _("Yes") if item.show_if.equals == "yes" else _("No")
    else:
        answer = source.choice_label(item.show_if.equals)
    return _("Answer this only if “%(field)s” is “%(answer)s”.") % {
        "field": source.label_text,
        "answer": answer,
    }


def _address_options(value: Mapping[str, str]) -> dict[str, Any]:
    province = value.get("province", "")
    district = value.get("district", "")
    return {
        "provinces": list(Province.objects.filter(is_active=True).order_by("code")),
        "districts": list(
            District.objects.filter(province_id=province, is_active=True).order_by(
                "code"
            )
        )
        if province
        else [],
        "subdistricts": list(
            Subdistrict.objects.filter(district_id=district, is_active=True).order_by(
                "code"
            )
        )
        if district
        else [],
    }


def _file_extra(item: Field, attached: list[Attached]) -> dict[str, Any]:
    kinds = [KINDS[name] for name in item.file_types if name in KINDS]
    accept = ",".join(
        [f".{extension}" for kind in kinds for extension in kind.extensions]
        + [kind.mime for kind in kinds]
    )
    return {
        "accept": accept,
        "types": kinds_label(list(item.file_types)),
        "attached": attached,
        "room": max(0, (item.max_files or 1) - len(attached)),
        "hint": _(
            "Accepted: %(types)s. Up to %(size)s MB a file, at most %(count)s file(s)."
        )
        % {
            "types": kinds_label(list(item.file_types)),
            "size": item.max_size_mb,
            "count": item.max_files,
        },
    }


def blank_row(item: Field) -> dict[str, str]:
    return {column.key: "" for column in item.columns}


def _table_rows(item: Field, rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [
        {
            "number": number + 1,
            "index": number,
            "cells": [
                {
                    "column": column,
                    "id": f"{field_id(item.key)}-{number}-{column.key}",
                    "name": cell_name(item, number, column),
                    "value": row.get(column.key, ""),
                    "input": INPUTS.get(column.type, {"type": "text"}),
                    "placeholder": _date_placeholder() if column.type == "date" else "",
                }
                for column in item.columns
            ],
        }
        for number, row in enumerate(rows)
    ]


def _value_of(item: Field, values: Mapping[str, Any], extra_rows: int) -> Any:
    """The field's part of the values, shaped for its template."""
    if item.type == "multichoice":
        found = values.get(item.key) or []
        return [str(value) for value in found] if isinstance(found, list) else []
    if item.type in ("address", "bank_account"):
        parts = ADDRESS_PARTS if item.type == "address" else BANK_PARTS
        return {part: str(values.get(part_name(item, part)) or "") for part in parts}
    if item.type == "table":
        count = min(
            row_count(item, values) + extra_rows, item.max_rows or DEFAULT_MAX_ROWS
        )
        return [
            {
                column.key: str(values.get(cell_name(item, row, column)) or "")
                for column in item.columns
            }
            for row in range(max(count, 1))
        ]
    value = values.get(item.key)
    return "" if value is None else str(value)


def field_view(
    form: FormDefinition,
    item: Field,
    *,
    value: Any,
    errors: list[str],
    attached: list[Attached] | None = None,
) -> FieldView:
    view = FieldView(
        field=item,
        id=field_id(item.key),
        anchor=anchor_id(item),
        value=value,
        errors=errors,
        condition=_condition_text(form, item),
        show_if_field=item.show_if.field if item.show_if else "",
        show_if_equals=item.show_if.equals if item.show_if else "",
    )
    if item.type in INPUTS:
        view.input = dict(INPUTS[item.type])
        if item.prefill in AUTOCOMPLETE:
            view.input["autocomplete"] = AUTOCOMPLETE[item.prefill]
        if item.type == "date":
            view.input["placeholder"] = _date_placeholder()
            view.extra["hint"] = _("Day/month/year, for example 31/01/2569.")
        if item.type == "personal_id":
            view.extra["maxlength"] = 17
        elif item.max_length:
            view.extra["maxlength"] = item.max_length
    elif item.type == "textarea":
        view.extra["maxlength"] = item.max_length
    elif item.type in ("choice", "multichoice", "yesno"):
        choices = (
            [("yes", _("Yes")), ("no", _("No"))]
            if item.type == "yesno"
            else [(choice.value, choice.text) for choice in item.choices]
        )
        chosen = value if isinstance(value, list) else [value]
        view.extra["options"] = [
            {
                "value": choice_value,
                "label": label,
                "id": f"{field_id(item.key)}_{position}",
                "checked": choice_value in chosen,
            }
            for position, (choice_value, label) in enumerate(choices)
        ]
        view.extra["select"] = _as_select(item)
    elif item.type == "address":
        view.extra.update(_address_options(value))
        view.extra["names"] = {part: part_name(item, part) for part in ADDRESS_PARTS}
    elif item.type == "bank_account":
        view.extra["banks"] = list(BANKS.values())
        view.extra["names"] = {part: part_name(item, part) for part in BANK_PARTS}
    elif item.type == "table":
        rows = value if isinstance(value, list) and value else [blank_row(item)]
        view.extra["rows"] = _table_rows(item, rows)
        view.extra["rows_name"] = rows_name(item)
        view.extra["row_count"] = len(rows)
        view.extra["template_row"] = _table_rows(item, [blank_row(item)])[0]
        view.extra["room"] = len(rows) < (item.max_rows or 1)
    elif item.type == "file":
        view.extra.update(_file_extra(item, attached or []))
    elif item.type == "declaration":
        view.extra["declared_value"] = DECLARED
    return view


def template_for(item: Field) -> str:
    if item.type in INPUTS:
        return "forms_engine/input.html"
    if item.type == "yesno":
        return "forms_engine/choice.html"
    return f"forms_engine/{item.type}.html"


def attached_by_field(attachments: Iterable[Any]) -> dict[str, list[Attached]]:
    """Attachment rows (removed ones skipped) by the field they belong to."""
    found: dict[str, list[Attached]] = {}
    for attachment in attachments:
        if getattr(attachment, "removed_at", None) is not None:
            continue
        found.setdefault(attachment.field_key, []).append(
            Attached(
                str(attachment.public_id), attachment.original_name, attachment.size
            )
        )
    return found


def render_field(
    form: FormDefinition,
    item: Field,
    *,
    values: Mapping[str, Any],
    errors: Mapping[str, list[str]],
    attachments: Iterable[Any] = (),
    extra_rows: int = 0,
) -> SafeString:
    """One field's inputs showing `values` (by input name), with its errors."""
    view = field_view(
        form,
        item,
        value=_value_of(item, values, extra_rows),
        errors=list(errors.get(item.key, [])),
        attached=attached_by_field(attachments).get(item.key, []),
    )
    return render_to_string(template_for(item), {"view": view})


def render_section(
    form: FormDefinition,
    section: Section,
    *,
    values: Mapping[str, Any],
    errors: Mapping[str, list[str]],
    answers: Mapping[str, Any],
    attachments: Iterable[Any] = (),
    extra_rows: Mapping[str, int] | None = None,
    fields: Iterable[Field] | None = None,
) -> SafeString:
    """The inputs of a section's page fields (or `fields`) showing `values`
    (what was typed, or `post_from_answers`), with `errors` and the uploaded
    documents. A field whose condition depends on a field of another page and
    is not met by `answers` is left out; one that depends on a field of this
    page is shown, for eservice-form.js to hide."""
    chosen = list(section.page_fields if fields is None else fields)
    on_page = {item.key for item in chosen}
    typed = raw_from_post(section, values, fields=chosen)
    visible = {item.key for item in visible_fields(form, {**answers, **typed})}
    files = attached_by_field(attachments)
    parts = []
    for item in chosen:
        if item.key not in visible and (
            item.show_if is None or item.show_if.field not in on_page
        ):
            continue
        view = field_view(
            form,
            item,
            value=_value_of(item, values, (extra_rows or {}).get(item.key, 0)),
            errors=list(errors.get(item.key, [])),
            attached=files.get(item.key, []),
        )
        parts.append(render_to_string(template_for(item), {"view": view}))
    return mark_safe("".join(parts))  # noqa: S308 - rendered templates, escaped


def error_links(
    form: FormDefinition,
    errors: Mapping[str, list[str]],
    *,
    page_url: Callable[[Section], str] | None = None,
) -> list[dict[str, str]]:
    """The error summary's entries, in the order of the form, each linking to
    its field's first input: on this page, or (with `page_url`) on the page
    of the field's section. A declaration is always on this page."""
    entries = []
    for item in form.fields:
        for message in errors.get(item.key, []):
            href = f"#{anchor_id(item)}"
            section = form.section_of_field.get(item.key)
            if (
                page_url is not None
                and section is not None
                and item.type != "declaration"
            ):
                href = f"{page_url(section)}{href}"
            entries.append(
                {
                    "href": href,
                    "label": item.label_text,
                    "message": message,
                    "key": item.key,
                }
            )
    for key, messages in errors.items():
        if key not in form.by_key:
            entries.extend(
                {"href": "#main", "label": "", "message": message, "key": key}
                for message in messages
            )
    return entries


# The summary lives in summary.py; these names are kept here for the pages
# that import them from render.
from saduak.forms_engine.summary import (  # noqa: E402
    SummaryRow,
    SummarySection,
    answers_summary,
    money_text,
    summary_sections,
    value_text,
)

__all__ = [
    "SummaryRow",
    "SummarySection",
    "answers_summary",
    "attached_by_field",
    "error_links",
    "money_text",
    "render_field",
    "render_section",
    "summary_sections",
    "value_text",
]
