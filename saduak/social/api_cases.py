"""Social Match API: case management (docs/social.md, "Case management"),
the same services as the pages. A case is named by its reference; its plan
steps and referrals by their public ids. The household's people are given
only through privacy.household_people_view (GET .../people)."""

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from saduak.accounts.api_auth import STAFF_OR_MACHINE
from saduak.accounts.matrix import Action
from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user
from saduak.core.errors import InvalidInput, NotFound
from saduak.core.personal_id import mask_personal_id
from saduak.social.choices import CaseStatus
from saduak.social.models import Case, PlanStep, Referral, TargetHousehold
from saduak.social.privacy import household_people_view, purpose_text
from saduak.social.selectors import cases as selectors
from saduak.social.services import cases as services

router = Router(auth=STAFF_OR_MACHINE)


class CaseOpenIn(Schema):
    household: UUID
    case_worker_id: int
    follow_up_frequency: str


class AssessmentIn(Schema):
    assessed_on: date
    capability: str
    needs: dict[str, str]
    note: str = ""


class PlanStepIn(Schema):
    domain: str
    goal: str
    service: str
    agency: str
    starts_on: date
    due_on: date


class PlanStepPatch(Schema):
    status: str
    due_on: date | None = None


class PlanStepApplicationIn(Schema):
    personal_id: str
    service: str


class ReferralIn(Schema):
    agency: str
    reason: str
    sent_on: date


class ReferralAnswerIn(Schema):
    status: str
    answered_on: date
    answer: str = ""


class FollowUpIn(Schema):
    done_on: date
    note: str
    capability: str = ""


class CloseIn(Schema):
    outcome: str
    note: str


class CaseFilter(Schema):
    district: str
    status: str = CaseStatus.OPEN
    page: int = 1


def _case_summary(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "household": case.household.public_id,
        "house_code": case.household.house_code,
        "subdistrict": case.household.subdistrict_id,
        "district_code": case.district_code,
        "status": case.status,
        "case_worker": case.case_worker.get_full_name(),
        "office": case.office_id,
        "follow_up_frequency": case.follow_up_frequency,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "outcome": case.outcome,
    }


def _case(request: HttpRequest, reference: str) -> Case:
    """The case, if the user may read its district; NotFound otherwise."""
    return selectors.case_get(viewer=acting_user(request), reference=reference)


def _case_out(user: User, case: Case) -> dict[str, Any]:
    case.refresh_from_db()
    record = selectors.case_detail(actor=user, case=case)
    return {
        **_case_summary(case),
        "closure_note": case.closure_note,
        "movement": record.movement,
        "assessments": [
            {
                "assessed_on": a.assessed_on,
                "capability": a.capability,
                "needs": a.needs,
                "note": a.note,
                "baseline": a == record.baseline,
            }
            for a in record.assessments
        ],
        "plan_steps": [
            {
                "id": s.public_id,
                "domain": s.domain,
                "goal": s.goal,
                "service": s.service,
                "agency": s.agency_id,
                "starts_on": s.starts_on,
                "due_on": s.due_on,
                "status": s.status,
                "application_reference": s.application_reference,
            }
            for s in record.plan_steps
        ],
        "referrals": [
            {
                "id": r.public_id,
                "agency": r.agency_id,
                "reason": r.reason,
                "sent_on": r.sent_on,
                "status": r.status,
                "answer": r.answer,
                "answered_on": r.answered_on,
            }
            for r in record.referrals
        ],
        "follow_ups": [
            {
                "due_on": f.due_on,
                "done_on": f.done_on,
                "note": f.note,
                "capability": f.capability,
            }
            for f in record.follow_ups
        ],
    }


@router.get("")
def case_list(request: HttpRequest, filters: Query[CaseFilter]) -> dict[str, Any]:
    """A district's cases of a status, the follow-ups due soonest first."""
    page = selectors.case_list(
        actor=acting_user(request),
        district_code=filters.district,
        status=filters.status,
        page=filters.page,
    )
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [
            {**_case_summary(case), "next_due_on": case.next_due_on}  # type: ignore[attr-defined]
            for case in page.object_list
        ],
    }


@router.post(
    "",
    response={201: dict[str, Any]},
    openapi_extra={"x-action": Action.SOCIAL_CASE_MANAGE.value},
)
def case_open(request: HttpRequest, payload: CaseOpenIn) -> Status:
    household = TargetHousehold.objects.filter(public_id=payload.household).first()
    if household is None:
        raise NotFound()
    worker = User.objects.filter(pk=payload.case_worker_id, is_active=True).first()
    if worker is None:
        raise InvalidInput(field="case_worker_id")
    user = acting_user(request)
    case = services.case_open(
        household=household,
        case_worker=worker,
        follow_up_frequency=payload.follow_up_frequency,
        actor=user,
    )
    return Status(201, _case_out(user, case))


class MovementFilter(Schema):
    province: str
    district: str | None = None


@router.get("/movement")
def capability_movement(
    request: HttpRequest, filters: Query[MovementFilter]
) -> list[dict[str, Any]]:
    """Per district: the cases counted by (baseline level, latest level),
    and the sums moved up, stayed, moved down, assessed once."""
    rows = selectors.capability_movement(
        actor=acting_user(request),
        province_code=filters.province,
        district_code=filters.district,
    )
    return [
        {
            "district_code": row.area_code,
            "pairs": [
                {"from": first, "to": latest, "cases": cases}
                for (first, latest), cases in sorted(row.pairs.items())
            ],
            "up": row.up,
            "stayed": row.stayed,
            "down": row.down,
            "assessed_once": row.assessed_once,
        }
        for row in rows
    ]


@router.get("/{reference}")
def case_get(request: HttpRequest, reference: str) -> dict[str, Any]:
    return _case_out(acting_user(request), _case(request, reference))


@router.get("/{reference}/people")
def case_people(request: HttpRequest, reference: str) -> list[dict[str, Any]]:
    """The household's people as each source describes them (personal IDs
    masked); every call is recorded (privacy.household_people_view)."""
    user = acting_user(request)
    case = _case(request, reference)
    rows = household_people_view(
        household=case.household, actor=user, purpose=purpose_text(selectors.PURPOSE)
    )
    return [
        {
            "personal_id": mask_personal_id(row.personal_id),
            "name": row.full_name,
            "source": row.kind,
        }
        for row in rows
    ]


@router.post(
    "/{reference}/assessments",
    response={201: dict[str, Any]},
    openapi_extra={"x-action": Action.SOCIAL_CASE_MANAGE.value},
)
def assessment_add(
    request: HttpRequest, reference: str, payload: AssessmentIn
) -> Status:
    user = acting_user(request)
    case = _case(request, reference)
    services.assessment_record(
        case=case,
        assessed_on=payload.assessed_on,
        capability=payload.capability,
        needs=payload.needs,
        note=payload.note,
        actor=user,
    )
    return Status(201, _case_out(user, case))


@router.post(
    "/{reference}/plan-steps",
    response={201: dict[str, Any]},
    openapi_extra={"x-action": Action.SOCIAL_CASE_MANAGE.value},
)
def plan_step_add(request: HttpRequest, reference: str, payload: PlanStepIn) -> Status:
    user = acting_user(request)
    case = _case(request, reference)
    services.plan_step_add(
        case=case,
        domain=payload.domain,
        goal=payload.goal,
        service=payload.service,
        agency_code=payload.agency,
        starts_on=payload.starts_on,
        due_on=payload.due_on,
        actor=user,
    )
    return Status(201, _case_out(user, case))


def _step(case: Case, step_id: UUID) -> PlanStep:
    step = PlanStep.objects.filter(case=case, public_id=step_id).first()
    if step is None:
        raise NotFound()
    return step


@router.patch(
    "/{reference}/plan-steps/{step_id}",
    openapi_extra={"x-action": Action.SOCIAL_CASE_MANAGE.value},
)
def plan_step_update(
    request: HttpRequest, reference: str, step_id: UUID, payload: PlanStepPatch
) -> dict[str, Any]:
    user = acting_user(request)
    case = _case(request, reference)
    services.plan_step_update(
        step=_step(case, step_id),
        status=payload.status,
        due_on=payload.due_on,
        actor=user,
    )
    return _case_out(user, case)


@router.post(
    "/{reference}/plan-steps/{step_id}/application",
    response={201: dict[str, Any]},
    openapi_extra={"x-action": Action.SOCIAL_CASE_MANAGE.value},
)
def plan_step_application(
    request: HttpRequest, reference: str, step_id: UUID, payload: PlanStepApplicationIn
) -> Status:
    """Starts an e-service application for a household member with a
    digital ID through the referral channel (see docs/social.md)."""
    user = acting_user(request)
    case = _case(request, reference)
    step = services.plan_step_application_start(
        step=_step(case, step_id),
        personal_id=payload.personal_id,
        service_code=payload.service,
        actor=user,
    )
    return Status(201, {"application_reference": step.application_reference})


@router.post(
    "/{reference}/referrals",
    response={201: dict[str, Any]},
    openapi_extra={"x-action": Action.SOCIAL_CASE_MANAGE.value},
)
def referral_send(request: HttpRequest, reference: str, payload: ReferralIn) -> Status:
    user = acting_user(request)
    case = _case(request, reference)
    services.referral_send(
        case=case,
        agency_code=payload.agency,
        reason=payload.reason,
        sent_on=payload.sent_on,
        actor=user,
    )
    return Status(201, _case_out(user, case))


@router.post(
    "/{reference}/referrals/{referral_id}/answer",
    openapi_extra={"x-action": Action.SOCIAL_CASE_MANAGE.value},
)
def referral_answer(
    request: HttpRequest, reference: str, referral_id: UUID, payload: ReferralAnswerIn
) -> dict[str, Any]:
    user = acting_user(request)
    case = _case(request, reference)
    referral = Referral.objects.filter(case=case, public_id=referral_id).first()
    if referral is None:
        raise NotFound()
    services.referral_answer(
        referral=referral,
        status=payload.status,
        answered_on=payload.answered_on,
        answer=payload.answer,
        actor=user,
    )
    return _case_out(user, case)


@router.post(
    "/{reference}/follow-ups",
    response={201: dict[str, Any]},
    openapi_extra={"x-action": Action.SOCIAL_CASE_MANAGE.value},
)
def follow_up_record(
    request: HttpRequest, reference: str, payload: FollowUpIn
) -> Status:
    user = acting_user(request)
    case = _case(request, reference)
    services.follow_up_record(
        case=case,
        done_on=payload.done_on,
        note=payload.note,
        capability=payload.capability,
        actor=user,
    )
    return Status(201, _case_out(user, case))


@router.post(
    "/{reference}/close",
    openapi_extra={"x-action": Action.SOCIAL_CASE_MANAGE.value},
)
def case_close(
    request: HttpRequest, reference: str, payload: CloseIn
) -> dict[str, Any]:
    user = acting_user(request)
    case = _case(request, reference)
    services.case_close(
        case=case, outcome=payload.outcome, note=payload.note, actor=user
    )
    return _case_out(user, case)
