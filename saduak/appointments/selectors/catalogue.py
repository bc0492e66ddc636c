"""Reading the catalogue: services, and the offices that offer one, searched by
name or area, or nearest first."""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from saduak.appointments.models import OfficeService, QueueSettings, Service
from saduak.areas.models import Office
from saduak.areas.search import normal_query
from saduak.core.errors import NotFound

NEAREST_LIMIT = 10
EARTH_RADIUS_KM = 6371.0


def services_offered() -> QuerySet[Service]:
    """The national catalogue's active services, by group."""
    return Service.objects.filter(is_active=True)


def service_get(code: str) -> Service:
    try:
        return Service.objects.get(code=code, is_active=True)
    except Service.DoesNotExist:
        raise NotFound(_("There is no such service.")) from None


def office_service_get(*, office_code: str, service_code: str) -> OfficeService:
    offered = (
        OfficeService.objects.select_related("office", "service")
        .filter(
            office__code=office_code,
            service__code=service_code,
            is_active=True,
            office__is_active=True,
        )
        .first()
    )
    if offered is None:
        raise NotFound(_("This office does not offer this service."))
    return offered


def office_services(office: Office) -> QuerySet[OfficeService]:
    return (
        OfficeService.objects.filter(office=office)
        .select_related("service")
        .prefetch_related("counters")
        .order_by("service__group", "service__sort_order")
    )


def queue_settings_for(office: Office) -> QueueSettings:
    """How the office runs its queue: its saved settings, or the defaults (not
    saved: reading never writes) until an administrator changes them."""
    return QueueSettings.objects.filter(office=office).first() or QueueSettings(
        office=office
    )


@dataclass(frozen=True)
class OfficeChoice:
    offered: OfficeService
    distance_km: float | None = None


def offices_offering(
    service: Service,
    *,
    search: str = "",
    province: str = "",
    district: str = "",
    online: bool = True,
    limit: int = 50,
) -> list[OfficeChoice]:
    """The offices that offer `service` (online, unless `online` is False),
    filtered by a name fragment in Thai or English and by area code."""
    offered = OfficeService.objects.filter(
        service=service, is_active=True, office__is_active=True
    ).select_related("office", "office__district", "office__province")
    if online:
        offered = offered.filter(online=True)
    if district:
        offered = offered.filter(office__district_id=district)
    elif province:
        offered = offered.filter(office__province_id=province)
    term = normal_query(search)
    if term:
        offered = offered.filter(office__search_key__contains=term)
    rows = offered.order_by(
        "office__province_id", "office__district_id", "office__code"
    )
    return [OfficeChoice(row) for row in rows[:limit]]


def offices_nearest(
    service: Service, *, latitude: float, longitude: float, online: bool = True
) -> list[OfficeChoice]:
    """The NEAREST_LIMIT offices offering `service` nearest to a point, among those
    that have set their location: a box around the point (widened until enough
    offices are in it), then great-circle distance."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return []
    base = OfficeService.objects.filter(
        service=service,
        is_active=True,
        office__is_active=True,
        office__latitude__isnull=False,
        office__longitude__isnull=False,
    ).select_related("office", "office__district", "office__province")
    if online:
        base = base.filter(online=True)
    rows: list[OfficeService] = []
    for degrees in (0.5, 1.5, 4.0, 20.0):
        box = Q(
            office__latitude__gte=Decimal(latitude - degrees),
            office__latitude__lte=Decimal(latitude + degrees),
            office__longitude__gte=Decimal(longitude - degrees),
            office__longitude__lte=Decimal(longitude + degrees),
        )
        rows = list(base.filter(box)[:500])
        if len(rows) >= NEAREST_LIMIT:
            break
    choices = [
        OfficeChoice(row, distance_km(latitude, longitude, row.office)) for row in rows
    ]
    choices.sort(key=lambda choice: choice.distance_km or 0.0)
    return choices[:NEAREST_LIMIT]


def distance_km(latitude: float, longitude: float, office: Office) -> float:
    """Great-circle (haversine) distance to the office."""
    lat1, lon1 = math.radians(latitude), math.radians(longitude)
    lat2 = math.radians(float(office.latitude or 0))
    lon2 = math.radians(float(office.longitude or 0))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))
