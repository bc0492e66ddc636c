"""What a district does with its comments: answers one publicly (the reply is
shown next to the comment on the district's public page) and records that it
acted on one, and what it did."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, ensure_may
from saduak.accounts.models import User
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict
from saduak.feedback.choices import CommentState
from saduak.feedback.models import COMMENT_MAX_LENGTH, Vote
from saduak.feedback.public import public_refresh
from saduak.feedback.services.moderation import ensure_unchanged, vote_locked
from saduak.feedback.text_input import checked_text

# A reply and a "what was done" each hold as much as a comment.
NOTE_MAX_LENGTH = COMMENT_MAX_LENGTH


def vote_reply(
    *, vote: Vote, text: str, actor: User, expected_version: int | None = None
) -> Vote:
    """Answers a comment publicly (a second reply replaces the first). Locks
    the vote; only those the matrix allows VOTE_REPLY at its office
    (ensure_may). Refuses (InvalidInput, field `text`) an empty or over-long reply, and
    (Conflict) a vote without a comment, a hidden comment, or one cast again
    since `expected_version` (a new vote clears the reply). Audited as
    `feedback.comment.reply`; public pages are refreshed after commit."""
    return _comment_note(
        vote=vote,
        actor=actor,
        expected_version=expected_version,
        note=_Note(
            Action.VOTE_REPLY,
            "reply",
            "replied_at",
            "replied_by",
            "feedback.comment.reply",
            _("Write the reply that citizens will read."),
            _("This vote has no comment to reply to."),
            refuse_hidden=True,
        ),
        text=text,
    )


def vote_mark_acted_on(
    *, vote: Vote, text: str, actor: User, expected_version: int | None = None
) -> Vote:
    """Records that the district acted on a comment, and what it did (marking
    again replaces the text). Locks the vote; only those the matrix allows
    VOTE_MARK_ACTED_ON at its office. Refuses (InvalidInput, field `text`) an
    empty or over-long text and (Conflict) a vote without a
    comment or cast again since `expected_version`. Audited as
    `feedback.comment.acted_on`."""
    return _comment_note(
        vote=vote,
        actor=actor,
        expected_version=expected_version,
        note=_Note(
            Action.VOTE_MARK_ACTED_ON,
            "action_taken",
            "acted_on_at",
            "acted_by",
            "feedback.comment.acted_on",
            _("Write what was done about the comment."),
            _("This vote has no comment."),
        ),
        text=text,
    )


@dataclass(frozen=True)
class _Note:
    """What a district writes on a comment: the fields it fills (text, when,
    who), its audit action and its refusals."""

    action_checked: Action
    text_field: str
    at_field: str
    by_field: str
    action: str
    empty: str
    no_comment: str
    refuse_hidden: bool = False


def _comment_note(
    *,
    vote: Vote,
    actor: User,
    expected_version: int | None,
    note: _Note,
    text: str,
) -> Vote:
    text = checked_text(
        text, limit=NOTE_MAX_LENGTH, field="text", empty_message=note.empty
    )
    with transaction.atomic():
        locked = vote_locked(vote.pk)
        ensure_may(actor, note.action_checked, office=locked.office)
        ensure_unchanged(locked, expected_version)
        if locked.comment_state == CommentState.NONE:
            raise Conflict(note.no_comment, code="no-comment")
        if note.refuse_hidden and locked.comment_state == CommentState.HIDDEN:
            raise Conflict(
                _("This comment is hidden; a reply to it would not be shown."),
                code="comment-hidden",
            )
        before = {note.text_field: getattr(locked, note.text_field)}
        setattr(locked, note.text_field, text)
        setattr(locked, note.at_field, timezone.now())
        setattr(locked, note.by_field, actor)
        locked.save(update_fields=[note.text_field, note.at_field, note.by_field])
        audit_record(
            actor=actor,
            action=note.action,
            target=locked,
            before=before,
            after={note.text_field: text},
            office=locked.office,
        )
        transaction.on_commit(public_refresh, robust=True)
    return locked
