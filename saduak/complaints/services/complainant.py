"""What the complainant does: reopen a closed complaint within 30 days, rate
the handling, withdraw an open complaint, confirm that it is resolved.

The complainant is the signed-in person who filed it (`citizen`), or whoever
holds its tracking link (`tracking_token`); anyone else is refused with the
reason (PermissionDeniedError). Each service locks the complaint, writes a
public timeline line and an audit event (actor: the person, or
"complainant:tracking-link"), moves the rollups, and in one transaction."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.complaints.choices import ComplaintStatus, EventKind, Outcome
from saduak.complaints.models import Complaint
from saduak.complaints.report_rollups import report_state
from saduak.complaints.services.common import (
    REASON_MAX_LENGTH,
    audit,
    clean_text,
    clock_start,
    event_add,
    is_complainant,
    locked,
    notify_update,
    snapshot,
    state_save,
    status_label,
)
from saduak.core.errors import Conflict, InvalidInput, PermissionDeniedError

REOPEN_DAYS = 30
RATING_COMMENT_MAX_LENGTH = 1000
# Outcomes after which there is nothing to reopen or rate.
NOT_RATED = frozenset({Outcome.WITHDRAWN, Outcome.DUPLICATE})


def _as_complainant(
    complaint: Complaint, citizen: User | None, tracking_token: str
) -> tuple[Complaint, Any]:
    """Locks the complaint and returns it with who acts, or refuses someone
    who is neither its signed-in complainant nor holds its tracking link."""
    current = locked(complaint)
    if not is_complainant(current, citizen, tracking_token):
        raise PermissionDeniedError(
            _("Only the person who filed complaint %(reference)s can do this.")
            % {"reference": current.reference}
        )
    if (
        citizen is not None
        and citizen.is_authenticated
        and current.complainant_id == citizen.pk
    ):
        return current, citizen
    return current, "complainant:tracking-link"


def complaint_reopen(
    *,
    complaint: Complaint,
    citizen: User | None,
    tracking_token: str = "",
    reason: str,
) -> Complaint:
    """The problem is back: a closed complaint (not withdrawn, not a
    duplicate) reopens within 30 days of closing, with a reason. Status
    reopened, outcome cleared, reopen_count + 1; the resolve target is
    counted again from today with the category's working days, escalation
    starts again. Public line REOPENED; audit "complaint.reopen"; the
    complainants are told."""
    why = clean_text(reason, field="reason")
    with transaction.atomic():
        complaint, by = _as_complainant(complaint, citizen, tracking_token)
        if complaint.status != ComplaintStatus.CLOSED:
            raise Conflict(
                _("Only a closed complaint can be reopened; this one is %(status)s.")
                % {"status": status_label(complaint)},
                code="not-closed",
            )
        if complaint.outcome in NOT_RATED:
            raise Conflict(
                _(
                    "A withdrawn or merged complaint cannot be reopened. File a new one."
                ),
                code="cannot-reopen",
            )
        now = timezone.now()
        assert complaint.closed_at is not None
        if now - complaint.closed_at > timedelta(days=REOPEN_DAYS):
            raise Conflict(
                _(
                    "A complaint can be reopened within %(days)s days of closing; "
                    "this one closed on %(closed)s. File a new complaint."
                )
                % {
                    "days": REOPEN_DAYS,
                    "closed": timezone.localdate(complaint.closed_at).isoformat(),
                },
                code="reopen-too-late",
            )
        before = report_state(complaint)
        was = snapshot(complaint)
        complaint.status = ComplaintStatus.REOPENED
        complaint.outcome = ""
        complaint.closed_at = None
        complaint.resolved_at = None
        complaint.reopened_at = now
        complaint.reopen_count += 1
        clock_start(complaint, timezone.localdate(now), acknowledge=False)
        state_save(complaint, before)
        event_add(complaint, EventKind.REOPENED, by=by, at=now, text=why)
        audit(
            complaint,
            by=by,
            action="complaint.reopen",
            before=was,
            after=snapshot(complaint),
        )
        notify_update(complaint, message=why)
    return complaint


def complaint_rate(
    *,
    complaint: Complaint,
    citizen: User | None,
    tracking_token: str = "",
    stars: int,
    comment: str = "",
) -> Complaint:
    """Rates the handling of a closed complaint (not withdrawn, not a
    duplicate) once, 1 to 5 stars, with an optional comment (up to 1,000
    characters). Before closing it is refused with the reason. Public line
    RATED; audit "complaint.rate"; no message."""
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise InvalidInput(_("Give 1 to 5 stars."), field="stars")
    note = clean_text(
        comment, field="comment", required=False, limit=RATING_COMMENT_MAX_LENGTH
    )
    with transaction.atomic():
        complaint, by = _as_complainant(complaint, citizen, tracking_token)
        if complaint.status != ComplaintStatus.CLOSED:
            raise Conflict(
                _("You can rate the handling once the complaint is closed."),
                code="not-closed",
            )
        if complaint.outcome in NOT_RATED:
            raise Conflict(
                _("A withdrawn or merged complaint is not rated."),
                code="not-rated",
            )
        if complaint.rating is not None:
            raise Conflict(
                _("You have already rated the handling of this complaint."),
                code="already-rated",
            )
        before = report_state(complaint)
        now = timezone.now()
        complaint.rating = stars
        complaint.rating_comment = note
        complaint.rated_at = now
        state_save(complaint, before)
        event_add(
            complaint, EventKind.RATED, by=by, at=now, text=note, data={"stars": stars}
        )
        audit(
            complaint,
            by=by,
            action="complaint.rate",
            after={"rating": stars, "comment_length": len(note)},
        )
    return complaint


def complaint_withdraw(
    *,
    complaint: Complaint,
    citizen: User | None,
    tracking_token: str = "",
    reason: str = "",
) -> Complaint:
    """The complainant withdraws an open complaint (optional reason, up to
    1,000 characters): closed with outcome withdrawn. Public line CLOSED;
    audit "complaint.withdraw"; the other followers are told."""
    why = clean_text(reason, field="reason", required=False, limit=REASON_MAX_LENGTH)
    with transaction.atomic():
        complaint, by = _as_complainant(complaint, citizen, tracking_token)
        if not complaint.is_open:
            raise Conflict(
                _("Only an open complaint can be withdrawn; this one is %(status)s.")
                % {"status": status_label(complaint)},
                code="not-open",
            )
        before = report_state(complaint)
        was = snapshot(complaint)
        now = timezone.now()
        complaint.status = ComplaintStatus.CLOSED
        complaint.outcome = Outcome.WITHDRAWN
        complaint.closed_at = now
        state_save(complaint, before)
        event_add(
            complaint,
            EventKind.CLOSED,
            by=by,
            at=now,
            text=why,
            data={"outcome": str(Outcome.WITHDRAWN)},
        )
        audit(
            complaint,
            by=by,
            action="complaint.withdraw",
            before=was,
            after=snapshot(complaint),
        )
        notify_update(complaint, message=why)
    return complaint


def complaint_confirm_resolved(
    *, complaint: Complaint, citizen: User | None, tracking_token: str = ""
) -> Complaint:
    """The complainant confirms that a resolved complaint is resolved: closed
    with outcome resolved. Public line CLOSED; audit "complaint.close"
    (actor the complainant); the followers are told."""
    with transaction.atomic():
        complaint, by = _as_complainant(complaint, citizen, tracking_token)
        if complaint.status != ComplaintStatus.RESOLVED:
            raise Conflict(
                _("Only a resolved complaint can be confirmed; this one is %(status)s.")
                % {"status": status_label(complaint)},
                code="not-resolved",
            )
        before = report_state(complaint)
        was = snapshot(complaint)
        now = timezone.now()
        complaint.status = ComplaintStatus.CLOSED
        complaint.outcome = Outcome.RESOLVED
        complaint.closed_at = now
        state_save(complaint, before)
        event_add(
            complaint,
            EventKind.CLOSED,
            by=by,
            at=now,
            data={"outcome": str(Outcome.RESOLVED), "confirmed": True},
        )
        audit(
            complaint,
            by=by,
            action="complaint.close",
            before=was,
            after={**snapshot(complaint), "confirmed_by_complainant": True},
        )
        notify_update(complaint)
    return complaint
