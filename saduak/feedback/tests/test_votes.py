from datetime import timedelta

import pytest
from django.test import override_settings

from saduak.appointments.models import OfficeService, Service
from saduak.appointments.services.catalogue import services_load_national
from saduak.areas.models import Counter
from saduak.core.errors import InvalidInput, NotFound, TooManyRequests
from saduak.feedback.choices import CommentState, HoldReason, VoteStatus
from saduak.feedback.models import (
    DistrictDayHappiness,
    OfficeDayHappiness,
    OfficeMonthHappiness,
    Vote,
)
from saduak.feedback.rollups import rollups_recount
from saduak.feedback.services.votes import vote_cast
from saduak.feedback.tests.conftest import NOW, voter


def counts(model, office):
    row = (
        model.objects.get(district=office)
        if model is DistrictDayHappiness
        else model.objects.get(office=office)
    )
    return [row.votes_1, row.votes_2, row.votes_3, row.votes_4, row.votes_5]


@pytest.mark.django_db
def test_a_vote_writes_one_row_and_counts_in_the_day_and_the_month(office, cast):
    outcome = cast(office, 4, now=NOW)
    vote = Vote.objects.get(pk=outcome.vote_id)
    assert (vote.score, vote.status, vote.day) == (4, VoteStatus.COUNTED, NOW.date())
    assert vote.district_id == "5001" and vote.province_id == "50"
    assert counts(OfficeDayHappiness, office) == [0, 0, 0, 1, 0]
    assert counts(OfficeMonthHappiness, office) == [0, 0, 0, 1, 0]
    assert OfficeMonthHappiness.objects.get(office=office).month == NOW.date().replace(
        day=1
    )


@pytest.mark.django_db
def test_a_second_vote_the_same_day_replaces_the_first(office, cast):
    same = voter("same")
    first = cast(office, 2, by=same, now=NOW)
    second = cast(office, 5, by=same, now=NOW + timedelta(hours=1))
    assert first.vote_id == second.vote_id and second.replaced and not first.replaced
    vote = Vote.objects.get()
    assert (vote.score, vote.times_cast) == (5, 2)
    assert counts(OfficeDayHappiness, office) == [0, 0, 0, 0, 1]


@pytest.mark.django_db
def test_another_day_is_another_vote(office, cast):
    same = voter("same")
    cast(office, 2, by=same, now=NOW)
    cast(office, 3, by=same, now=NOW - timedelta(days=1))
    assert Vote.objects.count() == 2
    assert OfficeDayHappiness.objects.count() == 2
    assert counts(OfficeMonthHappiness, office) == [0, 1, 1, 0, 0]


@pytest.mark.django_db
def test_one_voter_counts_once_per_office_not_across_offices(
    office, other_office, cast
):
    same = voter("same")
    cast(office, 4, by=same, now=NOW)
    cast(other_office, 4, by=same, now=NOW)
    assert Vote.objects.count() == 2


@pytest.mark.parametrize("score", [0, 6, -1, "five", "", None, 3.5])
@pytest.mark.django_db
def test_a_score_outside_one_to_five_is_refused_and_nothing_stored(office, score):
    with pytest.raises(InvalidInput) as refused:
        vote_cast(office=office, score=score, voter=voter(), now=NOW)
    assert refused.value.field == "score"
    assert not Vote.objects.exists() and not OfficeDayHappiness.objects.exists()


@pytest.mark.django_db
def test_a_comment_over_1000_characters_is_refused_saying_how_long_it_is(office):
    with pytest.raises(InvalidInput) as refused:
        vote_cast(office=office, score=3, voter=voter(), comment="ก" * 1001, now=NOW)
    assert refused.value.field == "comment" and "1001" in str(refused.value.message)
    assert not Vote.objects.exists()


@pytest.mark.django_db
def test_a_comment_is_stored_whole_and_published_masked(office, cast):
    outcome = cast(
        office, 1, comment="โทร 081-234-5678 บัตร 1100000000016 ช้ามาก", now=NOW
    )
    vote = Vote.objects.get(pk=outcome.vote_id)
    assert "081-234-5678" in vote.comment
    assert (
        "081" not in vote.comment_public and "1100000000016" not in vote.comment_public
    )
    assert vote.comment_state == CommentState.PUBLIC


@pytest.mark.django_db
def test_an_abusive_comment_waits_for_a_moderator(office, cast):
    outcome = cast(office, 1, comment="มึงช้ามาก", now=NOW)
    vote = Vote.objects.get(pk=outcome.vote_id)
    assert vote.comment_state == CommentState.REVIEW
    assert "มึง" not in vote.comment_public


@pytest.mark.django_db
def test_an_inactive_office_takes_no_votes(office):
    office.is_active = False
    office.save(update_fields=["is_active"])
    with pytest.raises(NotFound):
        vote_cast(office=office, score=3, voter=voter(), now=NOW)


@pytest.mark.django_db
def test_a_counter_of_another_office_is_refused(office, other_office):
    elsewhere = Counter.objects.filter(office=other_office).first()
    with pytest.raises(InvalidInput) as refused:
        vote_cast(office=office, score=3, voter=voter(), counter=elsewhere, now=NOW)
    assert refused.value.field == "counter"
    assert not Vote.objects.exists()


@pytest.mark.django_db
def test_a_service_must_be_in_the_offices_catalogue(office):
    services_load_national(actor="test")
    service = Service.objects.first()
    OfficeService.objects.filter(office=office).delete()
    with pytest.raises(InvalidInput) as refused:
        vote_cast(office=office, score=3, voter=voter(), service=service, now=NOW)
    assert refused.value.field == "service"
    OfficeService.objects.create(office=office, service=service)
    vote_cast(office=office, score=3, voter=voter(), service=service, now=NOW)
    assert Vote.objects.get().service == service


@override_settings(FEEDBACK_HOLD_AFTER_PER_SOURCE_OFFICE_HOUR=3)
@pytest.mark.django_db
def test_a_flood_from_one_network_is_held_and_not_counted(office, cast):
    outcomes = [cast(office, 5, by=voter(source="one-net"), now=NOW) for _ in range(5)]
    assert [o.status for o in outcomes] == ["counted"] * 3 + ["held"] * 2
    assert outcomes[-1].hold_reason == HoldReason.SOURCE_FLOOD
    assert counts(OfficeDayHappiness, office) == [0, 0, 0, 0, 3]


@override_settings(FEEDBACK_SPIKE_MIN_PER_HOUR=4, FEEDBACK_SPIKE_FACTOR=2)
@pytest.mark.django_db
def test_an_improbable_spike_for_one_office_is_held(office, cast):
    outcomes = [cast(office, 5, now=NOW) for _ in range(6)]
    assert [o.status for o in outcomes].count("held") == 2
    assert Vote.objects.filter(hold_reason=HoldReason.OFFICE_SPIKE).count() == 2


@override_settings(FEEDBACK_VOTES_PER_SOURCE_PER_HOUR=2)
@pytest.mark.django_db
def test_past_the_network_limit_votes_are_refused_with_retry_after(office, cast):
    cast(office, 5, by=voter(source="script"), now=NOW)
    cast(office, 5, by=voter(source="script"), now=NOW)
    with pytest.raises(TooManyRequests) as refused:
        cast(office, 5, by=voter(source="script"), now=NOW)
    assert refused.value.extra["retry_after"] > 0
    assert Vote.objects.count() == 2


@override_settings(FEEDBACK_HOLD_AFTER_PER_SOURCE_OFFICE_HOUR=1)
@pytest.mark.django_db
def test_a_counted_vote_replaced_by_a_held_one_leaves_the_rollups(office, cast):
    same = voter("same", source="busy")
    cast(office, 4, by=same, now=NOW)
    assert cast(office, 2, by=same, now=NOW).status == "held"
    assert counts(OfficeDayHappiness, office) == [0, 0, 0, 0, 0]


def all_counts():
    columns = ("votes_1", "votes_2", "votes_3", "votes_4", "votes_5")
    return {
        "office days": sorted(
            OfficeDayHappiness.objects.values_list("office_id", "day", *columns)
        ),
        "office months": sorted(
            OfficeMonthHappiness.objects.values_list("office_id", "month", *columns)
        ),
        "district days": sorted(
            DistrictDayHappiness.objects.values_list("district_id", "day", *columns)
        ),
    }


@pytest.mark.django_db
def test_the_district_day_adds_up_the_districts_offices(office, small_map, cast):
    from saduak.areas.models import Office

    same = voter("same")
    cast(office, 4, by=same, now=NOW)
    cast(Office.objects.get(code="do-5001"), 2, now=NOW)
    cast(office, 1, by=same, now=NOW)  # replaces the 4
    cast(Office.objects.get(code="pao-50"), 5, now=NOW)  # no district
    district = DistrictDayHappiness.objects.get()
    assert (district.district_id, district.province_id) == ("5001", "50")
    assert counts(DistrictDayHappiness, office.district) == [1, 1, 0, 0, 0]
    before = all_counts()
    rollups_recount()
    assert all_counts() == before


@pytest.mark.django_db
def test_recounting_rebuilds_the_same_rollups(office, other_office, cast):
    for score in (1, 3, 5, 5):
        cast(office, score, now=NOW)
    cast(other_office, 2, now=NOW - timedelta(days=40))
    before = all_counts()
    assert rollups_recount() == 2
    assert all_counts() == before


@pytest.mark.django_db
def test_the_vote_statement_stays_small_enough_for_psycopg_to_convert_once(office):
    from django.db import connection
    from django.utils import timezone
    from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH

    from saduak.core.rows import row_of
    from saduak.feedback.rollups import cast_counted_sql, rollups_of
    from saduak.feedback.services.votes import _upsert_sql

    now = timezone.now()
    vote = Vote(
        office=office,
        day=now.date(),
        score=3,
        voter_key="k",
        source_key="s",
        channel="qr",
        created_at=now,
        updated_at=now,
    )
    quote = connection.ops.quote_name
    upsert = _upsert_sql(
        row_of(vote, connection).insert_placeholders_sql(),
        quote(Vote._meta.db_table),
        quote,
    )
    assert (
        len(cast_counted_sql(upsert, rollups_of(office))) <= MAX_CACHED_STATEMENT_LENGTH
    )
