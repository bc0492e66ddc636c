"""An office that offers two services with counters and a week of open times,
seen on Monday 30 November 2026 at 09:00 in Bangkok."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from saduak.accounts.choices import Role
from saduak.appointments.models import OfficeService, Service, Slot
from saduak.appointments.services.catalogue import (
    office_service_save,
    services_load_national,
)
from saduak.appointments.services.slots import slots_release
from saduak.areas.models import Counter, Office

BANGKOK = ZoneInfo("Asia/Bangkok")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=BANGKOK)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def admin(make_staff):
    return make_staff(Role.DISTRICT_ADMIN, "do-5001")


@pytest.fixture
def officer(make_staff):
    return make_staff(Role.COUNTER_OFFICER, "reg-5001")


@pytest.fixture
def office(small_map):
    return Office.objects.get(code="reg-5001")


@pytest.fixture
def counters(office):
    """The office's first two counters (every office starts with some)."""
    return list(Counter.objects.filter(office=office).order_by("number")[:2])


@pytest.fixture
def catalogue(db):
    services_load_national(actor="test")
    return {service.code: service for service in Service.objects.all()}


def offer(admin, office, service, counters, **fields) -> OfficeService:
    offered = office_service_save(
        actor=admin, office=office, service=service, counters=counters, **fields
    )
    slots_release(
        offered=offered, start=TODAY, end=TODAY + timedelta(days=6), actor=admin
    )
    return offered


@pytest.fixture
def renewal(admin, office, catalogue, counters):
    """ID card renewal, two people per 15-minute slot, at counter 1."""
    return offer(
        admin, office, catalogue["id-card-renewal"], counters[:1], seats_per_slot=2
    )


@pytest.fixture
def move_in(admin, office, catalogue, counters):
    return offer(admin, office, catalogue["house-move-in"], counters[1:])


def slot_at(offered: OfficeService, day: date, hour: int, minute: int = 0) -> Slot:
    return Slot.objects.select_related("office_service__office").get(
        office_service=offered,
        starts_at=datetime(day.year, day.month, day.day, hour, minute, tzinfo=BANGKOK),
    )
