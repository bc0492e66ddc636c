"""The e-service report page and its CSV and XLSX downloads. `?level=&code=`
narrows it to one unit of the viewer's reach (`accounts.units`), as the office
statistics and the happiness pages do."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from saduak.accounts import units
from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.db_router import replica_reads
from saduak.core.errors import InvalidInput, NotFound
from saduak.core.exports import table_response
from saduak.core.thai import current_fiscal_year
from saduak.eservices.forms_payments import ReportForm
from saduak.eservices.selectors.reports import (
    ReportFilters,
    applications_report,
    offices_in_reach,
    provinces_in_reach,
    report_table,
)

FILE_FORMATS = ("csv", "xlsx")


@staff_required
@never_cache
@replica_reads
def report(request: HttpRequest, file_format: str = "") -> HttpResponse:
    if file_format and file_format not in FILE_FORMATS:
        raise NotFound()
    user = acting_user(request)
    query = request.GET.copy()
    if not query:
        query["fiscal_year"] = str(current_fiscal_year().be_year)
        query.setlist("group_by", ["service", "office"])
    form = ReportForm(
        query, offices=offices_in_reach(user), provinces=provinces_in_reach(user)
    )
    unit = None
    if form.is_valid() and query.get("level"):
        try:
            unit = units.unit_get(
                viewer=user,
                level=str(query.get("level")),
                code=str(query.get("code") or ""),
            )
        except InvalidInput as error:
            form.add_error(None, str(error.message))
    if not form.is_valid():
        return render(
            request,
            "eservices/reports/report.html",
            {"form": form, "report": None},
            status=400,
        )
    data = form.cleaned_data
    result = applications_report(
        viewer=user,
        filters=ReportFilters(
            start=data["start"],
            end=data["end"],
            service=data["service"],
            province=data["province"],
            office=data["office"],
            group_by=data["group_by"],
            unit=unit,
        ),
    )
    if file_format:
        header, rows = report_table(result)
        return table_response(
            file_format=file_format,
            filename=f"eservice-applications-{data['start']}-{data['end']}",
            header=header,
            rows=rows,
        )
    return render(
        request,
        "eservices/reports/report.html",
        {
            "form": form,
            "report": result,
            "dimensions": result.filters.group_by,
            "query": query.urlencode(),
        },
    )
