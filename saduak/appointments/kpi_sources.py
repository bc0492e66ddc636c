"""Appointments as KPI sources (core/measures.py). Registered in
AppointmentsConfig.ready.

- `appointments.mobile_people_served` (count): the people the Mobile Unit
  served at home in the period, counted by the day they were served
  (`MobileRequest.served_on`: the visit's day), not the day of the request as
  the Mobile Unit statistics page counts. Read from the rollup
  MobileServedCounts (pattern A, `mobile_rollups.py`): month rows for the
  whole months, day rows for the days at either end. A request belongs to a
  district, not an office: measured for the country, a province or a
  district, with children down to districts.
- `appointments.bookings_on_time` (percent): of the bookings whose holder
  checked in and was called, the share called on time: within the office's
  waiting target (`QueueSettings.wait_target_minutes`, 30 minutes unless the
  office sets another) after the booked slot's start, or after the check-in
  when the holder came after the slot's start
  (`services.stats.booking_called_on_time`). Read from the office day
  statistics OfficeDayStats (pattern B: one row per office and day,
  `bookings_called`, `bookings_on_time`), as the office statistics page
  reads them; today's rows are recounted first when the period reaches today.
- `appointments.booking_use` (percent): of the visitors who came to the office
  (queue tickets issued, transfers not counted again), the share who had
  booked online: `appointment_arrivals` over `appointment_arrivals` +
  `walk_ins` of OfficeDayStats. Filled into the GECC outcome items
  (services/gecc.py in performance).
- `appointments.called_within_target` (percent): of the visitors called to a
  counter, the share called within the office's waiting target after they
  took their ticket: `served_within_target` over the tickets called (the sum
  of `wait_histogram`, as the office statistics page counts them). The
  histogram is a JSON list summed in Python, so it is measured for a
  district or an office only.
"""

from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saduak.appointments.models import MobileServedCounts, OfficeDayStats
from saduak.appointments.services.stats import offices_today_refresh
from saduak.areas.models import District, Province
from saduak.core.measure_sums import child_sums, scope_sums
from saduak.core.measures import (
    COUNTRY,
    DISTRICT,
    OFFICE,
    PROVINCE,
    Measured,
    MeasureScope,
    MeasureSource,
    measure_source_register,
)
from saduak.core.rollups import period_q

# --- Mobile Unit: people served, by the day served -------------------------------


def _served_rows(scope: MeasureScope) -> QuerySet[MobileServedCounts]:
    return MobileServedCounts.objects.filter(
        scope.where, period_q(scope.start, scope.end)
    ).order_by()


def mobile_people_served(scope: MeasureScope) -> Measured:
    rows = MobileServedCounts.objects.filter(period_q(scope.start, scope.end))
    return Measured(scope_sums(rows, scope, ("served",))["served"])


def mobile_people_served_per_child(scope: MeasureScope) -> dict[str, Measured]:
    """Every active province of the country, or district of a province, with
    the people served there (0 for none); a district has no smaller unit."""
    if scope.level == COUNTRY:
        column = "province_id"
        codes = list(
            Province.objects.filter(is_active=True)
            .order_by("code")
            .values_list("code", flat=True)
        )
    elif scope.level == PROVINCE:
        column = "district_id"
        codes = list(
            District.objects.filter(province_id=scope.code, is_active=True)
            .order_by("code")
            .values_list("code", flat=True)
        )
    else:
        return {}
    found = dict(_served_rows(scope).values_list(column).annotate(served=Sum("served")))
    # A unit no longer active keeps what it served in the period.
    codes += sorted(set(found) - set(codes))
    return {code: Measured(Decimal(found.get(code) or 0)) for code in codes}


# --- Bookings served on time ---------------------------------------------------------

ON_TIME_FIELDS = ("bookings_on_time", "bookings_called")


def _day_rows(scope: MeasureScope) -> QuerySet[OfficeDayStats]:
    if scope.end >= timezone.localdate():
        offices_today_refresh()
    return OfficeDayStats.objects.filter(day__gte=scope.start, day__lte=scope.end)


def bookings_on_time(scope: MeasureScope) -> Measured:
    sums = scope_sums(_day_rows(scope), scope, ON_TIME_FIELDS)
    return Measured(sums["bookings_on_time"], sums["bookings_called"])


def bookings_on_time_per_child(scope: MeasureScope) -> dict[str, Measured]:
    return {
        code: Measured(sums["bookings_on_time"], sums["bookings_called"])
        for code, sums in child_sums(_day_rows(scope), scope, ON_TIME_FIELDS).items()
        if sums["bookings_called"]
    }


# --- Booking use and waiting within the target -------------------------------------

USE_FIELDS = ("appointment_arrivals", "walk_ins")


def _booking_use(sums: dict[str, Decimal]) -> Measured:
    booked = sums["appointment_arrivals"]
    return Measured(booked, booked + sums["walk_ins"])


def booking_use(scope: MeasureScope) -> Measured:
    return _booking_use(scope_sums(_day_rows(scope), scope, USE_FIELDS))


def booking_use_per_child(scope: MeasureScope) -> dict[str, Measured]:
    return {
        code: _booking_use(sums)
        for code, sums in child_sums(_day_rows(scope), scope, USE_FIELDS).items()
        if sums["appointment_arrivals"] + sums["walk_ins"]
    }


def _called_within(rows: list[tuple[int, list[int]]]) -> Measured:
    within = sum(row[0] for row in rows)
    called = sum(sum(row[1] or []) for row in rows)
    return Measured(Decimal(within), Decimal(called))


def called_within_target(scope: MeasureScope) -> Measured:
    rows = (
        _day_rows(scope)
        .filter(scope.where)
        .order_by()
        .values_list("served_within_target", "wait_histogram")
    )
    return _called_within(list(rows))


def called_within_target_per_child(scope: MeasureScope) -> dict[str, Measured]:
    if scope.level != DISTRICT:
        return {}
    found: dict[str, list[tuple[int, list[int]]]] = {}
    rows = (
        _day_rows(scope)
        .filter(scope.where)
        .order_by()
        .values_list("office__code", "served_within_target", "wait_histogram")
    )
    for code, within, histogram in rows:
        found.setdefault(code, []).append((within, histogram))
    measured = {code: _called_within(rows) for code, rows in found.items()}
    return {code: value for code, value in measured.items() if value.denominator}


def register() -> None:
    measure_source_register(
        MeasureSource(
            key="appointments.mobile_people_served",
            label=_("Mobile Unit people served"),
            description=_(
                "People the Mobile Unit served at home in the period, counted "
                "by the day they were served (the visit's day), not by the day "
                "of the request. A request belongs to a district: measured for "
                "the country, a province or a district."
            ),
            numerator_label=_("People served at home"),
            denominator_label=None,
            measure_unit="count",
            compute=mobile_people_served,
            per_child=mobile_people_served_per_child,
            levels=frozenset({COUNTRY, PROVINCE, DISTRICT}),
        )
    )
    measure_source_register(
        MeasureSource(
            key="appointments.bookings_on_time",
            label=_("Share of bookings served on time"),
            description=_(
                "Of the bookings whose holder checked in and was called in the "
                "period, the share called within the office's waiting target "
                "(30 minutes unless the office sets another) after the booked "
                "time, or after the check-in when the holder came later than "
                "the booked time. Bookings not kept are not counted."
            ),
            numerator_label=_("Bookings called on time"),
            denominator_label=_("Bookings checked in and called"),
            measure_unit="percent",
            compute=bookings_on_time,
            per_child=bookings_on_time_per_child,
        )
    )
    measure_source_register(
        MeasureSource(
            key="appointments.booking_use",
            label=_("Share of visitors who booked online"),
            description=_(
                "Of the visitors who came to the office's queue in the period "
                "(tickets issued; a transfer is not counted again), the share "
                "who had booked a time online."
            ),
            numerator_label=_("Visitors who came with a booking"),
            denominator_label=_("Visitors who came"),
            measure_unit="percent",
            compute=booking_use,
            per_child=booking_use_per_child,
        )
    )
    measure_source_register(
        MeasureSource(
            key="appointments.called_within_target",
            label=_("Share of visitors called within the waiting target"),
            description=_(
                "Of the visitors called to a counter in the period, the share "
                "called within the office's waiting target (30 minutes unless "
                "the office sets another) after taking their ticket. Measured "
                "for a district or an office."
            ),
            numerator_label=_("Visitors called within the target"),
            denominator_label=_("Visitors called"),
            measure_unit="percent",
            compute=called_within_target,
            per_child=called_within_target_per_child,
            levels=frozenset({DISTRICT, OFFICE}),
        )
    )
