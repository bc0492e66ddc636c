"""Changing offices and holidays. Each service checks the actor's reach, runs in one
transaction and writes its audit event."""

from dataclasses import dataclass
from datetime import date, time
from itertools import pairwise
from typing import Any

import holidays as holiday_calendars
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from saduak.accounts.matrix import Action, ensure_may
from saduak.accounts.models import User
from saduak.areas.cache import bump_map_version
from saduak.areas.models import Counter, Holiday, Office, OpeningHours
from saduak.areas.signals import closure_added
from saduak.audit.services import audit_record, changed_fields
from saduak.core.errors import Conflict, InvalidInput, NotFound

CONTACT_FIELDS = ["phone", "email", "address_th", "address_en", "latitude", "longitude"]


def office_update_contact(*, office: Office, actor: User, **values: Any) -> Office:
    """Changes an office's telephone, e-mail, addresses and location.

    Requires the actor to manage the office (its district, province or HQ). Audited as
    `office.update` with the fields before and after.
    """
    ensure_may(actor, Action.OFFICE_UPDATE_CONTACT, office=office, public=True)
    unknown = set(values) - set(CONTACT_FIELDS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here."), field=sorted(unknown)[0]
        )
    with transaction.atomic():
        office = Office.objects.select_for_update().get(pk=office.pk)
        before = changed_fields(office, list(values))
        changed = [name for name, value in values.items() if before[name] != value]
        if not changed:
            return office
        for name in changed:
            setattr(office, name, values[name])
        try:
            office.full_clean(exclude=["parent", "province", "district", "code"])
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise InvalidInput(messages[0], field=field) from None
        office.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action="office.update",
            target=office,
            before={name: before[name] for name in changed},
            after=changed_fields(office, changed),
            office=office,
        )
    return office


@dataclass(frozen=True)
class Period:
    weekday: int
    opens: time
    closes: time


def _check_periods(periods: list[Period]) -> None:
    by_day: dict[int, list[Period]] = {}
    for period in periods:
        if not 0 <= period.weekday <= 6:
            raise InvalidInput(
                _("A weekday is a number from 0 (Monday) to 6 (Sunday)."),
                field="weekday",
            )
        if period.closes <= period.opens:
            raise InvalidInput(
                _("Closing time must be after opening time."), field="closes"
            )
        by_day.setdefault(period.weekday, []).append(period)
    for day_periods in by_day.values():
        day_periods.sort(key=lambda p: p.opens)
        for earlier, later in pairwise(day_periods):
            if later.opens < earlier.closes:
                raise InvalidInput(
                    _("Opening periods on the same day must not overlap."),
                    field="opens",
                )


def _hours_snapshot(office: Office) -> list[dict[str, Any]]:
    return [
        {
            "weekday": h.weekday,
            "opens": h.opens.isoformat("minutes"),
            "closes": h.closes.isoformat("minutes"),
        }
        for h in office.opening_hours.order_by("weekday", "opens")
    ]


def office_set_opening_hours(
    *, office: Office, actor: User, periods: list[Period]
) -> Office:
    """Replaces an office's weekly opening hours with `periods`.

    Requires the actor to manage the office. Periods on a day must not overlap. Audited
    as `office.opening_hours`.
    """
    ensure_may(actor, Action.OFFICE_SET_OPENING_HOURS, office=office, public=True)
    _check_periods(periods)
    with transaction.atomic():
        office = Office.objects.select_for_update().get(pk=office.pk)
        before = _hours_snapshot(office)
        office.opening_hours.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(
                office=office, weekday=p.weekday, opens=p.opens, closes=p.closes
            )
            for p in periods
        )
        audit_record(
            actor=actor,
            action="office.opening_hours",
            target=office,
            before={"periods": before},
            after={"periods": _hours_snapshot(office)},
            office=office,
        )
    return office


def counter_save(
    *,
    office: Office,
    actor: User,
    number: int,
    label_th: str,
    label_en: str = "",
    is_active: bool = True,
) -> Counter:
    """Adds counter `number` to an office, or changes its labels and whether it is in
    use. Requires the actor to manage the office. Audited as `counter.save`."""
    ensure_may(actor, Action.OFFICE_COUNTER_SAVE, office=office, public=True)
    if not 1 <= number <= 999:
        raise InvalidInput(_("A counter number is from 1 to 999."), field="number")
    if not label_th.strip():
        raise InvalidInput(_("Give the counter a Thai label."), field="label_th")
    with transaction.atomic():
        # Lock the office: a counter that does not exist yet has no row to lock, and
        # two saves of the same new number must queue, not collide.
        Office.objects.select_for_update().get(pk=office.pk)
        counter = Counter.objects.filter(office=office, number=number).first()
        before = (
            None
            if counter is None
            else changed_fields(counter, ["label_th", "label_en", "is_active"])
        )
        if counter is None:
            counter = Counter(office=office, number=number)
        counter.label_th, counter.label_en, counter.is_active = (
            label_th.strip(),
            label_en.strip(),
            is_active,
        )
        counter.save()
        audit_record(
            actor=actor,
            action="counter.save",
            target=counter,
            before=before,
            after=changed_fields(
                counter, ["number", "label_th", "label_en", "is_active"]
            ),
            office=office,
        )
    return counter


def holiday_add(
    *,
    actor: User,
    day: date,
    name_th: str,
    name_en: str = "",
    office: Office | None = None,
) -> Holiday:
    """Adds a national holiday (HQ administrators) or a closure of one office (its
    managers). Audited as `holiday.add`; `closure_added` tells the apps that book
    days (appointments cancels that day's bookings and tells the people)."""
    if office is None:
        ensure_may(actor, Action.HOLIDAY_NATIONAL_EDIT)
    else:
        ensure_may(actor, Action.OFFICE_CLOSURE_ADD, office=office, public=True)
    if not name_th.strip():
        raise InvalidInput(_("Give the holiday a Thai name."), field="name_th")
    try:
        with transaction.atomic():
            holiday = Holiday.objects.create(
                date=day,
                name_th=name_th.strip(),
                name_en=name_en.strip(),
                office=office,
            )
            audit_record(
                actor=actor,
                action="holiday.add",
                target=holiday,
                after={
                    "date": day,
                    "name_th": holiday.name_th,
                    "name_en": holiday.name_en,
                },
                office=office,
            )
            transaction.on_commit(bump_map_version, robust=True)
            closure_added.send(sender=Holiday, holiday=holiday)
    except IntegrityError:
        raise Conflict(
            _("There is already a holiday on this date."), field="date"
        ) from None
    return holiday


def holiday_remove(*, actor: User, day: date, office: Office | None = None) -> None:
    """Removes the national holiday on `day`, or `office`'s closure that day. Same
    permissions as adding it. Audited as `holiday.remove`."""
    with transaction.atomic():
        # Locked so that two removals at once write one event and one refusal.
        holiday = (
            Holiday.objects.select_for_update(of=("self",))
            .select_related("office")
            .filter(date=day, office=office)
            .first()
        )
        if office is None:
            ensure_may(actor, Action.HOLIDAY_NATIONAL_EDIT)
        else:
            ensure_may(actor, Action.OFFICE_CLOSURE_REMOVE, office=office, public=True)
        if holiday is None:
            raise NotFound(_("This holiday no longer exists."))
        audit_record(
            actor=actor,
            action="holiday.remove",
            target=holiday,
            before={
                "date": holiday.date,
                "name_th": holiday.name_th,
                "name_en": holiday.name_en,
            },
            office=holiday.office,
        )
        holiday.delete()
        transaction.on_commit(bump_map_version, robust=True)


def holidays_load_national(*, years: list[int], actor: Any) -> int:
    """Adds Thailand's public holidays for `years` from the `holidays` package, in
    Thai and English. Dates already present are left as HQ edited them; a holiday HQ
    removed comes back if the same year is loaded again. Returns how many were added;
    audited as `holiday.load` when any were."""
    thai = holiday_calendars.country_holidays("TH", years=years, language="th")
    english = holiday_calendars.country_holidays("TH", years=years, language="en_US")
    with transaction.atomic():
        existing = set(
            Holiday.objects.filter(office__isnull=True).values_list("date", flat=True)
        )
        new = [
            Holiday(date=day, name_th=name[:300], name_en=english.get(day, "")[:300])
            for day, name in sorted(thai.items())
            if day not in existing
        ]
        # A load running at the same moment may add a day first; keep its row.
        Holiday.objects.bulk_create(new, ignore_conflicts=True)
        if new:
            audit_record(
                actor=actor,
                action="holiday.load",
                after={"years": years, "added": len(new)},
            )
            transaction.on_commit(bump_map_version, robust=True)
    return len(new)
