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


def _step(request: Any) -> PlanStep:
    """A plan step of a case whose household has a member with a digital ID
    (ctx.member), for the e-service application."""
    worker = _worker(request)
    member = request.getfixturevalue("make_user")()
    case = cases.case_open(
        household=household(people=[member.personal_id]),
        case_worker=worker,
        follow_up_frequency="monthly",
        actor=worker,
    )
    step = cases.plan_step_add(
        case=case,
        domain="social_services",
        goal="เบี้ยยังชีพ",
        service="ยื่นคำขอ",
        agency_code="pshso",
        starts_on=today(),
        due_on=today(),
        actor=worker,
    )
    step.member = member  # type: ignore[attr-defined]
    return step


def _service_code() -> str:
    from saduak.eservices.models import Service

    service = Service.objects.filter(
        is_active=True, versions__status="published"
    ).first()
    assert service is not None, "a published e-service is needed"
    return service.code


def _post(actor: Any, r: Any, path: str, body: Any, method: str = "post") -> Any:
    return api_call(r, actor, method, f"/api/v1/social/cases{path}", body)


def _state(_ctx: Any) -> tuple[Any, ...]:
    return (
        list(Case.objects.order_by("pk").values_list("status", "outcome")),
        list(FollowUp.objects.order_by("pk").values_list("due_on", "done_on")),
        PlanStep.objects.count(),
        list(Referral.objects.order_by("pk").values_list("status", "answer")),
        sum(case.assessments.count() for case in Case.objects.all()),
    )


def _scenario(
    name: str, setup: Any, act: Any, roles: frozenset[Role] | None = None
) -> Scenario:
    return Scenario(
        Action.SOCIAL_CASE_MANAGE, name, OFFICE, setup, act, _state, roles=roles
    )


def _state_with_applications(ctx: Any) -> tuple[Any, ...]:
    return (
        _state(ctx),
        list(PlanStep.objects.order_by("pk").values_list("application_reference")),
    )


# Starting an e-service application on a citizen's behalf also needs
# `application.record_for_citizen` over the case's office: of the case
# managers, only the district administrator holds it.
APPLICATION_ROLES = frozenset({Role.DISTRICT_ADMIN})


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
        lambda actor, case, r: _post(
            actor,
            r,
            f"/{case.reference}/follow-ups",
            {"done_on": today().isoformat(), "note": "เยี่ยมบ้าน"},
        ),
    ),
    _scenario(
        "plan_step_update",
        lambda r: _step(r),
        lambda actor, step, r: cases.plan_step_update(
            step=step, status="done", actor=actor
        ),
    ),
    Scenario(
        Action.SOCIAL_CASE_MANAGE,
        "plan_step_application_start",
        OFFICE,
        _step,
        lambda actor, step, r: cases.plan_step_application_start(
            step=step,
            personal_id=step.member.personal_id,
            service_code=_service_code(),
            actor=actor,
        ),
        _state_with_applications,
        roles=APPLICATION_ROLES,
    ),
    _scenario(
        "POST /api/v1/social/cases",
        _household,
        lambda actor, ctx, r: _post(
            actor,
            r,
            "",
            {
                "household": str(ctx["household"].public_id),
                "case_worker_id": ctx["worker"].pk,
                "follow_up_frequency": "monthly",
            },
        ),
    ),
    _scenario(
        "POST /api/v1/social/cases/{reference}/assessments",
        _case,
        lambda actor, case, r: _post(
            actor,
            r,
            f"/{case.reference}/assessments",
            {
                "assessed_on": today().isoformat(),
                "capability": "B",
                "needs": {"health": "x"},
            },
        ),
    ),
    _scenario(
        "POST /api/v1/social/cases/{reference}/plan-steps",
        _case,
        lambda actor, case, r: _post(
            actor,
            r,
            f"/{case.reference}/plan-steps",
            {
                "domain": "health",
                "goal": "g",
                "service": "s",
                "agency": "dop",
                "starts_on": today().isoformat(),
                "due_on": today().isoformat(),
            },
        ),
    ),
    _scenario(
        "PATCH /api/v1/social/cases/{reference}/plan-steps/{step_id}",
        _step,
        lambda actor, step, r: _post(
            actor,
            r,
            f"/{step.case.reference}/plan-steps/{step.public_id}",
            {"status": "done"},
            method="patch",
        ),
    ),
    Scenario(
        Action.SOCIAL_CASE_MANAGE,
        "POST /api/v1/social/cases/{reference}/plan-steps/{step_id}/application",
        OFFICE,
        _step,
        lambda actor, step, r: _post(
            actor,
            r,
            f"/{step.case.reference}/plan-steps/{step.public_id}/application",
            {"personal_id": step.member.personal_id, "service": _service_code()},
        ),
        _state_with_applications,
        roles=APPLICATION_ROLES,
    ),
    _scenario(
        "POST /api/v1/social/cases/{reference}/referrals",
        _case,
        lambda actor, case, r: _post(
            actor,
            r,
            f"/{case.reference}/referrals",
            {"agency": "dep", "reason": "x", "sent_on": today().isoformat()},
        ),
    ),
    _scenario(
        "POST /api/v1/social/cases/{reference}/referrals/{referral_id}/answer",
        _referral,
        lambda actor, referral, r: _post(
            actor,
            r,
            f"/{referral.case.reference}/referrals/{referral.public_id}/answer",
            {"status": "accepted", "answered_on": today().isoformat()},
        ),
    ),
    _scenario(
        "POST /api/v1/social/cases/{reference}/close",
        _case,
        lambda actor, case, r: _post(
            actor,
            r,
            f"/{case.reference}/close",
            {"outcome": "other", "note": "x"},
        ),
    ),
]
