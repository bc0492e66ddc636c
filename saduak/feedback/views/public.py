"""The public site: the national ranking of districts, province and district
pages, how the index is worked out, and the open data. Anonymous visitors get
pages from the cache (they vary by nothing but the address), and every page works
without JavaScript."""

import json
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from saduak.areas.selectors import district_get, province_get
from saduak.core.db_router import replica_reads
from saduak.core.exports import table_response
from saduak.core.memo import ProcessMemo
from saduak.core.periods import PeriodForm
from saduak.core.public_pages import anonymous_page_cache
from saduak.feedback.api import index_out
from saduak.feedback.charts import trend_chart
from saduak.feedback.public import LICENCE, cached_ranking, public_generation
from saduak.feedback.selectors.index import index_of
from saduak.feedback.selectors.public import (
    office_indexes,
    ranking_filtered,
    recent_comments,
    trend,
)
from saduak.feedback.selectors.ranking import RankedDistrict, districts_with_provinces

RANKING_PAGE_SIZE = 50
# A popular page is kept in each process's memory for a few seconds as well, so
# that a surge of readers does not fetch it from Redis for every request.
_pages = ProcessMemo(seconds=5, size=200)
SORTS = ("rank", "name", "votes", "mean", "happy")


# Cached for visitors without a session, under the public generation (a new
# count or moderation bumps it).
public_page = anonymous_page_cache(
    prefix="feedback-page",
    seconds=lambda: settings.FEEDBACK_PUBLIC_CACHE_SECONDS,
    generation=public_generation,
)


def _period(request: HttpRequest) -> tuple[PeriodForm, Any]:
    form = PeriodForm(request.GET or None)
    return form, form.period()


def _ranking_rows(request: HttpRequest, province_code: str = "") -> tuple[Any, ...]:
    form, period = _period(request)
    result = cached_ranking(
        start=period.start, end=period.end, province_code=province_code
    )
    sort = request.GET.get("sort", "rank")
    rows = ranking_filtered(
        result.districts,
        search=request.GET.get("q", "")[:100],
        sort=sort if sort in SORTS else "rank",
    )
    return form, period, result, rows


@public_page
@replica_reads
def ranking(request: HttpRequest) -> HttpResponse:
    form, period, result, rows = _ranking_rows(
        request, province_code=request.GET.get("province", "")[:2]
    )
    page = Paginator(rows, RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/ranking.html",
        {
            "form": form,
            "period": period,
            "ranking": result,
            "page": page,
            "provinces": _provinces(),
            "query": request.GET,
        },
    )


def _provinces() -> list[Any]:
    """The provinces of the filter, from the map the ranking keeps anyway."""
    found = {
        district.province_id: district.province
        for district in districts_with_provinces()
    }
    return sorted(found.values(), key=lambda province: province.name_th)


@public_page
@replica_reads
def province(request: HttpRequest, code: str) -> HttpResponse:
    found = province_get(code)
    form, period, result, rows = _ranking_rows(request, province_code=found.code)
    where = Q(province_id=found.code)
    return render(
        request,
        "feedback/province.html",
        {
            "province": found,
            "form": form,
            "period": period,
            "ranking": result,
            "rows": rows,
            "index": index_of(start=period.start, end=period.end, where=where),
            "chart": trend_chart(
                trend(start=period.start, end=period.end, where=where)
            ),
        },
    )


@public_page
@replica_reads
def district(request: HttpRequest, code: str) -> HttpResponse:
    found = district_get(code)
    form, period = _period(request)
    result = cached_ranking(start=period.start, end=period.end)
    ranked: RankedDistrict | None = next(
        (row for row in result.districts if row.district.code == found.code), None
    )
    where = Q(district_id=found.code)
    index = index_of(start=period.start, end=period.end, where=where)
    return render(
        request,
        "feedback/district.html",
        {
            "district": found,
            "form": form,
            "period": period,
            "ranking": result,
            "ranked": ranked,
            "index": index,
            "offices": office_indexes(
                district_code=found.code, start=period.start, end=period.end
            ),
            "chart": trend_chart(
                trend(start=period.start, end=period.end, where=where)
            ),
            "comments": recent_comments(where=where),
        },
    )


@public_page
def method(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "feedback/method.html",
        {
            "min_votes": settings.FEEDBACK_RANKING_MIN_VOTES,
            "licence": LICENCE,
            "per_source": settings.FEEDBACK_ANONYMOUS_PER_SOURCE_OFFICE_DAY,
            "factor": settings.FEEDBACK_ANONYMOUS_OFFICE_DAY_FACTOR,
            "floor": settings.FEEDBACK_ANONYMOUS_OFFICE_DAY_FLOOR,
            "anonymous_percent": settings.FEEDBACK_ANONYMOUS_WEIGHT_PERCENT,
        },
    )


DATA_HEADER = [
    "rank",
    "district_code",
    "district_th",
    "district_en",
    "province_code",
    "province_th",
    "province_en",
    "votes",
    "verified_votes",
    "mean",
    "happy_share",
    "bayesian_mean",
    "votes_1",
    "votes_2",
    "votes_3",
    "votes_4",
    "votes_5",
]


def _data_row(row: RankedDistrict) -> list[object]:
    index, district = row.index, row.district
    return [
        row.rank if row.rank is not None else "",
        district.code,
        district.name_th,
        district.name_en,
        district.province_id,
        district.province.name_th,
        district.province.name_en,
        index.votes,
        index.verified,
        round(index.mean, 3) if index.mean is not None else "",
        round(index.happy_share, 4) if index.happy_share is not None else "",
        round(row.bayesian_mean, 4) if row.bayesian_mean is not None else "",
        *index.distribution,
    ]


@public_page
@replica_reads
def ranking_data(request: HttpRequest, file_format: str) -> HttpResponse:
    """The ranking as open data: CSV, XLSX or JSON, with the licence."""
    if file_format not in ("csv", "xlsx", "json"):
        raise Http404
    _form, period, result, rows = _ranking_rows(
        request, province_code=request.GET.get("province", "")[:2]
    )
    filename = f"amphoe-sang-suk-{period.start}-{period.end}"
    if file_format == "json":
        body = {
            "licence": str(LICENCE),
            "start": str(period.start),
            "end": str(period.end),
            "min_votes": result.min_votes,
            "national": index_out(result.national),
            "districts": [
                dict(zip(DATA_HEADER, _data_row(row), strict=True)) for row in rows
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
