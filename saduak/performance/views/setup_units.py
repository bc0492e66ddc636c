"""What the set-up and PMQA pages share about evaluated units: a unit in an
address ("country" or its DOPA code), its name, the units a viewer may set up,
who may act on a unit (asked of the matrix the way the services check it), the
staff a KPI's owner and collector are picked from, and links to pages of
other areas that may not be mounted yet."""

from typing import Any

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, action_reach, may
from saduak.accounts.models import StaffRole, User
from saduak.areas.models import District, Office, Province
from saduak.core.errors import NotFound
from saduak.performance.choices import UnitLevel

COUNTRY_KEY = "country"
HQ_OFFICE = "hq"
# A KPI's owner and collector are picked from at most this many people.
PEOPLE_LIMIT = 1000


def unit_key(level: str, code: str) -> str:
    """The unit as it appears in an address: "country", or its code (two
    digits for a province, four for a district)."""
    return COUNTRY_KEY if level == UnitLevel.COUNTRY else code


def unit_of_key(key: str) -> tuple[str, str]:
    """(unit_level, unit_code) of an address's unit; NotFound for anything
    else."""
    if key == COUNTRY_KEY:
        return UnitLevel.COUNTRY, ""
    if key.isdigit() and len(key) == 2:
        return UnitLevel.PROVINCE, key
    if key.isdigit() and len(key) == 4:
        return UnitLevel.DISTRICT, key
    raise NotFound(_("There is no such unit."))


def unit_name(level: str, code: str) -> str:
    if level == UnitLevel.PROVINCE:
        province = Province.objects.filter(code=code).first()
        return province.name if province else code
    if level == UnitLevel.DISTRICT:
        district = District.objects.select_related("province").filter(code=code).first()
        if district is None:
            return code
        return f"{district.name}, {district.province.name}"
    return _("The department")


def fiscal_year_label(be_year: int, language: str) -> str:
    """ "ปีงบประมาณ 2569" in Thai; "FY 2026 (B.E. 2569)" in English."""
    if language == "th":
        return _("Fiscal year %(year)s") % {"year": be_year}
    return _("FY %(ce)s (B.E. %(year)s)") % {"ce": be_year - 543, "year": be_year}


def unit_may(user: User, action: Action, level: str, code: str) -> bool:
    """Whether `user` may carry out `action` on the unit's framework or PMQA,
    placed as core's `framework_ensure_may` places it: the department at HQ's
    office, a province by its code, a district by its code and its
    province's (so provincial staff reach their districts)."""
    if level == UnitLevel.COUNTRY:
        hq = Office.objects.filter(code=HQ_OFFICE).first()
        return hq is not None and may(user, action, office=hq)
    if level == UnitLevel.PROVINCE:
        return may(user, action, province_code=code)
    return may(user, action, district_code=code, province_code=code[:2])


def units_to_set_up(
    user: User, action: Action = Action.FRAMEWORK_EDIT
) -> list[tuple[str, Any]]:
    """The units over which `user` may carry out `action` (set up a
    framework, record PMQA), as choices grouped by level: the department,
    provinces, districts by province."""
    reach = action_reach(user, action)
    if reach.is_empty:
        return []
    choices: list[tuple[str, Any]] = []
    if unit_may(user, action, UnitLevel.COUNTRY, ""):
        choices.append((COUNTRY_KEY, _("The department")))
    provinces = Province.objects.order_by("code")
    if not reach.everything:
        provinces = provinces.filter(code__in=reach.provinces)
    province_choices = [(row.code, row.name) for row in provinces]
    if province_choices:
        choices.append((_("Provinces"), province_choices))
    districts = District.objects.select_related("province").order_by("code")
    if not reach.everything:
        districts = districts.filter(
            Q(code__in=reach.districts) | Q(province_id__in=reach.provinces)
        )
    grouped: dict[str, list[tuple[str, str]]] = {}
    for district in districts:
        grouped.setdefault(district.province.name, []).append(
            (district.code, district.name)
        )
    for province_name, rows in grouped.items():
        choices.append((_("Districts of %(name)s") % {"name": province_name}, rows))
    return choices


def people_of_unit(level: str, code: str) -> list[tuple[str, str]]:
    """The staff holding an active role at an office of the unit (every
    office for the department), one choice per person: "name · role, office"
    for each role they hold there."""
    roles = StaffRole.objects.filter(
        is_active=True, user__is_active=True, office__is_active=True
    ).select_related("user", "office")
    if level == UnitLevel.PROVINCE:
        roles = roles.filter(office__province_id=code)
    elif level == UnitLevel.DISTRICT:
        roles = roles.filter(office__district_id=code)
    by_user: dict[int, tuple[User, list[str]]] = {}
    for role in roles.order_by("user__first_name", "user__last_name", "id")[
        : PEOPLE_LIMIT * 3
    ]:
        _user, held = by_user.setdefault(role.user_id, (role.user, []))
        held.append(f"{role.get_role_display()}, {role.office.name}")
    return [
        (str(user.pk), f"{user.full_name} · {'; '.join(held)}")
        for user, held in list(by_user.values())[:PEOPLE_LIMIT]
    ]


def person_label(user: User | None, level: str, code: str) -> str:
    """A KPI's owner or collector as the pickers show them: the name, and
    the roles held in the unit."""
    if user is None:
        return ""
    roles = StaffRole.objects.filter(user=user, is_active=True).select_related("office")
    if level == UnitLevel.PROVINCE:
        roles = roles.filter(office__province_id=code)
    elif level == UnitLevel.DISTRICT:
        roles = roles.filter(office__district_id=code)
    held = [f"{role.get_role_display()}, {role.office.name}" for role in roles]
    return f"{user.full_name} · {'; '.join(held)}" if held else user.full_name


def link_or_none(name: str, *args: Any, query: str = "") -> str | None:
    """The address of a page named by another area, or None while that area's
    pages are not mounted (the link is then left out)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url
