"""The escalation job (`complaints_escalate`: beat every 15 minutes, and the
command of the same name).

- An open complaint past `acknowledge_due` still unacknowledged (received),
  or past `resolve_due` unresolved, becomes overdue and escalates to the
  province; past `hq_escalation_due`, to HQ. Each step happens once: an
  internal timeline line, an audit event "complaint.escalate" (actor
  "task:complaints_escalate"), and "complaint.escalated" messages to the
  officer in charge (or, with none, the staff of the holder office who
  handle complaints) and their supervisors: the district administrators of
  the holder's district and the province's provincial staff for the
  province step, the HQ administrators for the HQ step. Overdue moves the
  open rollup.
- A complaint resolved 7 or more days ago closes as resolved (public line
  CLOSED, audit "complaint.close", the complainants are told).

Each complaint is changed in its own short transaction under its row lock,
checked again once locked, so a run racing an officer's action (or another
run) never steps twice. "Past" a due date means the local date is after it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from saduak.accounts.choices import Role
from saduak.accounts.matrix import COMPLAINT_HANDLERS
from saduak.accounts.models import StaffRole, User
from saduak.complaints.choices import (
    OPEN_STATUSES,
    ComplaintStatus,
    Escalation,
    EventKind,
    Outcome,
)
from saduak.complaints.links import staff_url
from saduak.complaints.models import Complaint
from saduak.complaints.notices import COMPLAINT_ESCALATED
from saduak.complaints.report_rollups import report_state
from saduak.complaints.services.common import (
    audit,
    event_add,
    locked,
    notify_update,
    snapshot,
    state_save,
)
from saduak.notifications.services import notification_notify_user

ACTOR = "task:complaints_escalate"
AUTO_CLOSE_DAYS = 7
BATCH = 500


@dataclass
class EscalationRun:
    """What one run did."""

    to_province: int = 0
    to_hq: int = 0
    closed: int = 0


def _province_due(today: Any) -> Q:
    return Q(status__in=OPEN_STATUSES, escalation=Escalation.NONE) & (
        Q(status=ComplaintStatus.RECEIVED, acknowledge_due__lt=today)
        | Q(resolve_due__lt=today)
    )


def _hq_due(today: Any) -> Q:
    return Q(
        status__in=OPEN_STATUSES,
        escalation__lt=Escalation.HQ,
        hq_escalation_due__lt=today,
    )


def _batches(condition: Q) -> Any:
    """Ids of the complaints matching `condition`, a batch at a time; each
    batch is handled before the next is read (a handled complaint no longer
    matches)."""
    seen: set[int] = set()
    while True:
        ids = list(
            Complaint.objects.filter(condition)
            .exclude(pk__in=seen)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return
        seen.update(ids)
        yield ids


def _staff(roles: set[Role], where: Q) -> list[User]:
    return list(
        User.objects.filter(
            pk__in=StaffRole.objects.filter(
                where, role__in=roles, is_active=True, office__is_active=True
            ).values("user_id"),
            is_active=True,
        ).order_by("pk")
    )


def _recipients(complaint: Complaint, level: int) -> list[User]:
    """The officer in charge (or the holder office's handlers), and their
    supervisors for the step."""
    people: list[User] = []
    if complaint.assigned_to is not None and complaint.assigned_to.is_active:
        people.append(complaint.assigned_to)
    else:
        people.extend(_staff(set(COMPLAINT_HANDLERS), Q(office=complaint.office)))
    if level == Escalation.PROVINCE:
        if complaint.holder_district_code:
            people.extend(
                _staff(
                    {Role.DISTRICT_ADMIN},
                    Q(office__district_id=complaint.holder_district_code),
                )
            )
        people.extend(
            _staff(
                {Role.PROVINCIAL_STAFF},
                Q(
                    office__province_id=complaint.holder_province_code,
                    office__district__isnull=True,
                ),
            )
        )
    else:
        people.extend(_staff({Role.HQ_ADMIN}, Q()))
    unique: dict[int, User] = {}
    for person in people:
        unique.setdefault(person.pk, person)
    return list(unique.values())


def _tell_staff(complaint: Complaint, level: int) -> None:
    for person in _recipients(complaint, level):
        with override(person.preferred_language or "th"):
            context = {
                "reference": complaint.reference,
                "category": complaint.category.name,
                "office": complaint.office.name,
                "level": str(Escalation(level).label),
                "url": staff_url(complaint.reference),
            }
        notification_notify_user(
            user=person, template_key=COMPLAINT_ESCALATED.key, context=context
        )


def _step(pk: int, level: int, now: datetime) -> bool:
    """Escalates one complaint to `level` if it is still due; whether it did."""
    today = timezone.localdate(now)
    with transaction.atomic():
        complaint = locked(Complaint(pk=pk))
        due = _province_due(today) if level == Escalation.PROVINCE else _hq_due(today)
        if not Complaint.objects.filter(due, pk=pk).exists():
            return False
        before = report_state(complaint)
        was = snapshot(complaint)
        unacknowledged = (
            complaint.status == ComplaintStatus.RECEIVED
            and complaint.acknowledge_due < today
        )
        complaint.is_overdue = True
        complaint.escalation = level
        complaint.escalated_at = now
        state_save(complaint, before)
        if level == Escalation.HQ:
            why = _(
                "Past the target to resolve and the further days before HQ is told."
            )
        elif unacknowledged:
            why = _("Not acknowledged by the target date.")
        else:
            why = _("Not resolved by the target date.")
        event_add(
            complaint,
            EventKind.ESCALATED,
            by=ACTOR,
            label="system",
            at=now,
            text=why,
            is_public=False,
            data={"level": level},
        )
        audit(
            complaint,
            by=ACTOR,
            action="complaint.escalate",
            before=was,
            after=snapshot(complaint),
        )
        _tell_staff(complaint, level)
    return True


def _close_resolved(pk: int, now: datetime) -> bool:
    with transaction.atomic():
        complaint = locked(Complaint(pk=pk))
        if (
            complaint.status != ComplaintStatus.RESOLVED
            or complaint.resolved_at is None
            or complaint.resolved_at > now - timedelta(days=AUTO_CLOSE_DAYS)
        ):
            return False
        before = report_state(complaint)
        was = snapshot(complaint)
        complaint.status = ComplaintStatus.CLOSED
        complaint.outcome = Outcome.RESOLVED
        complaint.closed_at = now
        state_save(complaint, before)
        event_add(
            complaint,
            EventKind.CLOSED,
            by=ACTOR,
            label="system",
            at=now,
            text=_("Closed as resolved %(days)s days after the answer.")
            % {"days": AUTO_CLOSE_DAYS},
            data={"outcome": str(Outcome.RESOLVED), "automatic": True},
        )
        audit(
            complaint,
            by=ACTOR,
            action="complaint.close",
            before=was,
            after={**snapshot(complaint), "automatic": True},
        )
        notify_update(complaint)
    return True


def complaints_escalate(*, now: datetime | None = None) -> EscalationRun:
    """Runs the escalation steps and the automatic closing as of `now`
    (default: the current time); returns how many of each it did."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    run = EscalationRun()
    for ids in _batches(_province_due(today)):
        run.to_province += sum(_step(pk, Escalation.PROVINCE, now) for pk in ids)
    for ids in _batches(_hq_due(today)):
        run.to_hq += sum(_step(pk, Escalation.HQ, now) for pk in ids)
    resolved = Q(
        status=ComplaintStatus.RESOLVED,
        resolved_at__lte=now - timedelta(days=AUTO_CLOSE_DAYS),
    )
    for ids in _batches(resolved):
        run.closed += sum(_close_resolved(pk, now) for pk in ids)
    return run
