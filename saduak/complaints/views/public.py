"""The public complaint figures (docs/complaints-reports.md): the country, a
province or a district, with the same figures as the staff dashboards and no
personal data (the rollups hold none: counts, working days and ratings by
unit, category, channel and month), and the open data by district as CSV,
XLSX and JSON. Visitors without a session get pages from the cache
(COMPLAINTS_PUBLIC_CACHE_SECONDS; pattern D of docs/layout.md 8.4), and every
page works without JavaScript."""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saduak.accounts.units import COUNTRY, DISTRICT, PROVINCE, Unit
from saduak.areas.models import Province
from saduak.areas.selectors import district_get, province_get
from saduak.complaints.selectors.reports import (
    ComplaintReport,
    Row,
    complaints_report,
    district_rows,
    figures_data,
)
from saduak.core.db_router import replica_reads
from saduak.core.errors import NotFound
from saduak.core.exports import table_response
from saduak.core.periods import Period, PeriodForm
from saduak.core.public_pages import anonymous_page_cache

PERIOD_FIELDS = ("fy", "quarter", "month", "start", "end")
DATA_FORMATS = ("csv", "xlsx", "json")

LICENCE = gettext_lazy(
    "Open data of the Damrongdham complaints, under the Open Government Data "
    "licence of Thailand (free to use, share and adapt, with attribution to the "
    "department). Counts only: no complainant, no text of a complaint."
)


# Cached for visitors without a session; nothing needs to forget the figures
# sooner than COMPLAINTS_PUBLIC_CACHE_SECONDS.
public_page = anonymous_page_cache(
    prefix="complaints-public",
    seconds=lambda: settings.COMPLAINTS_PUBLIC_CACHE_SECONDS,
)


def _period(request: HttpRequest) -> tuple[PeriodForm, Period, str]:
    form = PeriodForm(request.GET or None)
    period = form.period()
    query = {name: request.GET[name] for name in PERIOD_FIELDS if request.GET.get(name)}
    return form, period, urlencode(query)


def _page(
    request: HttpRequest, unit: Unit, parents: list[tuple[str, str]]
) -> HttpResponse:
    form, period, period_query = _period(request)
    report = complaints_report(unit=unit, start=period.start, end=period.end)
    data_query = {"province": unit.code} if unit.level == PROVINCE else {}
    if unit.level == DISTRICT:
        data_query = {"district": unit.code}
    if period_query:
        data_query.update(
            {name: request.GET[name] for name in PERIOD_FIELDS if request.GET.get(name)}
        )
    return render(
        request,
        "complaints/public/figures.html",
        {
            "unit": unit,
            "parents": parents,
            "form": form,
            "period": period,
            "period_query": period_query,
            "data_query": urlencode(data_query),
            "report": report,
            "licence": LICENCE,
            "provinces": Province.objects.filter(is_active=True).order_by("name_th"),
        },
        status=400 if form.errors else 200,
    )


@public_page
@replica_reads
def country(request: HttpRequest) -> HttpResponse:
    """The whole country; `?province=` (the province picker without
    JavaScript) goes to that province's page."""
    code = str(request.GET.get("province") or "")
    if code:
        found = province_get(code[:2])
        query = {
            name: request.GET[name] for name in PERIOD_FIELDS if request.GET.get(name)
        }
        target = reverse("complaints-public:province", args=[found.code])
        return redirect(f"{target}?{urlencode(query)}" if query else target)
    return _page(request, Unit(COUNTRY), [])


@public_page
@replica_reads
def province(request: HttpRequest, code: str) -> HttpResponse:
    found = province_get(code)
    return _page(
        request,
        Unit(PROVINCE, found.code, province=found),
        [(_country_url(), _("The whole country"))],
    )


@public_page
@replica_reads
def district(request: HttpRequest, code: str) -> HttpResponse:
    found = district_get(code)
    return _page(
        request,
        Unit(DISTRICT, found.code, province=found.province, district=found),
        [
            (_country_url(), _("The whole country")),
            (
                reverse("complaints-public:province", args=[found.province_id]),
                found.province.name,
            ),
        ],
    )


def _country_url() -> str:
    return reverse("complaints-public:figures")


DATA_HEADER = [
    "district_code",
    "district_th",
    "district_en",
    "province_code",
    "province_th",
    "province_en",
    "received",
    "acknowledged",
    "acknowledged_in_time",
    "resolved",
    "resolved_in_time",
    "closed",
    "reopened",
    "open",
    "overdue",
    "median_working_days_to_acknowledge",
    "median_working_days_to_resolve",
    "share_acknowledged_within_target",
    "share_resolved_within_target",
    "ratings",
    "mean_rating",
]


def _data_row(row: Row, blank: object = "") -> list[object]:
    district = row.district
    assert district is not None
    values = figures_data(row.figures)
    return [
        district.code,
        district.name_th,
        district.name_en,
        district.province_id,
        district.province.name_th,
        district.province.name_en,
        *(
            values[name] if values[name] is not None else blank
            for name in DATA_HEADER[6:]
        ),
    ]


def _data_unit(request: HttpRequest) -> Unit:
    district_code = str(request.GET.get("district") or "")[:4]
    province_code = str(request.GET.get("province") or "")[:2]
    if district_code:
        found = district_get(district_code)
        return Unit(DISTRICT, found.code, province=found.province, district=found)
    if province_code:
        province_found = province_get(province_code)
        return Unit(PROVINCE, province_found.code, province=province_found)
    return Unit(COUNTRY)


@public_page
@replica_reads
def data(request: HttpRequest, file_format: str) -> HttpResponse:
    """The open data: one line per district (of the country, `?province=` or
    `?district=`) with its figures for the period, as CSV, XLSX or JSON, with
    the licence. Counts only."""
    if file_format not in DATA_FORMATS:
        raise NotFound(_("There is no such download."))
    unit = _data_unit(request)
    _form, period, _query = _period(request)
    rows = district_rows(unit=unit, start=period.start, end=period.end)
    filename = f"damrongdham-complaints-{unit.code or 'th'}-{period.start}-{period.end}"
    if file_format == "json":
        report: ComplaintReport = complaints_report(
            unit=unit, start=period.start, end=period.end
        )
        body = {
            "licence": str(LICENCE),
            "start": str(period.start),
            "end": str(period.end),
            "level": unit.level,
            "code": unit.code,
            "total": figures_data(report.total),
            "months": [
                {"month": row.key, **figures_data(row.figures)} for row in report.months
            ],
            "categories": [
                {"code": row.key, "name": row.label, **figures_data(row.figures)}
                for row in report.categories
            ],
            "channels": [
                {"channel": row.key, **figures_data(row.figures)}
                for row in report.channels
            ],
            "districts": [
                dict(zip(DATA_HEADER, _data_row(row, None), strict=True))
                for row in rows
            ],
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    return table_response(
        file_format=file_format,
        filename=filename,
        header=DATA_HEADER,
        rows=[_data_row(row) for row in rows],
    )
