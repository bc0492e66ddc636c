from datetime import date, timedelta

import pytest
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.appointments.models import OfficeService, Service, Slot
from saduak.appointments.selectors import catalogue as selectors
from saduak.appointments.selectors.slots import days_available, free_slots
from saduak.appointments.services import catalogue
from saduak.appointments.services.slots import slots_release, slots_release_rolling
from saduak.appointments.tests.conftest import TODAY
from saduak.areas.models import Counter, Holiday, Office
from saduak.audit.models import AuditEvent
from saduak.core.errors import InvalidInput, PermissionDeniedError

pytestmark = pytest.mark.django_db


def test_the_shipped_catalogue_loads_once_with_manuals(db):
    assert catalogue.services_load_national(actor="test") == 10
    assert catalogue.services_load_national(actor="test") == 0
    card = Service.objects.get(code="id-card-replacement")
    assert card.fee == 100 and card.documents and card.not_needed
    assert "1567" in card.complaints_th
    assert AuditEvent.objects.filter(action="appointments.catalogue.load").count() == 1


def test_an_office_offers_a_service_at_its_counters_and_it_is_audited(
    admin, office, catalogue, counters
):
    service = Service.objects.get(code="id-card-renewal")
    offered = catalogue_service_save(
        admin, office, service, counters[:1], slot_minutes=20
    )
    assert list(offered.counters.all()) == counters[:1]
    assert offered.slot_minutes == 20
    event = AuditEvent.objects.get(action="appointments.office_service.save")
    assert event.after["counters"] == [counters[0].number]


def catalogue_service_save(admin, office, service, counters, **fields):
    return catalogue.office_service_save(
        actor=admin, office=office, service=service, counters=counters, **fields
    )


def test_counters_of_another_office_and_bad_rules_are_refused(admin, office, catalogue):
    service = Service.objects.get(code="id-card-renewal")
    foreign = Counter.objects.filter(office__code="reg-5002").first()
    with pytest.raises(InvalidInput) as refused:
        catalogue_service_save(admin, office, service, [foreign])
    assert refused.value.field == "counters"
    with pytest.raises(InvalidInput) as refused:
        catalogue_service_save(admin, office, service, [], slot_minutes=1)
    assert refused.value.field == "slot_minutes"
    assert not OfficeService.objects.exists()


def test_only_those_who_manage_the_office_change_what_it_offers(
    office, catalogue, make_staff
):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    with pytest.raises(PermissionDeniedError):
        catalogue_service_save(
            officer, office, Service.objects.get(code="id-card-renewal"), []
        )


def test_slots_come_from_opening_hours_without_holidays_and_weekends(
    admin, office, catalogue
):
    Holiday.objects.create(date=date(2026, 12, 1), name_th="ปิด", office=office)
    offered = catalogue_service_save(
        admin, office, Service.objects.get(code="id-card-renewal"), [], seats_per_slot=3
    )
    made = slots_release(
        offered=offered, start=TODAY, end=TODAY + timedelta(days=6), actor=admin
    )
    # Mon-Fri 08:30-16:30 in 15-minute slots, minus Tuesday's closure: 4 x 32.
    assert made == 128
    days = {s.starts_at.date() for s in Slot.objects.all()}
    assert date(2026, 12, 1) not in days and date(2026, 12, 5) not in days
    assert {s.capacity for s in Slot.objects.all()} == {3}
    assert (
        slots_release(
            offered=offered, start=TODAY, end=TODAY + timedelta(days=6), actor=admin
        )
        == 0
    )
    assert AuditEvent.objects.filter(action="appointments.slots.release").count() == 1


def test_a_release_longer_than_allowed_is_refused(renewal, admin):
    with pytest.raises(InvalidInput):
        slots_release(
            offered=renewal, start=TODAY, end=TODAY + timedelta(days=400), actor=admin
        )


def test_the_rolling_release_opens_each_services_window(renewal):
    renewal.days_ahead = 10
    renewal.save(update_fields=["days_ahead"])
    assert slots_release_rolling() > 0
    last = Slot.objects.filter(office_service=renewal).order_by("-starts_at").first()
    assert last.starts_at.date() <= TODAY + timedelta(days=10)
    assert last.starts_at.date() > TODAY + timedelta(days=6)


def test_free_times_respect_notice_and_seats(renewal):
    times = free_slots(renewal, TODAY)
    assert times and all(timezone.localtime(t.starts_at).hour >= 11 for t in times)
    days = days_available(renewal)
    assert days[0].day == TODAY and days[0].free == 2 * len(times)


def test_offices_are_found_by_name_area_and_nearest_first(renewal, office):
    service = renewal.service
    assert [
        c.offered.office
        for c in selectors.offices_offering(service, search="เมืองเชียงใหม่")
    ] == [office]
    assert selectors.offices_offering(service, province="10") == []
    assert selectors.offices_nearest(service, latitude=18.79, longitude=98.98) == []
    Office.objects.filter(pk=office.pk).update(latitude=18.78836, longitude=98.98530)
    nearest = selectors.offices_nearest(service, latitude=18.80, longitude=98.99)
    assert nearest[0].offered.office == office
    assert 1 < nearest[0].distance_km < 2


def test_kiosk_keys_are_kept_as_hashes_and_replace_each_other(admin, office):
    first = catalogue.kiosk_key_issue(actor=admin, office=office)
    second = catalogue.kiosk_key_issue(actor=admin, office=office)
    stored = selectors.queue_settings_for(office).kiosk_key_hash
    assert stored == catalogue.kiosk_key_hash(second) != catalogue.kiosk_key_hash(first)
    assert first not in stored


def test_reading_the_queue_settings_of_an_office_writes_nothing(office):
    from saduak.appointments.models import QueueSettings

    settings = selectors.queue_settings_for(office)
    assert settings.pk is None and settings.wait_target_minutes == 30
    assert not QueueSettings.objects.exists()
