"""Reading the queue: the "now serving" board, a ticket's place, a counter's
work."""

from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.appointments.choices import TicketStatus
from saduak.appointments.models import OfficeService, Ticket
from saduak.appointments.selectors.catalogue import queue_settings_for
from saduak.appointments.services.queue import board_cache_key, order_key
from saduak.areas.models import Counter, Office
from saduak.core.errors import NotFound

BOARD_SIZE = 8
# The board is read by every screen in the office every second; it is rebuilt
# when a ticket changes (the services delete the key) or after this at most.
BOARD_SECONDS = 30


@dataclass(frozen=True)
class BoardEntry:
    ticket: str
    counter: str
    counter_number: int
    announced_at: str


@dataclass
class Board:
    serving: list[BoardEntry] = field(default_factory=list)
    waiting: dict[str, int] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """Changes whenever a ticket is called or called again: the display
        plays its sound when this changes."""
        return self.serving[0].announced_at if self.serving else ""


def now_serving(office: Office) -> Board:
    """The latest calls (newest first) and how many wait per group, today."""
    key = board_cache_key(office.pk)
    board: Board | None = cache.get(key)
    if board is None:
        board = _build_board(office)
        cache.set(key, board, BOARD_SECONDS)
    return board


def _build_board(office: Office) -> Board:
    today = timezone.localdate()
    called = (
        Ticket.objects.filter(office=office, day=today, status=TicketStatus.CALLED)
        .select_related("counter")
        .order_by("-announced_at")[:BOARD_SIZE]
    )
    waiting = (
        Ticket.objects.filter(office=office, day=today, status=TicketStatus.WAITING)
        .values("group")
        .annotate(count=Count("id"))
        .order_by("group")
    )
    return Board(
        serving=[
            BoardEntry(
                ticket=ticket.label,
                counter=str(ticket.counter) if ticket.counter else "",
                counter_number=ticket.counter.number if ticket.counter else 0,
                announced_at=ticket.announced_at.isoformat()
                if ticket.announced_at
                else "",
            )
            for ticket in called
        ],
        waiting={row["group"]: row["count"] for row in waiting},
    )


def ticket_by_token(token: str) -> Ticket:
    ticket = (
        Ticket.objects.select_related("office", "office_service__service", "counter")
        .filter(token=token)
        .first()
    )
    if ticket is None:
        raise NotFound(_("There is no such ticket. Tickets are for one day only."))
    return ticket


def current_ticket(ticket: Ticket) -> Ticket:
    """The ticket a transfer led to, if any."""
    while ticket.transferred_to_id:
        ticket = Ticket.objects.select_related(
            "office", "office_service__service", "counter"
        ).get(pk=ticket.transferred_to_id)
    return ticket


def people_ahead(ticket: Ticket) -> int:
    """About how many will be called before this waiting ticket, in the office's
    order, among tickets of the same services' counters."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    settings = queue_settings_for(ticket.office)
    waiting = Ticket.objects.filter(
        office_id=ticket.office_id,
        day=ticket.day,
        group=ticket.group,
        status=TicketStatus.WAITING,
    ).only("priority", "kind", "queued_at", "number")
    mine = order_key(ticket, settings, prefer_appointment=True)
    return sum(
        1
        for other in waiting
        if other.pk != ticket.pk
        and order_key(other, settings, prefer_appointment=True) < mine
    )


def estimated_wait_minutes(ticket: Ticket, ahead: int) -> int:
    """People ahead times the service's processing time, shared by the counters
    that serve it."""
    counters = max(1, ticket.office_service.counters.filter(is_active=True).count())
    return round(ahead * ticket.office_service.service.processing_minutes / counters)


@dataclass(frozen=True)
class CounterView:
    counter: Counter
    current: Ticket | None
    waiting: list[dict[str, Any]]
    transfer_to: list[OfficeService]


def counter_view(counter: Counter) -> CounterView:
    today = timezone.localdate()
    services = list(
        OfficeService.objects.filter(counters=counter, is_active=True).select_related(
            "service"
        )
    )
    current = (
        Ticket.objects.filter(counter=counter, day=today, status=TicketStatus.CALLED)
        .select_related("office_service__service", "booking")
        .order_by("-called_at")
        .first()
    )
    counts = dict(
        Ticket.objects.filter(
            office_service__in=services, day=today, status=TicketStatus.WAITING
        )
        .values_list("office_service_id")
        .annotate(count=Count("id"))
    )
    waiting = [
        {"service": offered.service, "count": counts.get(offered.pk, 0)}
        for offered in services
    ]
    transfer_to = list(
        OfficeService.objects.filter(office_id=counter.office_id, is_active=True)
        .exclude(
            pk__in=[s.pk for s in services]
            if current is None
            else [current.office_service_id]
        )
        .select_related("service")
    )
    return CounterView(counter, current, waiting, transfer_to)


def counter_for(*, viewer: User, office_code: str, number: int) -> Counter:
    """Counter `number` of an office, addressed as its staff know it (office
    code and the number on the counter, never a row id). Its tickets are
    private: a counter of an office the viewer cannot read is not found."""
    counter = (
        Counter.objects.select_related("office")
        .filter(office__code=office_code, number=number)
        .first()
    )
    if counter is None or not read_reach(viewer).covers_office(counter.office):
        raise NotFound(_("There is no such counter."))
    return counter
