from decimal import Decimal

import pytest
from django.utils import translation

from saduak.core.errors import InvalidInput
from saduak.performance.choices import Direction
from saduak.performance.scoring import (
    milestone_level,
    milestone_score,
    numeric_score,
    value_of,
    weighted_mean,
    weighted_score,
)

D = Decimal


def higher(value: str) -> Decimal:
    return numeric_score(
        value=D(value),
        minimum=D(60),
        standard=D(70),
        advanced=D(80),
        direction=Direction.HIGHER,
    ).score


def lower(value: str) -> Decimal:
    return numeric_score(
        value=D(value),
        minimum=D(15),
        standard=D(10),
        advanced=D(5),
        direction=Direction.LOWER,
    ).score


@pytest.mark.parametrize(
    ("value", "score"),
    [
        ("59.99", "0.00"),
        ("60", "50.00"),
        ("65", "62.50"),
        ("70", "75.00"),
        ("72.5", "81.25"),
        ("80", "100.00"),
        ("95", "100.00"),
    ],
)
def test_a_higher_is_better_kpi_scores_linearly_between_its_targets(
    value: str, score: str
) -> None:
    assert higher(value) == D(score)


@pytest.mark.parametrize(
    ("value", "score"),
    [
        ("16", "0.00"),
        ("15", "50.00"),
        ("12.5", "62.50"),
        ("10", "75.00"),
        ("7", "90.00"),
        ("5", "100.00"),
        ("1", "100.00"),
    ],
)
def test_a_lower_is_better_kpi_mirrors_the_scale(value: str, score: str) -> None:
    assert lower(value) == D(score)


def test_the_score_is_rounded_half_up_to_two_places() -> None:
    # 50 + 25 * 1/3 = 58.333.. ; 50 + 25 * 0.0002/10 = 50.0005 -> 50.00
    assert higher("63.3333") == D("58.33")
    assert numeric_score(
        value=D("60.0002"),
        minimum=D(60),
        standard=D("60.0004"),
        advanced=D(80),
        direction=Direction.HIGHER,
    ).score == D("62.50")


def test_the_steps_show_the_numbers_of_the_computation_in_the_page_language() -> None:
    with translation.override("en"):
        scored = numeric_score(
            value=D("72.5"),
            minimum=D(60),
            standard=D(70),
            advanced=D(80),
            direction=Direction.HIGHER,
        )
    assert scored.level == 2
    assert scored.steps[-1] == "Score = 75 + 25 × (72.5 − 70) / (80 − 70) = 81.25"
    with translation.override("th"):
        thai = numeric_score(
            value=D("50"),
            minimum=D(60),
            standard=D(70),
            advanced=D(80),
            direction=Direction.HIGHER,
        )
    assert thai.score == 0 and thai.level == 0
    assert thai.steps[-1] == "50 ต่ำกว่าค่าเป้าหมายขั้นต่ำ 60 ได้ 0 คะแนน"


def test_targets_out_of_order_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        numeric_score(
            value=D(1),
            minimum=D(80),
            standard=D(70),
            advanced=D(60),
            direction=Direction.HIGHER,
        )


def test_the_value_is_the_rate_times_the_factor_or_the_numerator_alone() -> None:
    assert value_of(numerator=D(45), denominator=D(60), factor=D(100)) == D("75.0000")
    assert value_of(numerator=D(2), denominator=D(3), factor=D(100)) == D("66.6667")
    assert value_of(numerator=D(12), denominator=None, factor=D(1)) == D("12.0000")
    assert value_of(numerator=None, denominator=D(3), factor=D(1)) is None


def test_a_denominator_of_zero_is_refused_on_the_denominator() -> None:
    with pytest.raises(InvalidInput) as refused:
        value_of(numerator=D(1), denominator=D(0), factor=D(100))
    assert refused.value.field == "denominator"


@pytest.mark.parametrize(
    ("counts", "level"),
    [
        ({}, 0),
        ({1: (1, 2), 2: (1, 1), 3: (1, 1)}, 0),
        ({1: (2, 2), 2: (0, 1), 3: (1, 1)}, 1),
        ({1: (2, 2), 2: (1, 1), 3: (0, 1)}, 2),
        ({1: (2, 2), 2: (1, 1), 3: (1, 1)}, 3),
        ({1: (2, 2), 3: (1, 1)}, 1),
    ],
)
def test_the_milestone_level_is_the_highest_with_every_lower_level_met(
    counts: dict[int, tuple[int, int]], level: int
) -> None:
    assert milestone_level(counts) == level


def test_a_milestone_score_is_the_points_of_the_level_reached() -> None:
    with translation.override("en"):
        scored = milestone_score({1: (2, 2), 2: (1, 1), 3: (0, 1)})
    assert (scored.score, scored.level) == (D("75.00"), 2)
    assert scored.steps[0] == "Level 1: 2 of 2 criteria met"
    assert milestone_score({1: (1, 2)}).score == D("0.00")


def test_weighted_scores_are_shares_of_100_to_two_places() -> None:
    assert weighted_score(D("81.25"), D(30)) == D("24.38")
    assert weighted_mean([(D(100), D(10)), (D(50), D(10))], D(20)) == D("75.00")
    assert weighted_mean([(None, D(10)), (D(50), D(10))], D(20)) == D("25.00")
    assert weighted_mean([], D(0)) == D("0.00")
