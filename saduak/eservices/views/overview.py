"""The province's and HQ's overview of e-service applications per office and
service for a period (this fiscal year by default), on the page and as CSV or
XLSX."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.db_router import replica_reads
from saduak.core.exports import table_response
from saduak.core.periods import PeriodForm
from saduak.eservices.selectors.overview import (
    StageColumn,
    StageFigures,
    overview,
    overview_totals,
    stage_columns,
)


def _days(figures: StageFigures | None) -> str:
    if figures is None or figures.median_days is None:
        return ""
    return f"{figures.median_days:g}"


def _share(figures: StageFigures | None) -> str:
    share = figures.share_within_target if figures else None
    return "" if share is None else f"{share * 100:.0f}%"


def _export(
    rows: list[Any], columns: list[StageColumn], file_format: str, label: str
) -> HttpResponse:
    header = [
        _("Office code"),
        _("Office"),
        _("Service"),
        _("Received"),
        _("Decided"),
        _("Approved"),
        _("Rejected"),
        _("Open now"),
    ]
    for column in columns:
        header.append(_("%(stage)s: median working days") % {"stage": column.label})
        header.append(_("%(stage)s: share within target") % {"stage": column.label})
    body = []
    for row in rows:
        line: list[object] = [
            row.office.code,
            row.office.name,
            row.service.name,
            row.received,
            row.decided,
            row.approved,
            row.rejected,
            row.backlog,
        ]
        for column in columns:
            figures = row.stages.get(column.code)
            line.append(
                figures.median_days
                if figures and figures.median_days is not None
                else ""
            )
            share = figures.share_within_target if figures else None
            line.append(round(share, 3) if share is not None else "")
        body.append(line)
    return table_response(
        file_format=file_format,
        filename=f"eservices-overview-{label}",
        header=header,
        rows=body,
    )


@staff_required
@never_cache
@replica_reads
def overview_page(request: HttpRequest, file_format: str = "") -> HttpResponse:
    """Every office in the viewer's reach; the period picker of the happiness
    pages (fiscal year, quarter, month or any range)."""
    form = PeriodForm(request.GET or None)
    period = form.period()
    rows = overview(user=acting_user(request), start=period.start, end=period.end)
    columns = stage_columns()
    if file_format:
        label = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
        return _export(rows, columns, file_format, label)
    return render(
        request,
        "eservices/staff/overview.html",
        {
            "form": form,
            "period": period,
            "columns": columns,
            "rows": [
                {
                    "row": row,
                    "stages": [
                        (
                            _days(row.stages.get(column.code)),
                            _share(row.stages.get(column.code)),
                        )
                        for column in columns
                    ],
                }
                for row in rows
            ],
            "totals": overview_totals(rows),
            "query": request.GET.urlencode(),
        },
    )
