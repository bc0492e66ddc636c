"""Every answer of one request as an XLSX workbook (openpyxl), in the page's
language: the sheet "Answers" has one row per addressed office (province,
district, office, status, when it was read, acknowledged, submitted and
certified, late, the certifier) and then one column per field of the form; a
table field is flattened there as its totals (one column per number or money
column, consolidation.py's sums of that office's rows), and each table
field has a sheet of its own with every row of every office. Numbers are
written as numbers, dates and times as dates (Bangkok time), text that looks
like a formula stays text (reports/xlsx.py)."""

import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from saduak.accounts.models import User
from saduak.accounts.units import Unit
from saduak.audit.services import audit_record
from saduak.core.text import text_for_xml
from saduak.forms_engine.definition import Field, form_from_definition
from saduak.performance.consolidation import NUMERIC, consolidate
from saduak.performance.models import ReportAnswer, ReportRequest
from saduak.performance.reports.collection_content import answers_in

Cell = str | int | Decimal | date | datetime | None
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
# Field types with nothing to put in a cell: files are the answer's evidence,
# a declaration is the form's own statement.
NOT_IN_A_CELL = frozenset({"file", "declaration"})
SHEET_NAME = 31


def _cell(sheet: WriteOnlyWorksheet, value: Cell) -> WriteOnlyCell:
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=text_for_xml(value))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        cell = WriteOnlyCell(sheet, value=local.replace(tzinfo=None))
        cell.number_format = TIME_FORMAT
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


def _append(sheet: WriteOnlyWorksheet, values: Sequence[Cell]) -> None:
    sheet.append([_cell(sheet, value) for value in values])


def _number(value: Any) -> int | Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else number


def _date(value: Any) -> date | str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return str(value)


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(str(part) for part in value.values() if part)
    if isinstance(value, list | tuple):
        return ", ".join(str(part) for part in value if part not in (None, ""))
    return str(value)


def _choice(item: Field, value: Any) -> str:
    if item.type == "yesno":
        return {"yes": _("Yes"), "no": _("No")}.get(str(value), str(value))
    return item.choice_label(value)


def field_value(item: Field, value: Any) -> Cell:
    """One answer as a cell: numbers as numbers, dates as dates, choices by
    their label in the page's language."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if item.type in NUMERIC:
        number = _number(value)
        return number if number is not None else _text(value)
    if item.type == "date":
        return _date(value)
    if item.type in ("choice", "yesno"):
        return _choice(item, value)
    if item.type == "multichoice":
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(_choice(item, one) for one in values)
    return _text(value)


def _numeric_columns(item: Field) -> list[Field]:
    return [column for column in item.columns if column.type in NUMERIC]


def _headers(fields: list[Field]) -> list[str]:
    headers = [
        _("Province"),
        _("District"),
        pgettext("collection report", "Office code"),
        pgettext("collection report", "Office"),
        pgettext("collection report", "Status"),
        pgettext("collection report", "Read"),
        pgettext("collection report", "Acknowledged"),
        pgettext("collection report", "Submitted"),
        pgettext("collection report", "Certified"),
        pgettext("collection report", "Late"),
        pgettext("collection report", "Certified by"),
        pgettext("collection report", "Certifier's position"),
        pgettext("collection report", "Why it was excused"),
    ]
    for item in fields:
        if item.type != "table":
            headers.append(item.label_text)
            continue
        numeric = _numeric_columns(item)
        if not numeric:
            headers.append(
                pgettext("collection report", "%(table)s: rows")
                % {"table": item.label_text}
            )
        for column in numeric:
            headers.append(
                pgettext("collection report", "%(table)s: %(column)s (total)")
                % {"table": item.label_text, "column": column.label_text}
            )
    return headers


def _answer_row(
    answer: ReportAnswer, fields: list[Field], totals: dict[str, Any]
) -> list[Cell]:
    yes = pgettext("collection report", "late")
    row: list[Cell] = [
        answer.province.name,
        answer.district.name if answer.district else "",
        answer.office.code,
        answer.office.name,
        str(answer.get_status_display()),
        answer.read_at,
        answer.acknowledged_at,
        answer.submitted_at,
        answer.certified_at,
        yes if answer.late else "",
        answer.certifier_name,
        answer.certifier_position,
        answer.excused_reason,
    ]
    answers = answer.answers or {}
    for item in fields:
        if item.type != "table":
            row.append(field_value(item, answers.get(item.key)))
            continue
        numeric = _numeric_columns(item)
        rows = answers.get(item.key)
        if not numeric:
            row.append(len(rows) if isinstance(rows, list) else None)
        summed = (totals.get(item.key) or {}).get("totals") or {}
        for column in numeric:
            has_rows = isinstance(rows, list) and bool(rows)
            row.append(_number(summed.get(column.key)) if has_rows else None)
    return row


def _sheet_title(label: str, used: set[str]) -> str:
    for bad in "[]:*?/\\":
        label = label.replace(bad, " ")
    title = label.strip()[:SHEET_NAME] or "table"
    number = 2
    while title in used:
        suffix = f" ({number})"
        title = label.strip()[: SHEET_NAME - len(suffix)] + suffix
        number += 1
    used.add(title)
    return title


def answers_xlsx(*, request: ReportRequest, unit: Unit) -> tuple[bytes, int]:
    """The workbook of `request`'s answers inside `unit` (checked by the
    caller against the viewer's reach), and how many answers it holds."""
    form = form_from_definition(request.form)
    fields = [item for item in form.fields if item.type not in NOT_IN_A_CELL]
    tables = [item for item in fields if item.type == "table"]
    answers = answers_in(request, unit)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(pgettext("collection report", "Answers"))
    _append(sheet, _headers(fields))
    for answer in answers:
        # A table is flattened as its sums: consolidation.py over this one
        # office, the same sums the consolidated report adds up.
        totals = (
            consolidate(
                request.form,
                [{"office": answer.office.code, "answers": answer.answers or {}}],
            )
            if tables
            else {}
        )
        _append(sheet, _answer_row(answer, fields, totals))
    used = {sheet.title}
    for item in tables:
        rows_sheet = book.create_sheet(_sheet_title(item.label_text, used))
        _append(
            rows_sheet,
            [
                _("Province"),
                _("District"),
                pgettext("collection report", "Office code"),
                pgettext("collection report", "Office"),
                pgettext("collection report", "Row"),
                *[column.label_text for column in item.columns],
            ],
        )
        for answer in answers:
            rows = (answer.answers or {}).get(item.key)
            if not isinstance(rows, list):
                continue
            for number, values in enumerate(rows, start=1):
                if not isinstance(values, dict):
                    continue
                _append(
                    rows_sheet,
                    [
                        answer.province.name,
                        answer.district.name if answer.district else "",
                        answer.office.code,
                        answer.office.name,
                        number,
                        *[
                            field_value(column, values.get(column.key))
                            for column in item.columns
                        ],
                    ],
                )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), len(answers)


def answers_xlsx_export(*, actor: User, request: ReportRequest, unit: Unit) -> bytes:
    """The answers workbook of `request` over `unit` for `actor` (a unit the
    actor reads: collection_content.request_unit), recorded as the audit
    event `report_request.export` (the workbook carries every office's
    answers): the unit and the number of answers, scoped to the unit so that
    those who oversee it see who took the answers out."""
    content, count = answers_xlsx(request=request, unit=unit)
    scope: dict[str, Any] = {}
    if unit.office is not None:
        scope["office"] = unit.office
    elif unit.district is not None:
        scope["district_code"] = unit.district.code
        scope["province_code"] = unit.district.province_id
    elif unit.province is not None:
        scope["province_code"] = unit.province.code
    else:
        scope["office"] = request.issuer
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="report_request.export",
            target=request,
            after={
                "format": "xlsx",
                "level": unit.level,
                "code": unit.code,
                "answers": count,
            },
            **scope,
        )
    return content
