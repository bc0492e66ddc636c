"""Named measures a KPI can take its result from, computed from Saduak's own
data (docs/performance.md, "Sources").

The service apps do not import each other (docs/layout.md, section 8.7), and
`performance` is one of them; so each app that can measure something registers
its measures here, in its AppConfig.ready (`<app>/kpi_sources.py`), and
`performance` looks them up by key. A measure answers a numerator and, for a
rate, a denominator, for one unit (the country, a province, a district, an
office) and one period of days; the KPI's factor (100 for a percentage) turns
them into its value. `per_child` answers the same for each unit one level down,
for a KPI's breakdown table.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils.functional import Promise

COUNTRY, PROVINCE, DISTRICT, OFFICE = "country", "province", "district", "office"


@dataclass(frozen=True)
class MeasureScope:
    """What to measure over: `level` and `code` name the unit (the code is ''
    for the country, a DOPA code for a province or district, an office code);
    `where` filters any table with office_id, district_id and province_id
    columns to it; `start` and `end` are the first and last day counted."""

    level: str
    code: str
    where: Q
    start: date
    end: date


@dataclass(frozen=True)
class Measured:
    """A measure's figures: `denominator` is None for a plain count or level
    (the value is the numerator itself)."""

    numerator: Decimal
    denominator: Decimal | None = None


@dataclass(frozen=True)
class MeasureSource:
    key: str
    label: str | Promise
    description: str | Promise
    numerator_label: str | Promise
    denominator_label: str | Promise | None
    # One of performance's MeasureUnit values: percent, count, points, days.
    measure_unit: str
    compute: Callable[[MeasureScope], Measured]
    # The same for each child unit of the scope, keyed by its code (a province
    # or district code, an office code); None when the source has no breakdown.
    per_child: Callable[[MeasureScope], dict[str, Measured]] | None = None
    # Which unit levels the source can measure.
    levels: frozenset[str] = field(
        default_factory=lambda: frozenset({COUNTRY, PROVINCE, DISTRICT, OFFICE})
    )


_SOURCES: dict[str, MeasureSource] = {}


def measure_source_register(source: MeasureSource) -> None:
    """Called once per source from an app's ready(); a second registration of
    the same key replaces the first (module reloads in tests)."""
    _SOURCES[source.key] = source


def measure_sources() -> list[MeasureSource]:
    return sorted(_SOURCES.values(), key=lambda source: source.key)


def measure_source_get(key: str) -> MeasureSource | None:
    return _SOURCES.get(key)
