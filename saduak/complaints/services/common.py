"""What the complaint services share: locking, the timeline line, the audit
event, telling the complainants, the holder office and the clock."""

import hmac
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.areas.choices import OfficeKind
from saduak.areas.models import District, Office
from saduak.areas.working_days import add_working_days_each
from saduak.audit.services import audit_record
from saduak.complaints.choices import Channel, ComplaintStatus, EventKind
from saduak.complaints.links import tracking_url
from saduak.complaints.models import (
    DESCRIPTION_MAX_LENGTH,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
)
from saduak.complaints.notices import COMPLAINT_UPDATED
from saduak.complaints.report_rollups import report_rollups_move
from saduak.complaints.selectors.complaints import complaint_recipients
from saduak.core.errors import Conflict, InvalidInput
from saduak.notifications.choices import NotificationChannel
from saduak.notifications.services import (
    notification_notify_address,
    notification_notify_user,
)

# The fields a change of state saves (with updated_at).
STATE_FIELDS = [
    "status",
    "outcome",
    "office",
    "holder_district_code",
    "holder_province_code",
    "assigned_to",
    "forwarded_to",
    "escalation",
    "is_overdue",
    "acknowledge_due",
    "resolve_due",
    "hq_escalation_due",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "escalated_at",
    "reopened_at",
    "reopen_count",
    "rating",
    "rating_comment",
    "rated_at",
    "merged_into",
    "updated_at",
]
TEXT_MAX_LENGTH = DESCRIPTION_MAX_LENGTH
REASON_MAX_LENGTH = 1000


def locked(complaint: Complaint) -> Complaint:
    """The complaint read again under a row lock (until the transaction ends)."""
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("office", "category", "complainant")
        .get(pk=complaint.pk)
    )


def clean_text(
    text: str,
    *,
    field: str = "text",
    required: bool = True,
    limit: int = TEXT_MAX_LENGTH,
) -> str:
    """Text as stored: stripped, at most `limit` characters, not empty when
    required."""
    cleaned = (text or "").strip()
    if required and not cleaned:
        raise InvalidInput(_("Write something here."), field=field)
    if len(cleaned) > limit:
        raise InvalidInput(
            _("This is %(length)s characters long; the limit is %(limit)s.")
            % {"length": f"{len(cleaned):,}", "limit": f"{limit:,}"},
            field=field,
        )
    return cleaned


def event_add(
    complaint: Complaint,
    kind: EventKind,
    *,
    by: Any = None,
    label: str = "",
    text: str = "",
    is_public: bool = True,
    at: datetime | None = None,
    from_office: Office | None = None,
    to_office: Office | None = None,
    data: dict[str, Any] | None = None,
) -> ComplaintEvent:
    """One line of the timeline; `by` is a User or a label string."""
    person = by if isinstance(by, User) else None
    return ComplaintEvent.objects.create(
        complaint=complaint,
        at=at or timezone.now(),
        kind=kind,
        actor=person,
        actor_label=label or ("" if person is not None else str(by or "system"))[:100],
        is_public=is_public,
        text=text,
        from_office=from_office,
        to_office=to_office,
        status_after=complaint.status,
        data=data or {},
    )


def snapshot(complaint: Complaint) -> dict[str, Any]:
    """What an audit event records of a complaint: its handling, never the
    complainant's contact details."""
    return {
        "status": complaint.status,
        "outcome": complaint.outcome,
        "office": complaint.office.code,
        "escalation": complaint.escalation,
        "is_overdue": complaint.is_overdue,
        "assigned_to": complaint.assigned_to_id,
    }


def audit(
    complaint: Complaint,
    *,
    by: Any,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=by,
        action=action,
        target=complaint,
        before=before,
        after=after,
        office=complaint.office,
    )


def notify_complainant(
    complaint: Complaint, *, template_key: str, context: dict[str, Any]
) -> None:
    """Tells the complaint's own complainant: a signed-in one on their own
    channels; someone known by an address on the channel they came from (LINE
    for the LINE channel, else SMS, else e-mail)."""
    if complaint.complainant_id is not None:
        user = complaint.complainant
        assert user is not None
        notification_notify_user(user=user, template_key=template_key, context=context)
        return
    address = ""
    channel = ""
    if complaint.channel == Channel.LINE and complaint.line_user_id:
        address, channel = complaint.line_user_id, NotificationChannel.LINE
    elif complaint.contact_phone:
        address, channel = complaint.contact_phone, NotificationChannel.SMS
    elif complaint.contact_email:
        address, channel = complaint.contact_email, NotificationChannel.EMAIL
    elif complaint.line_user_id:
        address, channel = complaint.line_user_id, NotificationChannel.LINE
    if address:
        notification_notify_address(
            address=address,
            channel=channel,
            template_key=template_key,
            context=context,
            language=complaint.language,
        )


def status_label(complaint: Complaint, language: str = "") -> str:
    """The complaint's status (with its outcome once closed) in `language`
    (default: the language it was filed in)."""
    with translation.override(language or complaint.language or "th"):
        if complaint.status == ComplaintStatus.CLOSED and complaint.outcome:
            return (
                f"{complaint.get_status_display()}: {complaint.get_outcome_display()}"
            )
        return str(complaint.get_status_display())


def notify_update(complaint: Complaint, *, message: str = "") -> None:
    """Tells everyone who follows the complaint (its complainant and those of
    the complaints merged into it) of a public answer or a change of state."""
    for follower in complaint_recipients(complaint=complaint):
        person = follower.complainant
        language = (person.preferred_language if person is not None else "") or (
            follower.language
        )
        notify_complainant(
            follower,
            template_key=COMPLAINT_UPDATED.key,
            context={
                "reference": follower.reference,
                "status": status_label(complaint, language),
                "message": message,
                "url": tracking_url(follower.tracking_token),
            },
        )


def holder_office(category: ComplaintCategory, district: District) -> Office:
    """The office that holds a complaint of `category` in `district`: the
    active office of the category's kind there, else the district's
    Damrongdham center."""
    offices = {
        office.kind: office
        for office in Office.objects.filter(
            Q(kind=category.handling_office_kind)
            | Q(kind=OfficeKind.DAMRONGDHAM_CENTER),
            district=district,
            is_active=True,
        ).order_by("-pk")
    }
    office = offices.get(category.handling_office_kind) or offices.get(
        OfficeKind.DAMRONGDHAM_CENTER
    )
    if office is None:
        raise InvalidInput(
            _("No office in %(district)s takes complaints yet.")
            % {"district": district.name},
            field="location",
        )
    return office


def hold(complaint: Complaint, office: Office) -> None:
    """Makes `office` the holder (with its district and province codes)."""
    complaint.office = office
    complaint.holder_district_code = office.district_id or ""
    complaint.holder_province_code = office.province_id or ""


def clock_start(complaint: Complaint, start: date, *, acknowledge: bool = True) -> None:
    """Sets the targets from `start` (a local date) in working days of the
    holder: to acknowledge (unless `acknowledge` is False), to resolve, and
    when HQ is told. Escalation starts again."""
    category = complaint.category
    office = complaint.office
    acknowledge_due, resolve_due, hq_due = add_working_days_each(
        start,
        (
            category.acknowledge_days,
            category.resolve_days,
            category.resolve_days + category.hq_escalation_days,
        ),
        office=office,
    )
    if acknowledge:
        complaint.acknowledge_due = acknowledge_due
    complaint.resolve_due = resolve_due
    complaint.hq_escalation_due = hq_due
    complaint.escalation = 0
    complaint.is_overdue = False
    complaint.escalated_at = None


def acknowledge(complaint: Complaint, by: Any, now: datetime) -> None:
    """The holder has seen it: a received complaint becomes accepted."""
    if complaint.acknowledged_at is None:
        complaint.acknowledged_at = now
    if complaint.status == ComplaintStatus.RECEIVED:
        complaint.status = ComplaintStatus.ACCEPTED
    if complaint.assigned_to_id is None and isinstance(by, User):
        complaint.assigned_to = by


def ensure_open(complaint: Complaint) -> None:
    if not complaint.is_open:
        raise Conflict(
            _("Complaint %(reference)s is %(status)s; it can no longer be handled.")
            % {
                "reference": complaint.reference,
                "status": status_label(complaint),
            },
            code="complaint-not-open",
        )


def state_save(complaint: Complaint, before: Any) -> None:
    """Saves a change of the complaint's state and moves the report rollups by
    the difference from `before` (its `report_state` taken after locking)."""
    complaint.save(update_fields=STATE_FIELDS)
    report_rollups_move(before, complaint)


def is_complainant(
    complaint: Complaint, citizen: User | None, tracking_token: str
) -> bool:
    """Whether whoever asks filed the complaint: its signed-in complainant, or
    the holder of its tracking link (compared in constant time)."""
    if (
        citizen is not None
        and citizen.is_authenticated
        and complaint.complainant_id is not None
        and complaint.complainant_id == citizen.pk
    ):
        return True
    token = (tracking_token or "").strip()
    return bool(token) and hmac.compare_digest(
        token.encode(), complaint.tracking_token.encode()
    )
