"""How evaluators score a KPI, as pure functions (no database): a value from
its numerator and denominator, a numeric KPI's score against its three
targets, a milestone KPI's level, and the weighted sums above them
(docs/performance.md, "Scores"). Every score comes with its steps, the lines
the result page and the report print under "computation"."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from saduak.core.errors import InvalidInput
from saduak.performance.choices import LEVEL_SCORES, Direction, TargetLevel

if TYPE_CHECKING:
    from saduak.performance.models import Kpi

VALUE_PLACES = Decimal("0.0001")
SCORE_PLACES = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)
LEVELS = (TargetLevel.MINIMUM, TargetLevel.STANDARD, TargetLevel.ADVANCED)


@dataclass(frozen=True)
class Scored:
    """A score (0-100, two places), the target level it reaches (0-3) and the
    computation, one line per step."""

    score: Decimal
    level: int
    steps: list[str] = field(default_factory=list)


def quantize_value(value: Decimal) -> Decimal:
    return value.quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)


def quantize_score(score: Decimal) -> Decimal:
    return score.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def show(number: Decimal) -> str:
    """A number as the steps print it: no trailing zeros, no exponent."""
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def value_of(
    *, numerator: Decimal | None, denominator: Decimal | None, factor: Decimal
) -> Decimal | None:
    """numerator / denominator x factor (four places), the numerator itself
    without a denominator, None without a numerator. A denominator of 0 is
    refused (`InvalidInput` on "denominator")."""
    if numerator is None:
        return None
    if denominator is None:
        return quantize_value(numerator)
    if denominator == 0:
        raise InvalidInput(_("The denominator cannot be 0."), field="denominator")
    return quantize_value(numerator / denominator * factor)


def value_steps(
    *, numerator: Decimal | None, denominator: Decimal | None, factor: Decimal
) -> list[str]:
    """How the value is obtained, for the computation shown."""
    value = value_of(numerator=numerator, denominator=denominator, factor=factor)
    if value is None or numerator is None:
        return []
    if denominator is None:
        return [_("Result = %(value)s") % {"value": show(value)}]
    return [
        _("Result = %(numerator)s / %(denominator)s × %(factor)s = %(value)s")
        % {
            "numerator": show(numerator),
            "denominator": show(denominator),
            "factor": show(factor),
            "value": show(value),
        }
    ]


def targets_ordered(
    *,
    minimum: Decimal,
    standard: Decimal,
    advanced: Decimal,
    direction: str,
) -> bool:
    """Whether the targets rise strictly in the KPI's direction."""
    if direction == Direction.LOWER:
        return minimum > standard > advanced
    return minimum < standard < advanced


def numeric_score(
    *,
    value: Decimal,
    minimum: Decimal,
    standard: Decimal,
    advanced: Decimal,
    direction: str,
) -> Scored:
    """The score of `value` against the three targets: 0 short of the
    minimum, 50 at it, 75 at the standard, 100 at or past the advanced
    target, linear between neighbouring targets; for a lower-is-better KPI
    the same on the reversed axis. Raises ValueError for targets out of
    order (kpi_save refuses them, so a saved KPI has them in order)."""
    if not targets_ordered(
        minimum=minimum, standard=standard, advanced=advanced, direction=direction
    ):
        raise ValueError("targets out of order")
    lower = direction == Direction.LOWER
    # On the reversed axis a lower value is further along.
    sign = Decimal(-1) if lower else Decimal(1)
    along = value * sign
    marks = [minimum * sign, standard * sign, advanced * sign]
    numbers = {
        "value": show(value),
        "minimum": show(minimum),
        "standard": show(standard),
        "advanced": show(advanced),
    }
    steps = [
        (
            _(
                "Lower is better: minimum %(minimum)s = 50, standard %(standard)s"
                " = 75, advanced %(advanced)s = 100 points"
            )
            if lower
            else _(
                "Higher is better: minimum %(minimum)s = 50, standard %(standard)s"
                " = 75, advanced %(advanced)s = 100 points"
            )
        )
        % numbers
    ]
    if along < marks[0]:
        steps.append(
            (
                _("%(value)s is above the minimum target %(minimum)s: 0 points")
                if lower
                else _("%(value)s is below the minimum target %(minimum)s: 0 points")
            )
            % numbers
        )
        return Scored(ZERO.quantize(SCORE_PLACES), 0, steps)
    if along >= marks[2]:
        steps.append(
            _("%(value)s reaches the advanced target %(advanced)s: 100 points")
            % numbers
        )
        return Scored(HUNDRED.quantize(SCORE_PLACES), 3, steps)
    level = 1 if along < marks[1] else 2
    low, high = (minimum, standard) if level == 1 else (standard, advanced)
    base = LEVEL_SCORES[level]
    score = quantize_score(base + Decimal(25) * (value - low) / (high - low))
    steps.append(
        _(
            "Score = %(base)s + 25 × (%(value)s − %(low)s) / (%(high)s − %(low)s)"
            " = %(score)s"
        )
        % {
            "base": show(base),
            "value": show(value),
            "low": show(low),
            "high": show(high),
            "score": show(score),
        }
    )
    return Scored(score, level, steps)


def kpi_numeric_score(kpi: "Kpi", value: Decimal) -> Scored | None:
    """`numeric_score` of `value` against the KPI's own targets and direction,
    or None while a target is missing or they are out of order (a draft)."""
    minimum, standard, advanced = (
        kpi.target_minimum,
        kpi.target_standard,
        kpi.target_advanced,
    )
    if minimum is None or standard is None or advanced is None:
        return None
    if not targets_ordered(
        minimum=minimum, standard=standard, advanced=advanced, direction=kpi.direction
    ):
        return None
    return numeric_score(
        value=value,
        minimum=minimum,
        standard=standard,
        advanced=advanced,
        direction=kpi.direction,
    )


def milestone_level(met_by_level: dict[int, tuple[int, int]]) -> int:
    """The highest level L (1-3) such that every item of levels 1..L is met;
    0 when level 1 is not. A level without items is never reached.
    `met_by_level` maps a level to (items met, items in all)."""
    reached = 0
    for level in LEVELS:
        met, total = met_by_level.get(level, (0, 0))
        if total == 0 or met < total:
            break
        reached = level
    return reached


def milestone_score(met_by_level: dict[int, tuple[int, int]]) -> Scored:
    """A milestone KPI's score: the points of the level reached, with a step
    per level saying how many of its items are met."""
    level = milestone_level(met_by_level)
    steps = []
    for each in LEVELS:
        met, total = met_by_level.get(each, (0, 0))
        steps.append(
            _("Level %(level)s: %(met)s of %(total)s criteria met")
            % {"level": int(each), "met": met, "total": total}
        )
    score = LEVEL_SCORES[level] if level else ZERO
    steps.append(
        _("Level reached: %(level)s, %(score)s points")
        % {"level": level, "score": show(score)}
    )
    return Scored(score.quantize(SCORE_PLACES), level, steps)


def weighted_score(score: Decimal, weight: Decimal) -> Decimal:
    """A KPI's share of the overall score: score × weight / 100."""
    return quantize_score(score * weight / HUNDRED)


def weighted_mean(
    parts: Iterable[tuple[Decimal | None, Decimal]], weight: Decimal
) -> Decimal:
    """Σ(score × weight) / `weight` over `parts` (score, weight); a part
    without a score counts 0. Used for a parent KPI (its sub-KPIs) and a
    component (its top KPIs). 0 when `weight` is 0."""
    if weight == 0:
        return ZERO.quantize(SCORE_PLACES)
    total = sum(((score or ZERO) * part_weight for score, part_weight in parts), ZERO)
    return quantize_score(total / weight)
