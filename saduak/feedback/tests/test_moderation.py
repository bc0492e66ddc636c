"""Moderating votes and comments against a real database: what each decision
does to the rollups, who may take it, and that it is audited."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import close_old_connections
from django.db.models import Sum
from django.test import override_settings

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, NotFound, PermissionDeniedError
from saduak.feedback.choices import CommentState, HoldReason, VoteStatus
from saduak.feedback.models import OfficeDayHappiness, OfficeMonthHappiness, Vote
from saduak.feedback.public import public_generation
from saduak.feedback.rollups import VOTE_COLUMNS
from saduak.feedback.services import moderation
from saduak.feedback.services.votes import vote_cast
from saduak.feedback.tests.conftest import NOW, voter

pytestmark = pytest.mark.django_db
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def moderator(make_staff):
    return make_staff(Role.DISTRICT_ADMIN, "do-5001")


def counts(office, day=TODAY):
    """The office's day and month rollups as (votes_1..votes_5) tuples."""
    day_row = OfficeDayHappiness.objects.filter(office=office, day=day).first()
    month_row = OfficeMonthHappiness.objects.filter(
        office=office, month=day.replace(day=1)
    ).first()
    return tuple(
        tuple(getattr(row, column) if row else 0 for column in VOTE_COLUMNS)
        for row in (day_row, month_row)
    )


def held_vote(office, score, *, by=None, comment=""):
    """A vote held as a flood: the office takes no vote from this network."""
    with override_settings(FEEDBACK_ANONYMOUS_PER_SOURCE_OFFICE_DAY=0):
        outcome = vote_cast(
            office=office, score=score, voter=by or voter(), comment=comment
        )
    assert outcome.status == VoteStatus.HELD
    return Vote.objects.get(pk=outcome.vote_id)


def test_releasing_a_held_vote_counts_it_and_is_audited(
    office, moderator, django_capture_on_commit_callbacks
):
    vote = held_vote(office, 4)
    assert counts(office) == ((0, 0, 0, 0, 0), (0, 0, 0, 0, 0))
    generation = public_generation()

    with django_capture_on_commit_callbacks(execute=True):
        released = moderation.vote_release(vote=vote, actor=moderator)

    assert released.status == VoteStatus.COUNTED
    assert released.moderated_by == moderator and released.moderated_at is not None
    assert counts(office) == ((0, 0, 0, 1, 0), (0, 0, 0, 1, 0))
    event = AuditEvent.objects.get(action="feedback.vote.release")
    assert event.target_id == str(vote.pk)
    assert event.before == {"status": "held"}
    assert event.after == {
        "status": "counted",
        "score": 4,
        "hold_reason": HoldReason.SOURCE_FLOOD,
    }
    assert event.district_code == "5001"
    assert public_generation() == generation + 1


def test_rejecting_a_held_vote_leaves_the_rollups_alone(office, moderator):
    vote = held_vote(office, 1)

    moderation.vote_reject(vote=vote, actor=moderator)

    assert Vote.objects.get(pk=vote.pk).status == VoteStatus.REJECTED
    assert counts(office) == ((0, 0, 0, 0, 0), (0, 0, 0, 0, 0))
    assert AuditEvent.objects.get(action="feedback.vote.reject").before == {
        "status": "held"
    }


def test_rejecting_a_counted_vote_takes_it_out_of_the_rollups(office, moderator, cast):
    outcome = cast(office, 2)
    cast(office, 5)
    assert counts(office)[0] == (0, 1, 0, 0, 1)

    moderation.vote_reject(vote=Vote.objects.get(pk=outcome.vote_id), actor=moderator)

    assert counts(office) == ((0, 0, 0, 0, 1), (0, 0, 0, 0, 1))


def test_a_rejected_vote_can_be_counted_again(office, moderator, cast):
    vote = Vote.objects.get(pk=cast(office, 3).vote_id)
    moderation.vote_reject(vote=vote, actor=moderator)

    moderation.vote_release(vote=vote, actor=moderator)

    assert counts(office)[0] == (0, 0, 1, 0, 0)


def test_deciding_the_same_thing_twice_is_a_conflict(office, moderator, cast):
    counted = Vote.objects.get(pk=cast(office, 3).vote_id)
    with pytest.raises(Conflict):
        moderation.vote_release(vote=counted, actor=moderator)
    moderation.vote_reject(vote=counted, actor=moderator)
    with pytest.raises(Conflict):
        moderation.vote_reject(vote=counted, actor=moderator)
    assert AuditEvent.objects.filter(action__startswith="feedback.vote").count() == 1


@pytest.mark.parametrize(
    ("role", "office_code", "allowed"),
    [
        (Role.DISTRICT_ADMIN, "do-5001", True),
        (Role.PROVINCIAL_STAFF, "pao-50", True),
        (Role.HQ_ADMIN, "hq", True),
        # Outside what they read: as if the vote did not exist.
        (Role.DISTRICT_ADMIN, "do-5002", NotFound),
        (Role.PROVINCIAL_STAFF, "pao-10", NotFound),
        # They read it, but their role does not moderate.
        (Role.COUNTER_OFFICER, "reg-5001", PermissionDeniedError),
        (Role.AUDITOR, "hq", PermissionDeniedError),
    ],
)
def test_only_the_district_its_province_and_hq_moderate(
    office, make_staff, role, office_code, allowed
):
    vote = held_vote(office, 5)
    actor = make_staff(role, office_code)
    if allowed is True:
        moderation.vote_release(vote=vote, actor=actor)
        assert Vote.objects.get(pk=vote.pk).status == VoteStatus.COUNTED
    else:
        with pytest.raises(allowed):
            moderation.vote_release(vote=vote, actor=actor)
        assert Vote.objects.get(pk=vote.pk).status == VoteStatus.HELD
        assert not AuditEvent.objects.filter(action="feedback.vote.release").exists()


def test_a_vote_cast_again_since_the_page_was_read_is_not_decided(office, moderator):
    same = voter("twice")
    vote = held_vote(office, 1, by=same)
    seen = vote.times_cast
    held_vote(office, 5, by=same)

    with pytest.raises(Conflict) as refused:
        moderation.vote_release(vote=vote, actor=moderator, expected_version=seen)

    assert refused.value.code == "vote-changed"
    assert counts(office)[0] == (0, 0, 0, 0, 0)


def test_a_re_vote_after_release_moves_the_released_score_out(office, moderator):
    same = voter("again")
    vote = held_vote(office, 2, by=same)
    moderation.vote_release(vote=vote, actor=moderator)

    vote_cast(office=office, score=5, voter=voter("again", source="other-network"))

    assert counts(office) == ((0, 0, 0, 0, 1), (0, 0, 0, 0, 1))


def test_a_spike_is_released_at_once_for_the_office_and_hour(office, moderator):
    spike = [held_vote(office, score) for score in (5, 5, 5, 4, 1)]
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        later = held_vote(office, 3)

    outcome = moderation.held_votes_decide(
        office=office, day=NOW.date(), hour=10, release=True, actor=moderator
    )

    assert outcome.decided == 5 and outcome.left == 0
    assert counts(office)[0] == (1, 0, 0, 1, 3)
    assert set(
        Vote.objects.filter(status=VoteStatus.COUNTED).values_list("pk", flat=True)
    ) == {vote.pk for vote in spike}
    assert Vote.objects.get(pk=later.pk).status == VoteStatus.HELD
    event = AuditEvent.objects.get(action="feedback.vote.release_batch")
    assert event.after["count"] == 5
    assert sorted(event.after["votes"]) == sorted(vote.pk for vote in spike)
    assert event.target_id == str(office.pk)


def test_a_spike_is_rejected_at_once_and_nothing_is_counted(office, moderator):
    for score in (5, 5, 5):
        held_vote(office, score)

    moderation.held_votes_decide(
        office=office, day=NOW.date(), hour=None, release=False, actor=moderator
    )

    assert set(Vote.objects.values_list("status", flat=True)) == {VoteStatus.REJECTED}
    assert counts(office)[0] == (0, 0, 0, 0, 0)
    assert AuditEvent.objects.filter(action="feedback.vote.reject_batch").count() == 1
    with pytest.raises(Conflict):
        moderation.held_votes_decide(
            office=office, day=NOW.date(), hour=None, release=False, actor=moderator
        )


def test_a_batch_takes_at_most_its_limit(office, moderator, monkeypatch):
    monkeypatch.setattr(moderation, "BATCH_LIMIT", 2)
    for score in (5, 4, 3):
        held_vote(office, score)

    outcome = moderation.held_votes_decide(
        office=office, day=NOW.date(), hour=None, release=True, actor=moderator
    )

    assert (outcome.decided, outcome.left) == (2, 1)
    assert Vote.objects.filter(status=VoteStatus.HELD).count() == 1


def test_another_districts_moderator_cannot_release_a_spike(office, make_staff):
    held_vote(office, 5)
    with pytest.raises(NotFound):
        moderation.held_votes_decide(
            office=office,
            day=NOW.date(),
            hour=None,
            release=True,
            actor=make_staff(Role.DISTRICT_ADMIN, "do-5002"),
        )


def test_a_comment_with_abuse_is_published_or_hidden_by_a_moderator(
    office, moderator, cast, django_capture_on_commit_callbacks
):
    vote = Vote.objects.get(pk=cast(office, 1, comment="บริการแย่ ควาย มาก").vote_id)
    assert vote.comment_state == CommentState.REVIEW
    generation = public_generation()

    with django_capture_on_commit_callbacks(execute=True):
        moderation.comment_publish(vote=vote, actor=moderator)

    assert Vote.objects.get(pk=vote.pk).comment_state == CommentState.PUBLIC
    assert AuditEvent.objects.get(action="feedback.comment.publish").after == {
        "comment_state": "public"
    }
    assert public_generation() == generation + 1
    moderation.comment_hide(vote=vote, actor=moderator)
    assert Vote.objects.get(pk=vote.pk).comment_state == CommentState.HIDDEN
    assert AuditEvent.objects.get(action="feedback.comment.hide").before == {
        "comment_state": "public"
    }


def test_hiding_a_comment_keeps_the_vote_counted(office, moderator, cast):
    vote = Vote.objects.get(pk=cast(office, 5, comment="ดีมาก").vote_id)

    moderation.comment_hide(vote=vote, actor=moderator)

    assert counts(office)[0] == (0, 0, 0, 0, 1)
    with pytest.raises(Conflict):
        moderation.comment_hide(vote=vote, actor=moderator)


def test_a_vote_without_a_comment_has_nothing_to_publish(office, moderator, cast):
    vote = Vote.objects.get(pk=cast(office, 4).vote_id)
    with pytest.raises(Conflict) as refused:
        moderation.comment_publish(vote=vote, actor=moderator)
    assert refused.value.code == "no-comment"


@pytest.mark.django_db(transaction=True)
def test_a_release_racing_a_re_vote_leaves_the_rollups_exact(office, moderator):
    """The release locks the vote's row and the re-vote's upsert waits for it
    (or the other way round): either way the rollups count the counted votes."""
    for round_number in range(4):
        same = voter(f"racer-{round_number}")
        vote = held_vote(office, 1, by=same)
        start = threading.Barrier(2)
        errors: list[Exception] = []

        def release(vote=vote, start=start, errors=errors):
            start.wait()
            try:
                moderation.vote_release(vote=vote, actor=moderator)
            except Conflict:
                pass  # the re-vote came first and is counted already
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)
            finally:
                close_old_connections()

        def re_vote(same=same, start=start, errors=errors, n=round_number):
            start.wait()
            try:
                vote_cast(
                    office=office,
                    score=5,
                    voter=voter(same.key.removeprefix("key-"), source=f"wifi-{n}"),
                )
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)
            finally:
                close_old_connections()

        threads = [threading.Thread(target=release), threading.Thread(target=re_vote)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
    counted = {
        f"votes_{score}": Vote.objects.filter(
            office=office, status=VoteStatus.COUNTED, score=score
        ).count()
        for score in range(1, 6)
    }
    day_totals = OfficeDayHappiness.objects.filter(office=office).aggregate(
        **{column: Sum(column) for column in VOTE_COLUMNS}
    )
    assert {key: value or 0 for key, value in day_totals.items()} == counted
