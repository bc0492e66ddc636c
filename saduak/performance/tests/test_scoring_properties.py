"""Properties of the numeric score (hypothesis): bounded to 0..100, 50, 75
and 100 exactly at the three targets, never falling as the value moves in
the KPI's better direction, and a lower-is-better KPI the mirror image of a
higher-is-better one."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from saduak.performance.choices import Direction
from saduak.performance.scoring import numeric_score

NUMBERS = st.decimals(
    min_value=Decimal("-100000"),
    max_value=Decimal("100000"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)
GAPS = st.decimals(
    min_value=Decimal("0.0001"),
    max_value=Decimal("10000"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)


@st.composite
def rising_targets(draw: st.DrawFn) -> tuple[Decimal, Decimal, Decimal]:
    minimum = draw(NUMBERS)
    standard = minimum + draw(GAPS)
    return minimum, standard, standard + draw(GAPS)


def score(
    value: Decimal, targets: tuple[Decimal, Decimal, Decimal], direction: str
) -> Decimal:
    minimum, standard, advanced = targets
    return numeric_score(
        value=value,
        minimum=minimum,
        standard=standard,
        advanced=advanced,
        direction=direction,
    ).score


def mirrored(
    targets: tuple[Decimal, Decimal, Decimal],
) -> tuple[Decimal, Decimal, Decimal]:
    return (-targets[0], -targets[1], -targets[2])


@given(rising_targets(), NUMBERS)
def test_the_score_is_between_0_and_100(
    targets: tuple[Decimal, Decimal, Decimal], value: Decimal
) -> None:
    assert Decimal(0) <= score(value, targets, Direction.HIGHER) <= Decimal(100)
    assert (
        Decimal(0) <= score(value, mirrored(targets), Direction.LOWER) <= Decimal(100)
    )


@given(rising_targets())
def test_the_targets_score_exactly_50_75_and_100(
    targets: tuple[Decimal, Decimal, Decimal],
) -> None:
    for target, points in zip(targets, (50, 75, 100), strict=True):
        assert score(target, targets, Direction.HIGHER) == Decimal(points)
        assert score(-target, mirrored(targets), Direction.LOWER) == Decimal(points)


@given(rising_targets(), NUMBERS, GAPS)
def test_a_better_value_never_scores_less(
    targets: tuple[Decimal, Decimal, Decimal], value: Decimal, step: Decimal
) -> None:
    assert score(value + step, targets, Direction.HIGHER) >= score(
        value, targets, Direction.HIGHER
    )
    lower = mirrored(targets)
    assert score(value - step, lower, Direction.LOWER) >= score(
        value, lower, Direction.LOWER
    )


@given(rising_targets(), NUMBERS)
def test_lower_is_better_mirrors_higher_is_better(
    targets: tuple[Decimal, Decimal, Decimal], value: Decimal
) -> None:
    assert score(-value, mirrored(targets), Direction.LOWER) == score(
        value, targets, Direction.HIGHER
    )


@given(rising_targets(), NUMBERS)
def test_below_the_minimum_scores_0_and_past_the_advanced_target_100(
    targets: tuple[Decimal, Decimal, Decimal], value: Decimal
) -> None:
    minimum, _standard, advanced = targets
    scored = score(value, targets, Direction.HIGHER)
    if value < minimum:
        assert scored == 0
    elif value >= advanced:
        assert scored == 100
    else:
        assert Decimal(50) <= scored <= Decimal(100)
