"""Writes for the catalogue: HQ's national services, what each office offers and
how it runs its queue."""

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor, ensure_may
from saduak.accounts.models import User
from saduak.appointments.catalogue import SERVICES
from saduak.appointments.models import OfficeService, QueueSettings, Service
from saduak.areas.models import Counter, Office
from saduak.audit.services import audit_record
from saduak.core.errors import InvalidInput

OFFICE_SERVICE_FIELDS = (
    "slot_minutes",
    "seats_per_slot",
    "min_notice_hours",
    "days_ahead",
    "cancel_until_hours",
    "online",
    "walk_in",
    "is_active",
)
QUEUE_SETTINGS_FIELDS = (
    "appointment_priority",
    "priority_first",
    "wait_target_minutes",
    "notify_when_ahead",
)


def clean_or_refuse(instance: Any, exclude: Iterable[str] = ()) -> None:
    """full_clean, with the first problem as InvalidInput naming its field."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(messages[0], field=name) from None


def services_load_national(*, actor: Any) -> int:
    """Adds the shipped services (catalogue.SERVICES) that the catalogue lacks,
    by code. For HQ administrators (`services.load_national`) and commands.
    Audited as `appointments.catalogue.load` when any is added."""
    ensure_may(actor, Action.SERVICES_LOAD_NATIONAL)
    with transaction.atomic():
        known = set(Service.objects.values_list("code", flat=True))
        missing = [Service(**entry) for entry in SERVICES if entry["code"] not in known]
        Service.objects.bulk_create(missing)
        if missing:
            audit_record(
                actor=actor,
                action="appointments.catalogue.load",
                after={"codes": [service.code for service in missing]},
            )
    return len(missing)


def office_service_save(
    *,
    actor: Actor,
    office: Office,
    service: Service,
    counters: Iterable[Counter] = (),
    **fields: Any,
) -> OfficeService:
    """Offers `service` at `office` (or changes how): counters, slot length, seats
    per slot and booking rules (OFFICE_SERVICE_FIELDS). For those who manage the
    office. Audited as `appointments.office_service.save`."""
    ensure_may(actor, Action.OFFICE_SERVICE_SAVE, office=office, public=True)
    chosen = list(counters)
    if any(counter.office_id != office.pk for counter in chosen):
        raise InvalidInput(_("Choose counters of this office."), field="counters")
    if not service.is_active:
        raise InvalidInput(_("This service is no longer offered."), field="service")
    with transaction.atomic():
        offered, created = OfficeService.objects.select_for_update().get_or_create(
            office=office, service=service
        )
        before = None if created else _state(offered)
        for name in OFFICE_SERVICE_FIELDS:
            if name in fields:
                setattr(offered, name, fields[name])
        clean_or_refuse(offered, exclude=["office", "service"])
        offered.save()
        offered.counters.set(chosen)
        audit_record(
            actor=actor,
            action="appointments.office_service.save",
            target=offered,
            before=before,
            after=_state(offered),
            office=office,
        )
    return offered


def _state(offered: OfficeService) -> dict[str, Any]:
    state = {name: getattr(offered, name) for name in OFFICE_SERVICE_FIELDS}
    state["service"] = offered.service.code
    state["counters"] = sorted(offered.counters.values_list("number", flat=True))
    return state


def queue_settings_save(*, actor: User, office: Office, **fields: Any) -> QueueSettings:
    """Changes how the office runs its queue (QUEUE_SETTINGS_FIELDS). Audited as
    `appointments.queue_settings.save`."""
    ensure_may(actor, Action.QUEUE_SETTINGS_SAVE, office=office, public=True)
    with transaction.atomic():
        settings, _ = QueueSettings.objects.select_for_update().get_or_create(
            office=office
        )
        before = {name: getattr(settings, name) for name in QUEUE_SETTINGS_FIELDS}
        for name in QUEUE_SETTINGS_FIELDS:
            if name in fields:
                setattr(settings, name, fields[name])
        clean_or_refuse(settings, exclude=["office"])
        settings.save()
        audit_record(
            actor=actor,
            action="appointments.queue_settings.save",
            target=settings,
            before=before,
            after={name: getattr(settings, name) for name in QUEUE_SETTINGS_FIELDS},
            office=office,
        )
    return settings


def kiosk_key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def kiosk_key_issue(*, actor: User, office: Office) -> str:
    """A new key for the office's kiosks (the old one stops working); returns it
    once, only its hash is kept. Audited as `appointments.kiosk_key.issue`."""
    ensure_may(actor, Action.KIOSK_KEY_ISSUE, office=office, public=True)
    raw = secrets.token_urlsafe(24)
    with transaction.atomic():
        settings, _ = QueueSettings.objects.select_for_update().get_or_create(
            office=office
        )
        settings.kiosk_key_hash = kiosk_key_hash(raw)
        settings.save(update_fields=["kiosk_key_hash"])
        audit_record(
            actor=actor,
            action="appointments.kiosk_key.issue",
            target=settings,
            office=office,
        )
    return raw
