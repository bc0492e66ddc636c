"""Casting a vote: checked, limited, written as one row per voter, office and day,
and counted into the rollups in the same transaction."""

import contextlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.appointments.models import OfficeService, Service
from saduak.areas.models import Counter, Office
from saduak.core.counters import count_up_many_or_allow, count_up_or_allow
from saduak.core.errors import InvalidInput, NotFound, TooManyRequests
from saduak.core.memo import ProcessMemo
from saduak.feedback import sql
from saduak.feedback.choices import CommentState, HoldReason, VoteStatus
from saduak.feedback.keys import Voter
from saduak.feedback.masking import mask_comment
from saduak.feedback.models import (
    COMMENT_MAX_LENGTH,
    SCORES,
    OfficeDayHappiness,
    Vote,
)
from saduak.feedback.rollups import rollups_move, rollups_of
from saduak.feedback.text_input import checked_text


@dataclass(frozen=True)
class VoteOutcome:
    vote_id: int
    public_key: UUID
    status: str
    replaced: bool
    hold_reason: str = ""


def vote_cast(
    *,
    office: Office,
    score: Any,
    voter: Voter,
    service: Service | None = None,
    counter: Counter | None = None,
    comment: str = "",
    now: datetime | None = None,
) -> VoteOutcome:
    """Records `voter`'s happiness with `office` today. A second vote the same day
    replaces the first (one row per voter, office and day, whatever races). A
    verified voter (a served ticket, LINE, a signed-in citizen) always counts;
    an anonymous one past its network's daily cap for the office or past the
    office's usual anonymous volume is held for a moderator and not counted
    (_hold_reason); a vote that counts keeps counting when its voter votes
    again, however the re-votes race (decided in the upsert). Raises
    InvalidInput (nothing stored) for a score outside 1-5, a comment too long,
    a service the office does not offer or a counter not its own;
    TooManyRequests past what one network may store in a day.
    Votes are anonymous and not audited; moderating them is."""
    now = now or timezone.now()
    score = _checked_score(score)
    comment = checked_text(comment, limit=COMMENT_MAX_LENGTH, field="comment")
    if not office.is_active:
        raise NotFound(_("This office no longer takes votes."))
    if counter is not None and counter.office_id != office.pk:
        raise InvalidInput(
            _("This counter is not one of the office's counters."), field="counter"
        )
    if service is not None and not _office_offers(office, service):
        raise InvalidInput(
            _("Choose a service from this office's list."), field="service"
        )
    hold_reason = _hold_reason(office=office, voter=voter, now=now)
    proposed = VoteStatus.HELD if hold_reason else VoteStatus.COUNTED
    masked = mask_comment(comment) if comment else None
    if masked is None:
        comment_state = CommentState.NONE
    elif masked.has_abuse:
        comment_state = CommentState.REVIEW
    else:
        comment_state = CommentState.PUBLIC
    vote = Vote(
        office=office,
        district_id=office.district_id,
        province_id=office.province_id,
        counter=counter,
        service=service,
        day=timezone.localdate(now),
        score=score,
        comment=comment,
        comment_public=masked.text if masked else "",
        comment_state=comment_state,
        voter_key=voter.key,
        source_key=voter.source,
        channel=voter.channel,
        verified=voter.verified,
        status=proposed,
        hold_reason=hold_reason,
        created_at=now,
        updated_at=now,
    )
    status: str
    if sql.cast_in_one_statement():
        # One statement, so atomic by itself: no BEGIN and COMMIT round trips.
        rollups = rollups_of(office)
        vote_id, replaced_status, status, public_key = sql.vote_cast_counted(
            vote, rollups, [rollup.values(office, vote.day) for rollup in rollups]
        )
    else:
        with transaction.atomic():
            vote_id, replaced_score, replaced_status, status, public_key = (
                sql.vote_upsert(vote)
            )
            moved: dict[int, int] = {}
            if replaced_status == VoteStatus.COUNTED and replaced_score is not None:
                moved[replaced_score] = moved.get(replaced_score, 0) - 1
            if status == VoteStatus.COUNTED:
                moved[score] = moved.get(score, 0) + 1
            rollups_move(
                office=office, day=vote.day, moved=moved, verified=voter.verified
            )
    if replaced_status == VoteStatus.COUNTED and status == VoteStatus.COUNTED:
        _slots_given_back(office=office, voter=voter, day=vote.day)
    return VoteOutcome(
        vote_id=vote_id,
        public_key=public_key,
        status=status,
        replaced=bool(replaced_status),
        hold_reason="" if status == VoteStatus.COUNTED else hold_reason,
    )


def _checked_score(score: Any) -> int:
    try:
        value = int(str(score).strip())
    except (TypeError, ValueError):
        value = 0
    if value not in SCORES:
        raise InvalidInput(
            _("Choose one of the five faces, from 1 (very unhappy) to 5 (very happy)."),
            field="score",
        )
    return value


def _office_offers(office: Office, service: Service) -> bool:
    return OfficeService.objects.filter(
        office=office, service=service, is_active=True, service__is_active=True
    ).exists()


# Each office's usual day of anonymous votes, worked out at most every ten
# minutes.
_usual_day = ProcessMemo(seconds=600, size=5000)

DAY_SECONDS = 24 * 3600


def _hold_reason(*, office: Office, voter: Voter, now: datetime) -> str:
    """Why this vote must be held, if it must. A verified vote (one person)
    is never held nor limited by address: its key is the person. An
    anonymous one counts against its network's votes for the office today
    (FEEDBACK_ANONYMOUS_PER_SOURCE_OFFICE_DAY) and, under that, against the
    office's anonymous votes today (its usual volume, usual_anonymous_day).
    A re-vote by a voter whose vote today counts keeps counting: it adds no
    voice. Raises TooManyRequests past what one network may store in a day."""
    if voter.verified:
        return ""
    local = timezone.localtime(now)
    today = local.date()
    midnight = (local + timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    to_tomorrow = int((midnight - local).total_seconds())
    day = today.isoformat()
    # Redis down: anonymous votes are taken uncounted (each voter still has one
    # vote a day; the office-spike check does not hold them meanwhile).
    stored_today, from_source_here = count_up_many_or_allow(
        [
            (f"vote:anon:source:{voter.source}:{day}", DAY_SECONDS + 600, None),
            (
                f"vote:anon:source:{voter.source}:{office.pk}:{day}",
                DAY_SECONDS + 600,
                None,
            ),
        ],
        what="anonymous vote limits",
    )
    if stored_today > settings.FEEDBACK_ANONYMOUS_STORED_PER_SOURCE_DAY:
        raise TooManyRequests(
            _(
                "Too many votes from your network today. Vote from the page of "
                "your served ticket, by LINE or signed in, or try again tomorrow."
            ),
            extra={"retry_after": to_tomorrow},
        )
    cap = settings.FEEDBACK_ANONYMOUS_PER_SOURCE_OFFICE_DAY
    if from_source_here > cap:
        return "" if _counted_today(office, voter, today) else HoldReason.SOURCE_FLOOD
    for_office = count_up_or_allow(
        f"vote:anon:office:{office.pk}:{day}",
        timeout=DAY_SECONDS + 600,
        what="anonymous vote limits",
    )
    if for_office > usual_anonymous_day(office_id=office.pk, today=today):
        return "" if _counted_today(office, voter, today) else HoldReason.OFFICE_SPIKE
    return ""


def _slots_given_back(*, office: Office, voter: Voter, day: date) -> None:
    """A re-vote that replaced a counted one added no voice: the network's and
    the office's counts of anonymous votes today give its place back, so a
    person changing their vote does not hold a neighbour's."""
    if voter.verified:
        return
    for key in (
        f"vote:anon:source:{voter.source}:{office.pk}:{day.isoformat()}",
        f"vote:anon:office:{office.pk}:{day.isoformat()}",
    ):
        with contextlib.suppress(ValueError):  # expired meanwhile
            cache.decr(key)


def _counted_today(office: Office, voter: Voter, today: date) -> bool:
    """Whether the voter's vote for the office today counts (one indexed
    row): replacing it adds no voice, so it is not held."""
    return Vote.objects.filter(
        office=office, day=today, voter_key=voter.key, status=VoteStatus.COUNTED
    ).exists()


def usual_anonymous_day(*, office_id: int, today: date) -> int:
    """The anonymous votes the office counts in a day before the rest are
    held: FEEDBACK_ANONYMOUS_OFFICE_DAY_FACTOR times its busiest day of
    anonymous votes in the four weeks before today (from its day rollups),
    never fewer than FEEDBACK_ANONYMOUS_OFFICE_DAY_FLOOR."""
    memo_key = f"{office_id}:{today}"
    busiest = _usual_day.get(memo_key)
    if busiest is None:
        busiest = (
            OfficeDayHappiness.objects.filter(
                office_id=office_id,
                day__gte=today - timedelta(days=28),
                day__lt=today,
            )
            .annotate(
                anonymous=F("votes_1")
                + F("votes_2")
                + F("votes_3")
                + F("votes_4")
                + F("votes_5")
                - F("verified_votes")
            )
            .order_by("-anonymous")
            .values_list("anonymous", flat=True)
            .first()
            or 0
        )
        _usual_day.set(memo_key, busiest)
    return max(
        settings.FEEDBACK_ANONYMOUS_OFFICE_DAY_FLOOR,
        settings.FEEDBACK_ANONYMOUS_OFFICE_DAY_FACTOR * int(busiest),
    )
