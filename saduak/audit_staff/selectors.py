"""Reading audit events within a staff member's reach."""

from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.audit.models import AuditEvent
from saduak.core.errors import NotFound


def audit_events_visible_to(
    *,
    user: User,
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    """Events tied to an office, district or province the user reaches. Events with
    no place (for example a map load) are seen only by those who reach everything."""
    reach = read_reach(user)
    queryset = AuditEvent.objects.filter(
        reach.q(office="office_id", district="district_code", province="province_code")
    )
    if action:
        queryset = queryset.filter(action__startswith=action)
    if target_type:
        queryset = queryset.filter(target_type=target_type)
    if target_id:
        queryset = queryset.filter(target_id=target_id)
    if since:
        queryset = queryset.filter(occurred_at__date__gte=since)
    if until:
        queryset = queryset.filter(occurred_at__date__lte=until)
    # Newest first by row id: unsealed events have no sequence yet.
    return queryset.order_by("-id")


def audit_event_get(*, user: User, sequence: int) -> AuditEvent:
    event = audit_events_visible_to(user=user).filter(sequence=sequence).first()
    if event is None:
        raise NotFound(
            _("There is no audit event %(sequence)s that you may see.")
            % {"sequence": sequence}
        )
    return event


def audit_event_by_id(*, user: User, pk: int) -> AuditEvent:
    """An event by row id, sealed or not (unsealed events have no sequence yet)."""
    event = audit_events_visible_to(user=user).filter(pk=pk).first()
    if event is None:
        raise NotFound(
            _("There is no audit event %(sequence)s that you may see.")
            % {"sequence": pk}
        )
    return event
