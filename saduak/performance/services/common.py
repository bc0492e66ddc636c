"""What the performance services share: who may act on a framework's unit,
the audit event's place, the framework and round states that refuse a
change, and the unit a framework or assessment evaluates."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor, ensure_may
from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.areas.models import District, Office, Province
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput
from saduak.performance.choices import FrameworkStatus, RoundStatus, UnitLevel
from saduak.performance.models import Framework, Kpi, KpiResult, Round
from saduak.performance.scoring import HUNDRED, ZERO, show

HQ_OFFICE_CODE = "hq"
FISCAL_YEARS = range(2500, 2700)


@dataclass(frozen=True)
class EvaluatedUnit:
    """A unit checked against the map: its level, code, and the province and
    district rows the framework or assessment carries for reach filters."""

    level: str
    code: str
    province: Province | None = None
    district: District | None = None

    @property
    def district_code(self) -> str:
        return self.district.code if self.district is not None else ""

    @property
    def province_code(self) -> str:
        return self.province.code if self.province is not None else ""


def evaluated_unit(unit_level: str, unit_code: str) -> EvaluatedUnit:
    """The unit named by a level and code; `InvalidInput` on "unit_code" for
    a code the map does not have (the department's code is '')."""
    code = (unit_code or "").strip()
    if unit_level == UnitLevel.COUNTRY:
        return EvaluatedUnit(UnitLevel.COUNTRY, "")
    if unit_level == UnitLevel.PROVINCE:
        province = Province.objects.filter(code=code).first()
        if province is None:
            raise InvalidInput(_("There is no such province."), field="unit_code")
        return EvaluatedUnit(UnitLevel.PROVINCE, code, province=province)
    if unit_level == UnitLevel.DISTRICT:
        district = District.objects.select_related("province").filter(code=code).first()
        if district is None:
            raise InvalidInput(_("There is no such district."), field="unit_code")
        return EvaluatedUnit(
            UnitLevel.DISTRICT, code, province=district.province, district=district
        )
    raise InvalidInput(
        _("Choose the department, a province or a district."), field="unit_level"
    )


def framework_ensure_may(
    actor: Actor,
    action: Action,
    framework_or_unit_level: Framework | str,
    unit_code: str = "",
) -> None:
    """Raises unless `actor` may carry out `action` over the framework's
    unit (or the unit named by level and code): the department's through
    the HQ office, a province's through its code, a district's through its
    code and its province's (so provincial staff reach their districts).
    A unit outside what the actor can read is `NotFound`."""
    if isinstance(framework_or_unit_level, Framework):
        level = framework_or_unit_level.unit_level
        code = framework_or_unit_level.unit_code
    else:
        level, code = framework_or_unit_level, unit_code
    # Who reads the unit's framework is told why a change is refused; anyone
    # else is answered NotFound.
    readable = unit_readable(actor, level, code)
    if level == UnitLevel.COUNTRY:
        hq = Office.objects.get(code=HQ_OFFICE_CODE)
        ensure_may(actor, action, office=hq, public=readable)
    elif level == UnitLevel.PROVINCE:
        ensure_may(actor, action, province_code=code, public=readable)
    elif level == UnitLevel.DISTRICT:
        ensure_may(
            actor,
            action,
            district_code=code,
            province_code=code[:2],
            public=readable,
        )
    else:
        raise InvalidInput(
            _("Choose the department, a province or a district."), field="unit_level"
        )


def unit_readable(actor: Actor, level: str, code: str) -> bool:
    """Whether `actor` reads the framework of the unit: every staff member
    the department's, staff whose read reach covers a province or district
    (an office's staff their office's district) theirs."""
    if not isinstance(actor, User):
        return False
    reach = read_reach(actor)
    if reach.everything:
        return True
    if reach.is_empty:
        return False
    if level == UnitLevel.COUNTRY:
        return True
    if level == UnitLevel.PROVINCE:
        return code in reach.provinces
    return (
        code in reach.districts
        or code[:2] in reach.provinces
        or Office.objects.filter(pk__in=reach.offices, district_id=code).exists()
    )


def framework_audit(
    *,
    actor: Actor,
    action: str,
    framework: Framework,
    target: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """One audit event placed at the framework's district or province (the
    department's events are HQ's: no place)."""
    audit_record(
        actor=actor,
        action=action,
        target=target if target is not None else framework,
        before=before,
        after=after,
        district_code=framework.district_id or "",
        province_code=framework.province_id or "",
    )


def framework_locked(framework: Framework) -> Framework:
    """The framework read again under a row lock (until the transaction ends)."""
    return Framework.objects.select_for_update().get(pk=framework.pk)


def ensure_draft(framework: Framework) -> None:
    """Refuses a change to a published framework's set-up (`Conflict`)."""
    if framework.status != FrameworkStatus.DRAFT:
        raise Conflict(
            _(
                "The framework is published: reopen it as a draft before changing"
                " its weights, targets or KPIs."
            )
        )


def ensure_published(framework: Framework) -> None:
    if framework.status != FrameworkStatus.PUBLISHED:
        raise Conflict(_("Results are recorded only once the framework is published."))


def round_locked(round: Round) -> Round:
    """The round read again under a row lock, refused (`Conflict`) when HQ
    has locked it."""
    fresh = (
        Round.objects.select_for_update().select_related("framework").get(pk=round.pk)
    )
    if fresh.status == RoundStatus.LOCKED:
        raise Conflict(
            _(
                "The round of %(months)s months is locked: ask HQ to unlock it"
                " (with a reason) to change its results."
            )
            % {"months": fresh.months}
        )
    return fresh


def clean_name(value: str, field: str, limit: int = 200) -> str:
    text = (value or "").strip()
    if not text and field.endswith("_th"):
        raise InvalidInput(_("Give the name in Thai."), field=field)
    if len(text) > limit:
        raise InvalidInput(
            _("At most %(limit)s characters.") % {"limit": limit}, field=field
        )
    return text


def clean_fiscal_year(value: int) -> int:
    if value not in FISCAL_YEARS:
        raise InvalidInput(
            _("Give the fiscal year in the Buddhist era (e.g. 2569)."),
            field="fiscal_year",
        )
    return value


def clean_weight(value: Decimal, field: str = "weight") -> Decimal:
    if value is None or not (0 < value <= HUNDRED):
        raise InvalidInput(_("A weight is more than 0 and at most 100."), field=field)
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput(_("A weight has at most two decimals."), field=field)
    return value


TEXT_LIMIT = 10_000


def kpi_ensure_may_record(actor: Actor, kpi: Kpi, framework: Framework) -> None:
    """The KPI's owner and data collector may record its results; anyone
    else needs KPI_RESULT_RECORD over the framework's unit."""
    if isinstance(actor, User) and actor.pk in (kpi.owner_id, kpi.collector_id):
        return
    framework_ensure_may(actor, Action.KPI_RESULT_RECORD, framework)


def result_open(*, actor: Actor, result: KpiResult) -> tuple[KpiResult, Round]:
    """Checks that `actor` may change `result` (saved or new), that its
    framework is published and its round open (locking the round), and
    returns the result as stored (created when new) with the locked round."""
    kpi = Kpi.objects.select_related("component__framework").get(pk=result.kpi_id)
    framework = kpi.component.framework
    kpi_ensure_may_record(actor, kpi, framework)
    if result.round.framework_id != framework.pk:
        raise InvalidInput(_("This round is of another framework."), field="round")
    round = round_locked(result.round)
    ensure_published(round.framework)
    if kpi.children.exists():
        raise InvalidInput(
            _("A KPI with sub-KPIs is scored from them; record its sub-KPIs' results.")
        )
    stored = KpiResult.objects.select_for_update().filter(kpi=kpi, round=round).first()
    if stored is None:
        stored = KpiResult.objects.create(kpi=kpi, round=round, origin=kpi.origin)
    stored.kpi = kpi
    stored.round = round
    return stored, round


def clean_figure(value: Decimal | None, field: str) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite() or value < 0:
        raise InvalidInput(_("Give a number of 0 or more."), field=field)
    if abs(value) >= Decimal(10) ** 14 or value != value.quantize(Decimal("0.0001")):
        raise InvalidInput(
            _("Give a number below 100,000,000,000,000 with at most 4 decimals."),
            field=field,
        )
    return value


def clean_text(value: str, field: str) -> str:
    text = (value or "").strip()
    if len(text) > TEXT_LIMIT:
        raise InvalidInput(
            _("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}, field=field
        )
    return text


def breakdown_totals(result: KpiResult) -> tuple[Decimal, Decimal | None] | None:
    rows = list(result.breakdown.values_list("numerator", "denominator"))
    if not rows:
        return None
    numerator = sum((row[0] for row in rows), ZERO)
    denominators = [row[1] for row in rows if row[1] is not None]
    return numerator, (sum(denominators, ZERO) if denominators else None)


def ensure_adds_up(
    totals: tuple[Decimal, Decimal | None],
    numerator: Decimal | None,
    denominator: Decimal | None,
) -> None:
    row_numerator, row_denominator = totals
    if numerator is not None and row_numerator != numerator:
        raise InvalidInput(
            _(
                "The breakdown rows' numerators add up to %(rows)s but the result's"
                " numerator is %(result)s."
            )
            % {"rows": show(row_numerator), "result": show(numerator)},
            field="numerator",
        )
    if (
        denominator is not None or row_denominator is not None
    ) and row_denominator != denominator:
        raise InvalidInput(
            _(
                "The breakdown rows' denominators add up to %(rows)s but the"
                " result's denominator is %(result)s."
            )
            % {
                "rows": show(row_denominator) if row_denominator is not None else "-",
                "result": show(denominator) if denominator is not None else "-",
            },
            field="denominator",
        )
