"""What a district does with its comments: answers one publicly (the reply is
shown next to the comment on the district's public page) and records that it
acted on one, and what it did."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput
from saduak.feedback.choices import CommentState
from saduak.feedback.models import Vote
from saduak.feedback.public import public_refresh
from saduak.feedback.services.moderation import (
    ensure_may_moderate,
    ensure_unchanged,
    vote_locked,
)

REPLY_MAX_LENGTH = 1000
ACTION_MAX_LENGTH = 1000


def _checked_text(text: str, *, limit: int, field: str, empty: str) -> str:
    cleaned = "".join(
        character
        for character in str(text or "")
        if character in "\n\t" or character.isprintable()
    ).strip()
    if not cleaned:
        raise InvalidInput(empty, field=field)
    if len(cleaned) > limit:
        raise InvalidInput(
            _("Write at most %(limit)d characters; this has %(count)d.")
            % {"limit": limit, "count": len(cleaned)},
            field=field,
        )
    return cleaned


def vote_reply(
    *, vote: Vote, text: str, actor: User, expected_version: int | None = None
) -> Vote:
    """Answers a comment publicly (a second reply replaces the first). Locks
    the vote; only administrators of its office's district, its province or
    HQ. Refuses (InvalidInput, field `text`) an empty or over-long reply, and
    (Conflict) a vote without a comment, a hidden comment, or one cast again
    since `expected_version` (a new vote clears the reply). Audited as
    `feedback.comment.reply`; public pages are refreshed after commit."""
    text = _checked_text(
        text,
        limit=REPLY_MAX_LENGTH,
        field="text",
        empty=_("Write the reply that citizens will read."),
    )
    with transaction.atomic():
        locked = vote_locked(vote.pk)
        ensure_may_moderate(actor, locked.office)
        ensure_unchanged(locked, expected_version)
        if locked.comment_state == CommentState.NONE:
            raise Conflict(
                _("This vote has no comment to reply to."), code="no-comment"
            )
        if locked.comment_state == CommentState.HIDDEN:
            raise Conflict(
                _("This comment is hidden; a reply to it would not be shown."),
                code="comment-hidden",
            )
        before = {"reply": locked.reply}
        locked.reply = text
        locked.replied_at = timezone.now()
        locked.replied_by = actor
        locked.save(update_fields=["reply", "replied_at", "replied_by"])
        audit_record(
            actor=actor,
            action="feedback.comment.reply",
            target=locked,
            before=before,
            after={"reply": text},
            office=locked.office,
        )
        transaction.on_commit(public_refresh)
    return locked


def vote_mark_acted_on(
    *, vote: Vote, text: str, actor: User, expected_version: int | None = None
) -> Vote:
    """Records that the district acted on a comment, and what it did (marking
    again replaces the text). Locks the vote; only administrators of its
    office's district, its province or HQ. Refuses (InvalidInput, field
    `text`) an empty or over-long text and (Conflict) a vote without a
    comment or cast again since `expected_version`. Audited as
    `feedback.comment.acted_on`."""
    text = _checked_text(
        text,
        limit=ACTION_MAX_LENGTH,
        field="text",
        empty=_("Write what was done about the comment."),
    )
    with transaction.atomic():
        locked = vote_locked(vote.pk)
        ensure_may_moderate(actor, locked.office)
        ensure_unchanged(locked, expected_version)
        if locked.comment_state == CommentState.NONE:
            raise Conflict(_("This vote has no comment."), code="no-comment")
        before = {"action_taken": locked.action_taken}
        locked.action_taken = text
        locked.acted_on_at = timezone.now()
        locked.acted_by = actor
        locked.save(update_fields=["action_taken", "acted_on_at", "acted_by"])
        audit_record(
            actor=actor,
            action="feedback.comment.acted_on",
            target=locked,
            before=before,
            after={"action_taken": text},
            office=locked.office,
        )
        transaction.on_commit(public_refresh)
    return locked
