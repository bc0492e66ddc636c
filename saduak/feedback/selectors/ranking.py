"""The national ranking of districts by a Bayesian average of happiness, and the
week's biggest movers. Both read the rollups grouped by district: their cost
grows with the number of districts, never with the votes."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q

from saduak.areas.models import District
from saduak.core.memo import ProcessMemo
from saduak.feedback.selectors.index import EMPTY, HappinessIndex, index_by

# Movers need this many votes in each of the two weeks to be compared at all.
MOVER_MIN_VOTES = 10


@dataclass(frozen=True)
class RankedDistrict:
    district: District
    index: HappinessIndex
    bayesian_mean: float | None
    rank: int | None  # None without votes
    few_votes: bool  # fewer votes than the Bayesian weight: read with care


@dataclass(frozen=True)
class Ranking:
    start: date
    end: date
    national: HappinessIndex
    min_votes: int
    districts: list[RankedDistrict]


# The map changes a few times a year (load_areas); every ranking lists it.
_districts = ProcessMemo(seconds=300, size=1)


def districts_with_provinces(province_code: str = "") -> list[District]:
    """The active districts with their provinces, read at most every five
    minutes per process. The objects are shared: read them, never change them."""
    everyone: list[District] = _districts.get_or_set(
        "all",
        lambda: list(
            District.objects.filter(is_active=True)
            .select_related("province")
            .order_by("code")
        ),
    )
    if province_code:
        return [d for d in everyone if d.province_id == province_code]
    return everyone


def district_counts(*, start: date, end: date) -> dict[str, HappinessIndex]:
    """Every district's votes in [start, end]: what a ranking is made of, and
    what is worth caching (small, and quick to store and read)."""
    return index_by("district_id", start=start, end=end)


def district_ranking(
    *,
    start: date,
    end: date,
    province_code: str = "",
    counts: dict[str, HappinessIndex] | None = None,
) -> Ranking:
    """Every active district (of one province, with `province_code`) with its
    index and rank in the whole country: ranks are national even when the list
    shows one province. The score (`bayesian_mean`) is
    HappinessIndex.ranking_mean: anonymous votes weigh within a bound.
    Districts without votes come last, unranked. `counts` (from
    district_counts) saves reading the rollups again."""
    weight = settings.FEEDBACK_RANKING_MIN_VOTES
    by_district = (
        counts if counts is not None else district_counts(start=start, end=end)
    )
    national = sum(by_district.values(), EMPTY)
    prior = national.mean or 0.0
    per_vote = settings.FEEDBACK_ANONYMOUS_WEIGHT_PERCENT / 100
    scored = {
        code: index.ranking_mean(prior_mean=prior, weight=weight, per_vote=per_vote)
        for code, index in by_district.items()
        if index.votes
    }
    order = sorted(scored, key=lambda code: (-(scored[code] or 0.0), code))
    rank_of = {code: number for number, code in enumerate(order, start=1)}
    rows = [
        RankedDistrict(
            district=district,
            index=by_district.get(district.code, EMPTY),
            bayesian_mean=scored.get(district.code),
            rank=rank_of.get(district.code),
            few_votes=by_district.get(district.code, EMPTY).votes < weight,
        )
        for district in districts_with_provinces(province_code)
    ]
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.district.code))
    return Ranking(
        start=start, end=end, national=national, min_votes=weight, districts=rows
    )


@dataclass(frozen=True)
class Mover:
    district: District
    this_week: HappinessIndex
    last_week: HappinessIndex

    @property
    def change(self) -> float:
        return (self.this_week.mean or 0.0) - (self.last_week.mean or 0.0)


def weekly_movers(
    *, today: date, where: Q | None = None, limit: int = 10
) -> tuple[list[Mover], list[Mover]]:
    """The districts whose mean rose and fell most from the week before last to
    the last seven days (up to today), among those with enough votes in both."""
    this_start = today - timedelta(days=6)
    last_start, last_end = (
        this_start - timedelta(days=7),
        this_start - timedelta(days=1),
    )
    this_week = index_by("district_id", start=this_start, end=today, where=where)
    last_week = index_by("district_id", start=last_start, end=last_end, where=where)
    codes = [
        code
        for code, index in this_week.items()
        if index.votes >= MOVER_MIN_VOTES
        and last_week.get(code, EMPTY).votes >= MOVER_MIN_VOTES
    ]
    districts = District.objects.select_related("province").in_bulk(codes)
    movers = [
        Mover(districts[code], this_week[code], last_week[code])
        for code in codes
        if code in districts
    ]
    movers.sort(key=lambda mover: mover.change)
    falls = [mover for mover in movers if mover.change < 0][:limit]
    rises = [mover for mover in reversed(movers) if mover.change > 0][:limit]
    return rises, falls
