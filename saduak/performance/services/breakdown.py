"""A result's breakdown table: rows by province, district, office or
facility that add up to the result's figures, checked and replaced whole;
implausible values flagged, never refused (docs/performance.md,
"Breakdown")."""

from dataclasses import dataclass
from decimal import Decimal
from statistics import median
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Actor
from saduak.areas.models import District, Office, Province
from saduak.core.errors import InvalidInput
from saduak.performance.choices import (
    BreakdownLevel,
    MeasureUnit,
    ResultOrigin,
    UnitLevel,
)
from saduak.performance.models import BreakdownRow, Framework, Kpi, KpiResult
from saduak.performance.scoring import HUNDRED, ZERO, value_of
from saduak.performance.services.common import (
    breakdown_totals,
    clean_figure,
    ensure_adds_up,
    framework_audit,
    result_open,
)
from saduak.performance.services.scores import kpi_score_recompute


@dataclass(frozen=True)
class BreakdownInput:
    """One row of a breakdown table: the unit (by the code its level needs;
    a facility by its `label`, optionally in a district or office) and its
    figures."""

    numerator: Decimal
    denominator: Decimal | None = None
    province_code: str | None = None
    district_code: str | None = None
    office_code: str | None = None
    label: str = ""


def _row_unit(level: str, row: BreakdownInput, index: int) -> BreakdownRow:
    """The row's unit columns, from the codes its level needs."""

    def refuse(message: str) -> InvalidInput:
        return InvalidInput(
            _("Row %(number)s: %(message)s")
            % {"number": index + 1, "message": message},
            field="rows",
            extra={"index": index},
        )

    built = BreakdownRow(label=(row.label or "").strip()[:200])
    if level == BreakdownLevel.PROVINCE:
        province = Province.objects.filter(code=row.province_code or "").first()
        if province is None:
            raise refuse(_("there is no such province."))
        built.province = province
    elif level == BreakdownLevel.DISTRICT:
        district = District.objects.filter(code=row.district_code or "").first()
        if district is None:
            raise refuse(_("there is no such district."))
        built.district, built.province_id = district, district.province_id
    elif level == BreakdownLevel.OFFICE:
        office = Office.objects.filter(code=row.office_code or "").first()
        if office is None:
            raise refuse(_("there is no such office."))
        built.office = office
        built.district_id, built.province_id = office.district_id, office.province_id
    else:
        if not built.label:
            raise refuse(_("name the facility."))
        if row.office_code:
            office = Office.objects.filter(code=row.office_code).first()
            if office is None:
                raise refuse(_("there is no such office."))
            built.office = office
            built.district_id, built.province_id = (
                office.district_id,
                office.province_id,
            )
        elif row.district_code:
            district = District.objects.filter(code=row.district_code).first()
            if district is None:
                raise refuse(_("there is no such district."))
            built.district, built.province_id = district, district.province_id
    return built


def _inside(framework: Framework, row: BreakdownRow) -> bool:
    if framework.unit_level == UnitLevel.PROVINCE:
        return row.province_id == framework.province_id
    if framework.unit_level == UnitLevel.DISTRICT:
        return row.district_id == framework.district_id
    return True


def _key(row: BreakdownRow) -> tuple[Any, ...]:
    return (row.province_id, row.district_id, row.office_id, row.label)


def flag_outliers(kpi: Kpi, rows: list[BreakdownRow]) -> None:
    """DHIS2-style: a percentage outside 0..100, a negative value, or a
    value more than 3 times away from the rows' median is flagged."""
    values = [row.value for row in rows if row.value is not None]
    middle = median(values) if values else None
    for row in rows:
        value = row.value
        if value is None:
            row.flagged = False
        elif kpi.measure_unit == MeasureUnit.PERCENT:
            row.flagged = not (ZERO <= value <= HUNDRED)
        elif value < 0:
            row.flagged = True
        elif middle is not None and middle > 0:
            row.flagged = value > middle * 3 or value * 3 < middle
        else:
            row.flagged = False


def breakdown_rows_build(
    kpi: Kpi, framework: Framework, rows: list[BreakdownInput]
) -> list[BreakdownRow]:
    """Checked, unsaved rows: each unit exists at the KPI's breakdown level,
    lies inside the framework's unit and comes once; figures are 0 or more,
    a denominator 0 only with a numerator 0 (no value). Raises
    `InvalidInput` on "rows" naming the row."""
    if not kpi.breakdown_level:
        raise InvalidInput(_("This KPI has no breakdown table."), field="rows")
    if not rows:
        raise InvalidInput(_("Give at least one row."), field="rows")
    built_rows: list[BreakdownRow] = []
    seen: set[tuple[Any, ...]] = set()
    has_denominators = {row.denominator is not None for row in rows}
    if len(has_denominators) > 1:
        raise InvalidInput(
            _("Give a denominator in every row or in none."), field="rows"
        )
    for index, row in enumerate(rows):
        built = _row_unit(kpi.breakdown_level, row, index)
        if kpi.breakdown_level == BreakdownLevel.FACILITY and built.province_id is None:
            # A facility named alone lies in the framework's own unit.
            built.province_id = framework.province_id
            built.district_id = framework.district_id
        if not _inside(framework, built):
            raise InvalidInput(
                _("Row %(number)s is outside the framework's unit.")
                % {"number": index + 1},
                field="rows",
                extra={"index": index},
            )
        if _key(built) in seen:
            raise InvalidInput(
                _("Row %(number)s repeats a unit of an earlier row.")
                % {"number": index + 1},
                field="rows",
                extra={"index": index},
            )
        seen.add(_key(built))
        try:
            built.numerator = clean_figure(row.numerator, "rows") or ZERO
            built.denominator = clean_figure(row.denominator, "rows")
            if built.denominator == 0 and built.numerator == 0:
                built.value = None
            else:
                built.value = value_of(
                    numerator=built.numerator,
                    denominator=built.denominator,
                    factor=kpi.factor,
                )
        except InvalidInput as error:
            raise InvalidInput(
                _("Row %(number)s: %(message)s")
                % {"number": index + 1, "message": error.message},
                field="rows",
                extra={"index": index},
            ) from error
        built_rows.append(built)
    flag_outliers(kpi, built_rows)
    return built_rows


def breakdown_replace(
    result: KpiResult, built: list[BreakdownRow], *, check_totals: bool = True
) -> list[BreakdownRow]:
    """Replaces the result's breakdown rows; sets the result's figures to the
    rows' sums when it has none, otherwise (with `check_totals`) refuses
    rows that do not add up to them."""
    numerator = sum((row.numerator for row in built), ZERO)
    denominators = [row.denominator for row in built if row.denominator is not None]
    denominator = sum(denominators, ZERO) if denominators else None
    if result.numerator is None:
        result.numerator, result.denominator = numerator, denominator
        value_of(numerator=numerator, denominator=denominator, factor=result.kpi.factor)
        result.save(update_fields=["numerator", "denominator", "updated_at"])
    elif check_totals:
        ensure_adds_up((numerator, denominator), result.numerator, result.denominator)
    result.breakdown.all().delete()
    for row in built:
        row.result = result
    return BreakdownRow.objects.bulk_create(built)


@transaction.atomic
def breakdown_save(
    *,
    actor: Actor,
    result: KpiResult,
    rows: list[BreakdownInput],
    origin: str = ResultOrigin.TYPED,
) -> list[BreakdownRow]:
    """Replaces a result's whole breakdown table (all or nothing). The rows'
    numerators and denominators must add up to the result's exactly (both
    totals named when not); a result without figures takes the sums.
    Implausible values are saved flagged, never refused. Refused (`Conflict`)
    in a locked round. Permission: as `result_record`.
    Audit: breakdown.save (breakdown.import for `origin` imported)."""
    result, round = result_open(actor=actor, result=result)
    framework = round.framework
    built = breakdown_rows_build(result.kpi, framework, rows)
    before = breakdown_totals(result)
    saved = breakdown_replace(result, built)
    kpi_score_recompute(result=result)
    framework_audit(
        actor=actor,
        action=(
            "breakdown.import" if origin == ResultOrigin.IMPORTED else "breakdown.save"
        ),
        framework=framework,
        target=result,
        before=({"numerator": before[0], "denominator": before[1]} if before else None),
        after={
            "rows": len(saved),
            "flagged": sum(row.flagged for row in saved),
            "numerator": result.numerator,
            "denominator": result.denominator,
        },
    )
    return saved
