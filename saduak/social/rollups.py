"""The targeting counts per subdistrict (`TargetingCounts`, docs/layout.md 8.4
pattern A without a period): moved by each decision in its own transaction,
rebuilt for an area by a screening run and by the recount.

What a household contributes is said twice, once per way of counting, side by
side below: `_contribution` for one household (the moves) and `COUNTER_FILTERS`
for the database's grouped count (the rebuild, which at national scale counts
millions of households, so it groups in SQL instead of looping in Python).
`tests/test_rollups.py` keeps the two equal."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q

from saduak.core.rollups import RollupMove, rollup_replace, rollups_apply
from saduak.social.choices import SOURCE_BITS, HouseholdStatus
from saduak.social.models import (
    RuleSet,
    ServiceRecord,
    TargetHousehold,
    TargetingCounts,
)

COUNTERS = ("found", "confirmed", "removed", "selected", "served")
CONFIRMED = (HouseholdStatus.CONFIRMED, HouseholdStatus.SELECTED)

COUNTER_FILTERS: dict[str, Q] = {
    "found": Q(),
    "confirmed": Q(status__in=CONFIRMED),
    "removed": Q(status=HouseholdStatus.REMOVED),
    "selected": Q(status=HouseholdStatus.SELECTED),
    "served": Q(served_at__isnull=False),
}


@dataclass(frozen=True)
class HouseholdState:
    """What the counts need to know of a household at one moment."""

    rule_set_id: int
    subdistrict_id: str
    district_code: str
    province_code: str
    status: str
    served: bool
    sources: int
    domains: frozenset[str]


def household_state(
    household: TargetHousehold, domains: Iterable[str] | None = None
) -> HouseholdState:
    """The household's state now; `domains` are those it has been served in
    (read from its services when not given)."""
    if domains is None:
        domains = ServiceRecord.objects.filter(household=household).values_list(
            "domain", flat=True
        )
    return HouseholdState(
        rule_set_id=household.rule_set_id,
        subdistrict_id=household.subdistrict_id,
        district_code=household.district_code,
        province_code=household.province_code,
        status=household.status,
        served=household.served_at is not None,
        sources=household.sources,
        domains=frozenset(domains),
    )


def _contribution(state: HouseholdState) -> dict[str, dict[str, int]]:
    """{dimension: {counter: 1}} for one household (see COUNTER_FILTERS)."""
    counters = {
        "found": 1,
        "confirmed": int(state.status in CONFIRMED),
        "removed": int(state.status == HouseholdStatus.REMOVED),
        "selected": int(state.status == HouseholdStatus.SELECTED),
        "served": int(state.served),
    }
    rows = {"": counters}
    for kind, bit in SOURCE_BITS.items():
        if state.sources & bit:
            rows[f"source:{kind}"] = counters
    for domain in state.domains:
        rows[f"domain:{domain}"] = {"served": 1}
    return rows


def _moves(state: HouseholdState, sign: int) -> list[RollupMove]:
    return [
        RollupMove(
            model=TargetingCounts,
            key=(
                ("rule_set_id", state.rule_set_id),
                ("subdistrict_id", state.subdistrict_id),
                ("dimension", dimension),
            ),
            deltas={name: sign * value for name, value in counters.items()},
            carried=(
                ("district_code", state.district_code),
                ("province_code", state.province_code),
            ),
        )
        for dimension, counters in _contribution(state).items()
    ]


def targeting_counts_move(
    before: HouseholdState | None, after: HouseholdState | None
) -> None:
    """Moves the counts from a household's state before a write to its state
    after it, in the caller's transaction (docs/layout.md 8.4)."""
    moves = []
    if before is not None:
        moves += _moves(before, -1)
    if after is not None:
        moves += _moves(after, 1)
    rollups_apply(moves)


def targeting_counts_rebuild(*, rule_set: RuleSet, province_code: str | None) -> int:
    """Makes the counts of one province (or of the country) equal to its
    households, counted in the database; returns the rows repaired (0 when
    nothing had drifted). Run it in the transaction that changed the
    households (a screening run) or on its own (the recount)."""
    households = TargetHousehold.objects.filter(rule_set=rule_set)
    where = Q(rule_set=rule_set)
    if province_code is not None:
        households = households.filter(province_code=province_code)
        where &= Q(province_code=province_code)
    counted = {
        name: Count("pk", filter=condition)
        for name, condition in COUNTER_FILTERS.items()
    }
    grouping = ("subdistrict_id", "district_code", "province_code")
    rows: dict[tuple[int, str, str], dict[str, object]] = {}

    def add(dimension: str, found: Iterable[dict[str, object]]) -> None:
        for row in found:
            values = {name: row[name] for name in COUNTERS if name in row}
            rows[(rule_set.pk, str(row["subdistrict_id"]), dimension)] = {
                "district_code": row["district_code"],
                "province_code": row["province_code"],
                **{name: 0 for name in COUNTERS},
                **values,
            }

    add("", households.values(*grouping).annotate(**counted).order_by())
    for kind, bit in SOURCE_BITS.items():
        add(
            f"source:{kind}",
            households.annotate(source_bit=F("sources").bitand(bit))
            .filter(source_bit__gt=0)
            .values(*grouping)
            .annotate(**counted)
            .order_by(),
        )
    served = ServiceRecord.objects.filter(household__in=households.values("pk")).values(
        "domain",
        subdistrict_id=F("household__subdistrict_id"),
        district_code=F("household__district_code"),
        province_code=F("household__province_code"),
    )
    by_domain: dict[str, list[Any]] = {}
    for row in served.annotate(served=Count("household", distinct=True)).order_by():
        by_domain.setdefault(str(row["domain"]), []).append(row)
    for domain, found in by_domain.items():
        add(f"domain:{domain}", found)
    return rollup_replace(
        TargetingCounts,
        rows=rows,
        key_fields=("rule_set_id", "subdistrict_id", "dimension"),
        value_fields=COUNTERS,
        carried_fields=("district_code", "province_code"),
        where=where,
    )
