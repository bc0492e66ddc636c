"""The complaint dashboards for staff (docs/complaints-reports.md): one unit of
the viewer's reach (`?level=&code=`, `accounts.units`) over a period
(`core.periods.PeriodForm`), with its breakdowns and the CSV and XLSX
downloads. Figures come from the rollups only (`selectors.reports`)."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from saduak.accounts import units
from saduak.accounts.permissions import acting_user, staff_required
from saduak.accounts.scoping import read_reach
from saduak.complaints.selectors.reports import complaints_report, report_table
from saduak.core.db_router import replica_reads
from saduak.core.errors import InvalidInput, NotFound, PermissionDeniedError
from saduak.core.exports import table_response
from saduak.core.periods import PeriodForm

FILE_FORMATS = ("csv", "xlsx")
PERIOD_FIELDS = ("fy", "quarter", "month", "start", "end")


@staff_required
@never_cache
@replica_reads
def dashboard(request: HttpRequest, file_format: str = "") -> HttpResponse:
    """The unit's figures for the period; `file_format` ("csv", "xlsx") gives
    them as a download. A unit outside the viewer's reach is refused (403,
    as every unit page), an unknown one is 404, a bad level 400."""
    if file_format and file_format not in FILE_FORMATS:
        raise NotFound(_("There is no such download."))
    viewer = acting_user(request)
    if read_reach(viewer).is_empty:
        raise PermissionDeniedError(
            _("The complaint reports are for staff of an office.")
        )
    form = PeriodForm(request.GET or None)
    period = form.period()
    try:
        unit = units.unit_requested(viewer, request.GET)
    except InvalidInput as error:
        return render(
            request,
            "complaints/reports/dashboard.html",
            {"form": form, "period": period, "unit_error": error.message},
            status=400,
        )
    report = complaints_report(unit=unit, start=period.start, end=period.end)
    if file_format:
        header, rows = report_table(report)
        name = unit.code or unit.level
        return table_response(
            file_format=file_format,
            filename=f"complaints-{name}-{period.start}-{period.end}",
            header=header,
            rows=rows,
        )
    query = {name: request.GET[name] for name in PERIOD_FIELDS if request.GET.get(name)}
    return render(
        request,
        "complaints/reports/dashboard.html",
        {
            "unit": unit,
            "parent": units.unit_parent(viewer, unit),
            "form": form,
            "period": period,
            "report": report,
            "period_query": urlencode(query),
        },
        status=400 if form.errors else 200,
    )
