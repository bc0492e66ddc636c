"""What the consolidated report of one request says, for HQ (the whole
country, a row per province) or for one province (a row per district): what
was asked and by when, the reporting and on-time rates
(selectors/collection.py `request_progress`), the certified answers put
together field by field (consolidation.py: numbers and tables summed, choices
counted, texts collected by office), and who certified each office's report,
when, and whether it came late. collection_pdf.py prints it.

Only certified answers are consolidated: a report the province has not
vouched for is listed with its status but not added in."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.accounts.units import COUNTRY, PROVINCE, Unit, unit_default, unit_get
from saduak.forms_engine.definition import Field, form_from_definition
from saduak.performance.choices import AnswerStatus
from saduak.performance.consolidation import consolidate
from saduak.performance.models import ReportAnswer, ReportRequest, RequestLeg
from saduak.performance.selectors.collection import Progress, request_progress


def request_unit(*, viewer: User, province_code: str = "") -> Unit:
    """The part of the map a document of a request covers: the province of
    `?province=` (PermissionDeniedError outside the viewer's reach, NotFound
    for no such province), else the widest the viewer reads (the country for
    HQ, their province for a province's staff)."""
    if province_code:
        return unit_get(viewer=viewer, level=PROVINCE, code=province_code)
    return unit_default(viewer)


def answers_in(request: ReportRequest, unit: Unit) -> list[ReportAnswer]:
    """The request's answers inside `unit`, by province, district and office,
    with what the documents print of each (one query)."""
    return list(
        ReportAnswer.objects.filter(request=request)
        .filter(unit.where)
        .select_related("office", "district", "province")
        .order_by("province_id", "district_id", "office__code")
    )


def consolidation_items(answers: list[ReportAnswer]) -> list[dict[str, Any]]:
    """The answers as consolidation.py takes them: office code, answers and
    the number of evidence files (one query)."""
    files = dict(
        ReportAnswer.objects.filter(pk__in=[answer.pk for answer in answers])
        .annotate(files=Count("evidence"))
        .values_list("pk", "files")
    )
    return [
        {
            "office": answer.office.code,
            "answers": answer.answers or {},
            "files": files.get(answer.pk, 0),
        }
        for answer in answers
    ]


@dataclass(frozen=True)
class Line:
    """One line of a consolidated field: a label and what it adds up to."""

    label: str
    value: str


@dataclass(frozen=True)
class TableView:
    headers: list[str]
    rows: list[list[str]]
    totals: list[str]  # empty when no column is numeric


@dataclass(frozen=True)
class FieldResult:
    """One field of the form, consolidated, ready to print."""

    label: str
    kind: str  # sum, counts, table, files, texts
    total: str = ""
    answered: int = 0
    lines: list[Line] | None = None
    table: TableView | None = None


@dataclass(frozen=True)
class ConsolidatedReport:
    request: ReportRequest
    unit: Unit
    leg: RequestLeg | None
    due_on: date
    progress: Progress
    answers: list[ReportAnswer]
    certified: int
    fields: list[FieldResult]
    printed_on: date

    @property
    def rows_are_provinces(self) -> bool:
        return self.unit.level == COUNTRY


def _number(value: Any) -> str:
    return (
        "" if value is None else f"{value:,}" if isinstance(value, int) else str(value)
    )


def _money(value: Any) -> str:
    try:
        return f"{float(value):,.2f}"
    except (TypeError, ValueError):
        return str(value or "")


def _shown(item: Field, value: Any) -> str:
    return _money(value) if item.type == "money" else _number(value)


def _choice_label(item: Field, value: str) -> str:
    if item.type == "yesno":
        return _("Yes") if value == "yes" else _("No") if value == "no" else value
    return item.choice_label(value)


def _table(item: Field, result: dict[str, Any], names: dict[str, str]) -> TableView:
    columns = {column.key: column for column in item.columns}
    keys = [key for key in result.get("columns", []) if key in columns]
    headers = [columns[key].label_text for key in keys]
    merged = bool(result.get("merged"))
    rows = []
    for row in result.get("rows", []):
        cells = [
            _shown(columns[key], row.get(key)) if key in columns else "" for key in keys
        ]
        offices = row.get("offices") if merged and "offices" in row else None
        where = (
            ", ".join(names.get(code, code) for code in offices)
            if offices is not None
            else names.get(row.get("office", ""), row.get("office", ""))
        )
        rows.append([*cells, where])
    totals_found = result.get("totals") or {}
    totals = (
        [
            _shown(columns[key], totals_found[key]) if key in totals_found else ""
            for key in keys
        ]
        if totals_found
        else []
    )
    return TableView([*headers, _("Offices")], rows, totals)


def _field_result(
    item: Field, result: dict[str, Any], names: dict[str, str]
) -> FieldResult:
    kind = result.get("kind", "")
    if kind == "sum":
        return FieldResult(
            item.label_text,
            kind,
            total=_shown(item, result.get("total")),
            answered=int(result.get("answered") or 0),
        )
    if kind == "counts":
        lines = [
            Line(_choice_label(item, value), str(count))
            for value, count in (result.get("counts") or {}).items()
        ]
        return FieldResult(item.label_text, kind, lines=lines)
    if kind == "table":
        return FieldResult(item.label_text, kind, table=_table(item, result, names))
    if kind == "files":
        return FieldResult(item.label_text, kind, total=str(result.get("count") or 0))
    lines = [
        Line(names.get(entry.get("office", ""), entry.get("office", "")), entry["text"])
        for entry in result.get("items") or []
    ]
    return FieldResult(item.label_text, "texts", lines=lines)


def consolidated_fields(
    definition: dict[str, Any], answers: list[ReportAnswer]
) -> list[FieldResult]:
    """Every field of the form `definition` (the stored JSON) consolidated
    over `answers`, in the form's order."""
    form = form_from_definition(definition)
    names = {answer.office.code: answer.office.name for answer in answers}
    results = consolidate(definition, consolidation_items(answers))
    return [
        _field_result(item, results[item.key], names)
        for item in form.fields
        if item.key in results
    ]


def consolidated_report(*, request: ReportRequest, unit: Unit) -> ConsolidatedReport:
    """The consolidated report of `request` over `unit` (checked by the
    caller against the viewer's reach: `request_unit`)."""
    answers = answers_in(request, unit)
    certified = [a for a in answers if a.status == AnswerStatus.CERTIFIED]
    leg = None
    if unit.level == PROVINCE:
        leg = RequestLeg.objects.filter(request=request, province_id=unit.code).first()
    return ConsolidatedReport(
        request=request,
        unit=unit,
        leg=leg,
        due_on=leg.due_on if leg is not None else request.due_on,
        progress=request_progress(request=request, unit=unit),
        answers=answers,
        certified=len(certified),
        fields=consolidated_fields(request.form, certified),
        printed_on=timezone.localdate(),
    )
