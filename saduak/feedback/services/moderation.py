"""Moderating votes and comments: counting a held vote, rejecting a vote,
publishing or hiding a comment, one by one or (for a spike) all the held votes
of an office in one day or hour. Each runs with the vote rows locked, so a
re-vote (vote_cast's upsert, which locks the same row) is either wholly before
or wholly after it, and moves the rollups in the same transaction."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, ensure_may
from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput, NotFound
from saduak.feedback.choices import CommentState, VoteStatus
from saduak.feedback.models import Vote
from saduak.feedback.public import public_refresh
from saduak.feedback.rollups import rollups_move

# The most held votes one batch decision takes; a moderator repeats it for more.
BATCH_LIMIT = 5000
_UPDATE_CHUNK = 500


def vote_locked(vote_id: int) -> Vote:
    """The vote with its office, its row locked until the transaction ends.
    Raises NotFound. Call inside transaction.atomic. The actor's check
    (ensure_may) follows, on the office read here: a vote outside what the
    actor reads is NotFound too."""
    found = (
        Vote.objects.select_for_update(of=("self",))
        .select_related("office")
        .filter(pk=vote_id)
        .first()
    )
    if found is None:
        raise NotFound(_("There is no such vote."))
    return found


def ensure_unchanged(vote: Vote, expected_version: int | None) -> None:
    """Refuses to act on a vote the voter has cast again since the moderator
    read it (its score or comment may be another now)."""
    if expected_version is not None and vote.times_cast != expected_version:
        raise Conflict(
            _(
                "The voter has changed this vote since you opened the page. "
                "Read it again before you decide."
            ),
            code="vote-changed",
        )


def vote_release(
    *, vote: Vote, actor: User, expected_version: int | None = None
) -> Vote:
    """Counts a vote that was held for review (or rejected by mistake): its
    score goes into the office's rollups. Locks the vote; only those the
    matrix allows VOTE_MODERATE at its office (ensure_may). Raises Conflict
    when it is counted already or was cast again since `expected_version`.
    Audited as `feedback.vote.release`; public pages are refreshed after
    commit."""
    return _vote_decide(
        vote=vote,
        actor=actor,
        expected_version=expected_version,
        status=VoteStatus.COUNTED,
        action="feedback.vote.release",
        already=Conflict(_("This vote is counted already."), code="already-counted"),
    )


def vote_reject(
    *, vote: Vote, actor: User, expected_version: int | None = None
) -> Vote:
    """Rejects a vote: a held one stays out of the index, a counted one is
    taken out of the rollups. Locks the vote; only moderators of its office.
    Raises Conflict when it is rejected already or was cast again since
    `expected_version`. Audited as `feedback.vote.reject`; public pages are
    refreshed after commit."""
    return _vote_decide(
        vote=vote,
        actor=actor,
        expected_version=expected_version,
        status=VoteStatus.REJECTED,
        action="feedback.vote.reject",
        already=Conflict(_("This vote is rejected already."), code="already-rejected"),
    )


def _vote_decide(
    *,
    vote: Vote,
    actor: User,
    expected_version: int | None,
    status: str,
    action: str,
    already: Conflict,
) -> Vote:
    """A moderator's decision on one vote: `status` counted or rejected; the
    rollups gain the vote when it becomes counted and lose it when a counted
    vote is rejected."""
    with transaction.atomic():
        locked = vote_locked(vote.pk)
        ensure_may(actor, Action.VOTE_MODERATE, office=locked.office)
        ensure_unchanged(locked, expected_version)
        if locked.status == status:
            raise already
        before = locked.status
        _moderated(locked, actor=actor, status=status)
        # In when it becomes counted; out when a counted vote is rejected.
        becomes_counted = status == VoteStatus.COUNTED
        moved = 1 if becomes_counted else -int(before == VoteStatus.COUNTED)
        if moved:
            rollups_move(
                office=locked.office,
                day=locked.day,
                moved={locked.score: moved},
                verified=locked.verified,
            )
        audit_record(
            actor=actor,
            action=action,
            target=locked,
            before={"status": before},
            after={
                "status": locked.status,
                "score": locked.score,
                "hold_reason": locked.hold_reason,
            },
            office=locked.office,
        )
        transaction.on_commit(public_refresh, robust=True)
    return locked


def _moderated(vote: Vote, *, actor: User, status: str) -> None:
    vote.status = status
    vote.moderated_at = timezone.now()
    vote.moderated_by = actor
    vote.save(update_fields=["status", "moderated_at", "moderated_by"])


@dataclass(frozen=True)
class BatchOutcome:
    decided: int
    left: int  # held votes past BATCH_LIMIT, for another press


def held_votes_decide(
    *,
    office: Office,
    day: date,
    hour: int | None,
    release: bool,
    actor: User,
    hold_reason: str = "",
) -> BatchOutcome:
    """Releases (counts) or rejects at once every vote held for `office` on
    `day` (last cast within `hour`, local time, when given; only those held
    for `hold_reason` when given): a spike is many votes. Locks those votes;
    only those the matrix
    allows VOTE_MODERATE at the office. At most BATCH_LIMIT votes per call. One
    audit event, `feedback.vote.release_batch` or `feedback.vote.reject_batch`,
    lists the votes; public pages are refreshed after commit."""
    ensure_may(actor, Action.VOTE_MODERATE, office=office)
    if hour is not None and not 0 <= hour <= 23:
        raise InvalidInput(_("Choose an hour from 0 to 23."), field="hour")
    held = Vote.objects.filter(office=office, day=day, status=VoteStatus.HELD)
    if hold_reason:
        held = held.filter(hold_reason=hold_reason)
    if hour is not None:
        starts = timezone.make_aware(datetime.combine(day, time(hour)))
        held = held.filter(
            updated_at__gte=starts, updated_at__lt=starts + timedelta(hours=1)
        )
    with transaction.atomic():
        rows = list(
            held.select_for_update()
            .order_by("id")
            .values_list("id", "score", "verified")[: BATCH_LIMIT + 1]
        )
        left = max(0, len(rows) - BATCH_LIMIT)
        rows = rows[:BATCH_LIMIT]
        if not rows:
            raise Conflict(
                _("No votes are held for this office at that time any more."),
                code="nothing-held",
            )
        ids = [vote_id for vote_id, _score, _verified in rows]
        status = VoteStatus.COUNTED if release else VoteStatus.REJECTED
        now = timezone.now()
        for start in range(0, len(ids), _UPDATE_CHUNK):
            Vote.objects.filter(pk__in=ids[start : start + _UPDATE_CHUNK]).update(
                status=status, moderated_at=now, moderated_by=actor
            )
        if release:
            for verified in (False, True):
                rollups_move(
                    office=office,
                    day=day,
                    moved=dict(
                        Counter(score for _id, score, kind in rows if kind == verified)
                    ),
                    verified=verified,
                )
        audit_record(
            actor=actor,
            action=(
                "feedback.vote.release_batch"
                if release
                else "feedback.vote.reject_batch"
            ),
            target=office,
            after={
                "status": status,
                "day": day,
                "hour": hour,
                "hold_reason": hold_reason,
                "count": len(ids),
                "votes": ids,
            },
            office=office,
        )
        transaction.on_commit(public_refresh, robust=True)
    return BatchOutcome(decided=len(ids), left=left)


def comment_publish(
    *, vote: Vote, actor: User, expected_version: int | None = None
) -> Vote:
    """Puts a comment that waits for a moderator (abuse found) or was hidden
    on the public pages, masked as always. Locks the vote; only those the
    matrix allows COMMENT_MODERATE at its office. Raises Conflict for a
    comment public already, a vote without a comment, or one cast again since
    `expected_version`. Audited as `feedback.comment.publish`; public pages
    are refreshed after commit."""
    return _comment_move(
        vote=vote,
        actor=actor,
        expected_version=expected_version,
        to=CommentState.PUBLIC,
        allowed_from=(CommentState.REVIEW, CommentState.HIDDEN),
        action="feedback.comment.publish",
        refusal=_("This comment is public already."),
    )


def comment_hide(
    *, vote: Vote, actor: User, expected_version: int | None = None
) -> Vote:
    """Hides a comment from the public pages (public or waiting for review);
    the vote itself still counts. Locks the vote; only those the matrix
    allows COMMENT_MODERATE at its office. Raises Conflict for a comment
    hidden already, a vote without a comment, or one cast again since `expected_version`. Audited as
    `feedback.comment.hide`; public pages are refreshed after commit."""
    return _comment_move(
        vote=vote,
        actor=actor,
        expected_version=expected_version,
        to=CommentState.HIDDEN,
        allowed_from=(CommentState.PUBLIC, CommentState.REVIEW),
        action="feedback.comment.hide",
        refusal=_("This comment is hidden already."),
    )


def _comment_move(
    *,
    vote: Vote,
    actor: User,
    expected_version: int | None,
    to: str,
    allowed_from: tuple[str, ...],
    action: str,
    refusal: str,
) -> Vote:
    with transaction.atomic():
        locked = vote_locked(vote.pk)
        ensure_may(actor, Action.COMMENT_MODERATE, office=locked.office)
        ensure_unchanged(locked, expected_version)
        if locked.comment_state == CommentState.NONE:
            raise Conflict(_("This vote has no comment."), code="no-comment")
        if locked.comment_state not in allowed_from:
            raise Conflict(refusal, code="comment-state")
        before = locked.comment_state
        locked.comment_state = to
        locked.moderated_at = timezone.now()
        locked.moderated_by = actor
        locked.save(update_fields=["comment_state", "moderated_at", "moderated_by"])
        audit_record(
            actor=actor,
            action=action,
            target=locked,
            before={"comment_state": before},
            after={"comment_state": to},
            office=locked.office,
        )
        transaction.on_commit(public_refresh, robust=True)
    return locked
