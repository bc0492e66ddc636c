"""The organisation report as an XLSX workbook (openpyxl), one sheet per part
of the report: scores, definitions, criteria, results, computation, trend,
measures/factors/obstacles and evidence. Figures are written as numbers and
dates as dates, so a spreadsheet can add them up; text that looks like a
formula stays text."""

import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from saduak.core.text import text_for_xml
from saduak.performance.models import Framework, Round
from saduak.performance.reports.content import (
    KpiReport,
    OrganisationReport,
    organisation_report,
)

Cell = str | int | Decimal | date | None
DATE_FORMAT = "yyyy-mm-dd"


def _row(sheet: WriteOnlyWorksheet, values: Sequence[Cell]) -> None:
    cells = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=text_for_xml(value))
            cell.data_type = "s"  # never a formula, whatever the text starts with
        else:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
        cells.append(cell)
    sheet.append(cells)


def _sheet(
    book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> None:
    sheet = book.create_sheet(title[:31])
    _row(sheet, header)
    for row in rows:
        _row(sheet, row)


def _scores(report: OrganisationReport) -> Iterable[Sequence[Cell]]:
    board = report.scoreboard
    for component in board.components:
        yield [
            component.component.code,
            component.component.name,
            component.component.weight,
            None,
            component.score,
            component.weighted,
        ]
        for line in component.lines:
            yield [
                line.kpi.code,
                line.kpi.name,
                line.kpi.weight,
                line.result.value if line.result else None,
                line.score,
                line.weighted,
            ]
    overall = pgettext("performance report", "Overall score")
    yield [overall, "", Decimal(100), None, None, board.overall]
    unreported = pgettext("performance report", "Weight not reported yet")
    yield [unreported, "", board.unreported_weight, None, None, None]


def _definitions(kpi: KpiReport) -> Sequence[Cell]:
    k = kpi.kpi
    return [
        k.code,
        k.name,
        f"{k.component.code} {k.component.name}",
        k.weight,
        str(k.get_kind_display()),
        str(k.get_measure_unit_display()),
        str(k.get_direction_display()),
        k.numerator_label,
        k.denominator_label,
        k.factor,
        k.owner.full_name if k.owner else "",
        k.collector.full_name if k.collector else "",
        str(k.get_origin_display()),
        k.description,
    ]


def _results(kpi: KpiReport) -> Iterable[Sequence[Cell]]:
    for line in kpi.rounds:
        result = line.result
        yield [
            kpi.kpi.code,
            line.round.months,
            line.round.period_end,
            result.numerator if result else None,
            result.denominator if result else None,
            result.value if result else None,
            result.level_reached if result else None,
            result.score if result else None,
            result.weighted if result else None,
        ]


def framework_report_xlsx(*, framework: Framework, round: Round) -> bytes:
    """The workbook of the organisation report for `round`."""
    report = organisation_report(framework=framework, round=round)
    kpis = report.kpis
    book = Workbook(write_only=True)
    _sheet(
        book,
        pgettext("performance report", "Scores"),
        [
            _("Code"),
            _("Name"),
            pgettext("performance report", "Weight"),
            pgettext("performance report", "Result"),
            pgettext("performance report", "Score (0–100)"),
            pgettext("performance report", "Weighted score"),
        ],
        _scores(report),
    )
    _sheet(
        book,
        pgettext("performance report", "Definitions"),
        [
            _("Code"),
            _("Name"),
            pgettext("performance report", "Component"),
            pgettext("performance report", "Weight"),
            _("Kind"),
            pgettext("performance report", "Unit of measure"),
            pgettext("performance report", "Direction"),
            pgettext("performance report", "Numerator"),
            pgettext("performance report", "Denominator"),
            pgettext("performance report", "Factor"),
            pgettext("performance report", "Owner"),
            pgettext("performance report", "Data collector"),
            pgettext("performance report", "Result from"),
            pgettext("performance report", "Description"),
        ],
        (_definitions(kpi) for kpi in kpis),
    )
    _sheet(
        book,
        pgettext("performance report", "Criteria"),
        [
            _("Code"),
            _("Level"),
            pgettext("performance report", "Target"),
            pgettext("performance report", "Points"),
            pgettext("performance report", "Target value"),
            pgettext("performance report", "Milestones"),
        ],
        (
            [
                kpi.kpi.code,
                criterion.level,
                criterion.label,
                criterion.points,
                criterion.target,
                "\n".join(criterion.milestones),
            ]
            for kpi in kpis
            for criterion in kpi.criteria
        ),
    )
    _sheet(
        book,
        pgettext("performance report", "Results"),
        [
            _("Code"),
            pgettext("performance report", "Months"),
            pgettext("performance report", "Round ends"),
            pgettext("performance report", "Numerator"),
            pgettext("performance report", "Denominator"),
            pgettext("performance report", "Result"),
            pgettext("performance report", "Level reached"),
            pgettext("performance report", "Score (0–100)"),
            pgettext("performance report", "Weighted score"),
        ],
        (row for kpi in kpis for row in _results(kpi)),
    )
    _sheet(
        book,
        pgettext("performance report", "Computation"),
        [
            _("Code"),
            pgettext("performance report", "Step"),
            pgettext("performance report", "Computation"),
        ],
        (
            [kpi.kpi.code, number, step]
            for kpi in kpis
            for number, step in enumerate(kpi.computation, start=1)
        ),
    )
    _sheet(
        book,
        pgettext("performance report", "Three-year trend"),
        [
            _("Code"),
            _("Fiscal year"),
            pgettext("performance report", "Months"),
            pgettext("performance report", "Result"),
            pgettext("performance report", "Score (0–100)"),
            _("Change"),
            pgettext("performance report", "Change from the year before"),
        ],
        (
            [
                kpi.kpi.code,
                point.fiscal_year,
                point.months,
                point.value,
                point.score,
                point.change,
                point.change_label,
            ]
            for kpi in kpis
            for point in kpi.trend.points
        ),
    )
    _sheet(
        book,
        _("Measures, factors, obstacles"),
        [
            _("Code"),
            pgettext("performance report", "Measures taken"),
            pgettext("performance report", "Supporting factors"),
            pgettext("performance report", "Obstacles"),
        ],
        (
            [
                kpi.kpi.code,
                kpi.result.measures,
                kpi.result.factors,
                kpi.result.obstacles,
            ]
            for kpi in kpis
            if kpi.result is not None
        ),
    )
    _sheet(
        book,
        pgettext("performance report", "Evidence"),
        [
            _("Code"),
            pgettext("performance report", "Evidence"),
            pgettext("performance report", "File name"),
        ],
        (
            [kpi.kpi.code, item.text, item.file_name]
            for kpi in kpis
            for item in kpi.evidence
        ),
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
