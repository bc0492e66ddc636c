"""Office statistics pages and downloads."""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from saduak.accounts.permissions import acting_user, staff_required
from saduak.appointments.forms import PeriodForm
from saduak.appointments.selectors.stats import (
    default_unit,
    office_statistics,
    report_table,
)
from saduak.appointments.services.stats import offices_today_refresh
from saduak.core.exports import table_response


@staff_required
def statistics(request: HttpRequest, file_format: str = "") -> HttpResponse:
    level = request.GET.get("level", "")
    code = request.GET.get("code", "")
    if not level:
        level, code = default_unit(acting_user(request))
    today = timezone.localdate()
    form = PeriodForm(
        request.GET
        if "start" in request.GET
        else {"start": today - timedelta(days=29), "end": today}
    )
    start, end = (
        (form.cleaned_data["start"], form.cleaned_data["end"])
        if form.is_valid()
        else (today - timedelta(days=29), today)
    )
    counted_at = offices_today_refresh() if end >= today else None
    report = office_statistics(
        viewer=acting_user(request), level=level, code=code, start=start, end=end
    )
    if file_format:
        header, rows = report_table(report)
        return table_response(
            file_format=file_format,
            filename=f"office-statistics-{level}-{code or 'th'}-{start}-{end}",
            header=header,
            rows=rows,
        )
    return render(
        request,
        "appointments/statistics.html",
        {
            "report": report,
            "form": form,
            "level": level,
            "code": code,
            "counted_at": counted_at,
            "query": request.GET.urlencode(),
        },
    )
