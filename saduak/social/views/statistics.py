"""Social Match statistics, mounted at `staff/social/statistics/` (namespace
`social-targeting`): found, confirmed, removed, selected and served per
country, province, district and subdistrict, by source and by domain, read
from TargetingCounts only (docs/layout.md 8.4, pattern A), as a table, a bar
chart drawn from that table, and CSV/XLSX without any personal ID. A read:
what the viewer's read reach covers (HQ sees the country)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from saduak.accounts.matrix import Action, may
from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.db_router import replica_reads
from saduak.core.exports import table_response
from saduak.social.selectors import targeting as selectors

FORMATS = ("csv", "xlsx")


def _requested(request: HttpRequest) -> tuple[selectors.RuleSet, selectors.StatsArea]:
    user = acting_user(request)
    rule_set = selectors.rule_set_get(request.GET.get("year"))
    area = selectors.stats_area_requested(user, request.GET)
    return rule_set, area


@staff_required
@never_cache
@require_GET
@replica_reads
def statistics_page(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    rule_set, area = _requested(request)
    stats = selectors.targeting_statistics(area=area, rule_set=rule_set)
    district_code = area.district_code or None
    return render(
        request,
        "social/statistics.html",
        {
            "stats": stats,
            "area": area,
            "rule_set": rule_set,
            "years": selectors.rule_set_years(),
            "parent": selectors.stats_area_parent(user, area),
            # A district's subdistricts link to their households for those
            # who may see them.
            "households_link": area.level == selectors.DISTRICT
            and may(
                user,
                Action.SOCIAL_PERSON_VIEW,
                district_code=district_code,
                province_code=area.province_code,
            ),
            "query": request.GET.urlencode(),
        },
    )


@staff_required
@never_cache
@require_GET
@replica_reads
def statistics_export(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format not in FORMATS:
        raise Http404
    rule_set, area = _requested(request)
    header, rows = selectors.statistics_table(
        selectors.targeting_statistics(area=area, rule_set=rule_set)
    )
    name = f"social-match-{rule_set.year}-{area.level}{'-' + area.code if area.code else ''}"
    return table_response(
        file_format=file_format, filename=name, header=header, rows=rows
    )
