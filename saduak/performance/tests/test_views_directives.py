"""The directive pages end to end with the test client: who sees and does
what (403 for a role that may not, 404 outside the read reach), bad input
re-rendered with its message and nothing half-saved, and each page's
action reaching its service (audited)."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent
from saduak.core.uploads.sample_files import one_page_pdf
from saduak.performance.choices import LegStatus, RequestRoute, RequestStatus
from saduak.performance.models import (
    Directive,
    Letterhead,
    ReportAnswer,
    ReportRequest,
    RequestAttachment,
    RequestLeg,
)
from saduak.performance.services import collection
from saduak.performance.services.directives import (
    directive_attachment_add,
    directive_send,
)
from saduak.performance.tests.directive_factories import (
    SYSTEM,
    draft,
    in_days,
    letterhead_for,
    ready,
    signer_at,
)

NS = "performance-directives"


def url(name: str, *args: Any, language: str = "th") -> str:
    with translation.override(language):
        return reverse(f"{NS}:{name}", args=args)


def posted(**overrides: Any) -> dict[str, Any]:
    data = {
        "letter_kind": "external",
        "title_th": "ขอให้รายงานผลการให้บริการ",
        "title_en": "Report on services",
        "addressee": "ผู้ว่าราชการจังหวัด ทุกจังหวัด",
        "body": "ด้วยกรมการปกครองขอให้รายงาน\nจึงเรียนมาเพื่อทราบ",
        "urgency": "urgent",
        "confidentiality": "",
        "number": "",
        "letter_date": "",
        "signer": "",
        "thai_digits": "on",
        "due_on": in_days(14).isoformat(),
        "closes_on": "",
        "route": RequestRoute.THROUGH_PROVINCES,
        "office_codes": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def hq(make_staff: Any) -> Any:
    return make_staff(Role.HQ_ADMIN, "hq")


@pytest.fixture
def province(make_staff: Any) -> Any:
    return make_staff(Role.PROVINCIAL_STAFF, "pao-50")


# --- Who sees what -----------------------------------------------------------------


def test_the_list_shows_what_each_issuer_issued(
    client_for: Any, hq: Any, province: Any, make_staff: Any
) -> None:
    draft("hq", title_th="หนังสือของกรม")
    draft("pao-50", title_th="หนังสือของจังหวัดเชียงใหม่")
    draft("pao-10", title_th="หนังสือของกรุงเทพมหานคร")
    page = client_for(hq).get(url("list")).content.decode()
    assert "หนังสือของกรม" in page and "หนังสือของจังหวัดเชียงใหม่" in page
    assert url("create") in page
    own = client_for(province).get(url("list")).content.decode()
    assert "หนังสือของจังหวัดเชียงใหม่" in own
    assert "หนังสือของกรุงเทพมหานคร" not in own
    assert "หนังสือของกรม" not in own
    counter = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    response = client_for(counter).get(url("list"))
    assert response.status_code == 200
    assert url("create") not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "seat"),
    [
        (Role.DISTRICT_ADMIN, "do-5001"),
        (Role.COUNTER_OFFICER, "reg-5001"),
        (Role.AUDITOR, "hq"),
    ],
)
def test_only_issuers_open_the_writing_page(
    client_for: Any, make_staff: Any, role: Role, seat: str
) -> None:
    client = client_for(make_staff(role, seat))
    assert client.get(url("create")).status_code == 403
    assert client.post(url("create"), posted()).status_code == 403
    assert client.get(url("letterhead")).status_code == 403
    assert not ReportRequest.objects.exists()


def test_a_citizen_is_kept_out(
    client_for: Any, make_user: Any, small_map: None
) -> None:
    assert client_for(make_user()).get(url("list")).status_code == 403


def test_another_provinces_directive_is_not_found(
    client_for: Any, make_staff: Any
) -> None:
    directive = draft("pao-50")
    public_id = directive.request.public_id
    away = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-10"))
    for name in ("detail", "edit", "send", "dashboard"):
        assert away.get(url(name, public_id)).status_code == 404
    assert away.post(url("send", public_id)).status_code == 404
    assert Directive.objects.get().request.status == RequestStatus.DRAFT


def test_an_auditor_reads_a_directive_but_may_not_change_it(
    client_for: Any, make_staff: Any
) -> None:
    directive = draft("hq")
    public_id = directive.request.public_id
    auditor = client_for(make_staff(Role.AUDITOR, "hq"))
    page = auditor.get(url("detail", public_id))
    assert page.status_code == 200
    assert url("edit", public_id) not in page.content.decode()
    assert auditor.get(url("edit", public_id)).status_code == 403
    assert auditor.post(url("send", public_id)).status_code == 403
    assert not AuditEvent.objects.filter(action="directive.send").exists()


# --- Writing -------------------------------------------------------------------------


def test_hq_writes_a_directive_through_the_page(
    client_for: Any, hq: Any, make_staff: Any
) -> None:
    signer = signer_at(make_staff, "hq")
    response = client_for(hq).post(url("create"), posted(signer=str(signer.pk)))
    directive = Directive.objects.select_related("request").get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", directive.request.public_id)
    assert directive.signer == signer
    assert directive.urgency == "urgent"
    assert directive.thai_digits is True
    assert directive.request.title_en == "Report on services"
    event = AuditEvent.objects.get(action="directive.create")
    assert event.actor_id == hq.pk


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"addressee": ""}, "addressee"),
        ({"due_on": "2020-01-01"}, "due_on"),
        ({"due_on": "not a date"}, "due_on"),
        ({"number": "12ก"}, "number"),
        ({"route": "direct", "office_codes": "reg-5001 nowhere-1"}, "office_codes"),
        ({"signer": "999999"}, "signer"),
    ],
)
def test_bad_input_is_shown_on_its_field_and_nothing_is_saved(
    client_for: Any, hq: Any, overrides: dict[str, Any], field: str
) -> None:
    response = client_for(hq).post(url("create"), posted(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "error-summary" in response.content.decode()
    assert not ReportRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="directive.create").exists()


def test_a_signer_from_another_office_is_refused(
    client_for: Any, hq: Any, make_staff: Any
) -> None:
    elsewhere = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    response = client_for(hq).post(url("create"), posted(signer=str(elsewhere.pk)))
    assert response.status_code == 400
    assert not ReportRequest.objects.exists()


def test_hq_names_offices_by_code_and_a_province_ticks_its_own(
    client_for: Any, hq: Any, province: Any
) -> None:
    response = client_for(hq).post(
        url("create"),
        posted(route="direct", office_codes="REG-5001, reg-1001\nreg-5001"),
    )
    assert response.status_code == 302
    hq_directive = Directive.objects.get(request__issuer__code="hq")
    assert sorted(hq_directive.addressed_offices.values_list("code", flat=True)) == [
        "reg-1001",
        "reg-5001",
    ]
    form_page = client_for(province).get(url("create")).content.decode()
    assert 'value="reg-5002"' in form_page
    assert 'value="reg-1001"' not in form_page
    response = client_for(province).post(
        url("create"),
        posted(route="direct", picked=["reg-5002"], addressee="นายอำเภอ"),
    )
    assert response.status_code == 302
    own = Directive.objects.get(request__issuer__code="pao-50")
    assert list(own.addressed_offices.values_list("code", flat=True)) == ["reg-5002"]


def test_a_province_cannot_name_another_provinces_office(
    client_for: Any, province: Any
) -> None:
    response = client_for(province).post(
        url("create"), posted(route="direct", office_codes="reg-1001")
    )
    assert response.status_code == 400
    assert "reg-1001" in str(response.context["form"].errors)
    assert not ReportRequest.objects.exists()


def test_a_draft_is_changed_and_a_sent_one_is_not(
    client_for: Any, hq: Any, make_staff: Any
) -> None:
    directive = ready(make_staff)
    public_id = directive.request.public_id
    client = client_for(hq)
    page = client.get(url("edit", public_id))
    assert page.context["form"].initial["addressee"] == directive.addressee
    response = client.post(
        url("edit", public_id),
        posted(addressee="ผู้ว่าราชการจังหวัดเชียงใหม่", signer=str(directive.signer_id)),
    )
    assert response.status_code == 302
    assert Directive.objects.get().addressee == "ผู้ว่าราชการจังหวัดเชียงใหม่"
    assert AuditEvent.objects.filter(action="directive.update").count() == 1
    directive_send(actor=hq, directive=Directive.objects.get())
    response = client.post(url("edit", public_id), posted(addressee="อื่น"))
    assert response.status_code == 302
    assert Directive.objects.get().addressee == "ผู้ว่าราชการจังหวัดเชียงใหม่"


# --- The page of one directive, its files -----------------------------------------


def test_the_detail_page_says_what_is_missing_before_sending(
    client_for: Any, hq: Any
) -> None:
    directive = draft("hq", with_form=False)
    with translation.override("en"):
        page = client_for(hq).get(
            url("detail", directive.request.public_id, language="en")
        )
    text = page.content.decode()
    assert "The report form has no field yet." in text
    assert "The office has no letterhead yet." in text
    assert "No signer chosen yet." in text
    assert url("letterhead", language="en") in text


def test_files_are_attached_downloaded_by_readers_and_removed(
    client_for: Any, hq: Any, make_staff: Any
) -> None:
    directive = draft("hq")
    public_id = directive.request.public_id
    client = client_for(hq)
    response = client.post(
        url("attachment-add", public_id),
        {
            "upload": SimpleUploadedFile(
                "แนวทาง.pdf", one_page_pdf(), "application/pdf"
            ),
            "description": "แนวทาง",
        },
    )
    assert response.status_code == 302
    attachment = RequestAttachment.objects.get()
    download = client.get(url("attachment", public_id, attachment.public_id))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == one_page_pdf()
    away = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-10"))
    assert (
        away.get(url("attachment", public_id, attachment.public_id)).status_code == 404
    )
    bad = client.post(
        url("attachment-add", public_id),
        {"upload": SimpleUploadedFile("x.pdf", b"MZ not a pdf")},
    )
    assert bad.status_code == 400
    assert "upload" in bad.context["attachment_form"].errors
    assert RequestAttachment.objects.count() == 1
    removed = client.post(url("attachment-remove", public_id, attachment.public_id))
    assert removed.status_code == 302
    assert not RequestAttachment.objects.exists()
    assert AuditEvent.objects.filter(action="directive.attachment_remove").exists()


def test_a_sent_directives_files_reach_the_provinces_it_went_to(
    client_for: Any, hq: Any, province: Any, make_staff: Any
) -> None:
    directive = ready(make_staff)
    attachment = directive_attachment_add(
        actor=hq,
        directive=directive,
        upload=SimpleUploadedFile("a.pdf", one_page_pdf(), "application/pdf"),
    )
    public_id = directive.request.public_id
    link = url("attachment", public_id, attachment.public_id)
    assert client_for(province).get(link).status_code == 404
    directive_send(actor=hq, directive=directive)
    assert client_for(province).get(link).status_code == 200


# --- Sending -------------------------------------------------------------------------


def test_sending_asks_first_then_numbers_and_sends(
    client_for: Any, hq: Any, make_staff: Any
) -> None:
    directive = ready(make_staff)
    public_id = directive.request.public_id
    client = client_for(hq)
    with translation.override("en"):
        confirm = client.get(url("send", public_id, language="en")).content.decode()
    assert "It goes to 2 provinces" in confirm
    response = client.post(url("send", public_id))
    assert response.status_code == 302
    assert response["Location"] == url("dashboard", public_id)
    sent = Directive.objects.select_related("request").get()
    assert sent.number == "1"
    assert sent.request.status == RequestStatus.SENT
    assert AuditEvent.objects.filter(action="directive.send", actor_id=hq.pk).exists()


def test_a_direct_directive_says_how_many_offices_it_reaches(
    client_for: Any, hq: Any, make_staff: Any
) -> None:
    offices = list(Office.objects.filter(code__in=["reg-5001", "reg-5002", "reg-1001"]))
    directive = ready(make_staff, route=RequestRoute.DIRECT, offices=offices)
    with translation.override("en"):
        page = client_for(hq).get(
            url("send", directive.request.public_id, language="en")
        )
    assert "It goes to 3 offices in 2 provinces." in page.content.decode()


def test_a_refused_send_shows_why_and_changes_nothing(
    client_for: Any, hq: Any, make_staff: Any
) -> None:
    directive = draft("hq", signer=signer_at(make_staff, "hq"))
    response = client_for(hq).post(url("send", directive.request.public_id))
    assert response.status_code == 409
    assert "error-summary" in response.content.decode()
    stored = Directive.objects.select_related("request").get()
    assert stored.request.status == RequestStatus.DRAFT
    assert stored.number == ""
    assert not RequestLeg.objects.exists()
    assert not AuditEvent.objects.filter(action="directive.send").exists()
    letterhead_for("hq")
    assert (
        client_for(hq).post(url("send", directive.request.public_id)).status_code == 302
    )


# --- Following up and deciding --------------------------------------------------


def _submitted_by_province(make_staff: Any, hq: Any) -> Directive:
    """HQ's directive sent through the provinces; Chiang Mai forwards it,
    excuses both districts and submits its consolidated report."""
    directive = directive_send(actor=hq, directive=ready(make_staff))
    leg = RequestLeg.objects.get(request=directive.request, province_id="50")
    collection.leg_forward(actor=SYSTEM, leg=leg)
    first, second = ReportAnswer.objects.filter(leg=leg).order_by("office__code")
    collection.answer_save(actor=SYSTEM, answer=first, answers={"served": 12})
    collection.answer_submit(actor=SYSTEM, answer=first)
    certifier = signer_at(make_staff, "pao-50", position="ปลัดจังหวัด")
    collection.answer_certify(actor=certifier, answer=first)
    collection.answer_excuse(actor=SYSTEM, answer=second, reason="ปิดปรับปรุงอาคาร")
    collection.leg_submit(actor=SYSTEM, leg=RequestLeg.objects.get(pk=leg.pk))
    return directive


def test_hq_follows_up_by_province_then_by_district(
    client_for: Any, hq: Any, make_staff: Any
) -> None:
    directive = _submitted_by_province(make_staff, hq)
    public_id = directive.request.public_id
    client = client_for(hq)
    page = client.get(url("dashboard", public_id))
    assert page.status_code == 200
    rows = {row.code: row for row in page.context["progress"].rows}
    assert set(rows) == {"10", "50"}
    assert (rows["50"].certified, rows["50"].excused) == (1, 1)
    assert rows["10"].expected == 0
    text = page.content.decode()
    assert url("leg-decide", public_id, "50") in text
    assert url("leg-decide", public_id, "10") not in text
    by_district = client.get(
        url("dashboard", public_id), {"level": "province", "code": "50"}
    )
    assert {row.code for row in by_district.context["progress"].rows} == {
        "5001",
        "5002",
    }


def test_a_province_sees_its_own_province_only(
    client_for: Any, hq: Any, province: Any, make_staff: Any
) -> None:
    directive = _submitted_by_province(make_staff, hq)
    public_id = directive.request.public_id
    client = client_for(province)
    page = client.get(url("dashboard", public_id))
    assert page.status_code == 200
    assert page.context["unit"].code == "50"
    assert (
        client.get(url("dashboard", public_id), {"level": "country"}).status_code == 403
    )
    assert (
        client.get(
            url("dashboard", public_id), {"level": "province", "code": "10"}
        ).status_code
        == 403
    )


def test_hq_returns_with_a_comment_and_accepts(
    client_for: Any, hq: Any, make_staff: Any
) -> None:
    directive = _submitted_by_province(make_staff, hq)
    public_id = directive.request.public_id
    client = client_for(hq)
    decide = url("leg-decide", public_id, "50")
    assert client.get(decide).status_code == 200
    refused = client.post(decide, {"decision": "return", "comment": ""})
    assert refused.status_code == 400
    assert RequestLeg.objects.get(province_id="50").status == LegStatus.SUBMITTED
    assert not AuditEvent.objects.filter(action="request_leg.return").exists()
    returned = client.post(decide, {"decision": "return", "comment": "ตัวเลขไม่ครบ"})
    assert returned.status_code == 302
    leg = RequestLeg.objects.get(province_id="50")
    assert leg.status == LegStatus.RETURNED
    assert leg.decision_comment == "ตัวเลขไม่ครบ"
    collection.leg_submit(actor=SYSTEM, leg=leg)
    assert client.post(decide, {"decision": "accept"}).status_code == 302
    assert RequestLeg.objects.get(province_id="50").status == LegStatus.ACCEPTED
    assert AuditEvent.objects.filter(
        action="request_leg.accept", actor_id=hq.pk
    ).exists()


def test_a_province_does_not_decide_on_its_own_report(
    client_for: Any, hq: Any, province: Any, make_staff: Any
) -> None:
    directive = _submitted_by_province(make_staff, hq)
    decide = url("leg-decide", directive.request.public_id, "50")
    response = client_for(province).post(decide, {"decision": "accept"})
    assert response.status_code == 403
    assert RequestLeg.objects.get(province_id="50").status == LegStatus.SUBMITTED


def test_hq_closes_the_directive(client_for: Any, hq: Any, make_staff: Any) -> None:
    directive = directive_send(actor=hq, directive=ready(make_staff))
    public_id = directive.request.public_id
    response = client_for(hq).post(url("close", public_id))
    assert response.status_code == 302
    assert ReportRequest.objects.get().status == RequestStatus.CLOSED
    assert AuditEvent.objects.filter(action="report_request.close").exists()


# --- Letterhead and links -----------------------------------------------------------


def test_the_letterhead_page_saves_and_refuses_bad_input(
    client_for: Any, province: Any
) -> None:
    client = client_for(province)
    fields = {
        "book_code": "ชม 0017.3",
        "issuer_name": "ศาลากลางจังหวัดเชียงใหม่",
        "address": "ถนนโชตนา",
        "owner_unit": "ที่ทำการปกครองจังหวัด",
        "email": "not an address",
    }
    bad = client.post(url("letterhead"), fields)
    assert bad.status_code == 400
    assert "email" in bad.context["form"].errors
    assert not Letterhead.objects.exists()
    good = client.post(url("letterhead"), {**fields, "email": "pao50@example.org"})
    assert good.status_code == 302
    assert Letterhead.objects.get().office.code == "pao-50"
    assert AuditEvent.objects.filter(
        action="letterhead.save", actor_id=province.pk
    ).exists()


def test_the_staff_home_and_the_performance_home_link_to_the_directives(
    client_for: Any, hq: Any, make_staff: Any
) -> None:
    client = client_for(hq)
    with translation.override("th"):
        home = client.get(reverse("areas:staff-home")).content.decode()
        frameworks = client.get(reverse("performance:frameworks")).content.decode()
    assert url("list") in home
    assert url("list") in frameworks
    counter = client_for(make_staff(Role.COUNTER_OFFICER, "reg-5001"))
    with translation.override("th"):
        assert (
            url("list") not in counter.get(reverse("areas:staff-home")).content.decode()
        )


def test_a_province_follows_hqs_directive_once_sent_and_sees_its_own_rows(
    client_for: Any, hq: Any, province: Any, make_staff: Any
) -> None:
    directive = ready(make_staff, title_th="หนังสือของกรมถึงจังหวัด")
    client = client_for(province)
    assert "หนังสือของกรมถึงจังหวัด" not in client.get(url("list")).content.decode()
    directive_send(actor=hq, directive=directive)
    assert "หนังสือของกรมถึงจังหวัด" in client.get(url("list")).content.decode()
    page = client.get(url("dashboard", directive.request.public_id))
    assert page.status_code == 200
    assert page.context["unit"].code == "50"
    assert (
        url("edit", directive.request.public_id)
        not in client.get(url("detail", directive.request.public_id)).content.decode()
    )


def test_a_district_sees_its_own_offices_on_the_dashboard(
    client_for: Any, hq: Any, make_staff: Any
) -> None:
    directive = directive_send(actor=hq, directive=ready(make_staff))
    public_id = directive.request.public_id
    district = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    assert district.get(url("dashboard", public_id)).status_code == 404
    leg = RequestLeg.objects.get(request=directive.request, province_id="50")
    collection.leg_forward(actor=SYSTEM, leg=leg)
    page = district.get(url("dashboard", public_id))
    assert page.status_code == 200
    assert page.context["unit"].code == "5001"
    assert [row.code for row in page.context["progress"].rows] == ["do-5001"]


def test_the_list_is_paged_with_a_fixed_number_of_queries(
    client_for: Any, hq: Any, django_assert_max_num_queries: Any
) -> None:
    for number in range(52):
        draft("hq", with_form=False, title_th=f"หนังสือฉบับที่ {number}")
    client = client_for(hq)
    with django_assert_max_num_queries(12):
        first = client.get(url("list"))
    assert len(first.context["requests"]) == 50
    second = client.get(url("list"), {"page": "2"})
    assert len(second.context["requests"]) == 2
    assert client.get(url("list"), {"page": "nonsense"}).status_code == 200
