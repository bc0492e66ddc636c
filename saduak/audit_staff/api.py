from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from saduak.accounts.api_auth import STAFF_OR_MACHINE
from saduak.accounts.permissions import acting_user
from saduak.accounts.scoping import is_staff_member
from saduak.audit.models import AuditEvent
from saduak.audit.sequencer import seal_on_demand
from saduak.audit_staff import selectors
from saduak.audit_staff.schemas import AuditEventOut
from saduak.core.pagination import ApiPagination

router = Router(auth=STAFF_OR_MACHINE)


def _require_staff(request: HttpRequest) -> None:
    if not is_staff_member(request.user):  # type: ignore[arg-type]
        raise PermissionDenied(_("Only staff may read audit events."))


@router.get("/events", response=list[AuditEventOut])
@paginate(ApiPagination)
def list_events(
    request: HttpRequest,
    action: str = Query("", max_length=100),
    target_type: str = Query("", max_length=100),
    target_id: str = Query("", max_length=64),
    since: date | None = None,
    until: date | None = None,
) -> list[AuditEvent]:
    _require_staff(request)
    seal_on_demand()  # where no scheduler runs, reading the log seals it
    return selectors.audit_events_visible_to(  # type: ignore[return-value]
        user=acting_user(request),
        action=action,
        target_type=target_type,
        target_id=target_id,
        since=since,
        until=until,
    )


@router.get("/events/{sequence}", response=AuditEventOut)
def get_event(request: HttpRequest, sequence: int) -> AuditEvent:
    _require_staff(request)
    return selectors.audit_event_get(user=acting_user(request), sequence=sequence)  # type: ignore[arg-type]
