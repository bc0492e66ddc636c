"""The unit a staff page or report is about: the country, a province, a
district or an office, resolved from (level, code) and checked against the
viewer's reach, so every report refuses what is outside it the same way."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.areas.models import District, Office, Province
from saduak.core.errors import InvalidInput, NotFound, PermissionDeniedError

COUNTRY, PROVINCE, DISTRICT, OFFICE = "country", "province", "district", "office"
LEVELS = (COUNTRY, PROVINCE, DISTRICT, OFFICE)
CHILD_LEVEL = {COUNTRY: PROVINCE, PROVINCE: DISTRICT, DISTRICT: OFFICE}


@dataclass(frozen=True)
class Unit:
    """What a staff page is about; `where` picks its votes and rollup rows
    (both have office_id, district_id and province_id columns)."""

    level: str
    code: str = ""
    province: Province | None = None
    district: District | None = None
    office: Office | None = None

    @property
    def name(self) -> str:
        if self.office is not None:
            return self.office.name
        if self.district is not None:
            return self.district.name
        if self.province is not None:
            return self.province.name
        return _("The whole country")

    @property
    def where(self) -> Q:
        if self.level == PROVINCE:
            return Q(province_id=self.code)
        if self.level == DISTRICT:
            return Q(district_id=self.code)
        if self.level == OFFICE and self.office is not None:
            return Q(office_id=self.office.pk)
        return Q()

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL.get(self.level)

    @property
    def params(self) -> dict[str, str]:
        return {"level": self.level, "code": self.code}


def unit_get(*, viewer: User, level: str, code: str) -> Unit:
    """The unit named by `level` and `code` (a province or district code, an
    office code), when the viewer's reach covers it. Raises InvalidInput for an
    unknown level, NotFound and PermissionDeniedError."""
    reach = read_reach(viewer)
    code = (code or "").strip()
    if level == COUNTRY:
        if not reach.everything:
            raise PermissionDeniedError(_("The whole country is for HQ staff."))
        return Unit(COUNTRY)
    if level == PROVINCE:
        province = Province.objects.filter(code=code).first()
        if province is None:
            raise NotFound(_("There is no such province."))
        if not (reach.everything or province.code in reach.provinces):
            raise PermissionDeniedError(_("This province is outside your area."))
        return Unit(PROVINCE, province.code, province=province)
    if level == DISTRICT:
        district = District.objects.select_related("province").filter(code=code).first()
        if district is None:
            raise NotFound(_("There is no such district."))
        if not reach.covers_area(
            district_code=district.code, province_code=district.province_id
        ):
            raise PermissionDeniedError(_("This district is outside your area."))
        return Unit(
            DISTRICT, district.code, province=district.province, district=district
        )
    if level == OFFICE:
        office = (
            Office.objects.select_related("district", "province")
            .filter(code=code)
            .first()
        )
        if office is None:
            raise NotFound(_("There is no such office."))
        if not reach.covers_office(office):
            raise PermissionDeniedError(_("This office is outside your area."))
        return Unit(
            OFFICE,
            office.code,
            province=office.province,
            district=office.district,
            office=office,
        )
    raise InvalidInput(
        _("Choose country, province, district or office."), field="level"
    )


def unit_default(viewer: User) -> Unit:
    """The widest unit the viewer's reach covers."""
    reach = read_reach(viewer)
    if reach.everything:
        return Unit(COUNTRY)
    if reach.provinces:
        return unit_get(viewer=viewer, level=PROVINCE, code=sorted(reach.provinces)[0])
    if reach.districts:
        return unit_get(viewer=viewer, level=DISTRICT, code=sorted(reach.districts)[0])
    office = Office.objects.filter(pk__in=reach.offices).order_by("code").first()
    if office is None:
        raise PermissionDeniedError(_("The happiness index is for staff of an office."))
    return unit_get(viewer=viewer, level=OFFICE, code=office.code)


def unit_requested(viewer: User, params: Any) -> Unit:
    """The unit of a request's `level` and `code`, or the viewer's default."""
    level = str(params.get("level") or "")
    if not level:
        return unit_default(viewer)
    return unit_get(viewer=viewer, level=level, code=str(params.get("code") or ""))


def unit_parent(viewer: User, unit: Unit) -> Unit | None:
    """The unit above, if the viewer may see it (for breadcrumbs)."""
    reach = read_reach(viewer)
    if unit.level == PROVINCE:
        return Unit(COUNTRY) if reach.everything else None
    province, district = unit.province, unit.district
    if unit.level == DISTRICT and province is not None:
        if reach.everything or province.code in reach.provinces:
            return Unit(PROVINCE, province.code, province=province)
        return None
    if unit.level == OFFICE and district is not None:
        covered = reach.covers_area(
            district_code=district.code, province_code=district.province_id
        )
        return (
            Unit(DISTRICT, district.code, province=province, district=district)
            if covered
            else None
        )
    return None
