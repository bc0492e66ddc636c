"""Case management of a selected household (docs/social.md, "Case
management"): opening a case with a case worker of the household's
district, assessments with a capability level, the family development plan
(a step may start an e-service application through the referral channel),
referrals to the agencies on the list and their answers, follow-ups on the
case's schedule, and closure with an outcome. A closed case is read-only.

Every service checks `social.case_manage` over the household's district,
locks the case, and audits `social.case.<what>` in the same transaction,
without personal IDs."""

import calendar
from collections.abc import Mapping
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts import matrix
from saduak.accounts.matrix import Action
from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput, PermissionDeniedError
from saduak.core.references import new_reference
from saduak.core.referral_targets import referral_target
from saduak.social.choices import (
    FOLLOW_UP_MONTHS,
    Capability,
    CaseOutcome,
    CaseStatus,
    Domain,
    FollowUpFrequency,
    HouseholdStatus,
    PlanStepStatus,
    ReferralStatus,
)
from saduak.social.models import (
    Agency,
    Assessment,
    Case,
    FollowUp,
    PlanStep,
    Referral,
    TargetHousehold,
)
from saduak.social.privacy import household_rows, office_acting_for

REFERENCE_ATTEMPTS = 5
# What an agency may answer, from each status.
ANSWERS: dict[str, frozenset[str]] = {
    ReferralStatus.SENT: frozenset(
        {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.COMPLETED}
    ),
    ReferralStatus.ACCEPTED: frozenset(
        {ReferralStatus.COMPLETED, ReferralStatus.DECLINED}
    ),
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has none."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(after: date, frequency: str) -> date:
    """The next follow-up's day: one period of the case's frequency after."""
    return add_months(after, FOLLOW_UP_MONTHS[FollowUpFrequency(frequency)])


def _ensure_manage(actor: User | str, household: TargetHousehold) -> None:
    matrix.ensure_may(
        actor,
        Action.SOCIAL_CASE_MANAGE,
        district_code=household.district_code,
        province_code=household.province_code,
    )


def _audit(
    actor: User | str, action: str, case: Case, after: dict[str, object]
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=case,
        after={"case": case.reference, **after},
        office=case.office,
    )


def _locked_open(case: Case, actor: User | str) -> Case:
    """The case, locked, after the permission check; Conflict when closed."""
    _ensure_manage(actor, case.household)
    locked = (
        Case.objects.select_for_update()
        .select_related("household", "office")
        .get(pk=case.pk)
    )
    if locked.status != CaseStatus.OPEN:
        raise Conflict(
            _("Case %(reference)s is closed: nothing more can be recorded on it.")
            % {"reference": locked.reference},
            code="case-closed",
        )
    return locked


def case_worker_office(worker: User, district_code: str) -> Office | None:
    """The office of the district at which `worker` holds a case worker's
    role (social worker or district administrator), or None."""
    return office_acting_for(
        worker, Action.SOCIAL_CASE_MANAGE, district_code=district_code
    )


def _check_day(value: date | None, field: str) -> date:
    if value is None:
        raise InvalidInput(_("Give the date."), field=field)
    return value


def case_open(
    *,
    household: TargetHousehold,
    case_worker: User,
    follow_up_frequency: str,
    actor: User | str,
    today: date | None = None,
) -> Case:
    """Opens a case for a household selected for case management, held by
    `case_worker` (a social worker or the administrator of the household's
    district), with its first follow-up due one period after today.

    Preconditions: `social.case_manage` over the household's district; the
    household is selected; it has no open case (the database's constraint
    holds it too). Audited as `social.case.open`."""
    _ensure_manage(actor, household)
    if follow_up_frequency not in FollowUpFrequency.values:
        raise InvalidInput(
            _("Choose how often to follow up: monthly, quarterly or yearly."),
            field="follow_up_frequency",
        )
    office = case_worker_office(case_worker, household.district_code)
    if office is None:
        raise InvalidInput(
            _(
                "The case worker must be a social worker or the administrator "
                "of the household's district."
            ),
            field="case_worker",
        )
    today = today or timezone.localdate()
    for _attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                locked = TargetHousehold.objects.select_for_update().get(
                    pk=household.pk
                )
                if locked.status != HouseholdStatus.SELECTED:
                    raise Conflict(
                        _(
                            "Only a household selected for case management "
                            "can have a case."
                        ),
                        code="household-not-selected",
                    )
                if Case.objects.filter(
                    household=locked, status=CaseStatus.OPEN
                ).exists():
                    raise Conflict(
                        _("This household already has an open case."),
                        code="case-already-open",
                    )
                case = Case.objects.create(
                    reference=new_reference(),
                    household=locked,
                    case_worker=case_worker,
                    office=office,
                    district_code=locked.district_code,
                    province_code=locked.province_code,
                    follow_up_frequency=follow_up_frequency,
                    opened_at=timezone.now(),
                    opened_by=actor if isinstance(actor, User) else case_worker,
                )
                first = FollowUp.objects.create(
                    case=case, due_on=next_due(today, follow_up_frequency)
                )
                _audit(
                    actor,
                    "social.case.open",
                    case,
                    {
                        "household": str(locked.public_id),
                        "case_worker": case_worker.pk,
                        "follow_up_frequency": follow_up_frequency,
                        "first_follow_up": first.due_on.isoformat(),
                    },
                )
                return case
        except IntegrityError:
            if Case.objects.filter(
                household=household, status=CaseStatus.OPEN
            ).exists():
                raise Conflict(
                    _("This household already has an open case."),
                    code="case-already-open",
                ) from None
            continue  # the random reference was taken: draw another
    raise Conflict(_("Could not open the case; please try again."))


def _clean_needs(needs: Mapping[str, str]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for domain, text in needs.items():
        if domain not in Domain.values:
            raise InvalidInput(
                _("“%(domain)s” is not one of the seven domains.") % {"domain": domain},
                field="needs",
            )
        text = (text or "").strip()
        if text:
            cleaned[domain] = text[:2000]
    if not cleaned:
        raise InvalidInput(
            _("Say what the household needs in at least one domain."), field="needs"
        )
    return {domain: cleaned[domain] for domain in Domain.values if domain in cleaned}


def assessment_record(
    *,
    case: Case,
    assessed_on: date | None,
    capability: str,
    needs: Mapping[str, str],
    note: str = "",
    actor: User,
) -> Assessment:
    """Records an assessment: what the household needs in each domain
    assessed, and its capability level (A/B/C). The case's first assessment
    is its baseline (selectors/cases.py counts movement from it).

    Preconditions: an open case, `social.case_manage`. Audited as
    `social.case.assess`."""
    if capability not in Capability.values:
        raise InvalidInput(
            _("Choose the capability level: A, B or C."), field="capability"
        )
    cleaned = _clean_needs(needs)
    assessed_on = _check_day(assessed_on, "assessed_on")
    if assessed_on > timezone.localdate():
        raise InvalidInput(
            _("An assessment cannot be dated in the future."), field="assessed_on"
        )
    with transaction.atomic():
        locked = _locked_open(case, actor)
        baseline = not locked.assessments.exists()
        assessment = Assessment.objects.create(
            case=locked,
            assessed_on=assessed_on,
            capability=capability,
            needs=cleaned,
            note=note.strip(),
            assessed_by=actor,
        )
        _audit(
            actor,
            "social.case.assess",
            locked,
            {
                "assessed_on": assessed_on.isoformat(),
                "capability": capability,
                "domains": sorted(cleaned),
                "baseline": baseline,
            },
        )
        return assessment


def _active_agency(code: str, field: str = "agency") -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None or not agency.is_active:
        raise InvalidInput(
            _("Choose an agency on the list."), field=field, code="unknown-agency"
        )
    return agency


def _check_step(
    domain: str, goal: str, service: str, starts_on: date | None, due_on: date | None
) -> tuple[date, date]:
    if domain not in Domain.values:
        raise InvalidInput(_("Choose the domain."), field="domain")
    if not goal.strip():
        raise InvalidInput(_("Say what the goal is."), field="goal")
    if not service.strip():
        raise InvalidInput(_("Say which service helps reach it."), field="service")
    starts_on = _check_day(starts_on, "starts_on")
    due_on = _check_day(due_on, "due_on")
    _check_due(starts_on, due_on)
    return starts_on, due_on


def _check_due(starts_on: date, due_on: date) -> None:
    """Refuses a plan step due before it starts."""
    if due_on < starts_on:
        raise InvalidInput(
            _("The due date cannot be before the start date."), field="due_on"
        )


def plan_step_add(
    *,
    case: Case,
    domain: str,
    goal: str,
    service: str,
    agency_code: str,
    starts_on: date | None,
    due_on: date | None,
    actor: User,
) -> PlanStep:
    """Adds a step to the family development plan: a goal in a domain, the
    service, the agency responsible (on the list, active), the dates.

    Preconditions: an open case, `social.case_manage`. Audited as
    `social.case.plan_step`."""
    starts_on, due_on = _check_step(domain, goal, service, starts_on, due_on)
    agency = _active_agency(agency_code)
    with transaction.atomic():
        locked = _locked_open(case, actor)
        step = PlanStep.objects.create(
            case=locked,
            domain=domain,
            goal=goal.strip()[:500],
            service=service.strip()[:500],
            agency=agency,
            starts_on=starts_on,
            due_on=due_on,
            created_by=actor,
        )
        _audit(
            actor,
            "social.case.plan_step",
            locked,
            {
                "step": str(step.public_id),
                "change": "added",
                "domain": domain,
                "agency": agency.code,
                "starts_on": starts_on.isoformat(),
                "due_on": due_on.isoformat(),
            },
        )
        return step


def plan_step_update(
    *,
    step: PlanStep,
    status: str,
    due_on: date | None = None,
    actor: User,
) -> PlanStep:
    """Moves a plan step to `status` and, when given, a new due date (not
    before its start).

    Preconditions: an open case, `social.case_manage`. Audited as
    `social.case.plan_step`."""
    if status not in PlanStepStatus.values:
        raise InvalidInput(_("Choose the step's status."), field="status")
    with transaction.atomic():
        locked = _locked_open(step.case, actor)
        current = PlanStep.objects.select_for_update().get(pk=step.pk, case=locked)
        before = {"status": current.status, "due_on": current.due_on.isoformat()}
        if due_on is not None:
            _check_due(current.starts_on, due_on)
            current.due_on = due_on
        current.status = status
        current.save(update_fields=["status", "due_on"])
        audit_record(
            actor=actor,
            action="social.case.plan_step",
            target=locked,
            before=before,
            after={
                "case": locked.reference,
                "step": str(current.public_id),
                "change": "updated",
                "status": status,
                "due_on": current.due_on.isoformat(),
            },
            office=locked.office,
        )
        return current


def plan_step_application_start(
    *,
    step: PlanStep,
    personal_id: str,
    service_code: str,
    actor: User,
) -> PlanStep:
    """Starts an e-service application for a member of the household (who
    must have a digital ID) through the "referral" channel, naming the step's
    agency as the referrer, and keeps its reference on the step.

    Preconditions: an open case, `social.case_manage`; the person is one of
    the household's people and has a digital ID; the step has no application
    yet; the target app's own checks (`application.record_for_citizen` over
    the case's office, which takes the service). Audited as
    `social.case.plan_step` (and the target's own event)."""
    target = referral_target()
    if target is None:
        raise Conflict(_("E-service applications cannot be started from here."))
    if not service_code:
        raise InvalidInput(_("Choose the e-service."), field="service")
    with transaction.atomic():
        locked = _locked_open(step.case, actor)
        current = PlanStep.objects.select_for_update().get(pk=step.pk, case=locked)
        if current.application_reference:
            raise Conflict(
                _("This step has already started application %(reference)s.")
                % {"reference": current.application_reference},
                code="application-started",
            )
        members = {row.personal_id for row in household_rows(locked.household)}
        if personal_id not in members:
            raise InvalidInput(
                _("Choose one of the household's people."), field="person"
            )
        applicant = User.objects.filter(personal_id=personal_id, is_active=True).first()
        if applicant is None:
            raise InvalidInput(
                _(
                    "This person has no digital ID, so no application can be "
                    "started for them online. Help them enrol first, or apply "
                    "at the counter."
                ),
                field="person",
                code="no-digital-id",
            )
        if not matrix.may(
            actor, Action.APPLICATION_RECORD_FOR_CITIZEN, office=locked.office
        ):
            raise PermissionDeniedError(
                _(
                    "Starting an application on a citizen's behalf needs an "
                    "officer who records applications at %(office)s (the "
                    "district administrator)."
                )
                % {"office": locked.office.name},
                code="cannot-record-for-citizen",
            )
        reference = target.start(
            service_code=service_code,
            applicant=applicant,
            office=locked.office,
            actor=actor,
            referral_agency=current.agency.name_th,
        )
        current.application_reference = reference
        if current.status == PlanStepStatus.PLANNED:
            current.status = PlanStepStatus.IN_PROGRESS
        current.save(update_fields=["application_reference", "status"])
        _audit(
            actor,
            "social.case.plan_step",
            locked,
            {
                "step": str(current.public_id),
                "change": "application",
                "service": service_code,
                "application": reference,
            },
        )
        return current


def referral_send(
    *,
    case: Case,
    agency_code: str,
    reason: str,
    sent_on: date | None,
    actor: User,
) -> Referral:
    """Refers the case to an agency on the list (active), with the reason.

    Preconditions: an open case, `social.case_manage`. Audited as
    `social.case.refer`."""
    agency = _active_agency(agency_code)
    if not reason.strip():
        raise InvalidInput(_("Say why the household is referred."), field="reason")
    sent_on = _check_day(sent_on, "sent_on")
    with transaction.atomic():
        locked = _locked_open(case, actor)
        referral = Referral.objects.create(
            case=locked,
            agency=agency,
            reason=reason.strip(),
            sent_on=sent_on,
            sent_by=actor,
        )
        _audit(
            actor,
            "social.case.refer",
            locked,
            {
                "referral": str(referral.public_id),
                "agency": agency.code,
                "sent_on": sent_on.isoformat(),
            },
        )
        return referral


def referral_answer(
    *,
    referral: Referral,
    status: str,
    answered_on: date | None,
    answer: str,
    actor: User,
) -> Referral:
    """Records the agency's answer: accepted, declined or completed, on a day
    not before the referral was sent.

    Preconditions: an open case, `social.case_manage`; the referral still
    waits for that answer (sent, or accepted and now completed or declined).
    Audited as `social.case.referral_answer`."""
    if status not in (
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
        ReferralStatus.COMPLETED,
    ):
        raise InvalidInput(
            _("Choose the agency's answer: accepted, declined or completed."),
            field="status",
        )
    answered_on = _check_day(answered_on, "answered_on")
    with transaction.atomic():
        locked = _locked_open(referral.case, actor)
        current = Referral.objects.select_for_update().get(pk=referral.pk, case=locked)
        if status not in ANSWERS.get(current.status, frozenset()):
            raise Conflict(
                _("This referral is already %(status)s.")
                % {"status": current.get_status_display()},
                code="referral-answered",
            )
        if answered_on < current.sent_on:
            raise InvalidInput(
                _("The answer cannot be dated before the referral was sent."),
                field="answered_on",
            )
        before = {"status": current.status}
        current.status = status
        current.answered_on = answered_on
        current.answer = answer.strip()
        current.save(update_fields=["status", "answered_on", "answer"])
        audit_record(
            actor=actor,
            action="social.case.referral_answer",
            target=locked,
            before=before,
            after={
                "case": locked.reference,
                "referral": str(current.public_id),
                "agency": current.agency_id,
                "status": status,
                "answered_on": answered_on.isoformat(),
            },
            office=locked.office,
        )
        return current


def follow_up_record(
    *,
    case: Case,
    done_on: date | None,
    note: str,
    capability: str = "",
    actor: User,
) -> FollowUp:
    """Records the follow-up now due (the earliest not done) as done on
    `done_on` with what was found and, optionally, a capability level, and
    schedules the next one a period of the case's frequency after `done_on`.

    Preconditions: an open case (a closed one is refused with Conflict),
    `social.case_manage`; `done_on` not in the future. Audited as
    `social.case.follow_up`."""
    done_on = _check_day(done_on, "done_on")
    if capability and capability not in Capability.values:
        raise InvalidInput(
            _("Choose the capability level: A, B or C."), field="capability"
        )
    with transaction.atomic():
        locked = _locked_open(case, actor)
        if done_on > timezone.localdate():
            raise InvalidInput(
                _("A follow-up cannot be recorded in the future."), field="done_on"
            )
        if not note.strip():
            raise InvalidInput(_("Say what you found."), field="note")
        pending = (
            FollowUp.objects.select_for_update()
            .filter(case=locked, done_on__isnull=True)
            .order_by("due_on", "id")
            .first()
        )
        if pending is None:
            pending = FollowUp(case=locked, due_on=done_on)
        pending.done_on = done_on
        pending.note = note.strip()
        pending.capability = capability
        pending.done_by = actor
        pending.save()
        following = FollowUp.objects.create(
            case=locked, due_on=next_due(done_on, locked.follow_up_frequency)
        )
        _audit(
            actor,
            "social.case.follow_up",
            locked,
            {
                "due_on": pending.due_on.isoformat(),
                "done_on": done_on.isoformat(),
                "capability": capability,
                "next_due_on": following.due_on.isoformat(),
            },
        )
        return pending


def case_close(*, case: Case, outcome: str, note: str, actor: User) -> Case:
    """Closes the case with its outcome and a note; it is read-only from
    then on (its follow-up not yet done is no longer reminded).

    Preconditions: an open case, `social.case_manage`. Audited as
    `social.case.close`."""
    if outcome not in CaseOutcome.values:
        raise InvalidInput(_("Choose the case's outcome."), field="outcome")
    if not note.strip():
        raise InvalidInput(_("Say how the case ends."), field="note")
    with transaction.atomic():
        locked = _locked_open(case, actor)
        locked.status = CaseStatus.CLOSED
        locked.outcome = outcome
        locked.closure_note = note.strip()
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "outcome", "closure_note", "closed_at"])
        _audit(actor, "social.case.close", locked, {"outcome": outcome})
        return locked
