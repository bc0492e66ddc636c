"""Every refusal of issue 17's "Bad input" list, through the services:
each is refused with its reason, nothing changes and no audit event is
written."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import translation

from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.performance.choices import AnswerStatus, LegStatus, RequestStatus
from saduak.performance.models import (
    AnswerStep,
    ReportAnswer,
    ReportRequest,
    RequestLeg,
)
from saduak.performance.services import collection
from saduak.performance.tests.collection_setup import (
    REPORT_FORM,
    SYSTEM,
    answer_of,
    draft,
    filled,
    forwarded,
    leg_of,
    office,
    people,
    sent,
    today,
)


def _state() -> tuple[Any, ...]:
    return (
        list(
            ReportRequest.objects.order_by("pk").values_list("status", "due_on", "form")
        ),
        list(RequestLeg.objects.order_by("pk").values_list("status", "due_on")),
        list(
            ReportAnswer.objects.order_by("pk").values_list(
                "status", "answers", "late", "certifier_name"
            )
        ),
        AnswerStep.objects.count(),
        AuditEvent.objects.count(),
    )


def _refused(
    error: type[Exception] | tuple[type[Exception], ...],
    act: Callable[[], Any],
    match: str | None = None,
) -> Any:
    before = _state()
    with pytest.raises(error, match=match) as raised:
        act()
    assert _state() == before
    return raised.value


@pytest.fixture(autouse=True)
def in_english() -> Any:
    """The messages are matched in English; one test reads the Thai."""
    with translation.override("en"):
        yield


SECRET_FORM = {
    "sections": [
        {
            "key": "main",
            "title": {"th": "บัญชีผู้ใช้"},
            "fields": [
                {"key": "user_name", "type": "text", "label": {"th": "ชื่อผู้ใช้"}},
                {"key": "pw", "type": "text", "label": {"th": "รหัส ผ่าน"}},
            ],
        }
    ]
}


@pytest.mark.django_db
def test_a_deadline_in_the_past_is_refused_when_writing_and_when_sending(
    small_map: None,
) -> None:
    error = _refused(InvalidInput, lambda: draft(due_in=-1), "has passed")
    assert error.field == "due_on"
    request = draft(due_in=1)
    with time_machine.travel(today() + timedelta(days=3)):
        error = _refused(
            InvalidInput, lambda: collection.request_send(actor=SYSTEM, request=request)
        )
    assert error.field == "due_on"
    assert ReportRequest.objects.get(pk=request.pk).status == RequestStatus.DRAFT


@pytest.mark.django_db
def test_a_leg_deadline_later_than_the_request_or_in_the_past_is_refused(
    small_map: None,
) -> None:
    request = sent()
    leg = leg_of(request, "50")
    error = _refused(
        InvalidInput,
        lambda: collection.leg_forward(
            actor=SYSTEM, leg=leg, due_on=request.due_on + timedelta(days=1)
        ),
        "later than",
    )
    assert error.field == "due_on"
    _refused(
        InvalidInput,
        lambda: collection.leg_forward(
            actor=SYSTEM, leg=leg, due_on=today() - timedelta(days=1)
        ),
        "has passed",
    )


@pytest.mark.django_db
def test_a_forward_to_districts_outside_the_province_is_refused(
    small_map: None, make_staff: Any
) -> None:
    p = people(make_staff)
    request = sent()
    leg = leg_of(request, "50")
    error = _refused(
        InvalidInput,
        lambda: collection.leg_forward(
            actor=p.province, leg=leg, excluded={"1001": "ไม่เกี่ยวข้อง"}
        ),
        "not one of this province",
    )
    assert error.field == "excluded"
    _refused(
        InvalidInput,
        lambda: collection.leg_forward(
            actor=p.province, leg=leg, excluded={"5001": " "}
        ),
        "reason",
    )
    # A province forwarding another province's leg is not even shown it.
    _refused(
        (NotFound, PermissionDeniedError),
        lambda: collection.leg_forward(actor=p.province, leg=leg_of(request, "10")),
    )
    # A province's own request naming another province's office.
    own = draft(issuer="pao-50", actor=p.province, route="direct")
    error = _refused(
        InvalidInput,
        lambda: collection.request_send(
            actor=p.province, request=own, offices=[office("do-1001")]
        ),
        "outside your province",
    )
    assert error.code == "outside-province"


@pytest.mark.django_db
def test_a_report_after_the_round_closed_is_refused_and_a_late_one_before_is_taken(
    small_map: None, make_staff: Any
) -> None:
    p = people(make_staff)
    request = forwarded(due_in=2, closes_in=5)
    a5001 = filled(answer_of(request, "do-5001"))
    a5002 = filled(answer_of(request, "do-5002"))
    with time_machine.travel(today() + timedelta(days=4)):
        late = collection.answer_submit(actor=p.district, answer=a5001)
    assert late.late and late.status == AnswerStatus.SUBMITTED
    with time_machine.travel(today() + timedelta(days=6)):
        error = _refused(
            Conflict,
            lambda: collection.answer_submit(actor=p.other_district, answer=a5002),
            "last day for late reports",
        )
    assert error.code == "request-closed"
    collection.request_close(actor=SYSTEM, request=request)
    _refused(
        Conflict,
        lambda: collection.answer_submit(actor=p.other_district, answer=a5002),
        "closed",
    )
    _refused(
        Conflict,
        lambda: collection.answer_save(
            actor=p.other_district, answer=a5002, answers={"served": 1}
        ),
        "closed",
    )


@pytest.mark.django_db
def test_certification_by_someone_outside_the_province_or_without_the_role_is_refused(
    small_map: None, make_staff: Any
) -> None:
    p = people(make_staff)
    request = forwarded()
    answer = collection.answer_submit(
        actor=p.district, answer=filled(answer_of(request, "do-5001"))
    )
    _refused(
        (NotFound, PermissionDeniedError),
        lambda: collection.answer_certify(actor=p.other_province, answer=answer),
    )
    _refused(
        PermissionDeniedError,
        lambda: collection.answer_certify(actor=p.district, answer=answer),
        "province",
    )
    _refused(
        PermissionDeniedError,
        lambda: collection.answer_certify(actor=p.hq, answer=answer),
    )
    p.province.position = ""
    p.province.save(update_fields=["position"])
    error = _refused(
        InvalidInput,
        lambda: collection.answer_certify(actor=p.province, answer=answer),
        "position",
    )
    assert error.code == "position-missing"


@pytest.mark.django_db
def test_a_consolidated_report_is_refused_while_a_district_is_neither_certified_nor_excused(
    small_map: None, make_staff: Any
) -> None:
    p = people(make_staff)
    request = forwarded()
    a5001 = collection.answer_submit(
        actor=p.district, answer=filled(answer_of(request, "do-5001"))
    )
    collection.answer_certify(actor=p.province, answer=a5001)
    leg = leg_of(request, "50")
    error = _refused(
        Conflict,
        lambda: collection.leg_submit(actor=p.province, leg=leg),
        office("do-5002").name_th,
    )
    assert error.extra["offices"] == ["do-5002"]
    assert RequestLeg.objects.get(pk=leg.pk).status == LegStatus.FORWARDED


@pytest.mark.django_db
def test_a_form_field_that_looks_like_a_password_is_refused_with_an_explanation(
    small_map: None,
) -> None:
    error = _refused(InvalidInput, lambda: draft(form=SECRET_FORM), "never asks")
    assert error.code == "secret-field" and error.extra["fields"] == ["pw"]
    request = draft()
    _refused(
        InvalidInput,
        lambda: collection.request_update(
            actor=SYSTEM, request=request, form=SECRET_FORM
        ),
        "password",
    )
    # A form stored some other way is still refused when sent.
    ReportRequest.objects.filter(pk=request.pk).update(form=SECRET_FORM)
    request.refresh_from_db()
    _refused(
        InvalidInput,
        lambda: collection.request_send(actor=SYSTEM, request=request),
        "never asks",
    )


@pytest.mark.django_db
def test_an_answer_that_gives_a_password_is_refused_naming_the_field(
    small_map: None,
) -> None:
    request = forwarded()
    answer = answer_of(request, "do-5001")
    error = _refused(
        InvalidInput,
        lambda: collection.answer_save(
            actor=SYSTEM,
            answer=answer,
            answers={"served": 3, "note": "user: admin01 รหัสผ่าน Abc12345"},
        ),
        "Problems|ปัญหาอุปสรรค",
    )
    assert error.field == "note" and error.code == "secret-value"


@pytest.mark.django_db
def test_wrong_states_are_refused(small_map: None, make_staff: Any) -> None:
    p = people(make_staff)
    request = forwarded()
    _refused(Conflict, lambda: collection.request_send(actor=SYSTEM, request=request))
    _refused(
        Conflict,
        lambda: collection.request_update(actor=SYSTEM, request=request, title_th="x"),
    )
    _refused(
        Conflict,
        lambda: collection.leg_forward(actor=SYSTEM, leg=leg_of(request, "50")),
    )
    answer = answer_of(request, "do-5001")
    _refused(
        Conflict, lambda: collection.answer_certify(actor=p.province, answer=answer)
    )
    _refused(
        InvalidInput,
        lambda: collection.answer_submit(actor=p.district, answer=answer),
        "not complete",
    )
    _refused(
        InvalidInput,
        lambda: collection.answer_return(actor=p.province, answer=answer, comment=" "),
    )
    _refused(
        InvalidInput,
        lambda: collection.answer_excuse(actor=p.province, answer=answer, reason=""),
    )
    _refused(
        Conflict, lambda: collection.leg_accept(actor=p.hq, leg=leg_of(request, "50"))
    )
    _refused(
        InvalidInput,
        lambda: collection.leg_return(
            actor=p.hq, leg=leg_of(request, "50"), comment=""
        ),
    )
    empty = draft(form={})
    _refused(
        InvalidInput,
        lambda: collection.request_send(actor=SYSTEM, request=empty),
        "no field",
    )
    assert REPORT_FORM["sections"]


@pytest.mark.django_db
def test_the_secret_explanation_is_in_thai_for_thai_users(small_map: None) -> None:
    with translation.override("th"):
        error = _refused(InvalidInput, lambda: draft(form=SECRET_FORM))
    assert "สะดวกไม่ขอรหัสผ่าน" in str(error.message)
    assert "“รหัส ผ่าน”" in str(error.message)
