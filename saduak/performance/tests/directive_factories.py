"""What the directive tests build: a report form with one field, an issuing
office's letterhead, a signer with a position, and a draft directive ready
to send (through the real services, as the system actor)."""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.performance.models import Directive, Letterhead
from saduak.performance.services import collection
from saduak.performance.services.directives import directive_create

SYSTEM = "test"


def text(value: str) -> dict[str, str]:
    return {"th": value, "en": value}


def report_form() -> dict[str, Any]:
    """A report form with a number and a text field."""
    return {
        "sections": [
            {
                "key": "main",
                "title": text("ผลการดำเนินงาน"),
                "fields": [
                    {"key": "served", "type": "number", "label": text("ผู้รับบริการ")},
                    {"key": "note", "type": "text", "label": text("หมายเหตุ")},
                ],
            }
        ]
    }


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def letterhead_for(office_code: str) -> Letterhead:
    office = Office.objects.get(code=office_code)
    return Letterhead.objects.create(
        office=office,
        book_code="มท 0309.2" if office_code == "hq" else "ชม 0017.3",
        issuer_name=office.name_th,
        address="ถนนอัษฎางค์ กรุงเทพมหานคร 10200",
        owner_unit="กองวิชาการและแผนงาน",
        phone="0 2222 1141",
    )


def signer_at(make_staff: Any, office_code: str, position: str = "อธิบดี") -> User:
    role = Role.HQ_ADMIN if office_code == "hq" else Role.PROVINCIAL_STAFF
    signer = make_staff(role, office_code)
    signer.first_name, signer.last_name, signer.position = "สมชาย", "ใจดี", position
    signer.save(update_fields=["first_name", "last_name", "position"])
    return signer


def draft(
    issuer_code: str = "hq",
    *,
    signer: User | None = None,
    with_form: bool = True,
    actor: Any = SYSTEM,
    **fields: Any,
) -> Directive:
    """A draft directive of `issuer_code`, with a report form unless told."""
    fields.setdefault("title_th", "รายงานผลการให้บริการ")
    fields.setdefault("due_on", in_days(14))
    fields.setdefault("addressee", "ผู้ว่าราชการจังหวัด ทุกจังหวัด")
    fields.setdefault(
        "body", "ด้วยกรมการปกครองขอให้รายงานผลการให้บริการ\nจึงเรียนมาเพื่อโปรดพิจารณา"
    )
    directive = directive_create(
        actor=actor,
        issuer=Office.objects.get(code=issuer_code),
        signer=signer,
        **fields,
    )
    if with_form:
        collection.request_update(
            actor=SYSTEM, request=directive.request, form=report_form()
        )
    return Directive.objects.select_related("request").get(pk=directive.pk)


def ready(make_staff: Any, issuer_code: str = "hq", **fields: Any) -> Directive:
    """A draft that may be sent: letterhead, signer with a position, form."""
    if not Letterhead.objects.filter(office__code=issuer_code).exists():
        letterhead_for(issuer_code)
    return draft(issuer_code, signer=signer_at(make_staff, issuer_code), **fields)
