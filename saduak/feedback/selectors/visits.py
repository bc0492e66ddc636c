"""The served visit behind a verified vote: a walk-in ticket's own page (the
appointments app's `/q/<token>/`) links to `/v/served/<token>/`, and the vote is
taken only for a ticket served at its office today. The token is the ticket's
own random secret, known to whoever holds the ticket; the office, the day and
the state come from the ticket's row, never from the address."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from saduak.appointments.choices import TicketStatus
from saduak.appointments.models import Ticket
from saduak.areas.models import Office
from saduak.core.errors import Conflict, NotFound


@dataclass(frozen=True)
class ServedVisit:
    ticket_id: int
    citizen_id: int | None
    office: Office
    counter_number: int | None
    service_code: str


def served_visit(token: str, *, today: date) -> ServedVisit:
    """The ticket of `token` when it was served today at an office that takes
    votes. Raises NotFound for an unknown ticket or an office that takes no
    votes, Conflict (with what to do instead) for one not served yet or
    served another day."""
    ticket = (
        Ticket.objects.select_related(
            "office__district", "office__province", "counter", "office_service__service"
        )
        .filter(token=token[:64])
        .first()
    )
    if ticket is None:
        raise NotFound(
            _("There is no such ticket. Open the vote from your ticket's page.")
        )
    if not ticket.office.is_active:
        raise NotFound(_("This office no longer takes votes."))
    if ticket.day != today:
        raise Conflict(
            _(
                "A ticket's vote is open on the day it was served. Scan the "
                "office's QR code to vote today."
            ),
            code="ticket-not-today",
        )
    if ticket.status != TicketStatus.COMPLETED:
        raise Conflict(
            _(
                "You can vote from your ticket once you have been served. Keep "
                "the ticket's page open."
            ),
            code="ticket-not-served",
        )
    return ServedVisit(
        ticket_id=ticket.pk,
        citizen_id=ticket.citizen_id,
        office=ticket.office,
        counter_number=(
            ticket.counter.number
            if ticket.counter is not None and ticket.counter.is_active
            else None
        ),
        service_code=ticket.office_service.service.code,
    )
