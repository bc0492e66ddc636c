"""Report collection's services for the role x action walk
(tests/test_role_matrix.py, through matrix_scenarios.py). Every record is
district 5001's office `do-5001` in province 50: a province's own request
issued by `pao-50` (so its provincial staff and HQ issue it), HQ's request
forwarded by province 50, answered by `do-5001`."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from saduak.accounts.choices import Role
from saduak.accounts.matrix import Action
from saduak.accounts.models import User
from saduak.accounts.tests.matrix_walk import Scenario
from saduak.core.uploads.sample_files import one_page_pdf
from saduak.performance.choices import RequestRoute
from saduak.performance.models import (
    AnswerEvidence,
    AnswerStep,
    ReportAnswer,
    ReportRequest,
    RequestLeg,
)
from saduak.performance.services import collection
from saduak.performance.tests.collection_setup import (
    SYSTEM,
    answer_of,
    draft,
    filled,
    forwarded,
    leg_of,
    office,
    sent,
)

OFFICE = "do-5001"


def _map(request: Any) -> None:
    request.getfixturevalue("small_map")


def _own_draft(request: Any) -> ReportRequest:
    _map(request)
    return draft(issuer="pao-50", route=RequestRoute.DIRECT)


def _own_sent(request: Any) -> ReportRequest:
    own = _own_draft(request)
    return collection.request_send(actor=SYSTEM, request=own, offices=[office(OFFICE)])


def _hq_sent(request: Any) -> ReportRequest:
    _map(request)
    return sent()


def _answer(request: Any) -> ReportAnswer:
    _map(request)
    return answer_of(forwarded(), OFFICE)


def _filled(request: Any) -> ReportAnswer:
    return filled(_answer(request))


def _submitted(request: Any) -> ReportAnswer:
    return collection.answer_submit(actor=SYSTEM, answer=_filled(request))


def _with_evidence(request: Any) -> AnswerEvidence:
    answer = _answer(request)
    return collection.answer_evidence_add(actor=SYSTEM, answer=answer, upload=_pdf())


def _all_certified(request: Any) -> RequestLeg:
    answer = _submitted(request)
    collection.answer_certify(actor=_certifier(request), answer=answer)
    collection.answer_excuse(
        actor=SYSTEM, answer=answer_of(answer.request, "do-5002"), reason="ปิดปรับปรุง"
    )
    return leg_of(answer.request, "50")


def _leg_submitted(request: Any) -> RequestLeg:
    leg = _all_certified(request)
    return collection.leg_submit(actor=SYSTEM, leg=leg)


def _certifier(request: Any) -> User:
    """A provincial officer with a position, to certify in a set-up."""
    user: User = request.getfixturevalue("make_staff")(Role.PROVINCIAL_STAFF, "pao-50")
    user.position = "ปลัดจังหวัด"
    user.save(update_fields=["position"])
    return user


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("หลักฐาน.pdf", one_page_pdf(), "application/pdf")


def _positioned(actor: Any) -> Any:
    if isinstance(actor, User) and not actor.position:
        actor.position = "เจ้าพนักงานปกครอง"
        actor.save(update_fields=["position"])
    return actor


def _requests_state(_ctx: Any) -> tuple[Any, ...]:
    return (
        list(
            ReportRequest.objects.order_by("pk").values_list(
                "status", "title_th", "due_on"
            )
        ),
        RequestLeg.objects.count(),
        ReportAnswer.objects.count(),
    )


def _legs_state(_ctx: Any) -> tuple[Any, ...]:
    return (
        list(RequestLeg.objects.order_by("pk").values_list("status", "due_on")),
        ReportAnswer.objects.count(),
    )


def _answers_state(_ctx: Any) -> tuple[Any, ...]:
    return (
        list(
            ReportAnswer.objects.order_by("pk").values_list(
                "status", "answers", "read_at", "certifier_name"
            )
        ),
        AnswerStep.objects.count(),
        AnswerEvidence.objects.count(),
    )


def _scenario(action: Action, name: str, setup: Any, act: Any, state: Any) -> Scenario:
    return Scenario(action, name, OFFICE, setup, act, state)


COLLECTION_SCENARIOS = [
    _scenario(
        Action.DIRECTIVE_ISSUE,
        "request_create",
        _map,
        lambda actor, ctx, r: draft(issuer="pao-50", actor=actor),
        _requests_state,
    ),
    _scenario(
        Action.DIRECTIVE_ISSUE,
        "request_update",
        _own_draft,
        lambda actor, own, r: collection.request_update(
            actor=actor, request=own, title_th="รายงานฉบับแก้ไข"
        ),
        _requests_state,
    ),
    _scenario(
        Action.DIRECTIVE_ISSUE,
        "request_send",
        _own_draft,
        lambda actor, own, r: collection.request_send(actor=actor, request=own),
        _requests_state,
    ),
    _scenario(
        Action.DIRECTIVE_ISSUE,
        "request_close",
        _own_sent,
        lambda actor, own, r: collection.request_close(actor=actor, request=own),
        _requests_state,
    ),
    _scenario(
        Action.DIRECTIVE_ISSUE,
        "answers_add_offices",
        _own_sent,
        lambda actor, own, r: collection.answers_add_offices(
            actor=actor, request=own, offices=[office("do-5002")]
        ),
        _requests_state,
    ),
    _scenario(
        Action.REQUEST_FORWARD,
        "leg_forward",
        _hq_sent,
        lambda actor, request, r: collection.leg_forward(
            actor=actor, leg=leg_of(request, "50"), cover_note="โปรดรายงานภายในกำหนด"
        ),
        _legs_state,
    ),
    _scenario(
        Action.REPORT_FILL,
        "answer_mark_read",
        _answer,
        lambda actor, answer, r: collection.answer_mark_read(
            actor=actor, answer=answer
        ),
        _answers_state,
    ),
    _scenario(
        Action.REPORT_FILL,
        "answer_acknowledge",
        _answer,
        lambda actor, answer, r: collection.answer_acknowledge(
            actor=actor, answer=answer
        ),
        _answers_state,
    ),
    _scenario(
        Action.REPORT_FILL,
        "answer_save",
        _answer,
        lambda actor, answer, r: collection.answer_save(
            actor=actor, answer=answer, answers={"served": 4}
        ),
        _answers_state,
    ),
    _scenario(
        Action.REPORT_FILL,
        "answer_evidence_add",
        _answer,
        lambda actor, answer, r: collection.answer_evidence_add(
            actor=actor, answer=answer, upload=_pdf()
        ),
        _answers_state,
    ),
    _scenario(
        Action.REPORT_FILL,
        "answer_evidence_remove",
        _with_evidence,
        lambda actor, evidence, r: collection.answer_evidence_remove(
            actor=actor, evidence=evidence
        ),
        _answers_state,
    ),
    _scenario(
        Action.REPORT_SUBMIT,
        "answer_submit",
        _filled,
        lambda actor, answer, r: collection.answer_submit(actor=actor, answer=answer),
        _answers_state,
    ),
    _scenario(
        Action.REPORT_CERTIFY,
        "answer_return",
        _submitted,
        lambda actor, answer, r: collection.answer_return(
            actor=actor, answer=answer, comment="กรุณาแก้ไขจำนวน"
        ),
        _answers_state,
    ),
    _scenario(
        Action.REPORT_CERTIFY,
        "answer_certify",
        _submitted,
        lambda actor, answer, r: collection.answer_certify(
            actor=_positioned(actor), answer=answer
        ),
        _answers_state,
    ),
    _scenario(
        Action.REPORT_CERTIFY,
        "answer_excuse",
        _answer,
        lambda actor, answer, r: collection.answer_excuse(
            actor=actor, answer=answer, reason="สำนักงานปิดปรับปรุง"
        ),
        _answers_state,
    ),
    _scenario(
        Action.REPORT_CERTIFY,
        "leg_submit",
        _all_certified,
        lambda actor, leg, r: collection.leg_submit(actor=actor, leg=leg),
        _legs_state,
    ),
    _scenario(
        Action.REPORT_ACCEPT,
        "leg_accept",
        _leg_submitted,
        lambda actor, leg, r: collection.leg_accept(actor=actor, leg=leg),
        _legs_state,
    ),
    _scenario(
        Action.REPORT_ACCEPT,
        "leg_return",
        _leg_submitted,
        lambda actor, leg, r: collection.leg_return(
            actor=actor, leg=leg, comment="ขอข้อมูลเพิ่มเติม"
        ),
        _legs_state,
    ),
]
