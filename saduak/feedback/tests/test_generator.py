from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from saduak.areas.choices import DISTRICT_LEVEL_KINDS
from saduak.areas.models import Office
from saduak.feedback import generator
from saduak.feedback.choices import CommentState, VoteChannel, VoteStatus
from saduak.feedback.generator import AlreadyLoaded, votes_generate
from saduak.feedback.models import (
    DistrictDayHappiness,
    OfficeDayHappiness,
    OfficeMonthHappiness,
    Vote,
)
from saduak.feedback.rollups import VOTE_COLUMNS, rollups_recount

END = date(2026, 3, 31)


def rollups() -> tuple[list[tuple[object, ...]], ...]:
    """The rollups as sorted tuples, without their ids."""
    fields = ("office_id", "district_id", "province_id", *VOTE_COLUMNS)
    return (
        sorted(OfficeDayHappiness.objects.values_list("day", *fields)),
        sorted(OfficeMonthHappiness.objects.values_list("month", *fields)),
        sorted(
            DistrictDayHappiness.objects.values_list(
                "day", "district_id", "province_id", *VOTE_COLUMNS
            )
        ),
    )


@pytest.mark.django_db
def test_the_votes_are_counted_qr_or_ticket_votes_cast_once_on_their_day(small_map):
    made = votes_generate(votes=500, days=30, end=END, seed=3)
    assert made.votes == 500 == Vote.objects.count()
    assert (made.first_day, made.last_day) == (END - timedelta(days=29), END)
    votes = list(Vote.objects.all())
    assert {vote.status for vote in votes} == {VoteStatus.COUNTED}
    assert {vote.channel for vote in votes} == {VoteChannel.QR, VoteChannel.TICKET}
    assert all(vote.verified == (vote.channel == VoteChannel.TICKET) for vote in votes)
    assert 150 < sum(vote.verified for vote in votes) < 250
    assert {vote.times_cast for vote in votes} == {1}
    assert len({vote.voter_key for vote in votes}) == 500
    assert all(len(vote.voter_key) == 64 and vote.source_key for vote in votes)
    for vote in votes:
        cast_at = timezone.localtime(vote.created_at)
        assert cast_at.date() == vote.day and 8 <= cast_at.hour <= 16
        assert vote.updated_at == vote.created_at
        assert vote.district_id == vote.office.district_id
        assert vote.province_id == vote.office.province_id
    states = Counter(vote.comment_state for vote in votes)
    assert set(states) <= {CommentState.NONE, CommentState.PUBLIC}
    assert 0 < states[CommentState.PUBLIC] < 60
    commented = [vote for vote in votes if vote.comment_state == CommentState.PUBLIC]
    assert all(
        vote.comment and vote.comment_public == vote.comment for vote in commented
    )


@pytest.mark.django_db
def test_the_rollups_are_what_a_recount_makes(small_map):
    made = votes_generate(votes=3000, days=100, end=END, seed=4)
    days, months, districts = rollups()
    assert (made.day_rollups, made.month_rollups) == (len(days), len(months))
    assert sum(sum(row[4:]) for row in days) == 3000
    assert sum(sum(row[4:]) for row in months) == 3000
    assert sum(sum(row[3:]) for row in districts) == 3000
    assert {row[0] for row in months} == {
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    }
    rollups_recount()
    assert rollups() == (days, months, districts)


@pytest.mark.django_db
def test_a_load_beside_other_votes_rolls_them_all_up(small_map):
    votes_generate(votes=300, days=20, end=END, seed=5)
    Vote.objects.filter(pk__in=Vote.objects.values("pk")[:40]).update(
        status=VoteStatus.HELD
    )
    votes_generate(votes=200, days=20, end=END, seed=6)
    assert Vote.objects.count() == 500
    days, months, districts = rollups()
    assert sum(sum(row[4:]) for row in days) == 460  # held votes are not counted
    rollups_recount()
    assert rollups() == (days, months, districts)


@pytest.mark.django_db
def test_replace_deletes_every_vote_and_rollup_first(small_map):
    votes_generate(votes=400, days=10, end=END, seed=7)
    made = votes_generate(votes=150, days=5, end=END, seed=8, replace=True)
    assert Vote.objects.count() == 150
    assert Vote.objects.filter(day__lt=END - timedelta(days=4)).count() == 0
    days, _months, _districts = rollups()
    assert sum(sum(row[4:]) for row in days) == 150
    assert made.day_rollups == len(days)


@pytest.mark.django_db
def test_the_same_seed_twice_is_refused_unless_replacing(small_map):
    votes_generate(votes=100, days=10, end=END, seed=9)
    with pytest.raises(AlreadyLoaded):
        votes_generate(votes=100, days=20, end=END - timedelta(days=3), seed=9)
    assert Vote.objects.count() == 100
    votes_generate(votes=120, days=10, end=END, seed=9, replace=True)
    assert Vote.objects.count() == 120


@pytest.mark.django_db
def test_the_same_seed_makes_the_same_votes(small_map):
    def load() -> list[tuple[object, ...]]:
        votes_generate(votes=200, days=15, end=END, seed=10, replace=True)
        return sorted(
            Vote.objects.values_list(
                "office__code", "day", "score", "voter_key", "created_at", "comment"
            )
        )

    assert load() == load()


@pytest.mark.django_db
def test_votes_spread_over_offices_and_working_days_leaning_happy(small_map):
    votes_generate(votes=6000, days=56, end=END, seed=11)
    district_level = Office.objects.filter(kind__in=DISTRICT_LEVEL_KINDS)
    by_office = Counter(Vote.objects.values_list("office__code", flat=True))
    assert set(by_office) == set(district_level.values_list("code", flat=True))
    # Registries are the busiest offices, Damrongdham centres the quietest.
    registries = sum(n for code, n in by_office.items() if code.startswith("reg-"))
    centres = sum(n for code, n in by_office.items() if code.startswith("ddc-"))
    assert registries > 3 * centres
    by_day = Counter(Vote.objects.values_list("day", flat=True))
    weekdays = [day for day in by_day if day.weekday() < 5]
    assert len(weekdays) == 40  # every working day of the eight weeks
    assert sum(by_day[day] for day in weekdays) > 0.95 * 6000
    # Use grows over the period: the last four weeks outnumber the first.
    middle = END - timedelta(days=27)
    late = sum(n for day, n in by_day.items() if day >= middle)
    assert late > 6000 - late
    scores = Counter(Vote.objects.values_list("score", flat=True))
    assert set(scores) == {1, 2, 3, 4, 5}
    assert scores[4] + scores[5] > 0.6 * 6000
    # Some districts are happier than others.
    means = {
        district: sum(s for d, s in pairs if d == district)
        / sum(1 for d, _ in pairs if d == district)
        for pairs in [list(Vote.objects.values_list("district_id", "score"))]
        for district in {d for d, _ in pairs}
    }
    assert max(means.values()) - min(means.values()) > 0.1


@pytest.mark.django_db
def test_no_offices_no_votes(db):
    with pytest.raises(ValueError, match="load_areas"):
        votes_generate(votes=10, end=END)


def _schema(tables: list[str]) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE tablename = ANY(%s) ORDER BY 2",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), "
            "condeferrable, condeferred, convalidated FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s) ORDER BY 2",
            [tables],
        )
        return indexes, cursor.fetchall()


@pytest.mark.django_db
def test_a_bulk_load_on_postgresql_puts_every_index_and_key_back(
    small_map, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("the bulk path is PostgreSQL's")
    tables = [
        model._meta.db_table
        for model in (
            Vote,
            OfficeDayHappiness,
            OfficeMonthHappiness,
            DistrictDayHappiness,
        )
    ]
    before = _schema(tables)
    assert len(before[0]) > 20 and len(before[1]) > 15
    monkeypatch.setattr(generator, "BULK_LOAD_VOTES", 1)
    # The map was made in this test's transaction: its key checks must be done
    # before the load may alter the tables that point at it.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    votes_generate(votes=2000, days=30, end=END, seed=13, replace=True)
    assert _schema(tables) == before
    days, months, districts = rollups()
    rollups_recount()
    assert rollups() == (days, months, districts)
    # The unique constraint is back at work: the same voice again is refused.
    vote = Vote.objects.first()
    assert vote is not None
    vote.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        vote.save()
