"""Shared set-up of the Open311 tests: the spec client over Django's test client,
a category tree with questions, a partner with a key, and complaints written as
rows (for the read side; filing goes through the service)."""

import itertools
import secrets
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.test import Client
from django.utils import timezone

from saduak.areas.models import District, Office, Subdistrict
from saduak.complaints.choices import Channel, ComplaintStatus
from saduak.complaints.models import (
    CategoryAttribute,
    Complaint,
    ComplaintCategory,
    Open311Key,
)
from saduak.complaints.services.keys import open311_key_issue
from saduak.complaints.tests.open311_spec_client import Open311SpecClient
from saduak.identity.models import Partner, PartnerKind

BASE = "/open311/v2"
_serial = itertools.count(1)


def django_transport(client: Client, language: str = ""):  # type: ignore[no-untyped-def]
    def send(
        method: str,
        path: str,
        query: Sequence[tuple[str, str]],
        body: bytes | None,
        headers: Mapping[str, str],
    ) -> tuple[int, Mapping[str, str], bytes]:
        url = path + ("?" + urlencode(query) if query else "")
        extra = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        if language:
            extra["Accept-Language"] = language
        response = client.generic(
            method,
            url,
            data=body or b"",
            content_type=headers.get("Content-Type", ""),
            headers=extra,
        )
        return response.status_code, dict(response.items()), response.content

    return send


def spec_client(language: str = "", *, strict: bool = True) -> Open311SpecClient:
    return Open311SpecClient(django_transport(Client(), language), BASE, strict=strict)


def make_categories() -> dict[str, ComplaintCategory]:
    roads = ComplaintCategory.objects.create(
        code="roads",
        name_th="ถนนและทางเท้า",
        name_en="Roads and pavements",
        sort_order=1,
    )
    pothole = ComplaintCategory.objects.create(
        code="pothole",
        parent=roads,
        name_th="ถนนชำรุด เป็นหลุมบ่อ",
        name_en="Pothole",
        description_th="ผิวถนนแตก เป็นหลุม",
        description_en="A broken road surface",
        keywords="หลุม, ถนน, pothole",
        acknowledge_days=1,
        resolve_days=15,
    )
    CategoryAttribute.objects.create(
        category=pothole,
        code="size",
        datatype="singlevaluelist",
        required=True,
        description_th="หลุมใหญ่แค่ไหน",
        description_en="How big is the hole?",
        order=5,
        values=[
            {"key": "small", "name_th": "เล็ก", "name_en": "Small"},
            {"key": "large", "name_th": "ใหญ่", "name_en": "Large"},
        ],
    )
    CategoryAttribute.objects.create(
        category=pothole,
        code="landmark",
        datatype="string",
        required=False,
        description_th="จุดสังเกต",
        description_en="A landmark nearby",
        datatype_description_th="เช่น ร้านค้า วัด",
        order=5,
    )
    light = ComplaintCategory.objects.create(
        code="streetlight",
        parent=roads,
        name_th="ไฟฟ้าส่องสว่างดับ",
        name_en="Street light out",
        sort_order=2,
    )
    ComplaintCategory.objects.create(
        code="old-leaf", parent=roads, name_th="เลิกใช้", is_active=False
    )
    officials = ComplaintCategory.objects.create(
        code="officials", name_th="เจ้าหน้าที่รัฐ", name_en="Officials", sort_order=2
    )
    conduct = ComplaintCategory.objects.create(
        code="conduct",
        parent=officials,
        name_th="พฤติกรรมเจ้าหน้าที่",
        name_en="Conduct of an official",
    )
    return {
        "roads": roads,
        "pothole": pothole,
        "streetlight": light,
        "officials": officials,
        "conduct": conduct,
    }


def make_key(name: str = "Chiang Mai City Municipality") -> tuple[Open311Key, str]:
    partner = Partner.objects.create(
        name_th="เทศบาลนครเชียงใหม่",
        name_en=name,
        kind=PartnerKind.AGENCY,
        purpose_th="รับเรื่องร้องเรียนจากแอปของเทศบาล",
    )
    return open311_key_issue(actor="test", partner=partner, name=name)


def make_complaint(
    category: ComplaintCategory,
    *,
    subdistrict_code: str | None = "500101",
    district_code: str = "5001",
    received_at: datetime | None = None,
    status: str = ComplaintStatus.RECEIVED,
    key: Open311Key | None = None,
    **fields: Any,
) -> Complaint:
    """A complaint row as the intake service would leave it (for reading)."""
    district = District.objects.select_related("province").get(code=district_code)
    subdistrict = (
        Subdistrict.objects.get(code=subdistrict_code) if subdistrict_code else None
    )
    office = Office.objects.get(code=f"ddc-{district_code}")
    n = next(_serial)
    received = received_at or timezone.now() - timedelta(hours=n)
    today = timezone.localdate(received)
    values: dict[str, Any] = {
        "reference": f"T{n:07d}",
        "tracking_token": secrets.token_urlsafe(24),
        "category": category,
        "description": f"เรื่องที่ {n}: ซอยลับหน้าบ้านน้ำท่วมขัง",
        "province": district.province,
        "district": district,
        "subdistrict": subdistrict,
        "contact_name": "สมชาย ใจดี",
        "contact_phone": "0812345678",
        "contact_email": "somchai@example.com",
        "channel": Channel.OPEN311 if key else Channel.WEB,
        "open311_key": key,
        "fingerprint": secrets.token_hex(32),
        "office": office,
        "holder_district_code": district.code,
        "holder_province_code": district.province_id,
        "status": status,
        "received_at": received,
        "acknowledge_due": today + timedelta(days=1),
        "resolve_due": today + timedelta(days=21),
        "hq_escalation_due": today + timedelta(days=42),
        "latitude": Decimal("18.790000"),
        "longitude": Decimal("98.980000"),
        "address": "123 ถนนราชดำเนิน",
    }
    values.update(fields)
    return Complaint.objects.create(**values)


def local(value: str) -> date:
    return date.fromisoformat(value)
