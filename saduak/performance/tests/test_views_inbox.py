"""The inbox pages (views/inbox.py): each role and reach, bad input shown
again with nothing saved, htmx partials and plain posts."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from saduak.audit.models import AuditEvent
from saduak.core.uploads.sample_files import one_page_pdf
from saduak.performance.choices import AnswerStatus, LegStatus
from saduak.performance.models import (
    AnswerEvidence,
    AnswerStep,
    ReportAnswer,
    ReportRequest,
)
from saduak.performance.services import collection
from saduak.performance.tests.collection_setup import (
    SYSTEM,
    People,
    answer_of,
    filled,
    forwarded,
    leg_of,
    people,
    sent,
    today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def who(make_staff: Any) -> People:
    return people(make_staff)


def _th(name: str, *args: Any, **kwargs: Any) -> str:
    """An address without the language prefix, whatever language the last
    request left active."""
    with translation.override("th"):
        return reverse(name, *args, **kwargs)


def _url(name: str, answer: ReportAnswer) -> str:
    """The Thai (unprefixed) address; "/en" + it is the English page."""
    with translation.override("th"):
        return reverse(f"performance-inbox:{name}", args=[answer.public_id])


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def _fresh(answer: ReportAnswer) -> ReportAnswer:
    return ReportAnswer.objects.get(pk=answer.pk)


def _report_post(served: str = "12", **extra: str) -> dict[str, str]:
    return {
        "served": served,
        "budget": "1500.50",
        "ready": "yes",
        "note": "ปกติ",
        "items-rows": "1",
        "items-0-name": "แบบฟอร์ม",
        "items-0-qty": "3",
        **extra,
    }


# --- the inbox -------------------------------------------------------------


def test_the_district_inbox_lists_its_answer_with_its_state_overdue_first(
    who: People, client_for: Any
) -> None:
    first = forwarded()
    second = forwarded()
    late = answer_of(second, "do-5001")
    ReportAnswer.objects.filter(pk=late.pk).update(due_on=today() - timedelta(days=1))
    page = client_for(who.district).get("/en" + _th("performance-inbox:list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert _url("answer", late) in text
    assert _url("answer", answer_of(first, "do-5001")) in text
    assert text.index(_url("answer", late)) < text.index(
        _url("answer", answer_of(first, "do-5001"))
    )
    assert "Overdue" in text
    # another district's answer is not in this inbox
    assert _url("answer", answer_of(first, "do-5002")) not in text


def test_the_inbox_filters_by_state(who: People, client_for: Any) -> None:
    request = forwarded()
    answer = answer_of(request, "do-5001")
    client = client_for(who.district)
    assert (
        _url("answer", answer)
        in client.get("/staff/performance/inbox/?state=new").content.decode()
    )
    assert (
        _url("answer", answer)
        not in client.get("/staff/performance/inbox/?state=submitted").content.decode()
    )
    # a state that does not exist shows everything rather than failing
    assert client.get("/staff/performance/inbox/?state=nonsense").status_code == 200


def test_the_province_inbox_lists_its_leg(who: People, client_for: Any) -> None:
    request = sent()
    page = client_for(who.province).get(_th("performance-inbox:list"))
    assert _th("performance-inbox:leg", args=[request.public_id, "50"]) in (
        page.content.decode()
    )


def test_the_staff_home_counts_new_and_overdue_reports(
    who: People, client_for: Any
) -> None:
    forwarded()
    page = client_for(who.district).get("/en" + _th("areas:staff-home"))
    text = page.content.decode()
    assert "/en" + _th("performance-inbox:list") in text
    assert "<strong>1</strong> new" in text


# --- an office's answer ------------------------------------------------------


def test_opening_the_answer_marks_it_read_once(who: People, client_for: Any) -> None:
    answer = answer_of(forwarded(), "do-5001")
    client = client_for(who.counter)
    assert client.get(_url("answer", answer)).status_code == 200
    assert _fresh(answer).status == AnswerStatus.READ
    client.get(_url("answer", answer))
    assert _events("report_answer.read") == 1


def test_the_province_opening_an_answer_does_not_mark_it_read(
    who: People, client_for: Any
) -> None:
    answer = answer_of(forwarded(), "do-5001")
    assert client_for(who.province).get(_url("answer", answer)).status_code == 200
    assert _fresh(answer).status == AnswerStatus.NEW


def test_a_district_cannot_open_another_districts_answer(
    who: People, client_for: Any
) -> None:
    answer = answer_of(forwarded(), "do-5001")
    client = client_for(who.other_district)
    assert client.get(_url("answer", answer)).status_code == 404
    assert client.post(_url("save", answer), _report_post()).status_code == 404
    assert client.get(_url("review", answer)).status_code == 404
    assert _fresh(answer).answers == {}


def test_acknowledging_as_a_plain_post_redirects_and_as_htmx_answers_the_partial(
    who: People, client_for: Any
) -> None:
    request = forwarded()
    plain = answer_of(request, "do-5001")
    client = client_for(who.district)
    response = client.post(_url("acknowledge", plain))
    assert response.status_code == 302
    assert _fresh(plain).status == AnswerStatus.ACKNOWLEDGED
    other = answer_of(forwarded(), "do-5001")
    partial = client.post(_url("acknowledge", other), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert b"<html" not in partial.content
    assert b'id="answer-status"' in partial.content
    assert _fresh(other).status == AnswerStatus.ACKNOWLEDGED
    assert _events("report_answer.acknowledge") == 2


def test_acknowledging_twice_is_refused_on_the_page(
    who: People, client_for: Any
) -> None:
    answer = answer_of(forwarded(), "do-5001")
    client = client_for(who.district)
    client.post(_url("acknowledge", answer))
    again = client.post("/en" + _url("acknowledge", answer))
    assert again.status_code in (400, 409)
    assert _events("report_answer.acknowledge") == 1


def test_the_report_is_saved_with_a_table_and_shown_again(
    who: People, client_for: Any
) -> None:
    answer = answer_of(forwarded(), "do-5001")
    client = client_for(who.counter)
    response = client.post(_url("save", answer), _report_post())
    assert response.status_code == 302
    saved = _fresh(answer).answers
    assert saved["served"] == 12
    assert saved["items"] == [{"name": "แบบฟอร์ม", "qty": 3}]
    page = client.get(_url("answer", answer)).content.decode()
    assert 'value="แบบฟอร์ม"' in page
    assert _events("report_answer.save") == 1


def test_add_another_row_shows_a_blank_row_and_keeps_what_was_typed(
    who: People, client_for: Any
) -> None:
    answer = answer_of(forwarded(), "do-5001")
    response = client_for(who.counter).post(
        _url("save", answer), _report_post(add_row="items")
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert 'name="items-1-name"' in text
    assert 'value="แบบฟอร์ม"' in text


def test_removing_a_row_takes_it_out(who: People, client_for: Any) -> None:
    answer = answer_of(forwarded(), "do-5001")
    data = _report_post(
        **{"items-rows": "2", "items-1-name": "ป้าย", "items-1-qty": "1"}
    )
    client = client_for(who.counter)
    client.post(_url("save", answer), data)
    assert len(_fresh(answer).answers["items"]) == 2
    client.post(_url("save", answer), {**data, "remove_row": "items-0"})
    assert _fresh(answer).answers["items"] == [{"name": "ป้าย", "qty": 1}]


def test_a_number_that_is_not_a_number_is_shown_again_and_nothing_is_saved(
    who: People, client_for: Any
) -> None:
    answer = answer_of(forwarded(), "do-5001")
    response = client_for(who.counter).post(
        "/en" + _url("save", answer), _report_post(served="สิบสอง")
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert 'value="สิบสอง"' in text
    assert _fresh(answer).answers == {}
    assert _events("report_answer.save") == 0


def test_a_password_in_an_answer_is_refused_with_the_explanation(
    who: People, client_for: Any
) -> None:
    answer = answer_of(forwarded(), "do-5001")
    response = client_for(who.counter).post(
        "/en" + _url("save", answer),
        _report_post(note="username: admin password: hunter2hunter2"),
    )
    assert response.status_code == 400
    assert "password" in response.content.decode().lower()
    assert _fresh(answer).answers == {}


def test_a_counter_officer_cannot_submit(who: People, client_for: Any) -> None:
    answer = answer_of(forwarded(), "do-5001")
    filled(answer)
    client = client_for(who.counter)
    page = client.get(_url("answer", answer)).content.decode()
    assert _url("submit", answer) not in page
    response = client.post(_url("submit", answer), _report_post())
    assert response.status_code == 403
    assert _fresh(answer).status != AnswerStatus.SUBMITTED
    assert _events("report_answer.submit") == 0


def test_the_district_submits_what_it_typed(who: People, client_for: Any) -> None:
    answer = answer_of(forwarded(), "do-5001")
    response = client_for(who.district).post(_url("submit", answer), _report_post())
    assert response.status_code == 302
    submitted = _fresh(answer)
    assert submitted.status == AnswerStatus.SUBMITTED
    assert submitted.late is False
    assert submitted.answers["served"] == 12
    assert _events("report_answer.submit") == 1


def test_an_incomplete_report_is_not_submitted_and_names_the_missing_field(
    who: People, client_for: Any
) -> None:
    answer = answer_of(forwarded(), "do-5001")
    response = client_for(who.district).post(
        "/en" + _url("submit", answer), _report_post(served="")
    )
    assert response.status_code == 400
    assert "People served" in response.content.decode()
    assert _fresh(answer).status != AnswerStatus.SUBMITTED
    assert _events("report_answer.submit") == 0


def test_after_the_deadline_the_page_warns_and_the_report_is_marked_late(
    who: People, client_for: Any
) -> None:
    answer = answer_of(forwarded(), "do-5001")
    ReportAnswer.objects.filter(pk=answer.pk).update(due_on=today() - timedelta(days=2))
    client = client_for(who.district)
    page = client.get("/en" + _url("answer", answer)).content.decode()
    assert "it will be marked late" in page
    client.post(_url("submit", answer), _report_post())
    assert _fresh(answer).late is True


def test_once_the_request_is_closed_the_page_says_why_and_submitting_is_refused(
    who: People, client_for: Any
) -> None:
    request = forwarded()
    answer = answer_of(request, "do-5001")
    filled(answer)
    collection.request_close(actor=SYSTEM, request=request)
    client = client_for(who.district)
    page = client.get("/en" + _url("answer", answer)).content.decode()
    assert "can no longer be submitted" in page
    assert _url("submit", answer) not in page
    response = client.post("/en" + _url("submit", answer))
    assert response.status_code == 409
    assert _fresh(answer).status != AnswerStatus.SUBMITTED


# --- evidence ----------------------------------------------------------------


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("หลักฐาน.pdf", one_page_pdf(), "application/pdf")


def test_evidence_is_added_downloaded_and_removed(
    who: People, client_for: Any, citizen: Any
) -> None:
    answer = answer_of(forwarded(), "do-5001")
    client = client_for(who.counter)
    added = client.post(
        _url("evidence-add", answer), {"upload": _pdf(), "description": "ภาพถ่าย"}
    )
    assert added.status_code == 302
    evidence = AnswerEvidence.objects.get(answer=answer)
    download = client_for(who.province).get(
        _th("performance-inbox:evidence", args=[evidence.public_id])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == one_page_pdf()
    for outsider in (who.other_district, citizen):
        assert (
            client_for(outsider)
            .get(_th("performance-inbox:evidence", args=[evidence.public_id]))
            .status_code
            == 404
        )
    removed = client.post(
        _th("performance-inbox:evidence-remove", args=[evidence.public_id]),
        HTTP_HX_REQUEST="true",
    )
    assert removed.status_code == 200
    assert b'id="evidence"' in removed.content
    assert not AnswerEvidence.objects.exists()
    assert _events("report_evidence.add") == 1
    assert _events("report_evidence.remove") == 1


def test_a_file_that_is_not_a_document_is_refused_in_the_partial(
    who: People, client_for: Any
) -> None:
    answer = answer_of(forwarded(), "do-5001")
    response = client_for(who.counter).post(
        "/en" + _url("evidence-add", answer),
        {"upload": SimpleUploadedFile("x.pdf", b"MZ\x90\x00not a pdf")},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert not AnswerEvidence.objects.exists()
    assert _events("report_evidence.add") == 0


def test_no_file_chosen_is_shown_on_the_page(who: People, client_for: Any) -> None:
    answer = answer_of(forwarded(), "do-5001")
    response = client_for(who.counter).post("/en" + _url("evidence-add", answer), {})
    assert response.status_code == 400
    assert b"Evidence file" in response.content


# --- the province --------------------------------------------------------------


def _leg_url(request: Any, name: str = "leg", code: str = "50") -> str:
    with translation.override("th"):
        return reverse(f"performance-inbox:{name}", args=[request.public_id, code])


def test_the_province_forwards_with_an_earlier_deadline_and_an_excluded_district(
    who: People, client_for: Any
) -> None:
    request = sent(due_in=10)
    client = client_for(who.province)
    page = client.get("/en" + _leg_url(request))
    assert b"Forward to the districts" in page.content
    response = client.post(
        _leg_url(request, "forward"),
        {
            "due_on": (today() + timedelta(days=5)).isoformat(),
            "cover_note": "โปรดรายงานภายในกำหนด",
            "exclude_5002": "on",
            "reason_5002": "อยู่ระหว่างปรับปรุงสำนักงาน",
        },
    )
    assert response.status_code == 302
    leg = leg_of(request, "50")
    assert leg.status == LegStatus.FORWARDED
    assert leg.due_on == today() + timedelta(days=5)
    assert answer_of(request, "do-5002").status == AnswerStatus.EXCUSED
    assert answer_of(request, "do-5001").status == AnswerStatus.NEW
    assert _events("request_leg.forward") == 1
    district_page = client_for(who.district).get(
        _url("answer", answer_of(request, "do-5001"))
    )
    assert "โปรดรายงานภายในกำหนด" in district_page.content.decode()


def test_excluding_a_district_without_a_reason_is_shown_again_and_nothing_forwarded(
    who: People, client_for: Any
) -> None:
    request = sent()
    response = client_for(who.province).post(
        "/en" + _leg_url(request, "forward"), {"exclude_5002": "on", "reason_5002": ""}
    )
    assert response.status_code == 400
    assert b"Give the reason" in response.content
    assert leg_of(request, "50").status == LegStatus.RECEIVED
    assert not ReportAnswer.objects.filter(request=request).exists()
    assert _events("request_leg.forward") == 0


def test_a_later_deadline_than_hqs_is_refused_on_the_field(
    who: People, client_for: Any
) -> None:
    request = sent(due_in=5)
    response = client_for(who.province).post(
        "/en" + _leg_url(request, "forward"),
        {"due_on": (today() + timedelta(days=9)).isoformat()},
    )
    assert response.status_code == 400
    assert b"cannot be later" in response.content
    assert leg_of(request, "50").status == LegStatus.RECEIVED


def test_another_provinces_staff_cannot_open_or_forward_the_leg(
    who: People, client_for: Any
) -> None:
    request = sent()
    client = client_for(who.other_province)
    assert client.get(_leg_url(request)).status_code == 404
    assert client.post(_leg_url(request, "forward"), {}).status_code == 404
    assert leg_of(request, "50").status == LegStatus.RECEIVED


def _submitted(request: Any, office: str = "do-5001") -> ReportAnswer:
    answer = filled(answer_of(request, office))
    return collection.answer_submit(actor=SYSTEM, answer=answer)


def test_sending_back_needs_a_comment_then_the_district_sees_it(
    who: People, client_for: Any
) -> None:
    answer = _submitted(forwarded())
    client = client_for(who.province)
    empty = client.post("/en" + _url("return", answer), {"comment": ""})
    assert empty.status_code == 400
    assert _fresh(answer).status == AnswerStatus.SUBMITTED
    assert _events("report_answer.return") == 0
    response = client.post(_url("return", answer), {"comment": "ตัวเลขไม่ตรงกับทะเบียน"})
    assert response.status_code == 302
    assert _fresh(answer).status == AnswerStatus.RETURNED
    assert _events("report_answer.return") == 1
    page = client_for(who.district).get(_url("answer", answer)).content.decode()
    assert "ตัวเลขไม่ตรงกับทะเบียน" in page
    assert _url("submit", answer) in page


def test_certifying_records_the_certifiers_name_and_position(
    who: People, client_for: Any
) -> None:
    answer = _submitted(forwarded())
    client = client_for(who.province)
    page = client.get(_url("review", answer)).content.decode()
    assert who.province.position in page
    assert client.post(_url("certify", answer)).status_code == 302
    certified = _fresh(answer)
    assert certified.status == AnswerStatus.CERTIFIED
    assert certified.certifier_name == who.province.full_name
    assert certified.certifier_position == who.province.position
    assert _events("report_answer.certify") == 1


def test_without_a_position_the_certify_button_explains_and_links_to_the_account(
    who: People, client_for: Any
) -> None:
    answer = _submitted(forwarded())
    who.province.position = ""
    who.province.save(update_fields=["position"])
    client = client_for(who.province)
    page = client.get("/en" + _url("review", answer)).content.decode()
    assert "Add your position to your account" in page
    assert _th("identity:account") in page
    assert _url("certify", answer) not in page
    refused = client.post("/en" + _url("certify", answer))
    assert refused.status_code in (400, 409)
    assert b"position" in refused.content
    assert _fresh(answer).status == AnswerStatus.SUBMITTED
    assert _events("report_answer.certify") == 0


def test_another_provinces_staff_cannot_certify(who: People, client_for: Any) -> None:
    answer = _submitted(forwarded())
    response = client_for(who.other_province).post(_url("certify", answer))
    assert response.status_code == 404
    assert _fresh(answer).status == AnswerStatus.SUBMITTED


def test_a_district_cannot_certify_its_own_report(who: People, client_for: Any) -> None:
    answer = _submitted(forwarded())
    response = client_for(who.district).post(_url("certify", answer))
    assert response.status_code == 403
    assert _fresh(answer).status == AnswerStatus.SUBMITTED


def test_excusing_needs_a_reason(who: People, client_for: Any) -> None:
    request = forwarded()
    answer = answer_of(request, "do-5002")
    client = client_for(who.province)
    assert client.post(_url("excuse", answer), {"reason": " "}).status_code == 400
    assert _fresh(answer).status == AnswerStatus.NEW
    assert client.post(_url("excuse", answer), {"reason": "น้ำท่วม"}).status_code == 302
    assert _fresh(answer).status == AnswerStatus.EXCUSED
    assert _events("report_answer.excuse") == 1


def test_the_consolidated_report_waits_for_every_district_then_goes_up(
    who: People, client_for: Any
) -> None:
    request = forwarded()
    answer = _submitted(request)
    collection.answer_certify(actor=who.province, answer=answer)
    client = client_for(who.province)
    page = client.get("/en" + _leg_url(request)).content.decode()
    assert "neither certified nor excused" in page
    refused = client.post("/en" + _leg_url(request, "leg-submit"))
    assert refused.status_code in (400, 409)
    assert leg_of(request, "50").status == LegStatus.FORWARDED
    assert _events("request_leg.submit") == 0
    collection.answer_excuse(
        actor=who.province, answer=answer_of(request, "do-5002"), reason="น้ำท่วม"
    )
    assert client.post(_leg_url(request, "leg-submit")).status_code == 302
    leg = leg_of(request, "50")
    assert leg.status == LegStatus.SUBMITTED
    assert leg.consolidated
    assert _events("request_leg.submit") == 1


def test_hqs_return_comment_is_shown_to_the_province(
    who: People, client_for: Any
) -> None:
    request = forwarded()
    collection.answer_certify(actor=who.province, answer=_submitted(request))
    collection.answer_excuse(
        actor=who.province, answer=answer_of(request, "do-5002"), reason="น้ำท่วม"
    )
    leg = collection.leg_submit(actor=who.province, leg=leg_of(request, "50"))
    collection.leg_return(actor=who.hq, leg=leg, comment="ขาดข้อมูลงบประมาณ")
    page = client_for(who.province).get("/en" + _leg_url(request)).content.decode()
    assert "ขาดข้อมูลงบประมาณ" in page
    assert "HQ returned" in page


def test_the_history_shows_the_send_back_comment(who: People, client_for: Any) -> None:
    answer = _submitted(forwarded())
    collection.answer_return(actor=who.province, answer=answer, comment="แก้ตาราง")
    assert AnswerStep.objects.filter(answer=answer, comment="แก้ตาราง").exists()
    page = client_for(who.district).get(_url("answer", answer)).content.decode()
    assert page.count("แก้ตาราง") >= 2  # the notice and the history line


def test_after_the_last_day_for_late_reports_the_page_says_so_and_refuses(
    who: People, client_for: Any
) -> None:
    request = forwarded(closes_in=9)
    answer = answer_of(request, "do-5001")
    filled(answer)
    past = today() - timedelta(days=1)
    ReportRequest.objects.filter(pk=request.pk).update(
        due_on=past - timedelta(days=3), closes_on=past
    )
    ReportAnswer.objects.filter(pk=answer.pk).update(due_on=past - timedelta(days=3))
    client = client_for(who.district)
    page = client.get("/en" + _url("answer", answer)).content.decode()
    assert "can no longer be submitted" in page
    assert "that day has passed" in page
    assert _url("submit", answer) not in page
    response = client.post("/en" + _url("submit", answer))
    assert response.status_code == 409
    assert _fresh(answer).status != AnswerStatus.SUBMITTED
    assert _events("report_answer.submit") == 0


def test_the_performance_home_links_to_the_inbox_with_its_counts(
    who: People, client_for: Any
) -> None:
    request = forwarded()
    ReportAnswer.objects.filter(pk=answer_of(request, "do-5001").pk).update(
        due_on=today() - timedelta(days=1)
    )
    page = client_for(who.district).get("/en" + _th("performance:frameworks"))
    text = page.content.decode()
    assert "/en" + _th("performance-inbox:list") in text or (
        _th("performance-inbox:list") in text
    )
    assert "<strong>1</strong> overdue" in text
