from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.areas.models import District, Office, Subdistrict
from saduak.audit.models import AuditEvent
from saduak.complaints.choices import Channel, ComplaintStatus, EventKind
from saduak.complaints.models import CategoryAttribute, Complaint, ComplaintEvent
from saduak.complaints.services.intake import (
    Contact,
    Where,
    complaint_record_for_citizen,
)
from saduak.complaints.tests.factories import (
    PHONE,
    file_complaint,
    make_category,
    where_in,
)
from saduak.core.errors import InvalidInput, NotFound, PermissionDeniedError
from saduak.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _nothing_stored() -> None:
    assert Complaint.objects.count() == 0
    assert ComplaintEvent.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="complaint.").exists()
    assert Notification.objects.count() == 0


def test_a_signed_in_citizen_files_a_complaint_routed_to_the_district_center(
    category: Any, citizen: Any
) -> None:
    citizen.phone = "0898765432"
    citizen.save(update_fields=["phone"])
    complaint = file_complaint(citizen=citizen, category=category)

    assert complaint.office.code == "ddc-5001"
    assert complaint.holder_district_code == "5001"
    assert complaint.holder_province_code == "50"
    assert complaint.status == ComplaintStatus.RECEIVED
    assert complaint.complainant == citizen
    assert len(complaint.reference) == 8
    assert len(complaint.tracking_token) >= 40
    assert complaint.acknowledge_due > timezone.localdate() - timedelta(days=1)
    assert complaint.resolve_due > complaint.acknowledge_due
    assert complaint.hq_escalation_due > complaint.resolve_due
    event = complaint.events.get()
    assert event.kind == EventKind.FILED and event.is_public and event.actor == citizen
    audit = AuditEvent.objects.get(action="complaint.file")
    assert audit.actor_id == citizen.pk
    assert audit.target_id == str(complaint.pk)
    assert audit.office_id == complaint.office_id
    assert audit.district_code == "5001" and audit.province_code == "50"
    assert "0898765432" not in str(audit.after)
    sent = Notification.objects.get(template_key="complaint.received")
    assert sent.recipient == citizen
    assert complaint.reference in sent.body
    assert complaint.tracking_token in sent.body


def test_someone_not_signed_in_is_told_by_sms(category: Any) -> None:
    complaint = file_complaint(category=category)
    assert complaint.complainant is None
    assert complaint.contact_phone == PHONE
    sent = Notification.objects.get()
    assert sent.channel == "sms" and sent.address == PHONE
    assert sent.body.startswith("สะดวก: ได้รับเรื่องร้องเรียน")
    assert AuditEvent.objects.get(action="complaint.file").actor_label == "public:web"


def test_from_line_the_answer_goes_to_line(category: Any) -> None:
    line_id = "U" + "a" * 32
    file_complaint(
        category=category, channel=Channel.LINE, contact=Contact(line_user_id=line_id)
    )
    sent = Notification.objects.get()
    assert sent.channel == "line" and sent.address == line_id


def test_a_category_may_name_another_kind_of_office(small_map: None) -> None:
    registry = make_category(
        "id-card", group="registration", handling_office_kind="district_registry"
    )
    complaint = file_complaint(category=registry)
    assert complaint.office.code == "reg-5001"


def test_the_district_comes_from_the_subdistrict(category: Any) -> None:
    subdistrict = Subdistrict.objects.filter(district_id="5002").first()
    complaint = file_complaint(category=category, where=Where(subdistrict=subdistrict))
    assert complaint.district_id == "5002" and complaint.office.code == "ddc-5002"


def test_a_point_and_an_address_with_a_district_will_do(category: Any) -> None:
    complaint = file_complaint(
        category=category,
        where=Where(
            district=District.objects.get(code="5001"),
            latitude=Decimal("18.7883"),
            longitude=Decimal("98.9853"),
        ),
    )
    assert complaint.subdistrict is None
    assert complaint.latitude == Decimal("18.788300")


@pytest.mark.parametrize(
    ("where", "field"),
    [
        (lambda: Where(), "location"),
        (lambda: Where(district=District.objects.get(code="5001")), "location"),
        (
            lambda: Where(latitude=Decimal("18.7"), longitude=Decimal("98.9")),
            "location",
        ),
        (
            lambda: Where(
                district=District.objects.get(code="5001"),
                latitude=Decimal("48.8"),
                longitude=Decimal("2.3"),
            ),
            "latitude",
        ),
        (
            lambda: Where(
                district=District.objects.get(code="5001"),
                subdistrict=Subdistrict.objects.filter(district_id="5002").first(),
            ),
            "subdistrict",
        ),
        (
            lambda: Where(
                district=District.objects.get(code="5001"), address="x" * 301
            ),
            "address",
        ),
    ],
)
def test_a_missing_or_wrong_location_is_refused(
    category: Any, where: Any, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        file_complaint(category=category, where=where())
    assert refused.value.field == field
    _nothing_stored()


def test_a_description_over_4000_characters_is_refused(category: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        file_complaint(category=category, description="ก" * 4001)
    assert refused.value.field == "description"
    assert "4,000" in str(refused.value.message)
    _nothing_stored()
    assert file_complaint(category=category, description="ก" * 4000).pk


def test_an_empty_description_is_refused(category: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        file_complaint(category=category, description="   \n ")
    assert refused.value.field == "description"
    _nothing_stored()


def test_without_signing_in_a_phone_or_line_is_needed(category: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        file_complaint(category=category, contact=Contact(email="a@example.com"))
    assert refused.value.field == "phone"
    with pytest.raises(InvalidInput) as refused:
        file_complaint(category=category, contact=Contact(phone="12345"))
    assert refused.value.field == "phone"
    _nothing_stored()


def test_a_group_or_an_inactive_category_is_refused(category: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        file_complaint(category=category.parent)
    assert refused.value.field == "category"
    category.is_active = False
    category.save(update_fields=["is_active"])
    with pytest.raises(InvalidInput):
        file_complaint(category=category)
    _nothing_stored()


def test_a_future_day_is_refused(category: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        file_complaint(
            category=category, happened_on=timezone.localdate() + timedelta(days=1)
        )
    assert refused.value.field == "happened_on"
    _nothing_stored()


def test_files_are_refused_until_the_documents_pipeline_takes_them(
    category: Any,
) -> None:
    from importlib.util import find_spec

    if find_spec("saduak.complaints.services.documents") is not None:
        pytest.skip("the documents pipeline stores files (its own tests)")
    with pytest.raises(InvalidInput) as refused:
        file_complaint(category=category, uploads=[object()])
    assert refused.value.field == "uploads"
    _nothing_stored()


def test_the_answers_to_the_category_questions_are_checked(category: Any) -> None:
    CategoryAttribute.objects.create(
        category=category,
        code="hazard",
        datatype="singlevaluelist",
        required=True,
        description_th="อันตรายไหม",
        values=[{"key": "yes"}, {"key": "no"}],
    )
    with pytest.raises(InvalidInput) as refused:
        file_complaint(category=category)
    assert refused.value.field == "attribute[hazard]"
    with pytest.raises(InvalidInput) as refused:
        file_complaint(category=category, attribute_answers={"hazard": "maybe"})
    assert refused.value.field == "attribute[hazard]"
    with pytest.raises(InvalidInput) as refused:
        file_complaint(category=category, attribute_answers={"colour": "red"})
    assert refused.value.field == "attribute[colour]"
    _nothing_stored()
    complaint = file_complaint(category=category, attribute_answers={"hazard": "yes"})
    assert complaint.attribute_answers == {"hazard": "yes"}


def test_a_double_tap_is_stored_once(category: Any, citizen: Any) -> None:
    first = file_complaint(
        citizen=citizen, category=category, description="ไฟดับ  ทั้งซอย"
    )
    second = file_complaint(
        citizen=citizen, category=category, description="ไฟดับ ทั้งซอย"
    )
    assert second.pk == first.pk
    assert Complaint.objects.count() == 1
    assert AuditEvent.objects.filter(action="complaint.file").count() == 1


def test_the_same_text_a_minute_later_is_a_new_complaint(
    category: Any, citizen: Any
) -> None:
    first = file_complaint(citizen=citizen, category=category)
    Complaint.objects.filter(pk=first.pk).update(
        received_at=first.received_at - timedelta(seconds=61)
    )
    second = file_complaint(citizen=citizen, category=category)
    assert second.pk != first.pk


def test_an_officer_records_a_hotline_complaint(category: Any, officer: Any) -> None:
    complaint = complaint_record_for_citizen(
        officer=officer,
        office=Office.objects.get(code="ddc-5001"),
        channel=Channel.HOTLINE,
        category=category,
        description="โทรมาแจ้งว่ามีการลักลอบทิ้งขยะ",
        where=where_in("5002"),
        contact=Contact(name="นายโทร", phone="0811111111"),
    )
    assert complaint.channel == Channel.HOTLINE
    assert complaint.recorded_by == officer
    assert complaint.office.code == "ddc-5002"
    assert complaint.events.get().kind == EventKind.RECORDED
    audit = AuditEvent.objects.get(action="complaint.record")
    assert audit.actor_id == officer.pk
    assert Notification.objects.get().address == "0811111111"


def test_a_referral_names_its_agency(category: Any, officer: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        complaint_record_for_citizen(
            officer=officer,
            office=Office.objects.get(code="ddc-5001"),
            channel=Channel.REFERRAL,
            category=category,
            description="ส่งต่อมาจากศูนย์ดำรงธรรมจังหวัด",
            where=where_in(),
        )
    assert refused.value.field == "referral_agency"
    _nothing_stored()


def test_an_officer_elsewhere_cannot_record_here(
    category: Any, make_staff: Any
) -> None:
    away = make_staff(Role.COUNTER_OFFICER, "ddc-5002")
    with pytest.raises((PermissionDeniedError, NotFound)):
        complaint_record_for_citizen(
            officer=away,
            office=Office.objects.get(code="ddc-5001"),
            channel=Channel.WALK_IN,
            category=category,
            description="มาร้องด้วยตนเอง",
            where=where_in(),
        )
    _nothing_stored()


def test_a_citizen_cannot_use_an_officer_channel(category: Any, citizen: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        file_complaint(citizen=citizen, category=category, channel=Channel.HOTLINE)
    assert refused.value.field == "channel"
    _nothing_stored()


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_arriving_at_the_same_time_is_stored_once(
    small_map: None, make_user: Any
) -> None:
    """Four requests with the same complaint at once (a double tap over a slow
    network): one stores it, the others wait for it and get it back."""
    import threading

    from django.db import connection

    category = make_category()
    person = make_user(phone="0861234567")
    start = threading.Barrier(4)
    found: list[int] = []
    failures: list[BaseException] = []

    def tap() -> None:
        try:
            start.wait()
            found.append(
                file_complaint(citizen=person, category=category, description="ไฟดับ").pk
            )
        except BaseException as error:  # noqa: BLE001 (reported below)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert len(set(found)) == 1 and len(found) == 4
    assert Complaint.objects.count() == 1
    assert Notification.objects.filter(template_key="complaint.received").count() == 1
