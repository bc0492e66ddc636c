"""Answers as a read-only summary for people: the check-your-answers page,
the officer's detail page, documents. B.E. dates, amounts in baht, choice
labels, the bank's name with the account masked, area names."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from saduak.areas.models import District, Province, Subdistrict
from saduak.core.thai import format_date_be
from saduak.forms_engine.answers import visible_fields
from saduak.forms_engine.banks import bank_name, mask_account
from saduak.forms_engine.definition import Field, FormDefinition


@dataclass
class SummaryRow:
    key: str
    label: str
    value: str | list[str]
    type: str


@dataclass
class SummarySection:
    key: str
    title: str
    rows: list[SummaryRow]


def money_text(value: Any) -> str:
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return _("%(amount)s baht") % {"amount": f"{amount:,.2f}"}


def _date_text(value: Any) -> str:
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    language = "en" if (translation.get_language() or "th").startswith("en") else "th"
    return format_date_be(day, language=language)


def _personal_id_text(value: str) -> str:
    if len(value) != 13:
        return value
    return f"{value[0]}-{value[1:5]}-{value[5:10]}-{value[10:12]}-{value[12]}"


def _address_text(value: Mapping[str, str]) -> str:
    subdistrict = (
        Subdistrict.objects.select_related("district__province")
        .filter(code=value.get("subdistrict") or "")
        .first()
    )
    parts = [value.get("line") or ""]
    if subdistrict is not None:
        parts += [
            subdistrict.name,
            subdistrict.district.name,
            subdistrict.district.province.name,
        ]
    else:
        district = District.objects.filter(code=value.get("district") or "").first()
        province = Province.objects.filter(code=value.get("province") or "").first()
        parts += [district.name if district else "", province.name if province else ""]
    text = ", ".join(part for part in parts if part)
    postal = value.get("postal_code") or ""
    return f"{text} {postal}".strip()


def value_text(item: Field, value: Any) -> str:
    """One answer for people to read."""
    if value is None or value == "" or value == []:
        return ""
    kind = item.type
    if kind == "money":
        return money_text(value)
    if kind == "number":
        return f"{int(value):,}" if isinstance(value, int) else str(value)
    if kind == "date":
        return _date_text(value)
    if kind == "choice":
        return item.choice_label(value)
    if kind == "multichoice":
        return ", ".join(item.choice_label(choice) for choice in value)
    if kind == "yesno":
        return _("Yes") if value == "yes" else _("No")
    if kind == "personal_id":
        return _personal_id_text(str(value))
    if kind == "address" and isinstance(value, Mapping):
        return _address_text(value)
    if kind == "bank_account" and isinstance(value, Mapping):
        bank = bank_name(value.get("bank") or "")
        return f"{bank} {mask_account(value.get('number') or '')}".strip()
    if kind == "declaration":
        return _("Declared") if value is True else ""
    return str(value)


def _table_lines(item: Field, rows: Any) -> list[str]:
    lines = []
    for row in rows if isinstance(rows, list) else []:
        cells = [
            f"{column.label_text}: {value_text(column, row.get(column.key))}"
            for column in item.columns
            if row.get(column.key) not in (None, "")
        ]
        lines.append("; ".join(cells))
    return lines


def summary_sections(
    form: FormDefinition,
    answers: Mapping[str, Any],
    attachments: Iterable[Any] = (),
) -> list[SummarySection]:
    """Every section with its visible fields and their answers for people to
    read: B.E. dates, amounts in baht, choice labels, bank name with the
    account masked, file names. `attachments` are Attachment rows (removed
    ones are skipped)."""
    files: dict[str, list[str]] = {}
    for attachment in attachments:
        if getattr(attachment, "removed_at", None) is None:
            files.setdefault(attachment.field_key, []).append(attachment.original_name)
    visible = {item.key for item in visible_fields(form, answers)}
    sections = []
    for section in form.sections:
        rows = []
        for item in section.fields:
            if item.key not in visible:
                continue
            value: str | list[str]
            if item.type == "file":
                value = files.get(item.key, [])
            elif item.type == "table":
                value = _table_lines(item, answers.get(item.key))
            else:
                value = value_text(item, answers.get(item.key))
            if value in ("", []):
                value = _("Not answered")
            rows.append(SummaryRow(item.key, item.label_text, value, item.type))
        sections.append(SummarySection(section.key, section.title_text, rows))
    return sections


def answers_summary(
    form: FormDefinition,
    answers: Mapping[str, Any],
    attachments: Iterable[Any] = (),
) -> list[tuple[str, list[tuple[str, str | list[str]]]]]:
    """(section title, [(label, value for people)]) for every section; a
    value of several lines (files, table rows) has one line each."""
    return [
        (
            section.title,
            [
                (
                    row.label,
                    "\n".join(row.value) if isinstance(row.value, list) else row.value,
                )
                for row in section.rows
            ],
        )
        for section in summary_sections(form, answers, attachments)
    ]
