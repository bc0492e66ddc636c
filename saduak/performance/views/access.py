"""What the result pages ask before they offer a form: whether the viewer may
record a KPI's result, lock its round, or edit which rows of its breakdown
table. The services check again (performance/services/); these only decide
what to show."""

from dataclasses import dataclass

from django.db.models import Q

from saduak.accounts.matrix import Action, action_reach, may
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
    """The units the viewer may type rows for (`choices`: code, name), or
    None for a facility table (rows named by hand); `whole` when the viewer
    edits the whole table, not only the rows of their own area."""

    choices: list[tuple[str, str]] | None
    whole: bool

    @property
    def codes(self) -> set[str]:
        return {code for code, _name in self.choices or []}


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
    """The rows the viewer may type: every unit of the KPI's breakdown level
    inside the framework's unit for those who record the KPI; for a province
    or a district holding the right within its own area (the department's
    KPI broken down by province or district), only the units of that area."""
    level = kpi.breakdown_level
    whole = may_record(user, kpi, framework)
    if level == BreakdownLevel.FACILITY:
        return BreakdownUnits(None, whole)
    reach = action_reach(user, Action.KPI_RESULT_RECORD)
    inside = _framework_q(framework, level)
    if level == BreakdownLevel.PROVINCE:
        provinces = Province.objects.filter(inside, is_active=True)
        if not whole:
            provinces = provinces.filter(
                Q() if reach.everything else Q(code__in=reach.provinces)
            )
        rows = [(item.code, item.name) for item in provinces.order_by("code")]
    elif level == BreakdownLevel.DISTRICT:
        districts = District.objects.filter(inside, is_active=True)
        if not whole:
            districts = districts.filter(
                Q()
                if reach.everything
                else Q(code__in=reach.districts) | Q(province_id__in=reach.provinces)
            )
        rows = [
            (item.code, item.name)
            for item in districts.select_related("province").order_by("code")
        ]
    else:
        offices = Office.objects.filter(inside, is_active=True)
        if not whole:
            offices = offices.filter(reach.offices_q())
        rows = [(item.code, item.name) for item in offices.order_by("code")]
    return BreakdownUnits(rows, whole)
