"""The happiness vote's acting services, for the role x action walk
(tests/test_role_matrix.py). The feedback API has one write, the anonymous
vote (`x-action: public`), which acts for nobody: every staff action is a
page, walked here through its service."""

from datetime import date
from typing import Any

from django.utils import timezone

from saduak.accounts.matrix import Action
from saduak.accounts.tests.matrix_walk import Scenario
from saduak.areas.models import Office
from saduak.feedback.choices import CommentState, HoldReason, VoteChannel, VoteStatus
from saduak.feedback.models import HappinessAlert, Vote
from saduak.feedback.services import alerts, comments, moderation

OFFICE = "reg-5001"
DAY = date(2026, 11, 30)


def _vote(request: Any, *, status: str, comment_state: str) -> Vote:
    request.getfixturevalue("small_map")
    office = Office.objects.get(code=OFFICE)
    stamp = timezone.now()
    return Vote.objects.create(
        office=office,
        district_id=office.district_id,
        province_id=office.province_id,
        day=DAY,
        score=2,
        comment="รอนานมาก" if comment_state != CommentState.NONE else "",
        comment_public="รอนานมาก" if comment_state != CommentState.NONE else "",
        comment_state=comment_state,
        voter_key="matrix-voter",
        source_key="matrix-source",
        channel=VoteChannel.QR,
        status=status,
        hold_reason=HoldReason.SOURCE_FLOOD if status == VoteStatus.HELD else "",
        created_at=stamp,
        updated_at=stamp,
    )


def _held(request: Any) -> Vote:
    return _vote(request, status=VoteStatus.HELD, comment_state=CommentState.NONE)


def _counted(request: Any) -> Vote:
    return _vote(request, status=VoteStatus.COUNTED, comment_state=CommentState.NONE)


def _in_review(request: Any) -> Vote:
    return _vote(request, status=VoteStatus.COUNTED, comment_state=CommentState.REVIEW)


def _commented(request: Any) -> Vote:
    return _vote(request, status=VoteStatus.COUNTED, comment_state=CommentState.PUBLIC)


def _alert(request: Any) -> HappinessAlert:
    request.getfixturevalue("small_map")
    return HappinessAlert.objects.create(
        district_id="5001",
        raised_on=DAY,
        recent_mean="3.50",
        recent_votes=28,
        baseline_mean="4.67",
        baseline_votes=168,
    )


def _vote_state(vote: Vote) -> tuple[str, str, str, str]:
    vote.refresh_from_db()
    return (vote.status, vote.comment_state, vote.reply, vote.action_taken)


def _alert_state(alert: HappinessAlert) -> bool:
    alert.refresh_from_db()
    return alert.acknowledged_at is None


SCENARIOS = [
    Scenario(
        Action.VOTE_MODERATE,
        "vote_release",
        OFFICE,
        _held,
        lambda actor, vote, r: moderation.vote_release(vote=vote, actor=actor),
        _vote_state,
    ),
    Scenario(
        Action.VOTE_MODERATE,
        "vote_reject",
        OFFICE,
        _counted,
        lambda actor, vote, r: moderation.vote_reject(vote=vote, actor=actor),
        _vote_state,
    ),
    Scenario(
        Action.VOTE_MODERATE,
        "held_votes_decide",
        OFFICE,
        _held,
        lambda actor, vote, r: moderation.held_votes_decide(
            office=vote.office, day=vote.day, hour=None, release=True, actor=actor
        ),
        _vote_state,
    ),
    Scenario(
        Action.COMMENT_MODERATE,
        "comment_publish",
        OFFICE,
        _in_review,
        lambda actor, vote, r: moderation.comment_publish(vote=vote, actor=actor),
        _vote_state,
    ),
    Scenario(
        Action.COMMENT_MODERATE,
        "comment_hide",
        OFFICE,
        _commented,
        lambda actor, vote, r: moderation.comment_hide(vote=vote, actor=actor),
        _vote_state,
    ),
    Scenario(
        Action.VOTE_REPLY,
        "vote_reply",
        OFFICE,
        _commented,
        lambda actor, vote, r: comments.vote_reply(
            vote=vote, text="ขออภัย จะเพิ่มช่องบริการ", actor=actor
        ),
        _vote_state,
    ),
    Scenario(
        Action.VOTE_MARK_ACTED_ON,
        "vote_mark_acted_on",
        OFFICE,
        _commented,
        lambda actor, vote, r: comments.vote_mark_acted_on(
            vote=vote, text="เพิ่มช่องบริการแล้ว", actor=actor
        ),
        _vote_state,
    ),
    Scenario(
        Action.HAPPINESS_ALERT_ACKNOWLEDGE,
        "happiness_alert_acknowledge",
        OFFICE,
        _alert,
        lambda actor, alert, r: alerts.happiness_alert_acknowledge(
            alert=alert, actor=actor
        ),
        _alert_state,
    ),
]
