"""Role x action scenarios for Social Match's case management
(`social.case_manage`): every record is a case of district 5001 (office
`do-5001`), held by a social worker there."""

from typing import Any

from saduak.accounts.choices import Role
from saduak.accounts.matrix import Action
from saduak.accounts.tests.matrix_walk import Scenario, api_call
from saduak.social.models import Case, FollowUp, PlanStep, Referral
from saduak.social.services import cases
from saduak.social.tests.case_setup import household, today

OFFICE = "do-5001"


def _worker(request: Any) -> Any:
    return request.getfixturevalue("make_staff")(Role.SOCIAL_WORKER, OFFICE)


def _household(request: Any) -> dict[str, Any]:
    return {"household": household(), "worker": _worker(request)}


def _case(request: Any) -> Case:
    worker = _worker(request)
    return cases.case_open(
        household=household(),
        case_worker=worker,
        follow_up_frequency="monthly",
        actor=worker,
    )


def _referral(request: Any) -> Referral:
    case = _case(request)
    return cases.referral_send(
        case=case,
        agency_code="dep",
        reason="บัตรคนพิการ",
        sent_on=today(),
        actor=case.case_worker,
    )


def _state(_ctx: Any) -> tuple[Any, ...]:
    return (
        list(Case.objects.order_by("pk").values_list("status", "outcome")),
        list(FollowUp.objects.order_by("pk").values_list("due_on", "done_on")),
        PlanStep.objects.count(),
        list(Referral.objects.order_by("pk").values_list("status", "answer")),
        sum(case.assessments.count() for case in Case.objects.all()),
    )


def _scenario(name: str, setup: Any, act: Any) -> Scenario:
    return Scenario(Action.SOCIAL_CASE_MANAGE, name, OFFICE, setup, act, _state)


SCENARIOS: list[Scenario] = [
    _scenario(
        "case_open",
        _household,
        lambda actor, ctx, r: cases.case_open(
            household=ctx["household"],
            case_worker=ctx["worker"],
            follow_up_frequency="monthly",
            actor=actor,
        ),
    ),
    _scenario(
        "assessment_record",
        _case,
        lambda actor, case, r: cases.assessment_record(
            case=case,
            assessed_on=today(),
            capability="B",
            needs={"health": "ผู้ป่วยติดเตียง"},
            actor=actor,
        ),
    ),
    _scenario(
        "plan_step_add",
        _case,
        lambda actor, case, r: cases.plan_step_add(
            case=case,
            domain="housing",
            goal="ซ่อมบ้าน",
            service="บ้านมั่นคง",
            agency_code="codi-baan-mankong",
            starts_on=today(),
            due_on=today(),
            actor=actor,
        ),
    ),
    _scenario(
        "referral_send",
        _case,
        lambda actor, case, r: cases.referral_send(
            case=case, agency_code="dep", reason="x", sent_on=today(), actor=actor
        ),
    ),
    _scenario(
        "referral_answer",
        _referral,
        lambda actor, referral, r: cases.referral_answer(
            referral=referral,
            status="accepted",
            answered_on=today(),
            answer="รับเรื่อง",
            actor=actor,
        ),
    ),
    _scenario(
        "follow_up_record",
        _case,
        lambda actor, case, r: cases.follow_up_record(
            case=case, done_on=today(), note="เยี่ยมบ้าน", actor=actor
        ),
    ),
    _scenario(
        "case_close",
        _case,
        lambda actor, case, r: cases.case_close(
            case=case, outcome="self_reliant", note="พึ่งตนเองได้", actor=actor
        ),
    ),
    _scenario(
        "POST /api/v1/social/cases/{reference}/follow-ups",
        _case,
        lambda actor, case, r: api_call(
            r,
            actor,
            "post",
            f"/api/v1/social/cases/{case.reference}/follow-ups",
            {"done_on": today().isoformat(), "note": "เยี่ยมบ้าน"},
        ),
    ),
]
