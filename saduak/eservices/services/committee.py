"""The "One Home" committee: a meeting of one office takes a batch of cases at a
committee stage, records a decision and amount for each, and decides them all
at once. The decisions reach the applications only through the state machine
(`application_act`), so a meeting can do nothing a single officer could not."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts import matrix
from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput, PermissionDeniedError
from saduak.eservices.choices import (
    Action,
    ApplicationStatus,
    CommitteeDecisionKind,
    EventKind,
    MeetingStatus,
    StageKind,
    VersionStatus,
)
from saduak.eservices.models import (
    Application,
    ApplicationEvent,
    CommitteeDecision,
    CommitteeMeeting,
    ServiceVersion,
)
from saduak.eservices.versions import published_workflows, workflow_of

MAX_CASES_PER_MEETING = 500
REQUESTED_AMOUNT_FIELD = "requested_amount"


@dataclass(frozen=True)
class DecisionInput:
    """One row of the meeting page: what the committee decided for a case."""

    application_id: int
    decision: str
    amount: Decimal | None = None
    reason: str = ""


def committee_roles() -> set[str]:
    """The roles that act at a committee stage of any workflow in use (the
    workflows come from the per-process memo, not read on every page): the
    roles `committee.manage` is named for."""
    versions = ServiceVersion.objects.filter(
        status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED]
    ).only("id", "status")
    return {
        role
        for workflow in published_workflows(versions).values()
        for stage in workflow.stages
        if stage.kind == StageKind.COMMITTEE
        for role in stage.roles
    }


def _check_may_run(actor: User, office: Office) -> None:
    """`committee.manage` with the roles the committee stages name, over the
    office (NotFound for an office the actor does not read)."""
    try:
        matrix.ensure_may(
            actor,
            matrix.Action.COMMITTEE_MANAGE,
            office=office,
            named=committee_roles(),
            refusal=_(
                "Only the committee's secretary of this office manages its meetings."
            ),
        )
    except PermissionDeniedError as refused:
        refused.code = "not-committee"
        raise


def _locked_meeting(meeting: CommitteeMeeting) -> CommitteeMeeting:
    return (
        CommitteeMeeting.objects.select_for_update(of=("self",))
        .select_related("office")
        .get(pk=meeting.pk)
    )


def _check_open(meeting: CommitteeMeeting) -> None:
    if meeting.status != MeetingStatus.OPEN:
        raise Conflict(
            _("This meeting has been decided; its cases can no longer change."),
            code="meeting-closed",
        )


def committee_meeting_create(
    *, office: Office, title: str, meets_on: date, members: str, actor: User
) -> CommitteeMeeting:
    """Opens a meeting of `office`'s committee. Needs `committee.manage` with a
    role a committee stage names, over the office. Audited as
    `eservices.committee.create`."""
    _check_may_run(actor, office)
    title = " ".join(title.split())
    if not title:
        raise InvalidInput(_("Give the meeting a title."), field="title")
    members = "\n".join(line.strip() for line in members.splitlines() if line.strip())
    with transaction.atomic():
        meeting = CommitteeMeeting.objects.create(
            office=office,
            title=title[:200],
            meets_on=meets_on,
            members=members[:5000],
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="eservices.committee.create",
            target=meeting,
            after={"title": meeting.title, "meets_on": meets_on},
            office=office,
        )
    return meeting


def _refusal(application: Application, meeting: CommitteeMeeting) -> str | None:
    """Why `application` (locked) cannot join `meeting`, or None."""
    if application.office_id != meeting.office_id:
        return _("it belongs to another office")
    if application.status != ApplicationStatus.IN_PROGRESS:
        return _("it is not with the officers")
    stage = workflow_of(application.version).by_code.get(application.stage)
    if stage is None or stage.kind != StageKind.COMMITTEE:
        return _("it is not at the committee stage")
    return None


def committee_cases_add(
    *,
    meeting: CommitteeMeeting,
    applications: Iterable[Application],
    actor: User,
) -> list[CommitteeDecision]:
    """Puts applications on an open meeting's agenda, all or none: each must be
    in progress at a committee stage of the meeting's office and on no other
    meeting (refused naming the references and why). Locks the meeting, then
    the applications in id order. Writes an internal timeline event per case;
    audited once as `eservices.committee.add`."""
    wanted = sorted({application.pk for application in applications})
    if not wanted:
        raise InvalidInput(_("Choose at least one application."), field="applications")
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _check_may_run(actor, meeting.office)
        _check_open(meeting)
        locked = list(
            Application.objects.select_for_update(of=("self",))
            .select_related("version")
            .filter(pk__in=wanted)
            .order_by("pk")
        )
        taken = dict(
            CommitteeDecision.objects.filter(application_id__in=wanted).values_list(
                "application_id", "meeting__title"
            )
        )
        problems = []
        for application in locked:
            reason = _refusal(application, meeting)
            if reason is None and application.pk in taken:
                reason = _("it is already on the meeting “%(title)s”") % {
                    "title": taken[application.pk]
                }
            if reason:
                problems.append(f"{application.reference}: {reason}")
        if len(locked) != len(wanted):
            problems.append(_("some chosen applications do not exist"))
        if problems:
            raise InvalidInput(
                _("These cannot be added: %(problems)s.")
                % {"problems": "; ".join(problems)},
                code="cases-not-addable",
                field="applications",
            )
        present = meeting.decisions.count()
        if present + len(locked) > MAX_CASES_PER_MEETING:
            raise InvalidInput(
                _("A meeting takes at most %(limit)s cases.")
                % {"limit": MAX_CASES_PER_MEETING},
                code="meeting-full",
                field="applications",
            )
        decisions = CommitteeDecision.objects.bulk_create(
            [
                CommitteeDecision(meeting=meeting, application=application)
                for application in locked
            ]
        )
        now = timezone.now()
        ApplicationEvent.objects.bulk_create(
            [
                ApplicationEvent(
                    application=application,
                    occurred_at=now,
                    kind=EventKind.COMMITTEE,
                    actor=actor,
                    for_applicant=False,
                    message=_("Put on the agenda of “%(title)s” (%(day)s).")
                    % {"title": meeting.title, "day": meeting.meets_on.isoformat()},
                    data={"meeting": meeting.pk, "step": "added"},
                )
                for application in locked
            ]
        )
        audit_record(
            actor=actor,
            action="eservices.committee.add",
            target=meeting,
            after={"references": [application.reference for application in locked]},
            office=meeting.office,
        )
    return decisions


def committee_case_remove(
    *, meeting: CommitteeMeeting, application: Application, actor: User
) -> None:
    """Takes a case off an open meeting's agenda (it stays at the committee
    stage for another meeting). Audited as `eservices.committee.remove`."""
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _check_may_run(actor, meeting.office)
        _check_open(meeting)
        removed, _by_model = CommitteeDecision.objects.filter(
            meeting=meeting, application=application
        ).delete()
        if not removed:
            raise InvalidInput(
                _("This application is not on the meeting's agenda."),
                code="case-not-on-meeting",
            )
        ApplicationEvent.objects.create(
            application=application,
            occurred_at=timezone.now(),
            kind=EventKind.COMMITTEE,
            actor=actor,
            for_applicant=False,
            message=_("Taken off the agenda of “%(title)s”.")
            % {"title": meeting.title},
            data={"meeting": meeting.pk, "step": "removed"},
        )
        audit_record(
            actor=actor,
            action="eservices.committee.remove",
            target=meeting,
            after={"reference": application.reference},
            office=meeting.office,
        )


def requested_ceiling(version: ServiceVersion) -> Decimal | None:
    """The most the form lets an applicant ask for (the `max` of its
    requested-amount field), or None when the form has no such limit."""
    from saduak.forms_engine.definition import definition_of

    field = definition_of(version).by_key.get(REQUESTED_AMOUNT_FIELD)
    return field.max if field is not None else None


def _clean_decision(
    decision: CommitteeDecision, given: DecisionInput
) -> tuple[str, Decimal | None, str]:
    """The decision as it will be stored, or InvalidInput saying what is
    missing."""
    reason = given.reason.strip()[:3000]
    if not given.decision:
        return "", None, reason
    if given.decision not in CommitteeDecisionKind.values:
        raise InvalidInput(_("Choose approve or reject."), field="decision")
    if given.decision == CommitteeDecisionKind.REJECT:
        if not reason:
            raise InvalidInput(
                _("Give the reason for the rejection; the applicant will read it."),
                field="reason",
                code="reason-required",
            )
        return given.decision, None, reason
    version = decision.application.version
    if not workflow_of(version).pays:
        return given.decision, None, reason
    amount = given.amount
    if amount is None or amount <= 0:
        raise InvalidInput(
            _("Enter the approved amount in baht (more than 0)."),
            field="amount",
            code="amount-required",
        )
    ceiling = requested_ceiling(version)
    if ceiling is not None and amount > ceiling:
        raise InvalidInput(
            _("The amount can be at most %(ceiling)s baht for this service.")
            % {"ceiling": f"{ceiling:,.2f}"},
            field="amount",
            code="amount-over-ceiling",
        )
    return given.decision, amount.quantize(Decimal("0.01")), reason


def committee_decisions_set(
    *, meeting: CommitteeMeeting, decisions: Sequence[DecisionInput], actor: User
) -> None:
    """Records the committee's decision for several cases of an open meeting,
    all or none. An empty decision leaves (or makes) the case undecided. A
    refusal names the case: InvalidInput "decisions-invalid" with
    `extra["errors"]` {application id: {field: message}}. Audited once as
    `eservices.committee.decision`."""
    errors: dict[int, dict[str, str]] = {}
    changed: list[dict[str, Any]] = []
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _check_may_run(actor, meeting.office)
        _check_open(meeting)
        rows = {
            row.application_id: row
            for row in CommitteeDecision.objects.select_for_update(of=("self",))
            .select_related("application__version")
            .filter(
                meeting=meeting,
                application_id__in=[given.application_id for given in decisions],
            )
        }
        to_save = []
        for given in decisions:
            row = rows.get(given.application_id)
            if row is None:
                errors[given.application_id] = {
                    "decision": _("This application is not on the meeting's agenda.")
                }
                continue
            try:
                kind, amount, reason = _clean_decision(row, given)
            except InvalidInput as error:
                errors[given.application_id] = {
                    error.field or "decision": str(error.message)
                }
                continue
            if (row.decision, row.amount, row.reason) != (kind, amount, reason):
                row.decision, row.amount, row.reason = kind, amount, reason
                to_save.append(row)
                changed.append(
                    {
                        "reference": row.application.reference,
                        "decision": kind,
                        "amount": amount,
                    }
                )
        if errors:
            raise InvalidInput(
                _("Some decisions need correcting."),
                code="decisions-invalid",
                extra={"errors": errors},
            )
        if to_save:
            CommitteeDecision.objects.bulk_update(
                to_save, ["decision", "amount", "reason"]
            )
            audit_record(
                actor=actor,
                action="eservices.committee.decision",
                target=meeting,
                after={"decisions": changed},
                office=meeting.office,
            )


def committee_decision_set(
    *,
    meeting: CommitteeMeeting,
    application: Application,
    decision: str,
    amount: Decimal | None,
    reason: str,
    actor: User,
) -> CommitteeDecision:
    """Records the decision for one case of an open meeting: approve needs an
    amount over 0 (and within the form's ceiling) when the service pays;
    reject needs the reason. Audited as `eservices.committee.decision`."""
    try:
        committee_decisions_set(
            meeting=meeting,
            decisions=[DecisionInput(application.pk, decision, amount, reason)],
            actor=actor,
        )
    except InvalidInput as error:
        problems = error.extra.get("errors", {}).get(application.pk)
        if not problems:
            raise
        field, message = next(iter(problems.items()))
        raise InvalidInput(message, field=field, code="decision-invalid") from None
    return CommitteeDecision.objects.get(meeting=meeting, application=application)


def committee_meeting_decide(
    *, meeting: CommitteeMeeting, actor: User
) -> CommitteeMeeting:
    """Applies every decision of an open meeting through the state machine
    (approve with its amount, reject with its reason) and closes the meeting,
    in one transaction: if any case is refused (moved on meanwhile, or the
    actor may not decide it) nothing is applied and the refusal names it.
    Every case must have a decision. Audited as `eservices.committee.decide`
    besides each application's own event; applicants are told after commit."""
    from saduak.eservices.services.applications import application_act

    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _check_may_run(actor, meeting.office)
        _check_open(meeting)
        rows = list(
            meeting.decisions.select_related("application").order_by("application_id")
        )
        if not rows:
            raise InvalidInput(
                _("The meeting has no cases to decide."), code="meeting-empty"
            )
        undecided = [row.application.reference for row in rows if not row.decision]
        if undecided:
            raise InvalidInput(
                _("Record a decision for every case first: %(references)s.")
                % {"references": ", ".join(undecided)},
                code="decisions-missing",
            )
        approved = rejected = 0
        total = Decimal("0")
        for row in rows:
            try:
                if row.decision == CommitteeDecisionKind.APPROVE:
                    application_act(
                        application=row.application,
                        action=Action.APPROVE,
                        actor=actor,
                        amount=row.amount,
                        message=row.reason,
                    )
                    approved += 1
                    total += row.amount or Decimal("0")
                else:
                    application_act(
                        application=row.application,
                        action=Action.REJECT,
                        actor=actor,
                        message=row.reason,
                    )
                    rejected += 1
            except (InvalidInput, Conflict, PermissionDeniedError) as error:
                raise type(error)(
                    f"{row.application.reference}: {error.message}",
                    code=error.code,
                    field=error.field,
                    extra={**error.extra, "reference": row.application.reference},
                ) from None
        meeting.status = MeetingStatus.CLOSED
        meeting.decided_at = timezone.now()
        meeting.save(update_fields=["status", "decided_at", "updated_at"])
        audit_record(
            actor=actor,
            action="eservices.committee.decide",
            target=meeting,
            after={"approved": approved, "rejected": rejected, "amount": total},
            office=meeting.office,
        )
    return meeting
