"""The happiness KPI sources against the votes themselves: votes cast through
`vote_cast` at offices of two provinces (and at a provincial office, which has
no district) on days on both sides of the period's whole months; the expected
figures are counted here from the Vote rows, independently of the rollups the
sources read."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Q
from django.utils import translation

from saduak.areas.models import Office
from saduak.core.measures import Measured, MeasureScope, measure_source_get
from saduak.feedback.choices import VoteStatus
from saduak.feedback.models import Vote
from saduak.feedback.tests.conftest import NOW, verified_voter

pytestmark = pytest.mark.django_db

START, END = date(2026, 9, 15), date(2026, 11, 10)
MEAN, HAPPY = "feedback.happiness_mean", "feedback.happy_share"


@pytest.fixture
def votes(small_map: None, cast: Any) -> None:
    bangkok = Office.objects.filter(district_id="1001").order_by("code").first()
    assert bangkok is not None
    plan = [
        ("reg-5001", date(2026, 9, 14), 1),  # the day before the period
        ("reg-5001", date(2026, 9, 15), 5),
        ("reg-5001", date(2026, 10, 1), 4),
        ("do-5001", date(2026, 10, 31), 2),
        ("do-5001", date(2026, 11, 10), 5),
        ("do-5002", date(2026, 10, 9), 3),
        ("do-5002", date(2026, 11, 11), 5),  # the day after
        ("pao-50", date(2026, 10, 20), 4),
        (bangkok.code, date(2026, 9, 30), 1),
        (bangkok.code, date(2026, 11, 2), 5),
    ]
    for code, day, score in plan:
        cast(
            Office.objects.get(code=code),
            score,
            by=verified_voter(),
            now=datetime.combine(day, NOW.timetz()),
        )


def counted(**where: Any) -> tuple[Measured, Measured]:
    """(sum of scores / votes, votes of 4-5 / votes) of the counted votes."""
    scores = list(
        Vote.objects.filter(
            status=VoteStatus.COUNTED, day__gte=START, day__lte=END, **where
        ).values_list("score", flat=True)
    )
    votes = Decimal(len(scores))
    return (
        Measured(Decimal(sum(scores)), votes),
        Measured(Decimal(sum(score >= 4 for score in scores)), votes),
    )


def scope(level: str, code: str, where: Q) -> MeasureScope:
    return MeasureScope(level, code, where, START, END)


LEVELS: tuple[tuple[MeasureScope, dict[str, str]], ...] = (
    (scope("country", "", Q()), {}),
    (scope("province", "50", Q(province_id="50")), {"province_id": "50"}),
    (scope("district", "5001", Q(district_id="5001")), {"district_id": "5001"}),
    (scope("district", "5002", Q(district_id="5002")), {"district_id": "5002"}),
)


def test_the_mean_and_the_happy_share_equal_a_count_of_the_votes(votes):
    mean, happy = measure_source_get(MEAN), measure_source_get(HAPPY)
    assert mean is not None and happy is not None
    assert (mean.measure_unit, happy.measure_unit) == ("points", "percent")
    for measured_scope, where in LEVELS:
        expected_mean, expected_happy = counted(**where)
        assert mean.compute(measured_scope) == expected_mean
        assert happy.compute(measured_scope) == expected_happy
    assert mean.compute(LEVELS[0][0]) == Measured(Decimal(29), Decimal(8))
    office = Office.objects.get(code="reg-5001")
    assert mean.compute(
        MeasureScope("office", "reg-5001", Q(office_id=office.pk), START, END)
    ) == Measured(Decimal(9), Decimal(2))


def test_the_children_add_up_to_their_parent_at_every_level(votes):
    for key in (MEAN, HAPPY):
        source = measure_source_get(key)
        assert source is not None and source.per_child is not None
        for measured_scope, _where in LEVELS[:3]:
            children = source.per_child(measured_scope)
            assert Measured(
                sum((item.numerator for item in children.values()), Decimal(0)),
                sum((item.denominator or 0 for item in children.values()), Decimal(0)),
            ) == source.compute(measured_scope)
    mean = measure_source_get(MEAN)
    assert mean is not None and mean.per_child is not None
    by_province = mean.per_child(LEVELS[0][0])
    assert set(by_province) == {"10", "50"}
    assert by_province["10"] == counted(province_id="10")[0]
    by_district = mean.per_child(LEVELS[1][0])
    # The provincial office has no district: its votes are under its code.
    assert set(by_district) == {"5001", "5002", "pao-50"}
    assert by_district["5002"] == counted(district_id="5002")[0]
    assert by_district["pao-50"] == counted(office__code="pao-50")[0]
    by_office = mean.per_child(LEVELS[2][0])
    assert by_office == {
        "reg-5001": counted(office__code="reg-5001")[0],
        "do-5001": counted(office__code="do-5001")[0],
    }


def test_a_period_without_votes_measures_nothing(votes):
    source = measure_source_get(MEAN)
    assert source is not None and source.per_child is not None
    empty = MeasureScope("country", "", Q(), date(2025, 1, 1), date(2025, 1, 31))
    assert source.compute(empty) == Measured(Decimal(0), Decimal(0))
    assert source.per_child(empty) == {}


def test_the_sources_are_named_in_thai_and_english():
    mean, happy = measure_source_get(MEAN), measure_source_get(HAPPY)
    assert mean is not None and happy is not None
    with translation.override("th"):
        assert str(mean.label) == "ดัชนีความสุข (คะแนนเฉลี่ย 1–5)"
        assert str(happy.denominator_label) == "จำนวนผู้ประเมินที่นับ"
    with translation.override("en"):
        assert str(mean.label) == "Happiness index (mean score 1–5)"
