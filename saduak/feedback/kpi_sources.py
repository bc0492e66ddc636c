"""Amphoe Sang Suk as KPI sources (core/measures.py): the happiness index of
a unit over a period, read from the vote rollups as the index pages and the
ranking read them (`selectors.index.index_by`: month rows for the whole
months, day rows for the days at either end), so a national figure reads as
few rows per office as a province's.

- `feedback.happiness_mean`: the mean score on the 1-5 scale the ranking
  shows ("Happiness (1-5)"): numerator the sum of the scores of the counted
  votes, denominator the number of counted votes (points; factor 1).
- `feedback.happy_share`: the share of counted votes that are 4 or 5
  ("Happy (4-5)"): numerator those votes, denominator all counted votes
  (percent; factor 100).

Counted votes are those the index counts: held votes are not in the
rollups until a moderator releases them. Registered in FeedbackConfig.ready."""

from collections.abc import Callable
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saduak.areas.models import Office
from saduak.core.measure_sums import child_column
from saduak.core.measures import (
    COUNTRY,
    DISTRICT,
    OFFICE,
    PROVINCE,
    Measured,
    MeasureScope,
    MeasureSource,
    measure_source_register,
)
from saduak.feedback.selectors.index import HAPPY_SCORES, HappinessIndex, index_by

Figures = Callable[[HappinessIndex], Measured]


def _mean(index: HappinessIndex) -> Measured:
    return Measured(Decimal(index.score_total), Decimal(index.votes))


def _happy(index: HappinessIndex) -> Measured:
    happy = sum(index.distribution[score - 1] for score in HAPPY_SCORES)
    return Measured(Decimal(happy), Decimal(index.votes))


def _by_office_code(found: dict[str, HappinessIndex]) -> dict[str, HappinessIndex]:
    codes = dict(
        Office.objects.filter(pk__in=[int(key) for key in found]).values_list(
            "pk", "code"
        )
    )
    return {codes[int(key)]: index for key, index in found.items()}


def indexes_per_child(scope: MeasureScope) -> dict[str, HappinessIndex]:
    """The index of each child unit with votes; votes of an office held above
    the child level (no district, or no province) under that office's code."""
    column = child_column(scope)
    if column is None:
        return {}
    found = index_by(column, start=scope.start, end=scope.end, where=scope.where)
    if column == "office_id":
        return _by_office_code(found)
    held_above = index_by(
        "office_id",
        start=scope.start,
        end=scope.end,
        where=scope.where & Q(**{f"{column}__isnull": True}),
    )
    return {**found, **_by_office_code(held_above)}


def _source(
    figures: Figures,
) -> tuple[
    Callable[[MeasureScope], Measured], Callable[[MeasureScope], dict[str, Measured]]
]:
    def compute(scope: MeasureScope) -> Measured:
        found = index_by("", start=scope.start, end=scope.end, where=scope.where)
        return figures(found.get("", HappinessIndex()))

    def per_child(scope: MeasureScope) -> dict[str, Measured]:
        return {
            code: figures(index)
            for code, index in indexes_per_child(scope).items()
            if index.votes
        }

    return compute, per_child


def register() -> None:
    levels = frozenset({COUNTRY, PROVINCE, DISTRICT, OFFICE})
    compute, per_child = _source(_mean)
    measure_source_register(
        MeasureSource(
            key="feedback.happiness_mean",
            label=_("Happiness index (mean score 1–5)"),
            description=_(
                "Amphoe Sang Suk: the mean of the citizens' happiness votes "
                "(1 to 5) at the unit's offices in the period, as the ranking "
                "shows it. Votes held for moderation are not counted."
            ),
            numerator_label=_("Sum of the scores of the votes counted"),
            denominator_label=_("Votes counted"),
            measure_unit="points",
            compute=compute,
            per_child=per_child,
            levels=levels,
        )
    )
    compute, per_child = _source(_happy)
    measure_source_register(
        MeasureSource(
            key="feedback.happy_share",
            label=_("Share of happy votes (4–5)"),
            description=_(
                "Amphoe Sang Suk: the share of the citizens' happiness votes at "
                "the unit's offices in the period that gave 4 or 5 out of 5. "
                "Votes held for moderation are not counted."
            ),
            numerator_label=_("Votes of 4 or 5"),
            denominator_label=_("Votes counted"),
            measure_unit="percent",
            compute=compute,
            per_child=per_child,
            levels=levels,
        )
    )
