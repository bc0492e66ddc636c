"""Helpers other tests build complaints with. They go through the real
services; every test that uses them needs the `small_map` fixture (district
5001 Mueang Chiang Mai, 5002 Chom Thong, 1001 in Bangkok, with their offices:
`ddc-5001` holds complaints of 5001)."""

from datetime import date
from decimal import Decimal
from typing import Any

from saduak.accounts.models import User
from saduak.areas.models import District, Subdistrict
from saduak.complaints.choices import Channel
from saduak.complaints.models import Complaint, ComplaintCategory
from saduak.complaints.services.intake import Contact, Where, complaint_file

PHONE = "0812345678"


def make_category(
    code: str = "road-damage",
    *,
    group: str = "infrastructure",
    name_th: str = "ถนนชำรุด",
    name_en: str = "Damaged road",
    acknowledge_days: int = 1,
    resolve_days: int = 15,
    hq_escalation_days: int = 15,
    **fields: Any,
) -> ComplaintCategory:
    """A leaf category `code` in the group `group` (both made when missing;
    written directly, without an audit event, as test data)."""
    parent, _made = ComplaintCategory.objects.get_or_create(
        code=group, defaults={"name_th": f"กลุ่ม {group}", "name_en": f"Group {group}"}
    )
    category, _made = ComplaintCategory.objects.update_or_create(
        code=code,
        defaults={
            "parent": parent,
            "name_th": name_th,
            "name_en": name_en,
            "acknowledge_days": acknowledge_days,
            "resolve_days": resolve_days,
            "hq_escalation_days": hq_escalation_days,
            **fields,
        },
    )
    return category


def where_in(
    district_code: str = "5001",
    *,
    subdistrict_code: str | None = None,
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Where:
    """A place in `district_code`: its first subdistrict unless another (or
    an address or point) is given."""
    district = District.objects.get(code=district_code)
    subdistrict = None
    if subdistrict_code is not None:
        subdistrict = Subdistrict.objects.get(code=subdistrict_code)
    elif not address and latitude is None:
        subdistrict = (
            Subdistrict.objects.filter(district=district).order_by("code").first()
        )
    return Where(
        district=district,
        subdistrict=subdistrict,
        latitude=latitude,
        longitude=longitude,
        address=address,
    )


def file_complaint(
    *,
    citizen: User | None = None,
    category: ComplaintCategory | None = None,
    description: str = "ถนนหน้าบ้านเป็นหลุมลึก รถจักรยานยนต์ล้มหลายคันแล้ว",
    district_code: str = "5001",
    subdistrict_code: str | None = None,
    where: Where | None = None,
    contact: Contact | None = None,
    channel: Channel = Channel.WEB,
    happened_on: date | None = None,
    show_name: bool = False,
    language: str = "th",
    **extra: Any,
) -> Complaint:
    """Files a complaint through `complaint_file`: by `citizen`, or (when
    None) by someone known only by the phone 0812345678. The category is
    `make_category()` unless given."""
    if category is None:
        category = make_category()
    if where is None:
        where = where_in(district_code, subdistrict_code=subdistrict_code)
    if contact is None:
        contact = (
            Contact() if citizen is not None else Contact(name="สมหญิง", phone=PHONE)
        )
    return complaint_file(
        citizen=citizen,
        category=category,
        description=description,
        where=where,
        contact=contact,
        channel=channel,
        happened_on=happened_on,
        show_name=show_name,
        language=language,
        **extra,
    )
