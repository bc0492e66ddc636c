"""What the office that holds a complaint does with it: accept, start, answer,
write an internal note, transfer to another district, take over at the
province, forward to an outside agency and record its answer, resolve, close,
merge a duplicate.

Every service: checks the officer with `ensure_may` over the office that
holds the complaint (a refusal outside the officer's read reach is NotFound),
locks the complaint, checks its state (Conflict with the reason), saves the
changed fields, writes a timeline line and an audit event, moves the
rollups, and tells the complainants of every public answer or change of
state ("complaint.updated"), all in one transaction."""

from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor, action_reach, ensure_may
from saduak.accounts.models import User
from saduak.areas.choices import OfficeKind
from saduak.areas.models import District, Office
from saduak.complaints.choices import ComplaintStatus, EventKind, Outcome
from saduak.complaints.models import Complaint, ComplaintEvent
from saduak.complaints.report_rollups import report_state
from saduak.complaints.services.common import (
    acknowledge,
    audit,
    clean_text,
    clock_start,
    ensure_open,
    event_add,
    hold,
    holder_office,
    locked,
    notify_update,
    snapshot,
    state_save,
    status_label,
)
from saduak.complaints.services.uploads_hook import attachments_store
from saduak.core.errors import Conflict, InvalidInput, PermissionDeniedError
from saduak.core.uploads.store import delete_stored_on_error

AGENCY_MAX_LENGTH = 200
# What an officer may close a complaint with; `duplicate` is a merge's,
# `withdrawn` the complainant's, `resolved` only once it is resolved.
OFFICER_OUTCOMES = frozenset(
    {Outcome.RESOLVED, Outcome.NOT_WITHIN_AUTHORITY, Outcome.NO_ACTION_POSSIBLE}
)


def _take(complaint: Complaint, officer: Any, action: Action) -> tuple[Complaint, Any]:
    """Locks the complaint, checks the officer over its holder as it is now,
    and returns it with its report state before any change."""
    current = locked(complaint)
    ensure_may(officer, action, office=current.office)
    return current, report_state(current)


def _step_record(
    complaint: Complaint,
    kind: EventKind,
    *,
    officer: Actor,
    at: Any,
    action: str,
    was: dict[str, Any],
    text: str = "",
    is_public: bool = True,
    from_office: Office | None = None,
    to_office: Office | None = None,
    data: dict[str, Any] | None = None,
    audit_extra: dict[str, Any] | None = None,
    uploads: Sequence[UploadedFile] = (),
) -> ComplaintEvent:
    """What every step of the handling writes after saving the complaint, in
    its transaction: the timeline line (with the step's files), the audit
    event (the state before and after, plus `audit_extra`), and for a public
    step the message to everyone who follows the complaint."""
    event = event_add(
        complaint,
        kind,
        by=officer,
        at=at,
        text=text,
        is_public=is_public,
        from_office=from_office,
        to_office=to_office,
        data=data,
    )
    attachments_store(
        complaint=complaint,
        event=event,
        uploads=uploads,
        uploaded_by=officer if isinstance(officer, User) else None,
    )
    audit(
        complaint,
        by=officer,
        action=action,
        before=was,
        after={**snapshot(complaint), **(audit_extra or {})},
    )
    if is_public:
        notify_update(complaint, message=text)
    return event


def complaint_accept(*, complaint: Complaint, officer: Actor) -> Complaint:
    """The holder acknowledges a received complaint (status accepted; sets
    acknowledged_at and the officer in charge when none), or takes up a
    reopened one again (in progress). COMPLAINT_HANDLE at the holder. Public
    line ACCEPTED; audit "complaint.accept"; the complainants are told."""
    with transaction.atomic():
        complaint, before = _take(complaint, officer, Action.COMPLAINT_HANDLE)
        if complaint.status not in (ComplaintStatus.RECEIVED, ComplaintStatus.REOPENED):
            raise Conflict(
                _("Complaint %(reference)s has already been accepted.")
                % {"reference": complaint.reference},
                code="already-accepted",
            )
        was = snapshot(complaint)
        now = timezone.now()
        reopened = complaint.status == ComplaintStatus.REOPENED
        acknowledge(complaint, officer, now)
        if reopened:
            complaint.status = ComplaintStatus.IN_PROGRESS
        state_save(complaint, before)
        _step_record(
            complaint,
            EventKind.ACCEPTED,
            officer=officer,
            at=now,
            action="complaint.accept",
            was=was,
        )
    return complaint


def complaint_start(*, complaint: Complaint, officer: Actor) -> Complaint:
    """Work on the complaint has started (in progress), from received (which
    acknowledges it), accepted or reopened. COMPLAINT_HANDLE at the holder.
    Public line STARTED; audit "complaint.start"; the complainants are told."""
    with transaction.atomic():
        complaint, before = _take(complaint, officer, Action.COMPLAINT_HANDLE)
        if complaint.status not in (
            ComplaintStatus.RECEIVED,
            ComplaintStatus.ACCEPTED,
            ComplaintStatus.REOPENED,
        ):
            raise Conflict(
                _("Work on complaint %(reference)s cannot start: it is %(status)s.")
                % {"reference": complaint.reference, "status": status_label(complaint)},
                code="cannot-start",
            )
        was = snapshot(complaint)
        now = timezone.now()
        acknowledge(complaint, officer, now)
        complaint.status = ComplaintStatus.IN_PROGRESS
        state_save(complaint, before)
        _step_record(
            complaint,
            EventKind.STARTED,
            officer=officer,
            at=now,
            action="complaint.start",
            was=was,
        )
    return complaint


def complaint_answer(
    *,
    complaint: Complaint,
    officer: Actor,
    text: str,
    uploads: Sequence[UploadedFile] = (),
) -> Complaint:
    """A public reply to the complainant (up to 4,000 characters, with files);
    the status stays, except that a received complaint is accepted by it.
    COMPLAINT_HANDLE at the holder; open complaints only. Public line ANSWER;
    audit "complaint.answer"; the complainants are told with the text."""
    message = clean_text(text)
    with delete_stored_on_error(), transaction.atomic():
        complaint, before = _take(complaint, officer, Action.COMPLAINT_HANDLE)
        ensure_open(complaint)
        was = snapshot(complaint)
        now = timezone.now()
        acknowledge(complaint, officer, now)
        state_save(complaint, before)
        _step_record(
            complaint,
            EventKind.ANSWER,
            officer=officer,
            at=now,
            action="complaint.answer",
            was=was,
            text=message,
            audit_extra={"length": len(message)},
            uploads=uploads,
        )
    return complaint


def complaint_note_add(
    *, complaint: Complaint, officer: Actor, text: str
) -> ComplaintEvent:
    """An internal note on the timeline (never shown to the complainant), on
    a complaint in any state. COMPLAINT_NOTE_ADD at the holder. Audit
    "complaint.note"; no message."""
    note = clean_text(text)
    with transaction.atomic():
        complaint = locked(complaint)
        ensure_may(officer, Action.COMPLAINT_NOTE_ADD, office=complaint.office)
        event = event_add(
            complaint, EventKind.NOTE, by=officer, text=note, is_public=False
        )
        audit(
            complaint,
            by=officer,
            action="complaint.note",
            after={"event": event.pk, "length": len(note)},
        )
    return event


def _is_provincial(officer: Any, complaint: Complaint) -> bool:
    """Whether the officer acts for the province (or HQ) over this complaint,
    not only for a district."""
    if not isinstance(officer, User):
        return True
    reach = action_reach(officer, Action.COMPLAINT_TRANSFER)
    return reach.everything or complaint.holder_province_code in reach.provinces


def complaint_transfer(
    *, complaint: Complaint, officer: Actor, to_district: District, reason: str
) -> Complaint:
    """Sends an open complaint to another district's holder office (the
    category's kind of office there, else its Damrongdham center), with a
    reason. District staff transfer within their own province only;
    provincial staff and HQ anywhere (PermissionDeniedError with that
    reason). COMPLAINT_TRANSFER at the holder. The clock restarts at the new
    holder: status received, to be acknowledged again, escalation cleared.
    Public line TRANSFERRED; audit "complaint.transfer" (offices before and
    after); the complainants are told."""
    why = clean_text(reason, field="reason")
    with transaction.atomic():
        complaint, before = _take(complaint, officer, Action.COMPLAINT_TRANSFER)
        ensure_open(complaint)
        if to_district.code == complaint.holder_district_code:
            raise InvalidInput(
                _("The complaint is already held in %(district)s.")
                % {"district": to_district.name},
                field="to_district",
            )
        if not to_district.is_active:
            raise InvalidInput(
                _("%(district)s is no longer a district.")
                % {"district": to_district.name},
                field="to_district",
            )
        if (
            not _is_provincial(officer, complaint)
            and to_district.province_id != complaint.holder_province_code
        ):
            raise PermissionDeniedError(
                _(
                    "District staff transfer complaints within their own province "
                    "only. Ask the provincial office to send it to another province."
                )
            )
        target = holder_office(complaint.category, to_district)
        was = snapshot(complaint)
        source = complaint.office
        now = timezone.now()
        hold(complaint, target)
        complaint.status = ComplaintStatus.RECEIVED
        complaint.acknowledged_at = None
        complaint.assigned_to = None
        complaint.forwarded_to = ""
        clock_start(complaint, timezone.localdate(now))
        state_save(complaint, before)
        _step_record(
            complaint,
            EventKind.TRANSFERRED,
            officer=officer,
            at=now,
            action="complaint.transfer",
            was=was,
            text=why,
            from_office=source,
            to_office=target,
            audit_extra={"reason": why},
        )
    return complaint


def complaint_take_over(
    *, complaint: Complaint, officer: Actor, reason: str
) -> Complaint:
    """The province takes an open complaint of one of its districts: its
    provincial office becomes the holder, with a reason; the status and the
    clock stay. COMPLAINT_TAKE_OVER (provincial staff, HQ) at the holder.
    Public line TAKEN_OVER; audit "complaint.take_over"; the complainants
    are told."""
    why = clean_text(reason, field="reason")
    with transaction.atomic():
        complaint, before = _take(complaint, officer, Action.COMPLAINT_TAKE_OVER)
        ensure_open(complaint)
        province = complaint.holder_province_code or complaint.province_id
        target = Office.objects.filter(
            kind=OfficeKind.PROVINCIAL_OFFICE, province_id=province, is_active=True
        ).first()
        if target is None:
            raise Conflict(
                _("This province has no provincial office to take it over."),
                code="no-provincial-office",
            )
        if complaint.office_id == target.pk:
            raise Conflict(
                _("The province already holds complaint %(reference)s.")
                % {"reference": complaint.reference},
                code="already-taken-over",
            )
        was = snapshot(complaint)
        source = complaint.office
        now = timezone.now()
        hold(complaint, target)
        complaint.assigned_to = officer if isinstance(officer, User) else None
        state_save(complaint, before)
        _step_record(
            complaint,
            EventKind.TAKEN_OVER,
            officer=officer,
            at=now,
            action="complaint.take_over",
            was=was,
            text=why,
            from_office=source,
            to_office=target,
            audit_extra={"reason": why},
        )
    return complaint


def complaint_forward(
    *, complaint: Complaint, officer: Actor, agency: str, text: str
) -> Complaint:
    """Sends an open complaint to an outside agency (its name, and what was
    asked of it: public text) and waits for its answer: status forwarded.
    When the complainant did not allow it (`show_name` false) their name is
    not passed on: the text sent is the officer's own. COMPLAINT_HANDLE at
    the holder. Public line FORWARDED; audit "complaint.forward"; the
    complainants are told."""
    name = " ".join((agency or "").split())
    if not name:
        raise InvalidInput(_("Name the agency."), field="agency")
    if len(name) > AGENCY_MAX_LENGTH:
        raise InvalidInput(
            _("The agency's name is at most %(limit)s characters.")
            % {"limit": AGENCY_MAX_LENGTH},
            field="agency",
        )
    message = clean_text(text)
    with transaction.atomic():
        complaint, before = _take(complaint, officer, Action.COMPLAINT_HANDLE)
        ensure_open(complaint)
        was = snapshot(complaint)
        now = timezone.now()
        acknowledge(complaint, officer, now)
        complaint.status = ComplaintStatus.FORWARDED
        complaint.forwarded_to = name
        state_save(complaint, before)
        _step_record(
            complaint,
            EventKind.FORWARDED,
            officer=officer,
            at=now,
            action="complaint.forward",
            was=was,
            text=message,
            data={"agency": name},
            audit_extra={"agency": name},
        )
    return complaint


def complaint_agency_answer(
    *, complaint: Complaint, officer: Actor, text: str, public: bool
) -> Complaint:
    """Records the outside agency's answer to a forwarded complaint (shown to
    the complainant when `public`); the complaint is in progress again.
    COMPLAINT_HANDLE at the holder. Line AGENCY_ANSWER; audit
    "complaint.agency_answer"; the complainants are told when public."""
    message = clean_text(text)
    with transaction.atomic():
        complaint, before = _take(complaint, officer, Action.COMPLAINT_HANDLE)
        if complaint.status != ComplaintStatus.FORWARDED:
            raise Conflict(
                _("Complaint %(reference)s is not waiting for another agency.")
                % {"reference": complaint.reference},
                code="not-forwarded",
            )
        was = snapshot(complaint)
        now = timezone.now()
        complaint.status = ComplaintStatus.IN_PROGRESS
        state_save(complaint, before)
        _step_record(
            complaint,
            EventKind.AGENCY_ANSWER,
            officer=officer,
            at=now,
            action="complaint.agency_answer",
            was=was,
            text=message,
            is_public=public,
            data={"agency": complaint.forwarded_to},
            audit_extra={"public": public},
        )
    return complaint


def complaint_resolve(
    *,
    complaint: Complaint,
    officer: Actor,
    text: str,
    uploads: Sequence[UploadedFile] = (),
) -> Complaint:
    """The problem is dealt with: a public answer saying how (required, with
    files), status resolved, resolved_at set (acknowledging it too if it was
    not). It closes as resolved when the complainant confirms, when an
    officer closes it, or by itself 7 days later (the escalation job).
    COMPLAINT_HANDLE at the holder; open complaints only. Public line
    RESOLVED; audit "complaint.resolve"; the complainants are told."""
    message = clean_text(text)
    with delete_stored_on_error(), transaction.atomic():
        complaint, before = _take(complaint, officer, Action.COMPLAINT_HANDLE)
        ensure_open(complaint)
        was = snapshot(complaint)
        now = timezone.now()
        acknowledge(complaint, officer, now)
        complaint.status = ComplaintStatus.RESOLVED
        complaint.resolved_at = now
        state_save(complaint, before)
        _step_record(
            complaint,
            EventKind.RESOLVED,
            officer=officer,
            at=now,
            action="complaint.resolve",
            was=was,
            text=message,
            uploads=uploads,
        )
    return complaint


def complaint_close(
    *, complaint: Complaint, officer: Actor, outcome: Outcome, text: str
) -> Complaint:
    """Closes a complaint with an outcome and a public reason: from any open
    state as not within authority or no action possible; a resolved one as
    resolved. (Duplicates close by `complaint_merge`, withdrawals by the
    complainant.) COMPLAINT_HANDLE at the holder. Public line CLOSED; audit
    "complaint.close"; the complainants are told."""
    if outcome not in OFFICER_OUTCOMES:
        raise InvalidInput(
            _(
                "Close with one of: resolved, not within our authority, no action possible."
            ),
            field="outcome",
        )
    message = clean_text(text)
    with transaction.atomic():
        complaint, before = _take(complaint, officer, Action.COMPLAINT_HANDLE)
        if outcome == Outcome.RESOLVED:
            if complaint.status != ComplaintStatus.RESOLVED:
                raise Conflict(
                    _("Resolve the complaint first, with an answer saying how."),
                    code="not-resolved",
                )
        else:
            ensure_open(complaint)
        was = snapshot(complaint)
        now = timezone.now()
        complaint.status = ComplaintStatus.CLOSED
        complaint.outcome = outcome
        complaint.closed_at = now
        state_save(complaint, before)
        _step_record(
            complaint,
            EventKind.CLOSED,
            officer=officer,
            at=now,
            action="complaint.close",
            was=was,
            text=message,
            data={"outcome": str(outcome)},
        )
    return complaint


def complaint_merge(
    *, duplicate: Complaint, into: Complaint, officer: Actor
) -> Complaint:
    """Merges `duplicate` into `into`: both open, not the same, `into` not
    itself merged; the officer must handle both (COMPLAINT_HANDLE at each
    holder). The duplicate closes with outcome duplicate and `merged_into`;
    from now on its complainant follows `into` (told of each of its public
    answers; the duplicate's tracking page shows `into`'s public timeline).
    Locks both (in id order). Lines MERGED (duplicate) and ABSORBED (into);
    audit "complaint.merge"; the duplicate's complainant is told. Returns
    `into`."""
    if duplicate.pk == into.pk:
        raise InvalidInput(_("A complaint cannot be merged into itself."), field="into")
    with transaction.atomic():
        first, second = sorted((duplicate, into), key=lambda item: item.pk)
        locked_first, locked_second = locked(first), locked(second)
        by_pk = {locked_first.pk: locked_first, locked_second.pk: locked_second}
        duplicate, into = by_pk[duplicate.pk], by_pk[into.pk]
        ensure_may(officer, Action.COMPLAINT_HANDLE, office=duplicate.office)
        ensure_may(officer, Action.COMPLAINT_HANDLE, office=into.office)
        ensure_open(duplicate)
        ensure_open(into)
        if into.merged_into_id is not None:
            raise Conflict(
                _("Complaint %(reference)s has itself been merged.")
                % {"reference": into.reference},
                code="merged",
            )
        before = report_state(duplicate)
        was = snapshot(duplicate)
        now = timezone.now()
        duplicate.status = ComplaintStatus.CLOSED
        duplicate.outcome = Outcome.DUPLICATE
        duplicate.closed_at = now
        duplicate.merged_into = into
        state_save(duplicate, before)
        message = _(
            "This complaint is being followed together with complaint %(reference)s."
        ) % {"reference": into.reference}
        event_add(
            duplicate,
            EventKind.MERGED,
            by=officer,
            at=now,
            text=message,
            to_office=into.office,
            data={"into": into.reference},
        )
        event_add(
            into,
            EventKind.ABSORBED,
            by=officer,
            at=now,
            is_public=False,
            data={"duplicate": duplicate.reference},
        )
        audit(
            duplicate,
            by=officer,
            action="complaint.merge",
            before=was,
            after={**snapshot(duplicate), "into": into.reference},
        )
        # Its complainant, and those of complaints merged into it before,
        # now follow the survivor: each is told on its own tracking link.
        notify_update(duplicate, message=message)
    return into
