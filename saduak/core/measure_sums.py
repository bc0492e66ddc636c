"""What the service apps' KPI sources (`<app>/kpi_sources.py`, registered in
`core.measures`) share: summing a rollup's counters over a scope, and per
child unit one level down (country -> provinces, province -> districts,
district -> offices).

A rollup row carries the unit it counts for in `office_id`, `district_id`
and `province_id` columns (docs/layout.md 8.4), so `MeasureScope.where`
picks a scope's rows and one GROUP BY gives the children. A row held above
the child level (an application of a provincial office has no district; one
of HQ no province) belongs to no child: such rows are answered under the code
of the office that holds them, so the children always add up to the scope."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from saduak.core.measures import COUNTRY, DISTRICT, PROVINCE, MeasureScope

# The column that names a scope's children, by the scope's level.
CHILD_COLUMN = {COUNTRY: "province_id", PROVINCE: "district_id", DISTRICT: "office_id"}


def child_column(scope: MeasureScope) -> str | None:
    """The column grouping `scope`'s rows by child unit; None for an office."""
    return CHILD_COLUMN.get(scope.level)


def _decimals(values: dict[str, Any], fields: Sequence[str]) -> dict[str, Decimal]:
    return {name: Decimal(values[name] or 0) for name in fields}


def scope_sums(
    rows: "QuerySet[Any]", scope: MeasureScope, fields: Sequence[str]
) -> dict[str, Decimal]:
    """The sums of `fields` over the rows of `rows` (already narrowed to the
    period) in `scope`; one query."""
    found = (
        rows.filter(scope.where)
        .order_by()
        .aggregate(**{name: Sum(name) for name in fields})
    )
    return _decimals(found, fields)


def child_sums(
    rows: "QuerySet[Any]", scope: MeasureScope, fields: Sequence[str]
) -> dict[str, dict[str, Decimal]]:
    """The sums of `fields` per child of `scope`, keyed by the child's code
    (a province or district code, an office code), and for rows held above
    the child level, by their office's code. `rows` must have an `office`
    foreign key. Two queries; children without rows are absent."""
    column = child_column(scope)
    if column is None:
        return {}
    sums = {name: Sum(name) for name in fields}
    scoped = rows.filter(scope.where).order_by()
    group = "office__code" if column == "office_id" else column
    found: dict[str, dict[str, Decimal]] = {}
    for values in scoped.values(group).annotate(**sums):
        if values[group] is not None:
            found[str(values[group])] = _decimals(values, fields)
    if column != "office_id":
        held_above = scoped.filter(**{f"{column}__isnull": True})
        for values in held_above.values("office__code").annotate(**sums):
            found[str(values["office__code"])] = _decimals(values, fields)
    return found
