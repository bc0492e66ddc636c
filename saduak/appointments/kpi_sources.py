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
