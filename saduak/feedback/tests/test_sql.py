"""Every statement of saduak.feedback.sql run against the database the suite runs
on (SQLite by default, PostgreSQL with DATABASE_URL): hand-written SQL is tested
on both, not trusted from one."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from saduak.feedback import sql
from saduak.feedback.choices import HoldReason, VoteStatus
from saduak.feedback.models import OfficeDayHappiness, OfficeMonthHappiness, Vote
from saduak.feedback.rollups import ROLLUPS, rollups_of

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 30)


def new_vote(office, *, score=3, voter="k1", status=VoteStatus.COUNTED, **extra):
    now = timezone.now()
    return Vote(
        office=office,
        district_id=office.district_id,
        province_id=office.province_id,
        day=DAY,
        score=score,
        voter_key=voter,
        source_key="net",
        channel="qr",
        status=status,
        created_at=now,
        updated_at=now,
        **extra,
    )


def upsert(vote):
    with transaction.atomic():
        return sql.vote_upsert(vote)


def test_the_upsert_writes_a_first_vote_and_says_it_replaced_nothing(office):
    vote_id, replaced_score, replaced_status, status, public_key = upsert(
        new_vote(office, score=4)
    )
    stored = Vote.objects.get()
    assert (vote_id, replaced_score, replaced_status) == (stored.pk, None, "")
    assert (status, public_key) == (VoteStatus.COUNTED, stored.public_key)
    assert (stored.score, stored.times_cast) == (4, 1)


def test_the_upsert_replaces_the_voters_vote_of_the_day_and_returns_the_old_one(
    office,
):
    first_id, *_ = upsert(new_vote(office, score=2, comment="ช้า"))
    vote_id, replaced_score, replaced_status, status, _key = upsert(
        new_vote(office, score=5)
    )
    stored = Vote.objects.get()
    assert vote_id == first_id
    assert (replaced_score, replaced_status, status) == (2, "counted", "counted")
    assert (stored.score, stored.comment, stored.times_cast) == (5, "", 2)


def test_the_upsert_keeps_a_counted_vote_counted_when_the_re_vote_would_be_held(
    office,
):
    upsert(new_vote(office, score=2))
    held = new_vote(office, score=1, status=VoteStatus.HELD)
    held.hold_reason = HoldReason.SOURCE_FLOOD
    *_, status, _key = upsert(held)
    stored = Vote.objects.get()
    assert status == VoteStatus.COUNTED
    assert (stored.status, stored.hold_reason, stored.score) == ("counted", "", 1)


def test_another_voter_or_day_is_another_row(office):
    upsert(new_vote(office, voter="a"))
    upsert(new_vote(office, voter="b"))
    later = new_vote(office, voter="a")
    later.day = DAY + timedelta(days=1)
    upsert(later)
    assert Vote.objects.count() == 3


def test_a_rollup_move_creates_the_row_then_adds_and_takes_away(office):
    office_day = next(r for r in ROLLUPS if r.model is OfficeDayHappiness)
    keys = office_day.values(office, DAY)
    with transaction.atomic():
        sql.rollup_move(office_day, keys, [0, 0, 1, 0, 0, 1, 3])
        sql.rollup_move(office_day, keys, [0, 0, 1, 0, 1, 0, 0])
        sql.rollup_move(office_day, keys, [0, 0, -1, 0, 0, -1, -3])
    row = OfficeDayHappiness.objects.get()
    assert (row.office_id, row.district_id, row.province_id, row.day) == (
        office.pk,
        office.district_id,
        office.province_id,
        DAY,
    )
    assert [row.votes_1, row.votes_2, row.votes_3, row.votes_4, row.votes_5] == [
        0,
        0,
        1,
        0,
        1,
    ]
    assert (row.verified_votes, row.verified_score) == (0, 0)


def test_a_first_move_that_takes_away_starts_the_row_at_zero(office):
    month = next(r for r in ROLLUPS if r.model is OfficeMonthHappiness)
    with transaction.atomic():
        sql.rollup_move(month, month.values(office, DAY), [0, -1, 0, 0, 0, 0, 0])
    row = OfficeMonthHappiness.objects.get()
    assert (row.month, row.votes_2) == (DAY.replace(day=1), 0)


def test_only_postgresql_casts_in_one_statement():
    assert sql.cast_in_one_statement() == (connection.vendor == "postgresql")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="data-modifying CTEs: PostgreSQL only (cast_in_one_statement)",
)
def test_the_one_statement_cast_moves_the_rollups_by_the_replaced_and_new_vote(
    office,
):
    rollups = rollups_of(office)
    keys = [rollup.values(office, DAY) for rollup in rollups]
    first = sql.vote_cast_counted(new_vote(office, score=2), rollups, keys)
    again = sql.vote_cast_counted(new_vote(office, score=5), rollups, keys)
    stored = Vote.objects.get()
    assert first == (stored.pk, "", "counted", stored.public_key)
    assert again == (stored.pk, "counted", "counted", stored.public_key)
    for model in (r.model for r in rollups):
        row = model.objects.get()
        assert [row.votes_1, row.votes_2, row.votes_3, row.votes_4, row.votes_5] == [
            0,
            0,
            0,
            0,
            1,
        ]


def test_the_rebuild_groups_the_counted_votes_into_every_rollup(office, other_office):
    upsert(new_vote(office, score=4, voter="a"))
    upsert(new_vote(office, score=4, voter="b", verified=True))
    upsert(new_vote(office, score=1, voter="c", status=VoteStatus.HELD))
    upsert(new_vote(other_office, score=2, voter="a"))
    with transaction.atomic():
        days, months = sql.rollups_rebuild()
    assert (days, months) == (2, 2)
    mine = OfficeDayHappiness.objects.get(office=office)
    assert (mine.votes_4, mine.votes_1, mine.verified_votes, mine.verified_score) == (
        2,
        0,
        1,
        4,
    )
    assert OfficeMonthHappiness.objects.get(office=other_office).month == date(
        2026, 11, 1
    )


def counted_by_orm(start, end):
    """The counted votes of [start, end] by office and score, counted by the ORM
    from the votes themselves."""
    rows = (
        Vote.objects.filter(status=VoteStatus.COUNTED, day__gte=start, day__lte=end)
        .values("office_id", "score")
        .annotate(votes=Count("id"))
    )
    found: dict[str, list[int]] = {}
    for row in rows:
        found.setdefault(str(row["office_id"]), [0] * 5)[row["score"] - 1] += row[
            "votes"
        ]
    return found


def test_the_index_sums_add_the_month_and_day_rows_as_the_orm_counts_the_votes(
    office, other_office
):
    cast = [
        (office, date(2026, 10, 30), 1),  # before the period
        (office, date(2026, 10, 31), 5),  # a day at the start
        (office, date(2026, 11, 5), 4),  # the whole month
        (office, date(2026, 11, 5), 2),
        (other_office, date(2026, 11, 30), 3),
        (other_office, date(2026, 12, 1), 4),  # a day at the end
        (office, date(2026, 12, 10), 4),
        (office, date(2026, 12, 11), 2),  # after the period
    ]
    for number, (at, day, score) in enumerate(cast):
        vote = new_vote(at, score=score, voter=f"v{number}")
        vote.day = day
        upsert(vote)
    upsert(new_vote(office, score=1, voter="held", status=VoteStatus.HELD))
    with transaction.atomic():
        sql.rollups_rebuild()
    start, end = date(2026, 10, 31), date(2026, 12, 10)
    parts = [
        OfficeMonthHappiness.objects.filter(month=date(2026, 11, 1)),
        OfficeDayHappiness.objects.filter(day=start),
        OfficeDayHappiness.objects.filter(day__gte=date(2026, 12, 1), day__lte=end),
    ]

    by_office = sql.counts_summed(parts, "office_id")
    whole = sql.counts_summed(parts, "")

    expected = counted_by_orm(start, end)
    assert expected == {
        str(office.pk): [0, 1, 0, 2, 1],
        str(other_office.pk): [0, 0, 1, 1, 0],
    }
    assert {str(row[0]): [int(n) for n in row[1:6]] for row in by_office} == expected
    assert [[int(n) for n in row[:5]] for row in whole] == [[0, 1, 1, 3, 1]]
    assert sql.counts_summed([], "office_id") == []
