"""Reading the map and the offices. Areas and the public details of offices are open
to everyone; what staff may change is decided in permissions.py."""

from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from saduak.areas.cache import cached_map_read
from saduak.areas.models import (
    Counter,
    District,
    Holiday,
    Office,
    OpeningHours,
    Province,
    Subdistrict,
)
from saduak.areas.reach import Reach
from saduak.areas.search import filter_by_name, normal_query
from saduak.core.errors import NotFound


def province_list(
    *, search: str = "", include_inactive: bool = False
) -> QuerySet[Province]:
    queryset = Province.objects.all()
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    return filter_by_name(queryset, search)


def province_get(code: str) -> Province:
    province = Province.objects.filter(code=code).first()
    if province is None:
        raise NotFound(_("There is no province with code %(code)s.") % {"code": code})
    return province


def district_list(
    *,
    province_code: str | None = None,
    search: str = "",
    include_inactive: bool = False,
) -> QuerySet[District]:
    queryset = District.objects.select_related("province")
    if province_code:
        queryset = queryset.filter(province=province_get(province_code))
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    return filter_by_name(queryset, search)


def district_get(code: str) -> District:
    district = District.objects.select_related("province").filter(code=code).first()
    if district is None:
        raise NotFound(_("There is no district with code %(code)s.") % {"code": code})
    return district


def subdistrict_list(
    *,
    district_code: str | None = None,
    postal_code: str = "",
    search: str = "",
    include_inactive: bool = False,
) -> QuerySet[Subdistrict]:
    queryset = Subdistrict.objects.select_related("district__province")
    if district_code:
        queryset = queryset.filter(district=district_get(district_code))
    if postal_code:
        queryset = queryset.filter(postal_codes__contains=postal_code)
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    return filter_by_name(queryset, search)


def subdistrict_get(code: str) -> Subdistrict:
    subdistrict = (
        Subdistrict.objects.select_related("district__province")
        .filter(code=code)
        .first()
    )
    if subdistrict is None:
        raise NotFound(
            _("There is no subdistrict with code %(code)s.") % {"code": code}
        )
    return subdistrict


def area_search(
    query: str, *, limit: int = 10
) -> list[Province | District | Subdistrict]:
    """Provinces, districts and subdistricts whose names match, names that start with
    the query first, then by level."""
    term = normal_query(query)
    if not term:
        return []

    def search() -> list[Province | District | Subdistrict]:
        found: list[Province | District | Subdistrict] = []
        for queryset in (province_list(), district_list(), subdistrict_list()):
            found.extend(filter_by_name(queryset, term)[:limit])
        found.sort(key=lambda area: not getattr(area, "name_starts", False))
        return found[:limit]

    # Typing a place name is the commonest search there is; the answers change only
    # when the map is loaded again.
    return cached_map_read(f"search:{limit}:{term}", search)


def office_list(
    *,
    search: str = "",
    kind: str | None = None,
    province_code: str | None = None,
    district_code: str | None = None,
    reach: Reach | None = None,
) -> QuerySet[Office]:
    queryset = Office.objects.filter(is_active=True).select_related(
        "province", "district"
    )
    if province_code:
        queryset = queryset.filter(province=province_get(province_code))
    if district_code:
        queryset = queryset.filter(district=district_get(district_code))
    if kind:
        queryset = queryset.filter(kind=kind)
    if reach is not None:
        queryset = queryset.filter(reach.offices_q())
    return filter_by_name(queryset, search)


def office_code_get(code: str) -> Office:
    """The office of `code` with only its key and code loaded, for the reads
    that repeat every second (a TV's board)."""
    office = Office.objects.only("pk", "code").filter(code=code).first()
    if office is None:
        raise NotFound(_("There is no office with code %(code)s.") % {"code": code})
    return office


def office_get(code: str) -> Office:
    office = (
        Office.objects.select_related("province", "district", "parent")
        .prefetch_related(
            Prefetch(
                "opening_hours",
                queryset=OpeningHours.objects.order_by("weekday", "opens"),
            ),
            Prefetch("counters", queryset=Counter.objects.order_by("number")),
        )
        .filter(code=code)
        .first()
    )
    if office is None:
        raise NotFound(_("There is no office with code %(code)s.") % {"code": code})
    return office


def holiday_list(
    *, office: Office | None = None, start: date | None = None
) -> QuerySet[Holiday]:
    """National holidays, plus the office's own closures when an office is given."""
    places = (
        Q(office__isnull=True) | Q(office=office) if office else Q(office__isnull=True)
    )
    queryset = Holiday.objects.filter(places).select_related("office")
    if start is not None:
        queryset = queryset.filter(date__gte=start)
    return queryset.order_by("date")
