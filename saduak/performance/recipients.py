"""Who is told about a report request (docs/performance-collection.md):
the staff of an addressed office, the provincial staff who forward and
certify, the staff of the issuing office. Each is one query, for one office
or for many at once (a request sent to 928 district offices reads its
recipients in one query)."""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Q

from saduak.accounts.choices import Role
from saduak.accounts.models import StaffRole, User
from saduak.areas.choices import OfficeKind
from saduak.areas.models import Office, Province
from saduak.performance.models import GeccParticipant, ReportRequest

# Who fills and submits an office's report: its counter officers and
# administrators, plus the district administrators of its district.
OFFICE_ROLES = (Role.COUNTER_OFFICER, Role.DISTRICT_ADMIN)


def _active_roles() -> Q:
    return Q(is_active=True, user__is_active=True, office__is_active=True)


def people_by_office(offices: Sequence[Office]) -> dict[int, list[User]]:
    """For each office (by pk): the active counter officers and district
    administrators at the office, and the district administrators of its
    district. One query for every office together."""
    office_ids = {office.pk for office in offices}
    district_ids = {office.district_id for office in offices if office.district_id}
    if not office_ids:
        return {}
    rows = (
        StaffRole.objects.filter(_active_roles())
        .filter(
            Q(office_id__in=office_ids, role__in=OFFICE_ROLES)
            | Q(office__district_id__in=district_ids, role=Role.DISTRICT_ADMIN)
        )
        .select_related("user", "office")
        .order_by("user_id", "id")
    )
    by_office_id: dict[int, list[User]] = defaultdict(list)
    by_district: dict[str, list[User]] = defaultdict(list)
    for staff_role in rows:
        if staff_role.office_id in office_ids and staff_role.role in OFFICE_ROLES:
            by_office_id[staff_role.office_id].append(staff_role.user)
        if staff_role.role == Role.DISTRICT_ADMIN and staff_role.office.district_id:
            by_district[staff_role.office.district_id].append(staff_role.user)
    found: dict[int, list[User]] = {}
    for office in offices:
        people = by_office_id.get(office.pk, []) + by_district.get(
            office.district_id or "", []
        )
        found[office.pk] = _unique(people)
    return found


def office_people(office: Office) -> list[User]:
    """The people who read and fill `office`'s reports (see
    `people_by_office`)."""
    return people_by_office([office]).get(office.pk, [])


def people_by_province(province_codes: Iterable[str]) -> dict[str, list[User]]:
    """For each province code: the active provincial staff at its provincial
    office. One query."""
    codes = set(province_codes)
    rows = (
        StaffRole.objects.filter(_active_roles())
        .filter(
            role=Role.PROVINCIAL_STAFF,
            office__province_id__in=codes,
            office__kind=OfficeKind.PROVINCIAL_OFFICE,
        )
        .select_related("user", "office")
        .order_by("user_id", "id")
    )
    found: dict[str, list[User]] = defaultdict(list)
    for staff_role in rows:
        found[staff_role.office.province_id or ""].append(staff_role.user)
    return {code: _unique(found.get(code, [])) for code in codes}


def province_people(province: Province | str) -> list[User]:
    """The provincial staff of `province` (who forward and certify)."""
    code = province if isinstance(province, str) else province.code
    return people_by_province([code])[code]


def issuer_people(request: ReportRequest) -> list[User]:
    """The staff of the office that issued `request` who may issue requests
    (HQ administrators at HQ, provincial staff at a provincial office)."""
    rows = (
        StaffRole.objects.filter(_active_roles())
        .filter(
            office_id=request.issuer_id,
            role__in=(Role.HQ_ADMIN, Role.PROVINCIAL_STAFF),
        )
        .select_related("user")
        .order_by("user_id", "id")
    )
    return _unique([staff_role.user for staff_role in rows])


def gecc_responsible_by_office(request: ReportRequest) -> dict[int, User]:
    """For a GECC round's request: each participating office's responsible
    person (by office pk). One query; empty for any other request."""
    rows = GeccParticipant.objects.filter(
        Q(round__registration_id=request.pk) | Q(round__progress_id=request.pk),
        responsible__isnull=False,
        responsible__is_active=True,
    ).select_related("responsible")
    return {row.office_id: row.responsible for row in rows if row.responsible}


def _unique(people: Iterable[User]) -> list[User]:
    seen: set[int] = set()
    unique: list[User] = []
    for person in people:
        if person.pk not in seen:
            seen.add(person.pk)
            unique.append(person)
    return unique
