"""The breakdown table of a result page: the rows the viewer reads (filtered
by their read reach, so a province sees its own rows of the department's
KPI), their totals against the result's figures, and, for those who record
the KPI, the typed-in table of those rows.

Saving replaces the whole table at once (`breakdown_save`), so the rows the
viewer does not read (a KPI's owner at one office reads only its own rows)
are passed back as they are."""

from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.performance.choices import BreakdownLevel
from saduak.performance.forms_results import (
    BLANK_BREAKDOWN_ROWS,
    UNIT_ROWS_LIMIT,
    BreakdownFormSet,
    has_denominator,
)
from saduak.performance.models import BreakdownRow, Framework, Kpi, KpiResult
from saduak.performance.selectors.breakdown import breakdown_rows
from saduak.performance.services.breakdown import BreakdownInput
from saduak.performance.views.access import breakdown_units

ZERO = Decimal(0)
PREFIX = "rows"


def row_code(row: BreakdownRow, level: str) -> str:
    """The unit a row is about, as the table's picker names it."""
    if level == BreakdownLevel.PROVINCE:
        return row.province_id or ""
    if level == BreakdownLevel.DISTRICT:
        return row.district_id or ""
    if level == BreakdownLevel.OFFICE:
        return row.office.code if row.office is not None else ""
    return row.label


def row_input(
    level: str, code: str, numerator: Decimal, denominator: Decimal | None
) -> BreakdownInput:
    if level == BreakdownLevel.PROVINCE:
        return BreakdownInput(
            province_code=code, numerator=numerator, denominator=denominator
        )
    if level == BreakdownLevel.DISTRICT:
        return BreakdownInput(
            district_code=code, numerator=numerator, denominator=denominator
        )
    if level == BreakdownLevel.OFFICE:
        return BreakdownInput(
            office_code=code, numerator=numerator, denominator=denominator
        )
    return BreakdownInput(label=code, numerator=numerator, denominator=denominator)


def row_kept(row: BreakdownRow, level: str) -> BreakdownInput:
    """A saved row as it is, for the rows a save does not change; a facility
    keeps the district or office it lies in."""
    if level != BreakdownLevel.FACILITY:
        return row_input(level, row_code(row, level), row.numerator, row.denominator)
    return BreakdownInput(
        label=row.label,
        district_code=row.district_id,
        office_code=row.office.code if row.office is not None else None,
        numerator=row.numerator,
        denominator=row.denominator,
    )


def _located(typed: BreakdownInput, saved: dict[str, BreakdownRow]) -> BreakdownInput:
    """A typed facility row keeps where the saved row of the same name lies
    (the table names a facility only)."""
    row = saved.get(typed.label)
    if row is None:
        return typed
    return replace(
        row_kept(row, BreakdownLevel.FACILITY),
        numerator=typed.numerator,
        denominator=typed.denominator,
    )


def _visible(result: KpiResult, user: User) -> list[BreakdownRow]:
    if result.pk is None:
        return []
    return list(breakdown_rows(result=result, viewer=user))


def breakdown_formset(
    user: User, kpi: Kpi, framework: Framework, result: KpiResult, data: Any = None
) -> Any:
    """The typed-in table: the viewer's editable rows; then a row for each
    unit of the map not in the table yet, already picked (when there are at
    most UNIT_ROWS_LIMIT), or blank rows to pick or name the unit."""
    units = breakdown_units(user, kpi, framework)
    level = kpi.breakdown_level
    key = "unit" if units.choices is not None else "label"
    rows = _visible(result, user)
    initial: list[dict[str, Any]] = [
        {
            key: row_code(row, level),
            "numerator": figure(row.numerator),
            "denominator": figure(row.denominator),
        }
        for row in rows
    ]
    extra = BLANK_BREAKDOWN_ROWS
    if units.choices is not None and len(units.choices) <= UNIT_ROWS_LIMIT:
        present = {row[key] for row in initial}
        initial += [{key: code} for code, _name in units.choices if code not in present]
        extra = 0
    formset = BreakdownFormSet(
        data,
        prefix=PREFIX,
        initial=initial,
        units=units.choices,
        with_denominator=has_denominator(kpi),
    )
    if data is None:
        formset.extra = extra
    return formset


def figure(value: Decimal | None) -> str:
    """A stored figure as typed: no trailing zeros ("1700", "87.5")."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def breakdown_inputs(
    user: User, kpi: Kpi, framework: Framework, result: KpiResult, formset: Any
) -> list[BreakdownInput]:
    """The whole table to save: what the viewer typed, and every row they
    do not read (outside their read reach) as it is."""
    level = kpi.breakdown_level
    typed = [
        row_input(
            level,
            form.cleaned_data.get("unit") or form.cleaned_data.get("label") or "",
            form.cleaned_data["numerator"],
            form.cleaned_data.get("denominator"),
        )
        for form in formset.filled_forms()
    ]
    if result.pk is None:
        return typed
    visible = _visible(result, user)
    if level == BreakdownLevel.FACILITY:
        by_name = {row.label: row for row in visible}
        if len(by_name) == len(visible):
            typed = [_located(row, by_name) for row in typed]
    changed = {row.pk for row in visible}
    kept = [
        row_kept(row, level)
        for row in result.breakdown.select_related("office").order_by("pk")
        if row.pk not in changed
    ]
    return typed + kept


def breakdown_context(
    user: User,
    kpi: Kpi,
    framework: Framework,
    result: KpiResult,
    failed: Any = None,
    error: str = "",
) -> dict[str, Any]:
    """What the page shows of the breakdown (nothing for a KPI without one)."""
    level = kpi.breakdown_level
    if not level:
        return {"breakdown_level": ""}
    visible = _visible(result, user)
    units = breakdown_units(user, kpi, framework)
    numerators = sum((row.numerator for row in visible), ZERO)
    denominators = sum((row.denominator or ZERO for row in visible), ZERO)
    total = result.breakdown.count() if result.pk is not None else 0
    off = ""
    sees_all = bool(visible) and len(visible) == total
    if (
        sees_all
        and result.numerator is not None
        and (
            numerators != result.numerator
            or (result.denominator is not None and denominators != result.denominator)
        )
    ):
        off = _(
            "The rows add up to %(rows)s, but the result is %(result)s. "
            "Correct the rows or the result so that they agree."
        ) % {
            "rows": _pair(numerators, denominators, result.denominator),
            "result": _pair(result.numerator, result.denominator, result.denominator),
        }
    return {
        "breakdown_level": level,
        "breakdown_level_label": kpi.get_breakdown_level_display(),
        "breakdown_rows": visible,
        "breakdown_flagged": sum(1 for row in visible if row.flagged),
        "breakdown_partial": len(visible) < total,
        "breakdown_totals": (numerators, denominators),
        "breakdown_off": off,
        "breakdown_error": error,
        "breakdown_editable": units.editable,
        "breakdown_formset": failed
        if failed is not None
        else breakdown_formset(user, kpi, framework, result),
    }


def _pair(
    numerator: Decimal, denominator: Decimal | None, with_denominator: Any
) -> str:
    if with_denominator is None or denominator is None:
        return figure(numerator)
    return f"{figure(numerator)} / {figure(denominator)}"
