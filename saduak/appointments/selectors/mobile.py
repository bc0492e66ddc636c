"""Reading Mobile Unit requests and their statistics by fiscal year, category and
area. Requests number in the thousands a year per province; statistics group
them in the database with the (district, status) and requested_at indexes."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.accounts.scoping import Reach, read_reach
from saduak.appointments.choices import MobileCategory, MobileRequestStatus
from saduak.appointments.models import MobileRequest
from saduak.areas.models import District, Office, Province
from saduak.core.errors import InvalidInput, NotFound, PermissionDeniedError
from saduak.core.thai import FiscalYear, day_bounds


def area_q(reach: Reach) -> Q:
    """Requests of the districts a reach covers: its districts and provinces, and
    the districts of its offices (a counter officer serves their district)."""
    if reach.everything:
        return Q()
    districts = set(reach.districts) | set(
        Office.objects.filter(pk__in=reach.offices).values_list(
            "district_id", flat=True
        )
    )
    return Q(district_id__in=districts) | Q(province_id__in=reach.provinces)


def covers_district(reach: Reach, district_code: str) -> bool:
    if reach.everything or district_code in reach.districts:
        return True
    if district_code[:2] in reach.provinces:
        return True
    return Office.objects.filter(
        pk__in=reach.offices, district_id=district_code
    ).exists()


def requests_for(
    *, viewer: User, status: str = "", district: str = ""
) -> QuerySet[MobileRequest]:
    reach = read_reach(viewer)
    if reach.is_empty:
        raise PermissionDeniedError(_("Mobile Unit requests are for district staff."))
    requests = MobileRequest.objects.filter(area_q(reach))
    if status:
        requests = requests.filter(status=status)
    if district:
        requests = requests.filter(district_id=district)
    return requests.select_related("subdistrict", "district", "visit").order_by(
        "status", "requested_at"
    )


def request_for(*, viewer: User, reference: str) -> MobileRequest:
    """One request, for staff who read its district; for anyone else it does
    not exist (a private record's refusal never says it exists)."""
    reach = read_reach(viewer)
    found = (
        None
        if reach.is_empty
        else MobileRequest.objects.filter(area_q(reach), reference=reference)
        .select_related("subdistrict", "district", "visit")
        .first()
    )
    if found is None:
        raise NotFound(_("There is no such request in your area."))
    return found


def request_by_token(token: str) -> MobileRequest:
    found = (
        MobileRequest.objects.select_related("subdistrict", "district", "visit")
        .filter(token=token)
        .first()
    )
    if found is None:
        raise NotFound(_("There is no such request."))
    return found


@dataclass
class MobileStatsRow:
    key: str
    name: str
    by_category: dict[str, int] = field(default_factory=dict)
    served: int = 0
    total: int = 0


@dataclass
class MobileStats:
    fiscal_year: FiscalYear
    level: str
    name: str
    rows: list[MobileStatsRow]
    total: MobileStatsRow


def mobile_statistics(
    *, viewer: User, fiscal_year: FiscalYear, level: str, code: str = ""
) -> MobileStats:
    """Requests of a fiscal year by category and whether served, for the
    country (by province), a province (by district) or a district (one row)."""
    reach = read_reach(viewer)
    start, _unused = day_bounds(fiscal_year.start)
    _unused, end = day_bounds(fiscal_year.end)
    rows = MobileRequest.objects.filter(requested_at__gte=start, requested_at__lt=end)
    if level == "country":
        if not reach.everything:
            raise PermissionDeniedError(_("The whole country is for HQ."))
        group, name, names = "province_id", _("Thailand"), _province_names
    elif level == "province":
        if not reach.covers_area(district_code=None, province_code=code):
            raise PermissionDeniedError(_("This province is outside your area."))
        rows = rows.filter(province_id=code)
        province = Province.objects.filter(code=code).first()
        group, name, names = (
            "district_id",
            province.name if province else code,
            _district_names,
        )
    elif level == "district":
        if not covers_district(reach, code):
            raise PermissionDeniedError(_("This district is outside your area."))
        rows = rows.filter(district_id=code)
        district = District.objects.filter(code=code).first()
        group, name, names = (
            "district_id",
            district.name if district else code,
            _district_names,
        )
    else:
        raise InvalidInput(_("Choose country, province or district."), field="level")
    counted = (
        rows.values(group, "category", "status").annotate(count=Count("id")).order_by()
    )
    by_key: dict[str, MobileStatsRow] = {}
    total = MobileStatsRow("", name)
    for entry in counted:
        row = by_key.setdefault(entry[group], MobileStatsRow(entry[group], ""))
        for target in (row, total):
            target.by_category[entry["category"]] = (
                target.by_category.get(entry["category"], 0) + entry["count"]
            )
            target.total += entry["count"]
            if entry["status"] == MobileRequestStatus.SERVED:
                target.served += entry["count"]
    labels = names(list(by_key))
    for key, row in by_key.items():
        row.name = labels.get(key, key)
    return MobileStats(
        fiscal_year, level, name, sorted(by_key.values(), key=lambda r: r.key), total
    )


def _province_names(keys: list[str]) -> dict[str, str]:
    return {p.code: p.name for p in Province.objects.filter(code__in=keys)}


def _district_names(keys: list[str]) -> dict[str, str]:
    return {d.code: d.name for d in District.objects.filter(code__in=keys)}


def mobile_table(stats: MobileStats) -> tuple[list[str], list[list[object]]]:
    categories = list(MobileCategory)
    header = [
        _("Area"),
        *[str(c.label) for c in categories],
        _("Served"),
        _("All requests"),
    ]
    body = [
        [
            row.name,
            *[row.by_category.get(c.value, 0) for c in categories],
            row.served,
            row.total,
        ]
        for row in [*stats.rows, stats.total]
    ]
    return header, body
