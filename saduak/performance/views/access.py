"""What the result pages ask before they offer a form: whether the viewer may
record a KPI's result, lock its round, or edit which rows of its breakdown
table. The services check again (performance/services/); these only decide
what to show."""

from dataclasses import dataclass

from django.db.models import Q

from saduak.accounts.matrix import Action, may
from saduak.accounts.models import User
from saduak.areas.models import District, Office, Province
from saduak.performance.choices import BreakdownLevel, UnitLevel
from saduak.performance.models import Framework, Kpi

HQ_OFFICE = "hq"


def may_over_unit(user: User, action: Action, framework: Framework) -> bool:
    """Whether the matrix lets `user` do `action` over the framework's unit
    (HQ's office for the department, else the province or district)."""
    if framework.unit_level == UnitLevel.COUNTRY:
        office = Office.objects.filter(code=HQ_OFFICE).first()
        return office is not None and may(user, action, office=office)
    if framework.unit_level == UnitLevel.PROVINCE:
        return may(user, action, province_code=framework.unit_code)
    return may(user, action, district_code=framework.unit_code)


def is_named_on(user: User, kpi: Kpi) -> bool:
    """The KPI's owner or data collector, who record it without the role."""
    return user.pk is not None and user.pk in (kpi.owner_id, kpi.collector_id)


def may_record(user: User, kpi: Kpi, framework: Framework) -> bool:
    return is_named_on(user, kpi) or may_over_unit(
        user, Action.KPI_RESULT_RECORD, framework
    )


@dataclass(frozen=True)
class BreakdownUnits:
    """Whether the viewer may type the breakdown table (`editable`), and the
    units they pick rows from (`choices`: code, name), or None for a
    facility table (rows named by hand)."""

    editable: bool
    choices: list[tuple[str, str]] | None


def _framework_q(framework: Framework, level: str) -> Q:
    """The units of `level` inside the framework's unit."""
    if framework.unit_level == UnitLevel.COUNTRY:
        return Q()
    code = framework.unit_code
    if framework.unit_level == UnitLevel.PROVINCE:
        return Q(code=code) if level == BreakdownLevel.PROVINCE else Q(province_id=code)
    if level == BreakdownLevel.DISTRICT:
        return Q(code=code)
    return Q(district_id=code)


def breakdown_units(user: User, kpi: Kpi, framework: Framework) -> BreakdownUnits:
    """Those who record the KPI type its table, picking from every active
    unit of its breakdown level inside the framework's unit."""
    level = kpi.breakdown_level
    if not may_record(user, kpi, framework):
        return BreakdownUnits(False, [])
    if level == BreakdownLevel.FACILITY:
        return BreakdownUnits(True, None)
    inside = _framework_q(framework, level)
    if level == BreakdownLevel.PROVINCE:
        provinces = Province.objects.filter(inside, is_active=True).order_by("code")
        return BreakdownUnits(True, [(item.code, item.name) for item in provinces])
    if level == BreakdownLevel.DISTRICT:
        districts = District.objects.filter(inside, is_active=True).order_by("code")
        return BreakdownUnits(True, [(item.code, item.name) for item in districts])
    offices = Office.objects.filter(inside, is_active=True).order_by("code")
    return BreakdownUnits(True, [(item.code, item.name) for item in offices])
