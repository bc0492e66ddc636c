"""Offices of the small map and a way to cast votes as distinct voters."""

from collections.abc import Callable
from datetime import date, datetime
from itertools import count
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from saduak.areas.models import Office
from saduak.feedback.choices import VoteChannel
from saduak.feedback.keys import Voter
from saduak.feedback.services.votes import VoteOutcome, vote_cast

if TYPE_CHECKING:
    from saduak.appointments.models import Ticket

BANGKOK = ZoneInfo("Asia/Bangkok")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=BANGKOK)

_voters = count(1)


@pytest.fixture
def office(small_map: None) -> Office:
    return Office.objects.get(code="reg-5001")


@pytest.fixture
def other_office(small_map: None) -> Office:
    return Office.objects.get(code="do-5002")


def voter(name: str = "", *, source: str = "") -> Voter:
    name = name or f"voter-{next(_voters)}"
    return Voter(
        key=f"key-{name}", source=source or f"net-{name}", channel=VoteChannel.QR
    )


def verified_voter(name: str = "", *, source: str = "") -> Voter:
    """A LINE user: a verified voter, never held nor limited by network."""
    name = name or f"line-{next(_voters)}"
    return Voter(
        key=f"key-{name}", source=source or "carrier", channel=VoteChannel.LINE_CHAT
    )


@pytest.fixture
def cast() -> Callable[..., VoteOutcome]:
    """Casts a vote as a new voter unless one is given."""

    def make(office: Office, score: int, *, by: Voter | None = None, **extra: object):
        return vote_cast(office=office, score=score, voter=by or voter(), **extra)  # type: ignore[arg-type]

    return make


@pytest.fixture
def served_ticket(office: Office) -> Callable[..., "Ticket"]:
    """A walk-in ticket at `office` (reg-5001) for ID card renewal, served at
    counter 1 today unless told otherwise."""
    from django.utils import timezone

    from saduak.appointments.choices import TicketKind, TicketStatus
    from saduak.appointments.models import OfficeService, Service, Ticket
    from saduak.appointments.services.catalogue import services_load_national
    from saduak.areas.models import Counter

    services_load_national(actor="test")
    offered, _ = OfficeService.objects.get_or_create(
        office=office, service=Service.objects.get(code="id-card-renewal")
    )
    counter = Counter.objects.filter(office=office, number=1).first()
    numbers = count(1)

    def make(
        *, status: str = TicketStatus.COMPLETED, day: date | None = None, citizen=None
    ) -> Ticket:
        now = timezone.now()
        number = next(numbers)
        return Ticket.objects.create(
            office=office,
            day=day or timezone.localdate(),
            group=offered.service.group,
            number=number,
            office_service=offered,
            kind=TicketKind.WALK_IN,
            status=status,
            queued_at=now,
            issued_at=now,
            counter=counter,
            finished_at=now if status == TicketStatus.COMPLETED else None,
            token=f"served-ticket-token-{number}-{office.pk}",
            citizen=citizen,
        )

    return make
