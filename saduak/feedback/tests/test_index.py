from datetime import date, timedelta

import pytest
from django.db.models import Q
from hypothesis import given
from hypothesis import strategies as st

from saduak.feedback.selectors.index import (
    HappinessIndex,
    index_by,
    index_of,
    series_by_month,
)
from saduak.feedback.tests.conftest import NOW


def test_mean_happy_share_and_bayesian_mean_come_from_the_distribution():
    index = HappinessIndex((1, 0, 1, 0, 2))
    assert index.votes == 4 and index.score_total == 14
    assert index.mean == 3.5 and index.happy_share == 0.5
    assert index.bayesian_mean(prior_mean=4.0, weight=4) == pytest.approx(3.75)
    assert (
        HappinessIndex().mean is None
        and HappinessIndex().bayesian_mean(prior_mean=4.0, weight=30) is None
    )


@given(st.tuples(*[st.integers(0, 50)] * 5), st.integers(0, 100))
def test_few_votes_stay_near_the_prior_and_many_near_their_own_mean(counts, weight):
    index = HappinessIndex(counts)
    if not index.votes:
        return
    pulled = index.bayesian_mean(prior_mean=3.0, weight=weight)
    assert pulled is not None and index.mean is not None
    assert min(3.0, index.mean) - 1e-9 <= pulled <= max(3.0, index.mean) + 1e-9


@pytest.mark.django_db
def test_any_range_adds_whole_months_and_the_days_at_either_end(office, cast):
    days = [
        date(2026, 8, 31),
        date(2026, 9, 1),
        date(2026, 9, 30),
        date(2026, 10, 15),
        date(2026, 11, 1),
        date(2026, 11, 2),
    ]
    from datetime import datetime

    for number, day in enumerate(days):
        cast(office, number % 5 + 1, now=datetime.combine(day, NOW.timetz()))
    where = Q(office_id=office.pk)
    assert (
        index_of(start=date(2026, 9, 1), end=date(2026, 11, 1), where=where).votes == 4
    )
    assert (
        index_of(start=date(2026, 8, 31), end=date(2026, 11, 2), where=where).votes == 6
    )
    assert (
        index_of(start=date(2026, 9, 2), end=date(2026, 10, 14), where=where).votes == 1
    )
    assert (
        index_of(start=date(2026, 11, 2), end=date(2026, 11, 2), where=where).votes == 1
    )
    whole = index_of(start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert whole.distribution == (2, 1, 1, 1, 1)


@pytest.mark.django_db
def test_index_by_groups_by_office_district_or_province(office, other_office, cast):
    cast(office, 5, now=NOW)
    cast(office, 3, now=NOW)
    cast(other_office, 1, now=NOW)
    start, end = NOW.date() - timedelta(days=3), NOW.date()
    by_district = index_by("district_id", start=start, end=end)
    assert by_district["5001"].mean == 4.0 and by_district["5002"].mean == 1.0
    assert index_by("province_id", start=start, end=end)["50"].votes == 3
    assert index_by("office_id", start=start, end=end)[str(office.pk)].votes == 2


@pytest.mark.django_db
def test_a_monthly_series_fills_months_without_votes(office, cast):
    cast(office, 4, now=NOW)
    series = series_by_month(start=date(2026, 9, 1), end=date(2026, 11, 30), where=Q())
    assert [month for month, _ in series] == [
        date(2026, 9, 1),
        date(2026, 10, 1),
        date(2026, 11, 1),
    ]
    assert [index.votes for _, index in series] == [0, 0, 1]
