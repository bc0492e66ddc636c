"""Demo data for the appointments app (manage.py seed_demo): two registry offices
in Chiang Mai and one in Bangkok offer the whole catalogue, with counters, a
location for "nearest first", a month of open times and a kiosk link."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from saduak.accounts.models import User
from saduak.appointments.models import OfficeService, Service
from saduak.appointments.services.catalogue import (
    kiosk_key_issue,
    office_service_save,
    services_load_national,
)
from saduak.appointments.services.slots import slots_release
from saduak.areas.models import Counter, Office
from saduak.areas_staff.services import counter_save, office_update_contact
from saduak.core.links import absolute_url

# Office code, latitude, longitude (the district office's grounds).
DEMO_OFFICES = [
    ("reg-5001", Decimal("18.78836"), Decimal("98.98530")),
    ("reg-5002", Decimal("18.41800"), Decimal("98.67700")),
    ("reg-1001", Decimal("13.75630"), Decimal("100.49400")),
]
COUNTERS = [
    (1, "บัตรประจำตัวประชาชน", "ID cards"),
    (2, "ทะเบียนบ้าน", "House registration"),
    (3, "งานทะเบียนทั่วไป", "General registration"),
]


def seed_demo_appointments(*, hq: User) -> list[str]:
    """Returns lines to print: each office's kiosk link and display."""
    services_load_national(actor="command:seed_demo")
    today = timezone.localdate()
    lines = []
    for code, latitude, longitude in DEMO_OFFICES:
        office = Office.objects.filter(code=code).first()
        if office is None:
            continue
        office_update_contact(
            office=office, actor=hq, latitude=latitude, longitude=longitude
        )
        for number, label_th, label_en in COUNTERS:
            counter_save(
                office=office,
                actor=hq,
                number=number,
                label_th=label_th,
                label_en=label_en,
            )
        counters = list(Counter.objects.filter(office=office).order_by("number"))
        for service in Service.objects.filter(is_active=True):
            if OfficeService.objects.filter(office=office, service=service).exists():
                continue
            # The group's own counter, and the last counter for everything.
            own = counters[min(len(counters) - 1, "ABCDE".index(service.group))]
            offered = office_service_save(
                actor=hq,
                office=office,
                service=service,
                counters={own, counters[-1]},
                seats_per_slot=2,
            )
            slots_release(
                offered=offered, start=today, end=today + timedelta(days=30), actor=hq
            )
        key = kiosk_key_issue(actor=hq, office=office)
        lines.append(
            f"  {office.name_en or office.name_th}: kiosk "
            f"{absolute_url(reverse('appointments:kiosk', args=[code]))}?key={key}  display "
            f"{absolute_url(reverse('appointments:now-serving', args=[code]))}"
        )
    return lines
