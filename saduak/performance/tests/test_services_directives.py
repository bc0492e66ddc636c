"""Directives: writing a draft, its files and letterhead, and sending it with
a number from the issuer's register (per office and B.E. year, under a row
lock), each refusal leaving nothing changed and no audit event."""

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.accounts.models import StaffRole
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.core.thai import to_be_year
from saduak.core.uploads.sample_files import one_page_pdf
from saduak.core.uploads.store import encrypted_file_open
from saduak.performance.choices import (
    AnswerStatus,
    LegStatus,
    RequestRoute,
    RequestStatus,
    Urgency,
)
from saduak.performance.models import (
    Directive,
    LetterCounter,
    Letterhead,
    ReportAnswer,
    ReportRequest,
    RequestAttachment,
    RequestLeg,
)
from saduak.performance.services import collection
from saduak.performance.services.directives import (
    clean_number,
    directive_attachment_add,
    directive_attachment_remove,
    directive_create,
    directive_send,
    directive_update,
    letterhead_save,
)
from saduak.performance.tests.directive_factories import (
    SYSTEM,
    draft,
    in_days,
    letterhead_for,
    ready,
    signer_at,
)
from saduak.performance.tests.factories import after, before


def this_year() -> int:
    return to_be_year(timezone.localdate().year)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _pdf(name: str = "แนวทาง.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, one_page_pdf(), "application/pdf")


# --- Writing ----------------------------------------------------------------------


def test_hq_writes_a_draft_directive_with_its_request_in_one_go(
    make_staff: Any,
) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    signer = signer_at(make_staff, "hq")
    directive = directive_create(
        actor=hq,
        issuer=Office.objects.get(code="hq"),
        title_th="รายงานผลการให้บริการ",
        due_on=in_days(10),
        addressee="ผู้ว่าราชการจังหวัด ทุกจังหวัด",
        body="ขอให้รายงาน",
        urgency=Urgency.VERY_URGENT,
        number="๑๒",
        signer=signer,
    )
    request = directive.request
    assert request.kind == "directive"
    assert request.status == RequestStatus.DRAFT
    assert request.issuer.code == "hq"
    assert directive.number == "12"
    assert directive.signer == signer
    assert [event.action for event in AuditEvent.objects.order_by("id")][-2:] == [
        "report_request.create",
        "directive.create",
    ]
    [event] = events("directive.create")
    assert event.actor_id == hq.pk
    assert after(event)["urgency"] == Urgency.VERY_URGENT
    assert after(event)["signer"] == signer.pk
    assert event.office_id == Office.objects.get(code="hq").pk


@pytest.mark.parametrize(
    ("role", "seat"),
    [
        (Role.PROVINCIAL_STAFF, "pao-50"),
        (Role.DISTRICT_ADMIN, "do-5001"),
        (Role.AUDITOR, "hq"),
    ],
)
def test_only_hq_issues_as_hq(make_staff: Any, role: Role, seat: str) -> None:
    actor = make_staff(role, seat)
    with pytest.raises((PermissionDeniedError, NotFound)):
        draft("hq", actor=actor, with_form=False)
    assert not ReportRequest.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="directive.").exists()


def test_a_province_issues_for_itself_but_not_for_another_province(
    make_staff: Any,
) -> None:
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    own = draft("pao-50", actor=staff, with_form=False)
    assert own.request.province_id == "50"
    with pytest.raises((PermissionDeniedError, NotFound)):
        draft("pao-10", actor=staff, with_form=False)
    assert ReportRequest.objects.count() == 1


def test_a_district_office_does_not_issue_directives(small_map: None) -> None:
    with pytest.raises(InvalidInput) as refused:
        draft("do-5001", with_form=False)
    assert refused.value.field == "issuer"
    assert not ReportRequest.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"addressee": "  "}, "addressee"),
        ({"body": ""}, "body"),
        ({"urgency": "now"}, "urgency"),
        ({"number": "12/2569"}, "number"),
        ({"number": "0"}, "number"),
        ({"title_th": ""}, "title_th"),
        ({"due_on": date(2020, 1, 1)}, "due_on"),
        ({"route": "by-fax"}, "route"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(
    small_map: None, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        draft("hq", with_form=False, **fields)
    assert refused.value.field == field
    assert not ReportRequest.objects.exists()
    assert not Directive.objects.exists()
    assert not AuditEvent.objects.filter(
        action__in=["directive.create", "report_request.create"]
    ).exists()


def test_the_signer_is_one_of_the_issuing_offices_staff(make_staff: Any) -> None:
    elsewhere = make_staff(Role.PROVINCIAL_STAFF, "pao-10")
    with pytest.raises(InvalidInput) as refused:
        draft("pao-50", signer=elsewhere, with_form=False)
    assert refused.value.field == "signer"
    assert not ReportRequest.objects.exists()


def test_a_province_names_only_its_own_district_level_offices(
    small_map: None,
) -> None:
    bangkok = Office.objects.get(code="reg-1001")
    with pytest.raises(InvalidInput) as refused:
        draft(
            "pao-50",
            with_form=False,
            route=RequestRoute.DIRECT,
            offices=[bangkok],
        )
    assert refused.value.field == "offices"
    assert "reg-1001" in str(refused.value.message)
    with pytest.raises(InvalidInput):
        draft(
            "hq",
            with_form=False,
            route=RequestRoute.THROUGH_PROVINCES,
            offices=[Office.objects.get(code="reg-5001")],
        )
    assert not ReportRequest.objects.exists()


def test_a_draft_is_changed_with_one_event_for_the_letter_and_one_for_the_request(
    make_staff: Any,
) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    directive = draft("hq", with_form=False)
    changed = directive_update(
        actor=hq,
        directive=directive,
        addressee="ผู้ว่าราชการจังหวัดเชียงใหม่",
        body="ขอให้รายงานภายในกำหนด",
        due_on=in_days(20),
        route=RequestRoute.DIRECT,
        offices=[Office.objects.get(code="reg-5001")],
    )
    assert changed.addressee == "ผู้ว่าราชการจังหวัดเชียงใหม่"
    assert changed.request.due_on == in_days(20)
    assert list(changed.addressed_offices.values_list("code", flat=True)) == [
        "reg-5001"
    ]
    [event] = events("directive.update")
    assert event.actor_id == hq.pk
    assert before(event)["offices"] == []
    assert after(event)["offices"] == ["reg-5001"]
    assert set(after(event)) == {"addressee", "body", "offices"}
    [request_event] = events("report_request.update")
    assert after(request_event)["route"] == RequestRoute.DIRECT


def test_an_update_that_changes_nothing_writes_no_event(make_staff: Any) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    directive = draft("hq", with_form=False)
    directive_update(actor=hq, directive=directive, addressee=directive.addressee)
    assert not events("directive.update")


def test_a_sent_directive_is_not_changed(make_staff: Any) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    directive = directive_send(actor=hq, directive=ready(make_staff))
    with pytest.raises(Conflict):
        directive_update(actor=hq, directive=directive, body="อื่น")
    assert Directive.objects.get(pk=directive.pk).body != "อื่น"
    assert not events("directive.update")


# --- Sending and numbering ------------------------------------------------------


def test_sending_numbers_dates_and_signs_the_letter_then_sends_through_provinces(
    make_staff: Any,
) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    directive = ready(make_staff)
    sent = directive_send(actor=hq, directive=directive)
    assert sent.number == "1"
    assert sent.letter_date == timezone.localdate()
    assert sent.signer_name == "สมชาย ใจดี"
    assert sent.signer_position == "อธิบดี"
    request = ReportRequest.objects.get(pk=directive.request_id)
    assert request.status == RequestStatus.SENT
    assert sorted(RequestLeg.objects.values_list("province_id", flat=True)) == [
        "10",
        "50",
    ]
    assert set(RequestLeg.objects.values_list("status", flat=True)) == {
        LegStatus.RECEIVED
    }
    counter = LetterCounter.objects.get(office__code="hq", year=this_year())
    assert counter.last_number == 1
    [event] = events("directive.send")
    assert event.actor_id == hq.pk
    assert after(event)["number"] == "1"
    assert after(event)["number_typed"] is False
    assert after(event)["signer_position"] == "อธิบดี"
    assert events("report_request.send")


def test_numbers_run_per_issuer_and_per_year(make_staff: Any) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    province = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    first = directive_send(actor=hq, directive=ready(make_staff))
    second = directive_send(actor=hq, directive=ready(make_staff))
    own = directive_send(actor=province, directive=ready(make_staff, "pao-50"))
    assert (first.number, second.number, own.number) == ("1", "2", "1")
    last_year = timezone.localdate().replace(month=1, day=1) - timedelta(days=1)
    old = directive_send(actor=hq, directive=ready(make_staff, letter_date=last_year))
    assert old.number == "1"
    assert (
        LetterCounter.objects.get(office__code="hq", year=this_year() - 1).last_number
        == 1
    )
    assert (
        LetterCounter.objects.get(office__code="hq", year=this_year()).last_number == 2
    )


def test_a_typed_number_is_kept_and_the_register_skips_it(make_staff: Any) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    typed = directive_send(actor=hq, directive=ready(make_staff, number="1"))
    assert typed.number == "1"
    assert after(events("directive.send")[0])["number_typed"] is True
    allocated = directive_send(actor=hq, directive=ready(make_staff))
    assert allocated.number == "2"


def test_a_number_already_used_that_year_is_refused_and_nothing_changes(
    make_staff: Any,
) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    directive_send(actor=hq, directive=ready(make_staff))
    again = ready(make_staff, number="1")
    sends_before = len(events("directive.send"))
    with pytest.raises(InvalidInput) as refused:
        directive_send(actor=hq, directive=again)
    assert refused.value.field == "number"
    stored = Directive.objects.select_related("request").get(pk=again.pk)
    assert stored.request.status == RequestStatus.DRAFT
    assert stored.letter_date is None
    assert stored.signer_name == ""
    assert LetterCounter.objects.get(office__code="hq").last_number == 1
    assert len(events("directive.send")) == sends_before
    # Another issuer may use the same number: each office has its register.
    province = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    own = directive_send(
        actor=province, directive=ready(make_staff, "pao-50", number="1")
    )
    assert own.number == "1"


def test_a_draft_with_a_typed_number_does_not_hold_it(make_staff: Any) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    ready(make_staff, number="1")
    assert directive_send(actor=hq, directive=ready(make_staff)).number == "1"


def _refused_send(make_staff: Any, directive: Directive, error: type) -> Any:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    sends_before = AuditEvent.objects.filter(action__endswith=".send").count()
    with pytest.raises(error) as refused:
        directive_send(actor=hq, directive=directive)
    stored = Directive.objects.select_related("request").get(pk=directive.pk)
    assert stored.request.status == RequestStatus.DRAFT
    assert stored.number == directive.number
    assert stored.signer_name == ""
    assert not RequestLeg.objects.filter(request=stored.request).exists()
    assert not LetterCounter.objects.filter(last_number__gt=0).exists()
    assert AuditEvent.objects.filter(action__endswith=".send").count() == sends_before
    return refused.value


def test_sending_without_the_issuers_letterhead_is_refused(make_staff: Any) -> None:
    directive = draft("hq", signer=signer_at(make_staff, "hq"))
    error = _refused_send(make_staff, directive, Conflict)
    assert "letterhead" in str(error.message).lower() or "หัวหนังสือ" in str(error.message)


def test_sending_without_a_signer_is_refused(make_staff: Any) -> None:
    letterhead_for("hq")
    error = _refused_send(make_staff, draft("hq"), InvalidInput)
    assert error.field == "signer"


def test_a_signer_who_left_the_office_is_refused(make_staff: Any) -> None:
    directive = ready(make_staff)
    StaffRole.objects.filter(user=directive.signer).update(is_active=False)
    error = _refused_send(make_staff, directive, InvalidInput)
    assert error.field == "signer"


def test_a_signer_without_a_position_is_refused_with_what_to_do(
    make_staff: Any,
) -> None:
    letterhead_for("hq")
    directive = draft("hq", signer=signer_at(make_staff, "hq", position=""))
    error = _refused_send(make_staff, directive, InvalidInput)
    assert error.field == "signer"
    assert "สมชาย ใจดี" in str(error.message)


def test_a_letter_dated_after_today_is_refused(make_staff: Any) -> None:
    error = _refused_send(
        make_staff, ready(make_staff, letter_date=in_days(1)), InvalidInput
    )
    assert error.field == "letter_date"


def test_a_refusal_of_the_request_rolls_the_number_back(make_staff: Any) -> None:
    """request_send refuses a form without a field: the number taken from
    the register before it is given back."""
    letterhead_for("hq")
    directive = draft("hq", signer=signer_at(make_staff, "hq"), with_form=False)
    _refused_send(make_staff, directive, InvalidInput)


def test_a_direct_directive_goes_to_the_offices_it_names(make_staff: Any) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    offices = list(Office.objects.filter(code__in=["reg-5001", "reg-1001"]))
    directive = ready(make_staff, route=RequestRoute.DIRECT, offices=offices)
    directive_send(actor=hq, directive=directive)
    assert sorted(ReportAnswer.objects.values_list("office__code", flat=True)) == [
        "reg-1001",
        "reg-5001",
    ]
    assert set(ReportAnswer.objects.values_list("status", flat=True)) == {
        AnswerStatus.NEW
    }
    assert after(events("directive.send")[0])["offices"] == 2


def test_hq_direct_without_offices_is_refused(make_staff: Any) -> None:
    error = _refused_send(
        make_staff, ready(make_staff, route=RequestRoute.DIRECT), InvalidInput
    )
    assert error.field == "offices"


def test_a_provinces_directive_goes_to_its_district_offices(make_staff: Any) -> None:
    province = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    directive_send(actor=province, directive=ready(make_staff, "pao-50"))
    assert sorted(ReportAnswer.objects.values_list("office__code", flat=True)) == [
        "do-5001",
        "do-5002",
    ]
    [leg] = RequestLeg.objects.all()
    assert leg.province_id == "50"


def test_hq_cannot_send_as_a_province_through_a_provincial_seat(
    make_staff: Any,
) -> None:
    away = make_staff(Role.PROVINCIAL_STAFF, "pao-10")
    directive = ready(make_staff, "pao-50")
    with pytest.raises((PermissionDeniedError, NotFound)):
        directive_send(actor=away, directive=directive)
    assert Directive.objects.get(pk=directive.pk).number == ""


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_take_two_numbers(make_staff: Any) -> None:
    """Two HQ staff send at the same moment: the register's row lock gives
    each its own number."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time; the row lock is PostgreSQL's")
    hq = make_staff(Role.HQ_ADMIN, "hq")
    directives = [ready(make_staff), ready(make_staff)]
    barrier = threading.Barrier(2)
    numbers: list[str] = []
    failures: list[BaseException] = []

    def send(directive: Directive) -> None:
        try:
            barrier.wait(timeout=10)
            numbers.append(directive_send(actor=hq, directive=directive).number)
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(d,)) for d in directives]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    assert sorted(numbers) == ["1", "2"]
    assert LetterCounter.objects.get(office__code="hq").last_number == 2


# --- Attachments and letterhead --------------------------------------------------


def test_a_file_is_attached_encrypted_and_removed_with_its_stored_object(
    make_staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    directive = draft("hq", with_form=False)
    attachment = directive_attachment_add(
        actor=hq, directive=directive, upload=_pdf(), description="แนวทางการรายงาน"
    )
    assert b"".join(encrypted_file_open(attachment)) == one_page_pdf()
    [event] = events("directive.attachment_add")
    assert after(event)["name"] == "แนวทาง.pdf"
    assert event.actor_id == hq.pk
    storage_name = attachment.storage_name
    with django_capture_on_commit_callbacks(execute=True):
        directive_attachment_remove(actor=hq, attachment=attachment)
    assert not RequestAttachment.objects.exists()
    assert not default_storage.exists(storage_name)
    [removed] = events("directive.attachment_remove")
    assert before(removed)["name"] == "แนวทาง.pdf"


def test_a_file_that_is_not_a_document_is_refused(make_staff: Any) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    directive = draft("hq", with_form=False)
    with pytest.raises(InvalidInput) as refused:
        directive_attachment_add(
            actor=hq,
            directive=directive,
            upload=SimpleUploadedFile("x.pdf", b"MZ\x90\x00not a pdf"),
        )
    assert refused.value.field == "upload"
    assert not RequestAttachment.objects.exists()
    assert not events("directive.attachment_add")


def test_files_are_not_added_once_sent(make_staff: Any) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    directive = directive_send(actor=hq, directive=ready(make_staff))
    with pytest.raises(Conflict):
        directive_attachment_add(actor=hq, directive=directive, upload=_pdf())
    assert not RequestAttachment.objects.exists()


def test_the_letterhead_is_saved_and_changed_with_before_and_after(
    make_staff: Any,
) -> None:
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    office = Office.objects.get(code="pao-50")
    fields = {
        "book_code": "ชม 0017.3",
        "issuer_name": "ศาลากลางจังหวัดเชียงใหม่",
        "address": "ถนนโชตนา เชียงใหม่ 50300",
        "owner_unit": "ที่ทำการปกครองจังหวัด",
    }
    letterhead_save(actor=staff, office=office, **fields)
    letterhead_save(actor=staff, office=office, **fields)
    changed = letterhead_save(
        actor=staff, office=office, **{**fields, "phone": "0 5311 2345"}
    )
    assert changed.phone == "0 5311 2345"
    saves = events("letterhead.save")
    assert len(saves) == 2
    assert saves[0].before is None
    assert before(saves[1])["phone"] == ""
    assert after(saves[1])["phone"] == "0 5311 2345"
    assert saves[1].province_code == "50"


def test_the_letterhead_is_refused_for_others_and_for_bad_input(
    make_staff: Any,
) -> None:
    away = make_staff(Role.PROVINCIAL_STAFF, "pao-10")
    fields = {
        "book_code": "ชม 0017.3",
        "issuer_name": "จังหวัด",
        "address": "ที่อยู่",
        "owner_unit": "ฝ่าย",
    }
    with pytest.raises((PermissionDeniedError, NotFound)):
        letterhead_save(actor=away, office=Office.objects.get(code="pao-50"), **fields)
    with pytest.raises(InvalidInput) as refused:
        letterhead_save(
            actor=SYSTEM,
            office=Office.objects.get(code="pao-10"),
            **{**fields, "email": "not an address"},
        )
    assert refused.value.field == "email"
    with pytest.raises(InvalidInput) as refused:
        letterhead_save(
            actor=SYSTEM, office=Office.objects.get(code="do-5001"), **fields
        )
    assert refused.value.field == "issuer"
    assert not Letterhead.objects.exists()
    assert not events("letterhead.save")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("", ""), ("๑๒๓", "123"), (" 0045 ", "45"), ("1234567", "1234567")],
)
def test_a_typed_number_is_read_in_either_digits(typed: str, stored: str) -> None:
    assert clean_number(typed) == stored


def test_a_closed_directive_takes_no_more_reports(make_staff: Any) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    directive = directive_send(actor=hq, directive=ready(make_staff))
    collection.request_close(actor=hq, request=directive.request)
    assert ReportRequest.objects.get().status == RequestStatus.CLOSED
