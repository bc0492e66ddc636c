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

from datetime import date, datetime, time
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.complaints.choices import OPEN_STATUS_VALUES, ComplaintStatus, Outcome
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
# Open311's open: every state of the work still to do (the partial indexes'
# list, in the same order).
OPEN_STATUSES = OPEN_STATUS_VALUES
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
    record: dict[str, Any] = {
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
    return notice_text(category.acknowledge_days, category.resolve_days)


def notice_text(acknowledge_days: int, resolve_days: int) -> str:
    return _(
        "The district's Damrongdham center acknowledges a complaint within "
        "%(acknowledge)s working day(s) and aims to resolve it within %(resolve)s "
        "working days."
    ) % {"acknowledge": acknowledge_days, "resolve": resolve_days}


# --- requests ---------------------------------------------------------------

# What a request shows, read as plain rows (`values()`): one query with its
# joins, no model built per row, no query per row.
REQUEST_FIELDS = (
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
    "office_id",
    "office__name_th",
    "office__name_en",
    "subdistrict_id",
    "subdistrict__name_th",
    "subdistrict__name_en",
    "subdistrict__postal_codes",
    "district_id",
    "district__name_th",
    "district__name_en",
    "province_id",
    "province__name_th",
    "province__name_en",
)

Row = dict[str, Any]


def requests_queryset() -> QuerySet[Complaint, Row]:
    """Complaints as rows with what a request shows (order and slice it)."""
    return Complaint.objects.values(*REQUEST_FIELDS)


class RequestWriter:
    """Writes requests for one answer. Texts that repeat from row to row (a
    category's notice, a state's name, an area's name, an office's) are made
    once per answer."""

    def __init__(self, *, viewer: Open311Key | None, extensions: bool) -> None:
        self.viewer_id = viewer.pk if viewer is not None else None
        self.extensions = extensions
        self.english = _is_english()
        self._texts: dict[tuple, str] = {}

    def _once(self, key: tuple, make: Any) -> str:
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = make()
        return text

    def _name(self, row: Row, prefix: str) -> str:
        thai = row[f"{prefix}__name_th"]
        english = row[f"{prefix}__name_en"]
        return english if self.english and english else thai

    def _area(self, row: Row) -> str:
        def make() -> str:
            bangkok = row["province_id"] == "10"
            parts = []
            if row["subdistrict_id"]:
                name = self._name(row, "subdistrict")
                parts.append(
                    name if self.english else ("แขวง" if bangkok else "ตำบล") + name
                )
            name = self._name(row, "district")
            parts.append(
                name if self.english else ("เขต" if bangkok else "อำเภอ") + name
            )
            name = self._name(row, "province")
            parts.append(name if self.english or bangkok else "จังหวัด" + name)
            return ", ".join(parts) if self.english else " ".join(parts)

        return self._once(("area", row["subdistrict_id"], row["district_id"]), make)

    def _notice(self, row: Row) -> str:
        return self._once(
            ("notice", row["category__code"]),
            lambda: notice_text(
                row["category__acknowledge_days"], row["category__resolve_days"]
            ),
        )

    def _status_notes(self, row: Row) -> str:
        def make() -> str:
            label = str(ComplaintStatus(row["status"]).label)
            if row["status"] == ComplaintStatus.CLOSED and row["outcome"]:
                return f"{label}: {Outcome(row['outcome']).label}"
            if row["status"] == ComplaintStatus.FORWARDED and row["forwarded_to"]:
                return f"{label}: {row['forwarded_to']}"
            return label

        return self._once(
            ("notes", row["status"], row["outcome"], row["forwarded_to"]), make
        )

    def record(self, row: Row) -> dict[str, Any]:
        own = self.viewer_id is not None and row["open311_key_id"] == self.viewer_id
        closed = spec_status(row["status"]) == "closed"
        area = self._area(row)
        postal = (row["subdistrict__postal_codes"] or "").split(",")[0]
        point = own and row["latitude"] is not None and row["longitude"] is not None
        record: dict[str, Any] = {
            "service_request_id": row["reference"],
            "status": "closed" if closed else "open",
            "status_notes": self._status_notes(row),
            "service_name": self._name(row, "category"),
            "service_code": row["category__code"],
            "description": row["description"] if own else None,
            "agency_responsible": self._name(row, "office"),
            "service_notice": self._notice(row),
            "requested_datetime": w3c_datetime(row["received_at"]),
            "updated_datetime": _updated(row),
            "expected_datetime": None if closed else _end_of(row["resolve_due"]),
            "address": f"{row['address']}, {area}" if own and row["address"] else area,
            "address_id": row["subdistrict_id"] or None,
            "zipcode": postal or None,
            "lat": float(row["latitude"]) if point else None,
            "long": float(row["longitude"]) if point else None,
            "media_url": None,
        }
        if self.extensions:
            record |= {
                "extended_status": row["status"],
                "outcome": row["outcome"] or None,
                "service_name_th": row["category__name_th"],
                "service_name_en": row["category__name_en"] or None,
                "district_code": row["district_id"],
                "province_code": row["province_id"],
                "request_token": str(row["public_id"]),
            }
        return record


def _is_english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "th").startswith("en")


def _end_of(day: date) -> str | None:
    """The end of the day a request is due to be resolved."""
    due = timezone.make_aware(
        datetime.combine(day, time(23, 59, 59)), timezone.get_current_timezone()
    )
    return w3c_datetime(due)


def _updated(row: Row) -> str | None:
    """For a closed request the spec wants the time it was closed."""
    if row["status"] == ComplaintStatus.CLOSED and row["closed_at"]:
        return w3c_datetime(row["closed_at"])
    if row["status"] == ComplaintStatus.RESOLVED and row["resolved_at"]:
        return w3c_datetime(row["resolved_at"])
    return w3c_datetime(row["updated_at"])
