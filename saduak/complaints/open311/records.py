"""What each GeoReport v2 answer holds: services, service definitions and
requests as plain structures (render.py writes them as JSON or XML).

Personal data never leaves here: no name, phone, e-mail or LINE id in any
answer. What the complainant wrote (the description, the address as typed, the
point on the map) is theirs: a request shows it only to the partner whose
`api_key` filed it (passed on the GET); everyone else sees the place as the
subdistrict, district and province it is in.

Extensions (`extensions=true`) add fields a client that knows only the spec
never sees unless it asks: `extended_status` (our seven states) and `outcome`,
Thai and English names, the codes of the district and province, and the
request's `request_token`."""

from datetime import datetime, time
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.complaints.choices import ComplaintStatus, Outcome
from saduak.complaints.models import (
    CategoryAttribute,
    Complaint,
    ComplaintCategory,
    Open311Key,
)
from saduak.complaints.open311.render import w3c_datetime
from saduak.core.models import in_current_language

# The spec has two statuses: open (it has been reported) and closed (it has been
# resolved). Ours map onto them so.
CLOSED_STATUSES = (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED)
OPEN_STATUSES = tuple(s for s in ComplaintStatus if s not in CLOSED_STATUSES)
LIST_TYPES = ("singlevaluelist", "multivaluelist")


def spec_status(status: str) -> str:
    return "closed" if status in CLOSED_STATUSES else "open"


def _or_none(text: str) -> str | None:
    return text or None


# --- services ---------------------------------------------------------------


def services_queryset() -> QuerySet[ComplaintCategory]:
    """The active leaves of the category tree (a leaf: no active child), under an
    active group or none, with whether they ask questions: one query."""
    active_child = ComplaintCategory.objects.filter(
        parent=OuterRef("pk"), is_active=True
    )
    asks = CategoryAttribute.objects.filter(category=OuterRef("pk"))
    return (
        ComplaintCategory.objects.filter(is_active=True)
        .exclude(parent__is_active=False)
        .annotate(has_children=Exists(active_child), asks=Exists(asks))
        .filter(has_children=False)
        .select_related("parent")
        .order_by("parent__sort_order", "parent__code", "sort_order", "code")
    )


def service_get(code: str) -> ComplaintCategory | None:
    return services_queryset().filter(code=code).first()


def service_record(category: Any, *, extensions: bool) -> dict[str, Any]:
    parent = category.parent
    record: dict[str, Any] = {
        "service_code": category.code,
        "service_name": category.name,
        "description": _or_none(category.description),
        "metadata": bool(category.asks),
        "type": "realtime",
        "keywords": _or_none(category.keywords),
        "group": parent.name if parent else None,
    }
    if extensions:
        record |= {
            "service_name_th": category.name_th,
            "service_name_en": _or_none(category.name_en),
            "group_code": parent.code if parent else None,
            "acknowledge_days": category.acknowledge_days,
            "resolve_days": category.resolve_days,
        }
    return record


def definition_record(
    category: ComplaintCategory, *, extensions: bool
) -> dict[str, Any]:
    """The service definition. `order` is the position (1, 2, ...) in our order:
    the spec wants positive integers not used twice."""
    attributes = []
    for position, attribute in enumerate(category.attributes.all(), start=1):
        item: dict[str, Any] = {
            "variable": True,
            "code": attribute.code,
            "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": _or_none(
                in_current_language(
                    attribute.datatype_description_th, attribute.datatype_description_en
                )
            ),
            "order": position,
            "description": attribute.description,
        }
        if attribute.datatype in LIST_TYPES:
            item["values"] = [
                _value_record(value, extensions=extensions)
                for value in attribute.values
            ]
        if extensions:
            item |= {
                "description_th": attribute.description_th,
                "description_en": _or_none(attribute.description_en),
            }
        attributes.append(item)
    return {"service_code": category.code, "attributes": attributes}


def _value_record(value: dict[str, Any], *, extensions: bool) -> dict[str, Any]:
    record = {
        "key": str(value.get("key", "")),
        "name": in_current_language(value.get("name_th", ""), value.get("name_en", "")),
    }
    if extensions:
        record |= {
            "name_th": value.get("name_th", ""),
            "name_en": value.get("name_en") or None,
        }
    return record


def service_notice(category: ComplaintCategory) -> str:
    return _(
        "The district's Damrongdham center acknowledges a complaint within "
        "%(acknowledge)s working day(s) and aims to resolve it within %(resolve)s "
        "working days."
    ) % {"acknowledge": category.acknowledge_days, "resolve": category.resolve_days}


# --- requests ---------------------------------------------------------------


def requests_queryset() -> QuerySet[Complaint]:
    """Complaints with what a request shows, in one query (no per-row query)."""
    return Complaint.objects.select_related(
        "category", "office", "subdistrict", "district", "province"
    ).only(
        "reference",
        "public_id",
        "status",
        "outcome",
        "forwarded_to",
        "description",
        "address",
        "latitude",
        "longitude",
        "open311_key_id",
        "received_at",
        "updated_at",
        "resolved_at",
        "closed_at",
        "resolve_due",
        "category__code",
        "category__name_th",
        "category__name_en",
        "category__acknowledge_days",
        "category__resolve_days",
        "office__name_th",
        "office__name_en",
        "subdistrict__code",
        "subdistrict__name_th",
        "subdistrict__name_en",
        "subdistrict__postal_codes",
        "district__code",
        "district__name_th",
        "district__name_en",
        "province__code",
        "province__name_th",
        "province__name_en",
    )


def _area_address(complaint: Complaint) -> str:
    english = _is_english()
    parts = []
    if complaint.subdistrict is not None:
        parts.append(
            complaint.subdistrict.name
            if english
            else _thai_level(complaint, "subdistrict", complaint.subdistrict.name_th)
        )
    parts.append(
        complaint.district.name
        if english
        else _thai_level(complaint, "district", complaint.district.name_th)
    )
    parts.append(
        complaint.province.name
        if english
        else _thai_level(complaint, "province", complaint.province.name_th)
    )
    return ", ".join(parts) if english else " ".join(parts)


def _is_english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "th").startswith("en")


def _thai_level(complaint: Complaint, level: str, name: str) -> str:
    bangkok = complaint.province.code == "10"
    prefix = {
        "subdistrict": "แขวง" if bangkok else "ตำบล",
        "district": "เขต" if bangkok else "อำเภอ",
        "province": "" if bangkok else "จังหวัด",
    }[level]
    return prefix + name


def _expected(complaint: Complaint) -> str | None:
    """The end of the day the complaint is due to be resolved (open ones only)."""
    if spec_status(complaint.status) == "closed":
        return None
    due = timezone.make_aware(
        datetime.combine(complaint.resolve_due, time(23, 59, 59)),
        timezone.get_current_timezone(),
    )
    return w3c_datetime(due)


def _updated(complaint: Complaint) -> str | None:
    """For a closed request the spec wants the date it was closed."""
    if complaint.status == ComplaintStatus.CLOSED and complaint.closed_at:
        return w3c_datetime(complaint.closed_at)
    if complaint.status == ComplaintStatus.RESOLVED and complaint.resolved_at:
        return w3c_datetime(complaint.resolved_at)
    return w3c_datetime(complaint.updated_at)


def _status_notes(complaint: Complaint) -> str:
    label = str(ComplaintStatus(complaint.status).label)
    if complaint.status == ComplaintStatus.CLOSED and complaint.outcome:
        return f"{label}: {Outcome(complaint.outcome).label}"
    if complaint.status == ComplaintStatus.FORWARDED and complaint.forwarded_to:
        return f"{label}: {complaint.forwarded_to}"
    return label


def request_record(
    complaint: Complaint, *, viewer: Open311Key | None, extensions: bool
) -> dict[str, Any]:
    own = viewer is not None and complaint.open311_key_id == viewer.pk
    area = _area_address(complaint)
    subdistrict = complaint.subdistrict
    postal = subdistrict.postal_codes.split(",")[0] if subdistrict is not None else ""
    record: dict[str, Any] = {
        "service_request_id": complaint.reference,
        "status": spec_status(complaint.status),
        "status_notes": _status_notes(complaint),
        "service_name": complaint.category.name,
        "service_code": complaint.category.code,
        "description": complaint.description if own else None,
        "agency_responsible": complaint.office.name,
        "service_notice": service_notice(complaint.category),
        "requested_datetime": w3c_datetime(complaint.received_at),
        "updated_datetime": _updated(complaint),
        "expected_datetime": _expected(complaint),
        "address": f"{complaint.address}, {area}"
        if own and complaint.address
        else area,
        "address_id": subdistrict.code if subdistrict is not None else None,
        "zipcode": postal or None,
        "lat": float(complaint.latitude)
        if own and complaint.latitude is not None
        else None,
        "long": float(complaint.longitude)
        if own and complaint.longitude is not None
        else None,
        "media_url": None,
    }
    if record["lat"] is None or record["long"] is None:
        record["lat"] = record["long"] = None
    if extensions:
        record |= {
            "extended_status": complaint.status,
            "outcome": complaint.outcome or None,
            "service_name_th": complaint.category.name_th,
            "service_name_en": complaint.category.name_en or None,
            "district_code": complaint.district.code,
            "province_code": complaint.province.code,
            "request_token": str(complaint.public_id),
        }
    return record
