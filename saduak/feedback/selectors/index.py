"""The happiness index of any office, district, province or the country over any
period, read from the rollups only: whole months from the month rollup and the
days at either end from the day rollup, so a year costs twelve rows per office
however many votes it had."""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet, Sum

from saduak.core.thai import month_start
from saduak.feedback import sql
from saduak.feedback.models import (
    DistrictDayHappiness,
    OfficeDayHappiness,
    OfficeMonthHappiness,
)
from saduak.feedback.rollups import COUNT_COLUMNS

HAPPY_SCORES = (4, 5)


@dataclass(frozen=True)
class HappinessIndex:
    """Votes for 1..5, and how many of them are verified (a served ticket,
    LINE, a signed-in citizen) with the sum of their scores; the rest is
    worked out from them."""

    distribution: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)
    verified: int = 0
    verified_score: int = 0

    @classmethod
    def from_counts(cls, counts: "tuple[int, ...] | list[int]") -> "HappinessIndex":
        """From the rollups' counters in COUNT_COLUMNS order."""
        values = [int(value or 0) for value in counts]
        values += [0] * (7 - len(values))
        return cls(tuple(values[:5]), values[5], values[6])  # type: ignore[arg-type]

    @property
    def counts(self) -> tuple[int, ...]:
        """The counters in COUNT_COLUMNS order (for caching)."""
        return (*self.distribution, self.verified, self.verified_score)

    @property
    def anonymous(self) -> int:
        return self.votes - self.verified

    @property
    def verified_share(self) -> float | None:
        return self.verified / self.votes if self.votes else None

    @property
    def votes(self) -> int:
        return sum(self.distribution)

    @property
    def score_total(self) -> int:
        return sum(score * n for score, n in enumerate(self.distribution, start=1))

    @property
    def mean(self) -> float | None:
        return self.score_total / self.votes if self.votes else None

    @property
    def happy_share(self) -> float | None:
        if not self.votes:
            return None
        return sum(self.distribution[score - 1] for score in HAPPY_SCORES) / self.votes

    @property
    def variance(self) -> float:
        mean = self.mean
        if mean is None or self.votes < 2:
            return 0.0
        return sum(
            n * (score - mean) ** 2
            for score, n in enumerate(self.distribution, start=1)
        ) / (self.votes - 1)

    def standard_error(self) -> float:
        return math.sqrt(self.variance / self.votes) if self.votes else math.inf

    def shares(self) -> list[float]:
        """Each score's share of the votes (0-1), for bars."""
        return [n / self.votes if self.votes else 0.0 for n in self.distribution]

    def bayesian_mean(self, *, prior_mean: float, weight: int) -> float | None:
        """The mean pulled towards `prior_mean` as if `weight` more votes had
        given it: few votes move a district little from the national mean."""
        if not self.votes:
            return None
        return (weight * prior_mean + self.score_total) / (weight + self.votes)

    def anonymous_weight(self, *, weight: int, per_vote: float) -> float:
        """How many votes the anonymous votes together count as in the
        ranking: each `per_vote` of a verified one, and all of them never more
        than the verified votes or, with fewer, `weight` (the prior's)."""
        return min(per_vote * self.anonymous, float(max(self.verified, weight)))

    def ranking_mean(
        self, *, prior_mean: float, weight: int, per_vote: float
    ) -> float | None:
        """The ranking score: the Bayesian mean with the verified votes at
        full weight and the anonymous ones at `anonymous_weight`, so that no
        number of anonymous votes can outweigh the verified ones and the
        prior together."""
        if not self.votes:
            return None
        anonymous = self.anonymous
        anonymous_score = self.score_total - self.verified_score
        counted_as = self.anonymous_weight(weight=weight, per_vote=per_vote)
        anonymous_part = anonymous_score / anonymous * counted_as if anonymous else 0.0
        return (weight * prior_mean + self.verified_score + anonymous_part) / (
            weight + self.verified + counted_as
        )

    def __add__(self, other: "HappinessIndex") -> "HappinessIndex":
        a, b = self.distribution, other.distribution
        return HappinessIndex(
            (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4]),
            self.verified + other.verified,
            self.verified_score + other.verified_score,
        )


EMPTY = HappinessIndex()


def counts_of(row: Mapping[str, Any]) -> HappinessIndex:
    """The index of a row (or sum) with the rollups' vote columns."""
    return HappinessIndex.from_counts([row[column] for column in COUNT_COLUMNS])


def _split(start: date, end: date) -> tuple[list[tuple[date, date]], date, date]:
    """The whole months inside [start, end] as [(first month, first day after
    them)] (empty when there is none), and those two days: the days before the
    first and from the second on are read day by day."""
    first_month = start if start.day == 1 else month_start(start, 1)
    after_end = end + timedelta(days=1)
    last_month_end = after_end.replace(day=1)
    return (
        [(first_month, last_month_end)] if first_month < last_month_end else [],
        first_month,
        last_month_end,
    )


def index_by(
    group: str, *, start: date, end: date, where: Q | None = None
) -> dict[str, HappinessIndex]:
    """The index for [start, end] of each value of `group` ("office_id",
    "district_id", "province_id", or "" for the country under key ""), over the
    offices `where` picks."""
    # National lists by district read the days from the district rollup: a row
    # per district and day instead of one per office.
    day_model: type[models.Model] = (
        DistrictDayHappiness
        if group == "district_id" and where is None
        else OfficeDayHappiness
    )
    where = where or Q()
    months, first_month, after_months = _split(start, end)
    parts: list[QuerySet[Any]] = []
    if months:
        parts.append(
            OfficeMonthHappiness.objects.filter(
                where, month__gte=first_month, month__lt=after_months
            )
        )
        day_ranges = [(start, first_month), (after_months, end + timedelta(days=1))]
    else:
        day_ranges = [(start, end + timedelta(days=1))]
    for day_from, day_to in day_ranges:
        if day_from < day_to:
            parts.append(
                day_model._default_manager.filter(
                    where, day__gte=day_from, day__lt=day_to
                )
            )
    return _summed(parts, group)


def _summed(parts: list[QuerySet[Any]], group: str) -> dict[str, HappinessIndex]:
    """The vote columns of all `parts` summed by `group` in the database, in one
    statement (`sql.counts_summed`): Python handles one row per group, however
    many rollup rows the period spans."""
    found = sql.counts_summed(parts, group)
    offset = 1 if group else 0
    return {
        (str(row[0]) if group else ""): HappinessIndex.from_counts(row[offset:])
        for row in found
        if not group or row[0] is not None
    }


def index_of(*, start: date, end: date, where: Q | None = None) -> HappinessIndex:
    return index_by("", start=start, end=end, where=where).get("", EMPTY)


def series_by_month(
    *, start: date, end: date, where: Q
) -> list[tuple[date, HappinessIndex]]:
    """Month by month (first days) from start's month to end's, gaps as empty."""
    rows = (
        OfficeMonthHappiness.objects.filter(
            where, month__gte=start.replace(day=1), month__lte=end
        )
        .values("month")
        .annotate(**{column: Sum(column) for column in COUNT_COLUMNS})
        .order_by("month")
    )
    by_month = {row["month"]: counts_of(row) for row in rows}
    series = []
    month = start.replace(day=1)
    while month <= end:
        series.append((month, by_month.get(month, EMPTY)))
        month = month_start(month, 1)
    return series


def series_by_day(
    *, start: date, end: date, where: Q
) -> list[tuple[date, HappinessIndex]]:
    rows = (
        OfficeDayHappiness.objects.filter(where, day__gte=start, day__lte=end)
        .values("day")
        .annotate(**{column: Sum(column) for column in COUNT_COLUMNS})
        .order_by("day")
    )
    by_day = {row["day"]: counts_of(row) for row in rows}
    days = (end - start).days + 1
    return [
        (start + timedelta(days=n), by_day.get(start + timedelta(days=n), EMPTY))
        for n in range(days)
    ]
