from datetime import timedelta

import pytest
from django.test import override_settings

from saduak.feedback.selectors.ranking import district_ranking, weekly_movers
from saduak.feedback.tests.conftest import NOW, verified_voter


@override_settings(FEEDBACK_RANKING_MIN_VOTES=10)
@pytest.mark.django_db
def test_three_perfect_votes_do_not_top_many_good_ones(small_map, cast):
    from saduak.areas.models import Office

    few = Office.objects.get(code="do-5002")
    many = Office.objects.get(code="do-1001")
    for _ in range(3):
        cast(few, 5, now=NOW)
    for score in [5, 5, 5, 4] * 10:
        cast(many, score, by=verified_voter(), now=NOW)
    for _ in range(20):
        cast(Office.objects.get(code="do-5001"), 2, by=verified_voter(), now=NOW)
    ranking = district_ranking(start=NOW.date(), end=NOW.date())
    assert [row.district.code for row in ranking.districts] == ["1001", "5002", "5001"]
    few = ranking.districts[1]
    assert few.index.mean == 5.0 and few.few_votes and few.rank == 2
    assert ranking.national.votes == 63


@pytest.mark.django_db
def test_a_provinces_list_keeps_national_ranks(small_map, cast):
    from saduak.areas.models import Office

    cast(Office.objects.get(code="do-1001"), 5, now=NOW)
    cast(Office.objects.get(code="do-5002"), 1, now=NOW)
    rows = district_ranking(
        start=NOW.date(), end=NOW.date(), province_code="50"
    ).districts
    assert [(row.district.code, row.rank) for row in rows] == [
        ("5002", 2),
        ("5001", None),
    ]


@pytest.mark.django_db
def test_the_ranking_costs_the_same_queries_however_many_votes(
    small_map, cast, django_assert_max_num_queries
):
    from saduak.areas.models import Office

    office = Office.objects.get(code="do-1001")
    for _ in range(30):
        cast(office, 4, now=NOW)
    with django_assert_max_num_queries(4):
        district_ranking(start=NOW.date() - timedelta(days=400), end=NOW.date())


@pytest.mark.django_db
def test_weekly_movers_compare_the_last_seven_days_with_the_seven_before(
    small_map, cast
):
    from saduak.areas.models import Office

    rising = Office.objects.get(code="do-1001")
    falling = Office.objects.get(code="do-5002")
    for _ in range(10):
        cast(rising, 2, now=NOW - timedelta(days=8))
        cast(rising, 5, now=NOW)
        cast(falling, 5, now=NOW - timedelta(days=8))
        cast(falling, 3, now=NOW)
    rises, falls = weekly_movers(today=NOW.date())
    assert [m.district.code for m in rises] == ["1001"] and rises[0].change == 3.0
    assert [m.district.code for m in falls] == ["5002"] and falls[0].change == -2.0
