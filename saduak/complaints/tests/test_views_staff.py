"""The officers' complaint pages end to end with the test client: the list by
reach with its filters and bounded counts, every action through the page
(plain POST and htmx), refusals by role and reach shown with their reason,
recording a complaint for a citizen, HQ's categories and Open311 keys, and
the staff home's tile."""

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.areas.models import District, Subdistrict
from saduak.audit.models import AuditEvent
from saduak.complaints.choices import Channel, ComplaintStatus, EventKind, Outcome
from saduak.complaints.models import (
    CategoryAttribute,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    Open311Key,
)
from saduak.complaints.services.escalation import complaints_escalate
from saduak.complaints.services.intake import Contact, Where, complaint_file
from saduak.core.uploads.sample_files import one_page_pdf, png_of_one_colour
from saduak.identity.models import Partner

pytestmark = pytest.mark.django_db

ROADS = "ถนนชำรุดเป็นหลุมลึกหน้าโรงเรียนบ้านหนองบัว รถจักรยานยนต์ล้มหลายคัน"
ROADS_AGAIN = "ถนนชำรุดเป็นหลุมลึกหน้าโรงเรียนบ้านหนองบัว รถล้มหลายคันแล้ว"
NOISE = "เสียงดังจากโรงงานตอนกลางคืนทุกวัน นอนไม่หลับ"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def private_storage(settings: Any, tmp_path: Any) -> None:
    """A private storage of the test's own, no antivirus."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.CLAMD_ADDRESS = ""


@pytest.fixture
def category(small_map: None) -> ComplaintCategory:
    group = ComplaintCategory.objects.create(
        code="roads-group", name_th="ถนนและทางเท้า", name_en="Roads and pavements"
    )
    return ComplaintCategory.objects.create(
        code="road-damage",
        parent=group,
        name_th="ถนนชำรุด",
        name_en="Damaged road",
        acknowledge_days=1,
        resolve_days=15,
    )


@pytest.fixture
def other_category(category: ComplaintCategory) -> ComplaintCategory:
    return ComplaintCategory.objects.create(
        code="noise",
        parent=category.parent,
        name_th="เสียงรบกวน",
        name_en="Noise",
    )


def file(
    category: ComplaintCategory,
    district: str = "5001",
    text: str = ROADS,
    phone: str = "0812345678",
    **kwargs: Any,
) -> Complaint:
    """A complaint filed on the web by someone not signed in."""
    subdistrict = (
        Subdistrict.objects.filter(district_id=district).order_by("code").first()
    )
    return complaint_file(
        citizen=kwargs.pop("citizen", None),
        category=category,
        description=text,
        where=Where(
            district=District.objects.get(code=district), subdistrict=subdistrict
        ),
        contact=Contact(name="มานี มีนา", phone=phone),
        **kwargs,
    )


def url(name: str, *args: Any) -> str:
    return reverse(f"complaints-staff:{name}", args=args)


def act(client: Any, complaint: Complaint, action: str, **data: Any) -> Any:
    return client.post(
        url("act", complaint.reference, action),
        {f"{action}-{key}": value for key, value in data.items()},
    )


@pytest.fixture
def district_officer(make_staff: Any) -> Any:
    return make_staff(Role.DISTRICT_ADMIN, "do-5001")


@pytest.fixture
def officer_client(client_for: Any, district_officer: Any) -> Any:
    return client_for(district_officer)


# --- The list ---------------------------------------------------------------------


def test_the_list_shows_what_the_officer_reads_with_counts_per_status(
    category, officer_client
):
    here = file(category, "5001")
    next_door = file(category, "5002", text=NOISE, phone="0812345679")
    bangkok = file(category, "1001", text="น้ำท่วมขังซอยลาดพร้าว", phone="0812345670")
    response = officer_client.get(url("list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert here.reference in page
    # The district's officer reads its own district only.
    assert next_door.reference not in page
    assert bangkok.reference not in page
    tabs = {tab["value"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs[ComplaintStatus.RECEIVED].value == 1
    assert tabs["open"].value == 1
    assert tabs[ComplaintStatus.CLOSED].value == 0
    assert not tabs[ComplaintStatus.RECEIVED].more


def test_the_province_reads_every_district_of_its_province(
    category, client_for, make_staff
):
    here = file(category, "5001")
    next_door = file(category, "5002", text=NOISE, phone="0812345679")
    bangkok = file(category, "1001", text="น้ำท่วมขังซอยลาดพร้าว", phone="0812345670")
    province = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))
    page = province.get(url("list")).content.decode()
    assert here.reference in page
    assert next_door.reference in page
    assert bangkok.reference not in page


def test_the_list_filters_by_status_category_channel_text_and_overdue(
    category, other_category, officer_client
):
    road = file(category)
    noise = file(other_category, text=NOISE, phone="0812345679")
    Complaint.objects.filter(pk=noise.pk).update(is_overdue=True, escalation=1)

    def listed(**query: str) -> set[str]:
        response = officer_client.get(url("list"), query)
        assert response.status_code == 200
        return {row["complaint"].reference for row in response.context["rows"]}

    both = {road.reference, noise.reference}
    assert listed() == both
    assert listed(category="noise") == {noise.reference}
    # A group takes its leaves.
    assert listed(category="roads-group") == both
    assert listed(overdue="on") == {noise.reference}
    assert listed(escalated="on") == {noise.reference}
    assert listed(channel=Channel.WEB) == both
    assert listed(channel=Channel.HOTLINE) == set()
    assert listed(q=road.reference) == {road.reference}
    assert listed(q="โรงงาน") == {noise.reference}
    assert listed(status=ComplaintStatus.ACCEPTED) == set()
    first = officer_client.get(url("list"), {"overdue_first": "on"}).context["rows"]
    assert first[0]["complaint"].reference == noise.reference


def test_malformed_filters_and_pages_never_fail(category, officer_client):
    file(category)
    for query in (
        {"status": "nonsense"},
        {"category": "no-such"},
        {"channel": "fax"},
        {"page": "99999"},
        {"page": "-1"},
        {"q": "x" * 500},
    ):
        assert officer_client.get(url("list"), query).status_code == 200


def test_the_list_costs_a_fixed_number_of_queries(
    category, officer_client, django_assert_max_num_queries
):
    for number in range(12):
        file(category, text=f"{ROADS} {number}", phone=f"08123456{number:02d}")
    with django_assert_max_num_queries(20) as captured:
        response = officer_client.get(url("list"))
    assert len(response.context["rows"]) == 12
    few = len(captured)
    for number in range(12, 30):
        file(category, text=f"{ROADS} {number}", phone=f"08123456{number:02d}")
    with django_assert_max_num_queries(few):
        response = officer_client.get(url("list"))
    assert len(response.context["rows"]) == 30


# --- One complaint ------------------------------------------------------------------


def test_the_complaint_page_shows_the_complainant_targets_and_full_timeline(
    category, officer_client, district_officer
):
    complaint = file(category, show_name=True)
    act(officer_client, complaint, "note", text="โทรหาผู้ร้องแล้ว ไม่รับสาย")
    response = officer_client.get(url("complaint", complaint.reference))
    assert response.status_code == 200
    page = response.content.decode()
    assert "มานี มีนา" in page
    assert "0812345678" in page
    assert "เปิดเผยชื่อต่อหน่วยงานที่ถูกร้องเรียนได้" in page
    assert "โทรหาผู้ร้องแล้ว" in page
    assert complaint.office.name in page
    offered = [item["spec"].slug for item in response.context["actions"]]
    assert "accept" in offered
    assert "take-over" not in offered  # a district admin never takes over


def test_the_complaint_page_costs_the_same_however_long_its_timeline(
    category, officer_client, django_assert_max_num_queries
):
    complaint = file(category)
    file(category, text=ROADS_AGAIN, phone="0899999999")
    act(officer_client, complaint, "note", text="หนึ่ง")
    with django_assert_max_num_queries(15) as captured:
        officer_client.get(url("complaint", complaint.reference))
    few = len(captured)
    for number in range(10):
        act(officer_client, complaint, "note", text=f"บันทึก {number}")
    with django_assert_max_num_queries(few):
        response = officer_client.get(url("complaint", complaint.reference))
    assert len(response.context["timeline"]) == 12


def test_a_district_officer_cannot_see_another_provinces_complaint(
    category, officer_client
):
    bangkok = file(category, "1001")
    assert officer_client.get(url("complaint", bangkok.reference)).status_code == 404
    response = act(officer_client, bangkok, "accept")
    assert response.status_code == 404
    bangkok.refresh_from_db()
    assert bangkok.status == ComplaintStatus.RECEIVED


def test_a_citizen_is_refused_the_staff_pages(category, client_for, citizen):
    complaint = file(category)
    client = client_for(citizen)
    assert client.get(url("list")).status_code == 403
    assert client.get(url("complaint", complaint.reference)).status_code == 403


def test_the_officer_handles_a_complaint_from_accept_to_close(
    category, officer_client, district_officer
):
    complaint = file(category)

    def status() -> str:
        complaint.refresh_from_db()
        return complaint.status

    assert act(officer_client, complaint, "accept").status_code == 302
    assert status() == ComplaintStatus.ACCEPTED
    assert AuditEvent.objects.filter(
        action="complaint.accept", actor_id=district_officer.pk
    ).exists()
    assert act(officer_client, complaint, "start").status_code == 302
    assert status() == ComplaintStatus.IN_PROGRESS
    response = act(officer_client, complaint, "answer", text="รับเรื่องแล้ว จะส่งช่างไปดู")
    assert response.status_code == 302
    assert ComplaintEvent.objects.filter(
        complaint=complaint, kind=EventKind.ANSWER, is_public=True
    ).exists()
    response = act(
        officer_client,
        complaint,
        "forward",
        agency="เทศบาลนครเชียงใหม่",
        text="ขอให้ซ่อมถนนหน้าโรงเรียน",
    )
    assert response.status_code == 302
    assert status() == ComplaintStatus.FORWARDED
    assert complaint.forwarded_to == "เทศบาลนครเชียงใหม่"
    response = act(
        officer_client,
        complaint,
        "agency-answer",
        text="เทศบาลจะซ่อมภายในสัปดาห์นี้",
        public="on",
    )
    assert response.status_code == 302
    assert status() == ComplaintStatus.IN_PROGRESS
    response = act(officer_client, complaint, "resolve", text="ซ่อมถนนเรียบร้อยแล้ว")
    assert response.status_code == 302
    assert status() == ComplaintStatus.RESOLVED
    response = act(
        officer_client,
        complaint,
        "close",
        outcome=Outcome.RESOLVED,
        text="ผู้ร้องยืนยันว่าแก้ไขแล้ว",
    )
    assert response.status_code == 302
    assert status() == ComplaintStatus.CLOSED
    assert complaint.outcome == Outcome.RESOLVED
    for action in (
        "complaint.start",
        "complaint.answer",
        "complaint.forward",
        "complaint.agency_answer",
        "complaint.resolve",
        "complaint.close",
    ):
        assert AuditEvent.objects.filter(action=action).count() == 1, action


def test_an_answer_carries_photos_and_documents_shown_with_their_links(
    category, officer_client, private_storage
):
    complaint = file(category)
    response = officer_client.post(
        url("act", complaint.reference, "answer"),
        {
            "answer-text": "ซ่อมแล้ว ดูภาพประกอบ",
            "answer-attachments": [
                SimpleUploadedFile("after.png", png_of_one_colour(64), "image/png"),
                SimpleUploadedFile("report.pdf", one_page_pdf(), "application/pdf"),
            ],
        },
        **HTMX,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "after.png" in page and "report.pdf" in page
    attachment = complaint.attachments.get(original_name="after.png")
    assert reverse("complaints-documents:download", args=[attachment.public_id]) in page
    assert attachment.event.kind == EventKind.ANSWER


def test_a_file_that_is_not_what_it_claims_is_refused_on_the_answer(
    category, officer_client, private_storage
):
    complaint = file(category)
    response = officer_client.post(
        url("act", complaint.reference, "answer"),
        {
            "answer-text": "ดูภาพประกอบ",
            "answer-attachments": [
                SimpleUploadedFile("photo.jpg", b"MZ not a photo", "image/jpeg")
            ],
        },
    )
    assert response.status_code == 400
    assert "photo.jpg" in response.content.decode()
    assert not complaint.attachments.exists()
    assert not ComplaintEvent.objects.filter(
        complaint=complaint, kind=EventKind.ANSWER
    ).exists()
    too_many = [
        SimpleUploadedFile(f"p{number}.png", png_of_one_colour(8), "image/png")
        for number in range(6)
    ]
    response = act(officer_client, complaint, "answer", text="x", attachments=too_many)
    assert response.status_code == 400
    assert not complaint.attachments.exists()


def test_an_answer_sent_twice_by_a_double_tap_is_stored_once(category, officer_client):
    complaint = file(category)
    page = officer_client.get(url("complaint", complaint.reference)).content.decode()
    answer_form = page.split('action="' + url("act", complaint.reference, "answer"))[1]
    assert 'name="idempotency_key"' in answer_form.split("</form>")[0]
    data = {"answer-text": "รับเรื่องแล้ว", "idempotency_key": "tap-tap-tap-123456"}
    first = officer_client.post(url("act", complaint.reference, "answer"), data)
    again = officer_client.post(url("act", complaint.reference, "answer"), data)
    assert (first.status_code, again.status_code) == (302, 302)
    answers = ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.ANSWER)
    assert answers.count() == 1


def test_an_internal_agency_answer_stays_off_the_public_timeline(
    category, officer_client
):
    complaint = file(category)
    act(officer_client, complaint, "forward", agency="การไฟฟ้า", text="ไฟดับ")
    act(officer_client, complaint, "agency-answer", text="ภายใน: รองบประมาณ")
    event = ComplaintEvent.objects.get(
        complaint=complaint, kind=EventKind.AGENCY_ANSWER
    )
    assert event.is_public is False


def test_an_action_with_htmx_answers_the_work_area(category, officer_client):
    complaint = file(category)
    response = officer_client.post(
        url("act", complaint.reference, "accept"), {}, **HTMX
    )
    assert response.status_code == 200
    names = [template.name for template in response.templates]
    assert "complaints/staff/partials/work.html" in names
    assert "base.html" not in names
    assert 'id="complaint-work"' in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ACCEPTED
    # A refusal comes back in the work area too, on the form.
    response = officer_client.post(
        url("act", complaint.reference, "answer"), {"answer-text": ""}, **HTMX
    )
    assert response.status_code == 200
    assert "error-message" in response.content.decode()


def test_bad_input_is_refused_on_the_form_and_nothing_is_stored(
    category, officer_client
):
    complaint = file(category)
    before = ComplaintEvent.objects.filter(complaint=complaint).count()
    assert act(officer_client, complaint, "answer", text="   ").status_code == 400
    assert act(officer_client, complaint, "answer", text="x" * 4001).status_code == 400
    assert (
        act(officer_client, complaint, "transfer", district="5002").status_code == 400
    )
    assert (
        act(
            officer_client, complaint, "transfer", district="9999", reason="x"
        ).status_code
        == 400
    )
    assert (
        act(officer_client, complaint, "close", outcome="lost", text="x").status_code
        == 400
    )
    assert (
        act(officer_client, complaint, "forward", agency="", text="x").status_code
        == 400
    )
    response = officer_client.post(url("act", complaint.reference, "explode"), {})
    assert response.status_code == 404
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == before
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED


def test_an_action_the_state_does_not_allow_is_refused_with_the_reason(
    category, officer_client
):
    complaint = file(category)
    # Recording an agency's answer before forwarding.
    response = act(officer_client, complaint, "agency-answer", text="ตอบแล้ว")
    assert response.status_code in (400, 409)
    failed = [item for item in response.context["actions"] if item["failed"]]
    assert failed and failed[0]["form"].errors
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED


def test_a_district_officer_transfers_within_the_province(category, officer_client):
    complaint = file(category)
    response = act(
        officer_client, complaint, "transfer", district="5002", reason="เกิดเหตุในอำเภออื่น"
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.holder_district_code == "5002"
    assert complaint.status == ComplaintStatus.RECEIVED
    assert AuditEvent.objects.filter(action="complaint.transfer").count() == 1


def test_a_transfer_outside_the_officers_reach_is_refused_with_its_reason(
    category, officer_client
):
    complaint = file(category)
    response = act(
        officer_client, complaint, "transfer", district="1001", reason="ย้ายไปกรุงเทพ"
    )
    assert response.status_code == 403
    failed = next(item for item in response.context["actions"] if item["failed"])
    assert failed["spec"].slug == "transfer"
    reason = " ".join(
        failed["form"].non_field_errors() + failed["form"]["district"].errors
    )
    assert reason
    assert reason in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.holder_district_code == "5001"
    assert not AuditEvent.objects.filter(action="complaint.transfer").exists()


def test_only_the_province_takes_a_complaint_over(
    category, officer_client, client_for, make_staff
):
    complaint = file(category)
    response = act(officer_client, complaint, "take-over", reason="เรื่องใหญ่")
    assert response.status_code == 403
    assert "provincial staff" in response.content.decode() or "จังหวัด" in (
        response.content.decode()
    )
    complaint.refresh_from_db()
    assert complaint.office.code == "ddc-5001"

    province = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))
    page = province.get(url("complaint", complaint.reference))
    assert "take-over" in [item["spec"].slug for item in page.context["actions"]]
    response = act(province, complaint, "take-over", reason="เรื่องใหญ่ จังหวัดดูแลเอง")
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.office.code == "pao-50"
    # The district still reads it? No: the holder is the province now.
    assert act(officer_client, complaint, "accept").status_code == 404


def test_the_officer_merges_a_suggested_duplicate(category, officer_client):
    first = file(category)
    second = file(category, text=ROADS_AGAIN, phone="0899999999")
    response = officer_client.get(url("complaint", first.reference))
    suggestions = response.context["duplicates"]
    assert [item["complaint"].reference for item in suggestions] == [second.reference]
    assert 30 <= suggestions[0]["percent"] <= 100
    assert f"{suggestions[0]['percent']}%" in response.content.decode()
    response = officer_client.post(
        url("merge", first.reference),
        {"merge-other": second.reference, "merge-direction": "into_this"},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == ComplaintStatus.CLOSED
    assert second.outcome == Outcome.DUPLICATE
    assert second.merged_into_id == first.pk
    assert AuditEvent.objects.filter(action="complaint.merge").count() == 1


def test_a_merge_with_an_unreadable_or_unknown_complaint_is_refused(
    category, officer_client
):
    first = file(category)
    bangkok = file(category, "1001", phone="0899999999")
    for other in (bangkok.reference, "NOPE-0000"):
        response = officer_client.post(
            url("merge", first.reference),
            {"merge-other": other, "merge-direction": "into_this"},
        )
        assert response.status_code == 400
    bangkok.refresh_from_db()
    assert bangkok.merged_into_id is None


# --- Recording a complaint ---------------------------------------------------------


def record_data(leaf: ComplaintCategory, **fields: Any) -> dict[str, Any]:
    data = {
        "office": "ddc-5001",
        "channel": Channel.HOTLINE,
        "category": leaf.code,
        "description": "โทร 1567 แจ้งไฟฟ้าส่องสว่างดับทั้งซอย",
        "district": "5001",
        "subdistrict": "",
        "address": "ซอย 5 ถนนห้วยแก้ว",
        "phone": "081-234-5678",
    }
    data.update(fields)
    return data


def test_an_officer_records_a_hotline_complaint(
    category, officer_client, district_officer
):
    response = officer_client.get(url("record"))
    assert response.status_code == 200
    response = officer_client.post(url("record"), record_data(category))
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("complaint", complaint.reference)
    assert complaint.channel == Channel.HOTLINE
    assert complaint.recorded_by_id == district_officer.pk
    assert complaint.contact_phone.endswith("2345678")
    assert AuditEvent.objects.filter(action="complaint.record").count() == 1


def test_a_referral_names_its_agency_and_may_be_for_a_citizen_by_personal_id(
    category, officer_client, citizen
):
    response = officer_client.post(
        url("record"), record_data(category, channel=Channel.REFERRAL)
    )
    assert response.status_code == 400
    assert "referral_agency" in response.context["form"].errors
    response = officer_client.post(
        url("record"),
        record_data(
            category,
            channel=Channel.REFERRAL,
            referral_agency="สำนักงานปลัดสำนักนายกรัฐมนตรี",
            personal_id=citizen.personal_id,
            phone="",
            subdistrict=Subdistrict.objects.filter(district_id="5001").first().code,
        ),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.complainant_id == citizen.pk
    assert complaint.referral_agency == "สำนักงานปลัดสำนักนายกรัฐมนตรี"
    assert complaint.subdistrict is not None


def test_recording_refuses_bad_input_and_stores_nothing(category, officer_client):
    cases = [
        record_data(category, personal_id="1234567890123"),  # bad check digit
        record_data(category, personal_id="3100000000999"[:12] + "0"),
        record_data(category, description=""),
        record_data(category, description="x" * 4001),
        record_data(category, district="9999"),
        record_data(category, subdistrict="100101"),  # not in 5001
        record_data(category, category="no-such"),
        record_data(category, channel=Channel.WEB),
        record_data(category, office="ddc-1001"),
        record_data(category, latitude="60.0", longitude="100.5"),
        record_data(category, latitude="18.7"),
    ]
    for data in cases:
        response = officer_client.post(url("record"), data)
        assert response.status_code == 400, data
    assert not Complaint.objects.exists()


def test_recording_keeps_a_letters_scan(category, officer_client, private_storage):
    data = record_data(category, channel=Channel.LETTER)
    data["attachments"] = SimpleUploadedFile(
        "letter.pdf", one_page_pdf(), "application/pdf"
    )
    response = officer_client.post(url("record"), data)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert [item.original_name for item in complaint.attachments.all()] == [
        "letter.pdf"
    ]


def test_recording_refuses_a_bad_attachment(category, officer_client, private_storage):
    data = record_data(category)
    data["attachments"] = SimpleUploadedFile("photo.jpg", b"not a photo", "image/jpeg")
    response = officer_client.post(url("record"), data)
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_subdistricts_follow_the_district(category, officer_client):
    response = officer_client.get(url("subdistricts"), {"district": "5001"})
    names = Subdistrict.objects.filter(district_id="5001").values_list(
        "code", flat=True
    )
    page = response.content.decode()
    assert all(code in page for code in names)
    assert officer_client.get(url("subdistricts"), {"district": "x"}).status_code == 200


def test_a_citizen_cannot_record(category, client_for, citizen):
    assert client_for(citizen).get(url("record")).status_code == 403


# --- HQ: categories and keys ----------------------------------------------------------


@pytest.fixture
def hq_client(client_for: Any, make_staff: Any) -> Any:
    return client_for(make_staff(Role.HQ_ADMIN, "hq"))


def test_only_hq_manages_categories(category, officer_client):
    assert officer_client.get(url("categories")).status_code == 403
    response = officer_client.post(url("category", category.code), {"name_th": "x"})
    assert response.status_code == 403
    category.refresh_from_db()
    assert category.name_th == "ถนนชำรุด"


def test_hq_adds_a_category_changes_its_targets_and_its_questions(category, hq_client):
    assert hq_client.get(url("categories")).status_code == 200
    data = {
        "code": "street-lights",
        "parent": "roads-group",
        "name_th": "ไฟฟ้าส่องสว่างดับ",
        "name_en": "Street lights out",
        "handling_office_kind": "damrongdham_center",
        "acknowledge_days": "1",
        "resolve_days": "7",
        "hq_escalation_days": "10",
        "sort_order": "3",
        "is_active": "on",
    }
    response = hq_client.post(url("category-add"), data)
    assert response.status_code == 302
    lights = ComplaintCategory.objects.get(code="street-lights")
    assert (lights.parent, lights.resolve_days) == (category.parent, 7)
    response = hq_client.post(
        url("category", "street-lights"), {**data, "resolve_days": "5"}
    )
    assert response.status_code == 302
    lights.refresh_from_db()
    assert lights.resolve_days == 5
    assert AuditEvent.objects.filter(action="complaint_category.save").count() == 2
    bad = hq_client.post(
        url("category", "street-lights"), {**data, "resolve_days": "0"}
    )
    assert bad.status_code == 400
    response = hq_client.post(
        url("attribute-add", "street-lights"),
        {
            "q-code": "pole-number",
            "q-datatype": "string",
            "q-description_th": "หมายเลขเสาไฟ",
            "q-order": "1",
        },
    )
    assert response.status_code == 302
    attribute = CategoryAttribute.objects.get(category=lights)
    assert attribute.code == "pole-number"
    refused = hq_client.post(
        url("attribute-add", "street-lights"),
        {
            "q-code": "kind",
            "q-datatype": "singlevaluelist",
            "q-description_th": "ชนิด",
            "q-order": "2",
        },
    )
    assert refused.status_code == 400
    response = hq_client.post(url("attribute-remove", "street-lights", "pole-number"))
    assert response.status_code == 302
    assert not CategoryAttribute.objects.filter(category=lights).exists()


@pytest.fixture
def partner(small_map: None) -> Partner:
    return Partner.objects.create(
        name_th="เทศบาลนครเชียงใหม่",
        name_en="Chiang Mai City Municipality",
        kind="agency",
        purpose_th="รับเรื่องร้องเรียนจากแอปของเทศบาล",
    )


def test_hq_issues_a_key_shown_once_and_revokes_it(partner, hq_client):
    response = hq_client.post(
        url("keys"), {"partner": str(partner.public_id), "name": "แอปเทศบาล"}
    )
    assert response.status_code == 200
    raw = response.context["raw"]
    assert raw and raw in response.content.decode()
    key = Open311Key.objects.get()
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(key.key_prefix)
    # Never shown again.
    assert raw not in hq_client.get(url("keys")).content.decode()
    response = hq_client.post(url("key-revoke", key.key_prefix))
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditEvent.objects.filter(action="open311_key.issue").count() == 1
    assert AuditEvent.objects.filter(action="open311_key.revoke").count() == 1
    # Twice is refused with the reason, not a failure.
    response = hq_client.post(url("key-revoke", key.key_prefix), follow=True)
    assert "already been revoked" in response.content.decode() or "ยกเลิก" in (
        response.content.decode()
    )


def test_keys_are_for_hq_only_and_bad_input_is_refused(
    partner, hq_client, officer_client
):
    assert officer_client.get(url("keys")).status_code == 403
    assert (
        officer_client.post(
            url("keys"), {"partner": str(partner.public_id), "name": "x"}
        ).status_code
        == 403
    )
    assert (
        hq_client.post(url("keys"), {"partner": "nope", "name": "x"}).status_code == 400
    )
    assert (
        hq_client.post(
            url("keys"), {"partner": str(partner.public_id), "name": ""}
        ).status_code
        == 400
    )
    assert hq_client.post(url("key-revoke", "o311_nothing")).status_code == 404
    assert not Open311Key.objects.exists()


# --- The staff home tile ---------------------------------------------------------


def test_the_staff_home_shows_the_complaints_tile_with_open_and_overdue(
    category, officer_client
):
    file(category)
    noise = file(category, text=NOISE, phone="0812345679")
    file(category, "1001", text="น้ำท่วม", phone="0812345670")
    response = officer_client.get(reverse("areas:staff-home"))
    page = response.content.decode()
    assert url("list") in page
    assert "<strong>2</strong>" in page
    assert noise.reference not in page
    assert "overdue=on" not in page
    # Past its targets, the escalation job marks it overdue: the tile says so
    # and links to the overdue ones.
    complaints_escalate(now=timezone.now() + timedelta(days=40))
    page = officer_client.get(reverse("areas:staff-home")).content.decode()
    assert "<strong>2</strong> " in page
    assert "overdue=on" in page
    listed = officer_client.get(url("list"), {"status": "open", "overdue": "on"})
    assert len(listed.context["rows"]) == 2
