"""Writing applications: starting a draft, saving answers, submitting, and the
state machine that moves an application through its version's workflow.

Every transition goes through `_move`, which holds the row lock, checks the
transition table, closes and opens stage visits, writes the timeline event and
the audit event, and notifies the applicant after commit."""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saduak.accounts import matrix
from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.areas.working_days import add_working_days, working_days_between
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput, PermissionDeniedError
from saduak.core.references import new_reference
from saduak.eservices.choices import (
    Action,
    ApplicationStatus,
    Channel,
    EventKind,
    Outcome,
    PaymentStatus,
    StageKind,
)
from saduak.eservices.links import tracking_url
from saduak.eservices.models import (
    Application,
    ApplicationEvent,
    FactCheck,
    Service,
    StageVisit,
)
from saduak.eservices.notices import APPLICATION_SUBMITTED, APPLICATION_UPDATED
from saduak.eservices.permissions import FILLABLE, ensure_may_fill
from saduak.eservices.prefill import prefill_answers
from saduak.eservices.report_rollups import report_rollups_move, report_state
from saduak.eservices.selectors.applications import (
    offices_for_service,
    published_version,
)
from saduak.eservices.versions import workflow_of
from saduak.eservices.workflow import Stage
from saduak.forms_engine.answers import answers_check_complete, drop_hidden
from saduak.forms_engine.definition import definition_of
from saduak.notifications.services import notification_notify_user

REFERENCE_ATTEMPTS = 5
OFFICER_CHANNELS = (Channel.COUNTER, Channel.REFERRAL, Channel.FIELD)


def _locked(application: Application) -> Application:
    """The application's row, locked for the caller's transaction, with what the
    checks read already loaded."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("version", "service", "office", "applicant")
        .get(pk=application.pk)
    )


def _event(
    application: Application,
    kind: str,
    actor: User | None,
    *,
    now: Any = None,
    for_applicant: bool = True,
    **fields: Any,
) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        occurred_at=now or timezone.now(),
        kind=kind,
        actor=actor,
        for_applicant=for_applicant,
        **fields,
    )


def _in_language_of(user: User, thai: str, english: str) -> str:
    return english if user.preferred_language == "en" and english else thai


def _notify(application: Application, template_key: str, **context: str) -> None:
    """The applicant hears of it on every channel they can be reached on, in their
    language. Called inside the transaction of the change: the notification rows
    are written with it (the outbox) and sent after commit."""
    applicant = application.applicant
    with translation.override(applicant.preferred_language or "th"):
        values = {
            "reference": application.reference,
            "service": _in_language_of(
                applicant, application.service.name_th, application.service.name_en
            ),
            "office": _in_language_of(
                applicant, application.office.name_th, application.office.name_en
            ),
            "url": tracking_url(application),
        }
        values.update({key: str(value) for key, value in context.items()})
    notification_notify_user(user=applicant, template_key=template_key, context=values)


def application_notify(
    application: Application, *, status: str, message: str = ""
) -> None:
    """Tells the applicant of something that is not a stage move (a refused
    transfer): `status` and `message` already in their language. Call it inside
    the transaction of that change; the message goes out after commit."""
    _notify(application, APPLICATION_UPDATED.key, status=status, message=message)


# --- Drafts --------------------------------------------------------------------------


def application_start(
    *,
    service: Service,
    applicant: User,
    office: Office,
    actor: User,
    channel: str = Channel.ONLINE,
    referral_agency: str = "",
) -> Application:
    """Starts a draft under the service's published version, prefilled with what
    the digital ID knows (Zero Copy).

    A citizen starts their own (channel online); staff with
    `application.record_for_citizen` over the office start one on a citizen's
    behalf (counter, referral or field). The office must take this service's
    applications. Audited as `eservices.application.start`.
    """
    on_behalf = actor.pk != applicant.pk
    if on_behalf:
        matrix.ensure_may(
            actor, matrix.Action.APPLICATION_RECORD_FOR_CITIZEN, office=office
        )
    version = published_version(service)
    if not offices_for_service(service).filter(pk=office.pk).exists():
        raise InvalidInput(
            _("This office does not take applications for this service."),
            code="office-not-serving",
            field="office",
        )
    if on_behalf:
        if channel not in OFFICER_CHANNELS:
            raise InvalidInput(
                _("Say how the application came in: counter, referral or field visit."),
                field="channel",
            )
        if channel == Channel.REFERRAL and not referral_agency.strip():
            raise InvalidInput(
                _("Name the agency that referred the applicant."),
                field="referral_agency",
            )
    elif channel != Channel.ONLINE:
        raise InvalidInput(_("Only officers record applications for others."))
    answers = prefill_answers(definition_of(version), applicant)
    for _attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    reference=new_reference(),
                    version=version,
                    service=service,
                    applicant=applicant,
                    office=office,
                    district_code=office.district_id or "",
                    province_code=office.province_id or "",
                    channel=channel,
                    recorded_by=actor if on_behalf else None,
                    referral_agency=referral_agency.strip()[:200],
                    answers=answers,
                )
                _event(application, EventKind.CREATED, actor)
                audit_record(
                    actor=actor,
                    action="eservices.application.start",
                    target=application,
                    after={
                        "service": service.code,
                        "version": version.number,
                        "channel": channel,
                        "applicant": applicant.pk,
                    },
                    office=office,
                )
                return application
        except IntegrityError:
            continue  # the random reference was taken: draw another
    raise Conflict(_("Could not start the application; please try again."))


def _check_fillable(application: Application, actor: User) -> None:
    """Who may change it first (a refusal reveals nothing of its state), then
    whether it may change now."""
    ensure_may_fill(actor, application)
    if application.status not in FILLABLE:
        raise Conflict(
            _("This application is with the officers and cannot be changed now."),
            code="not-fillable",
        )


def application_save(
    *, application: Application, values: Mapping[str, Any], actor: User
) -> Application:
    """Merges cleaned answers into a draft or returned application.

    `values` come from the form engine's `answers_clean`; answers the form's
    conditions hide afterwards are dropped. Only the applicant may save, or,
    for an application recorded on the citizen's behalf, staff with
    `application.record_for_citizen` over its office (`permissions.may_fill`).
    Staff saves are audited as `eservices.application.save`; a citizen's own
    typing is not.
    """
    with transaction.atomic():
        application = _locked(application)
        _check_fillable(application, actor)
        # Answers that the form's conditions now hide are dropped, whichever
        # page or API call changed the condition.
        application.answers = drop_hidden(
            definition_of(application.version),
            {**application.answers, **dict(values)},
        )
        application.save(update_fields=["answers", "updated_at"])
        if actor.pk != application.applicant_id:
            audit_record(
                actor=actor,
                action="eservices.application.save",
                target=application,
                after={"fields": sorted(values)},
                office=application.office,
            )
    return application


def attachments_by_field(application: Application) -> dict[str, int]:
    return dict(
        Counter(
            application.attachments.filter(removed_at__isnull=True).values_list(
                "field_key", flat=True
            )
        )
    )


def _check_complete(application: Application) -> None:
    errors = answers_check_complete(
        definition_of(application.version),
        application.answers,
        attachments_by_field=attachments_by_field(application),
    )
    if errors:
        raise InvalidInput(
            _("Some answers are missing or need correcting."),
            code="answers-incomplete",
            extra={"errors": errors},
        )


def _due_on(application: Application, stage: Stage, today: date) -> date | None:
    if stage.is_end:
        return None
    return add_working_days(today, stage.target_days, office=application.office)


def _enter(application: Application, stage: Stage, now: Any) -> None:
    """Puts the application in `stage` and opens its visit (none for the end)."""
    application.stage = stage.code
    application.stage_entered_at = now
    application.stage_due_on = _due_on(application, stage, timezone.localdate(now))
    application.claimed_by = None
    if not stage.is_end:
        StageVisit.objects.create(
            application=application,
            service_id=application.service_id,
            office_id=application.office_id,
            stage=stage.code,
            entered_at=now,
            due_on=application.stage_due_on,
        )


def _decided_within_target(application: Application) -> bool:
    """At the decision (the deciding stage's visit already closed by
    `_leave`): whether every stage the application went through was left by
    its due date, the e-service's "within target". The applicant's time to
    answer a return is not counted: the stage's visit ends at the return and
    a new one, with a new due date, starts at the answer."""
    return not StageVisit.objects.filter(
        application=application, left_at__isnull=False, within_target=False
    ).exists()


def _leave(application: Application, now: Any) -> None:
    """Closes the open visit: working days taken and whether within target."""
    visit = (
        StageVisit.objects.filter(application=application, left_at__isnull=True)
        .order_by("-entered_at")
        .first()
    )
    if visit is None:
        return
    left_on = timezone.localdate(now)
    visit.left_at = now
    visit.working_days = working_days_between(
        timezone.localdate(visit.entered_at), left_on, office=application.office
    )
    visit.within_target = visit.due_on is None or left_on <= visit.due_on
    visit.save(update_fields=["left_at", "working_days", "within_target"])


APPLICATION_STATE_FIELDS = [
    "status",
    "outcome",
    "stage",
    "stage_entered_at",
    "stage_due_on",
    "claimed_by",
    "request_to_applicant",
    "approved_amount",
    "decision_reason",
    "submitted_at",
    "decided_at",
    "decided_within_target",
    "closed_at",
    "updated_at",
]


def application_submit(*, application: Application, actor: User) -> Application:
    """Submits a complete draft: it enters the workflow's first stage.

    Refuses incomplete answers (InvalidInput "answers-incomplete" with
    `extra["errors"]` per field) and anything but a draft. The applicant
    submits, or staff who may fill it in (`permissions.may_fill`). Audited as
    `eservices.application.submit`; the applicant is told on every channel.
    """
    with transaction.atomic():
        application = _locked(application)
        ensure_may_fill(actor, application)
        if application.status != ApplicationStatus.DRAFT:
            raise Conflict(
                _("This application has already been submitted."),
                code="already-submitted",
            )
        _check_complete(application)
        before = report_state(application)
        now = timezone.now()
        workflow = workflow_of(application.version)
        application.status = ApplicationStatus.IN_PROGRESS
        application.submitted_at = now
        _enter(application, workflow.first, now)
        application.save(update_fields=APPLICATION_STATE_FIELDS)
        report_rollups_move(before, application)
        _event(
            application,
            EventKind.SUBMITTED,
            actor,
            now=now,
            to_stage=workflow.first.code,
        )
        audit_record(
            actor=actor,
            action="eservices.application.submit",
            target=application,
            after={"stage": application.stage, "channel": application.channel},
            office=application.office,
        )
        _notify(application, APPLICATION_SUBMITTED.key)
    return application


def application_resubmit(
    *, application: Application, actor: User, message: str = ""
) -> Application:
    """The applicant's answer to a return for more information: the application
    goes back to the officers, in the stage that returned it, with a new due
    date. Answers must still be complete. The applicant, or staff who may fill
    it in (`permissions.may_fill`). Audited as
    `eservices.application.resubmit`."""
    with transaction.atomic():
        application = _locked(application)
        ensure_may_fill(actor, application)
        if application.status != ApplicationStatus.RETURNED:
            raise Conflict(
                _("Nothing has been asked of you for this application."),
                code="not-returned",
            )
        _check_complete(application)
        before = report_state(application)
        now = timezone.now()
        stage = workflow_of(application.version).stage(application.stage)
        _leave(application, now)
        application.status = ApplicationStatus.IN_PROGRESS
        application.request_to_applicant = ""
        _enter(application, stage, now)
        application.save(update_fields=APPLICATION_STATE_FIELDS)
        report_rollups_move(before, application)
        _event(
            application,
            EventKind.RESUBMITTED,
            actor,
            now=now,
            to_stage=stage.code,
            message=message.strip()[:3000],
        )
        audit_record(
            actor=actor,
            action="eservices.application.resubmit",
            target=application,
            after={"stage": stage.code},
            office=application.office,
        )
    return application


# --- The state machine ---------------------------------------------------------------


@dataclass(frozen=True)
class ActionInput:
    action: str
    message: str = ""
    amount: Decimal | None = None


def _check_actor(
    application: Application,
    stage: Stage,
    actor: User,
    action: matrix.Action = matrix.Action.APPLICATION_ACT,
) -> None:
    """The matrix's `action` with the roles the stage names, over the
    application's office (NotFound outside what the actor reads)."""
    try:
        matrix.ensure_may(
            actor,
            action,
            office=application.office,
            named=stage.roles,
            refusal=(
                _("Only %(roles)s of this office act at the stage “%(stage)s”.")
                if stage.roles
                else _("Nobody acts at the stage “%(stage)s”.")
            )
            % {
                "roles": ", ".join(_role_label(role) for role in stage.roles),
                "stage": stage.label,
            },
        )
    except PermissionDeniedError as refused:
        refused.code = "not-your-stage"
        raise


def _role_label(role: str) -> str:
    from saduak.accounts.choices import Role

    return str(Role(role).label) if role in Role.values else role


def _check_inputs(application: Application, stage: Stage, given: ActionInput) -> None:
    workflow = workflow_of(application.version)
    if given.action in (Action.RETURN, Action.REJECT) and not given.message.strip():
        raise InvalidInput(
            _("Say what you need from the applicant.")
            if given.action == Action.RETURN
            else _("Give the reason for the rejection; the applicant will read it."),
            field="message",
            code="message-required",
        )
    if (
        given.action == Action.RETURN
        and stage.kind == StageKind.PAYMENT
        and application.payments.filter(status=PaymentStatus.PENDING).exists()
    ):
        raise Conflict(
            _("A transfer for this application is with the bank: wait for its result."),
            code="payment-pending",
        )
    needs_amount = given.action == Action.APPROVE and workflow.pays
    if needs_amount and (given.amount is None or given.amount <= 0):
        raise InvalidInput(
            _("Enter the approved amount in baht."),
            field="amount",
            code="amount-required",
        )
    if given.action == Action.FORWARD and stage.kind == StageKind.FACT_CHECK:
        checked = FactCheck.objects.filter(application=application).first()
        if checked is None:
            raise InvalidInput(
                _("Record the identity check and the home visit before forwarding."),
                code="fact-check-missing",
            )
        if not checked.identity_confirmed:
            raise InvalidInput(
                _(
                    "The identity was not confirmed: return the application to "
                    "the applicant or reject it."
                ),
                code="identity-not-confirmed",
            )


def _status_text(application: Application) -> str:
    if application.status == ApplicationStatus.RETURNED:
        return _("we need more information from you")
    if application.outcome == Outcome.REJECTED:
        return _("not approved")
    if application.outcome == Outcome.PAID:
        return _("paid")
    if application.outcome == Outcome.APPROVED:
        return _("approved")
    stage = workflow_of(application.version).stage(application.stage)
    return _("now at the stage “%(stage)s”") % {"stage": stage.label}


def _move(application: Application, given: ActionInput, actor: User) -> Application:
    """Carries out one transition on a locked application (caller holds the
    transaction)."""
    if not application.is_open:
        raise Conflict(
            _("This application is closed; nothing more can be done with it."),
            code="application-closed",
        )
    if application.status == ApplicationStatus.RETURNED:
        raise Conflict(
            _("The application is waiting for the applicant's answer."),
            code="waiting-for-applicant",
        )
    workflow = workflow_of(application.version)
    stage = workflow.stage(application.stage)
    transition = workflow.transition(stage.code, given.action)
    _check_actor(application, stage, actor)
    _check_inputs(application, stage, given)
    before = report_state(application)
    now = timezone.now()
    target = workflow.stage(transition.target)
    message = given.message.strip()[:3000]
    _leave(application, now)
    if given.action == Action.RETURN:
        application.status = ApplicationStatus.RETURNED
        application.request_to_applicant = message
        application.stage_due_on = None
        application.claimed_by = None
    else:
        _enter(application, target, now)
    if given.action == Action.APPROVE:
        application.outcome = Outcome.APPROVED
        application.approved_amount = given.amount if workflow.pays else None
        application.decided_at = now
        application.decided_within_target = _decided_within_target(application)
        application.decision_reason = message
    elif given.action == Action.REJECT:
        application.outcome = Outcome.REJECTED
        application.decided_at = now
        application.decided_within_target = _decided_within_target(application)
        application.decision_reason = message
    elif given.action == Action.PAY:
        application.outcome = Outcome.PAID
    if target.is_end and given.action != Action.RETURN:
        application.status = ApplicationStatus.CLOSED
        application.closed_at = now
        if not application.outcome:
            application.outcome = Outcome.COMPLETED
    application.save(update_fields=APPLICATION_STATE_FIELDS)
    report_rollups_move(before, application)
    data = {"amount": str(given.amount)} if given.amount is not None else {}
    _event(
        application,
        EventKind.ACTION,
        actor,
        now=now,
        action=given.action,
        from_stage=stage.code,
        to_stage=target.code,
        message=message,
        data=data,
    )
    audit_record(
        actor=actor,
        action=f"eservices.application.{given.action}",
        target=application,
        before={"stage": stage.code},
        after={"stage": application.stage, "status": application.status, **data},
        office=application.office,
    )
    if given.action != Action.PAY:  # the payment's own SMS says it
        _notify(
            application,
            APPLICATION_UPDATED.key,
            status=_status_text(application),
            message=message if given.action in (Action.RETURN, Action.REJECT) else "",
        )
    return application


def application_act(
    *,
    application: Application,
    action: str,
    actor: User,
    message: str = "",
    amount: Decimal | None = None,
) -> Application:
    """Takes one workflow action (forward, approve, return, reject).

    Locks the application. Refuses, saying why: an action the version's
    transition table does not allow from the current stage (InvalidInput
    "transition-not-allowed"), an actor without a role of the stage over the
    office, a return or rejection without a message, an approval without an
    amount when the service pays, forwarding a fact check not recorded, and
    payment (only the bank's result records it, `application_mark_paid`).
    Audited as `eservices.application.<action>`; the applicant is told.
    """
    if action == Action.PAY:
        raise InvalidInput(
            _("Payments are recorded from the bank's result file, not by hand."),
            code="pay-through-batch",
        )
    if action not in Action.values:
        raise InvalidInput(_("Unknown action."), code="unknown-action")
    with transaction.atomic():
        return _move(_locked(application), ActionInput(action, message, amount), actor)


def application_mark_paid(*, application: Application, actor: User) -> Application:
    """Closes an application whose payment the bank confirmed (payment services
    only: the caller has checked the payment). Audited as
    `eservices.application.pay`."""
    with transaction.atomic():
        return _move(_locked(application), ActionInput(Action.PAY), actor)


# --- Officers' bookkeeping -----------------------------------------------------------


def _check_worker(application: Application, actor: User) -> Stage:
    """Claiming and releasing: `application.claim` with the current stage's
    roles, over the office, while the application is open."""
    stage = workflow_of(application.version).by_code.get(application.stage)
    if stage is None or not application.is_open:
        matrix.ensure_may(
            actor, matrix.Action.APPLICATION_CLAIM, office=application.office
        )
        raise Conflict(_("This application is closed."), code="application-closed")
    _check_actor(application, stage, actor, matrix.Action.APPLICATION_CLAIM)
    return stage


def application_claim(*, application: Application, actor: User) -> Application:
    """The officer takes the application to work on it; one officer at a time
    (another's claim is refused, naming them). Needs `application.claim` with
    a role the current stage names, over the office. Audited as
    `eservices.application.claim`."""
    with transaction.atomic():
        application = _locked(application)
        _check_worker(application, actor)
        if application.claimed_by_id not in (None, actor.pk):
            holder = User.objects.get(pk=application.claimed_by_id)
            raise Conflict(
                _("%(name)s is already working on this application.")
                % {"name": holder.full_name},
                code="claimed",
            )
        application.claimed_by = actor
        application.save(update_fields=["claimed_by", "updated_at"])
        _event(application, EventKind.CLAIMED, actor, for_applicant=False)
        audit_record(
            actor=actor,
            action="eservices.application.claim",
            target=application,
            office=application.office,
        )
    return application


def application_release(*, application: Application, actor: User) -> Application:
    """Gives the application back to the stage's queue (the same permission
    as claiming). Audited as `eservices.application.release`."""
    with transaction.atomic():
        application = _locked(application)
        _check_worker(application, actor)
        if application.claimed_by_id is None:
            return application
        application.claimed_by = None
        application.save(update_fields=["claimed_by", "updated_at"])
        _event(application, EventKind.RELEASED, actor, for_applicant=False)
        audit_record(
            actor=actor,
            action="eservices.application.release",
            target=application,
            office=application.office,
        )
    return application


def application_note_add(
    *, application: Application, actor: User, text: str
) -> ApplicationEvent:
    """An internal note, never shown to the applicant. Needs
    `application.note_add` over the application's office (never the auditor,
    who reads only). Audited as `eservices.application.note`."""
    matrix.ensure_may(
        actor, matrix.Action.APPLICATION_NOTE_ADD, office=application.office
    )
    text = text.strip()
    if not text:
        raise InvalidInput(_("Write the note first."), field="text")
    if len(text) > 3000:
        raise InvalidInput(_("A note can be at most 3,000 characters."), field="text")
    with transaction.atomic():
        application = _locked(application)
        event = _event(
            application, EventKind.NOTE, actor, for_applicant=False, message=text
        )
        audit_record(
            actor=actor,
            action="eservices.application.note",
            target=application,
            office=application.office,
        )
    return event


def fact_check_record(
    *,
    application: Application,
    actor: User,
    identity_method: str,
    identity_confirmed: bool,
    visited_on: date,
    household_size: int,
    monthly_income: Decimal,
    findings: str,
    recommendation: str = "",
) -> FactCheck:
    """Records (or corrects) the fact check of an open application at a
    fact-check stage: how the identity was checked and what the home visit
    found. Needs `fact_check.record` over the application's office. Audited
    as `eservices.fact_check.record`."""
    from saduak.eservices.choices import IdentityCheckMethod

    matrix.ensure_may(actor, matrix.Action.FACT_CHECK_RECORD, office=application.office)
    if identity_method not in IdentityCheckMethod.values:
        raise InvalidInput(
            _("Choose how the identity was checked."), field="identity_method"
        )
    if not findings.strip():
        raise InvalidInput(_("Write what the home visit found."), field="findings")
    if visited_on > timezone.localdate():
        raise InvalidInput(
            _("The home visit cannot be in the future."), field="visited_on"
        )
    if household_size < 1 or household_size > 99:
        raise InvalidInput(
            _("Enter the number of people, 1 to 99."), field="household_size"
        )
    if monthly_income < 0:
        raise InvalidInput(_("The income cannot be negative."), field="monthly_income")
    with transaction.atomic():
        application = _locked(application)
        if not application.is_open:
            raise Conflict(_("This application is closed."), code="application-closed")
        stage = workflow_of(application.version).stage(application.stage)
        if stage.kind != StageKind.FACT_CHECK:
            raise Conflict(
                _("The fact check is recorded at the fact-check stage."),
                code="not-fact-check-stage",
            )
        fields = {
            "identity_method": identity_method,
            "identity_confirmed": identity_confirmed,
            "visited_on": visited_on,
            "household_size": household_size,
            "monthly_income": monthly_income,
            "findings": findings.strip()[:5000],
            "recommendation": recommendation.strip()[:3000],
            "recorded_by": actor,
            "recorded_at": timezone.now(),
        }
        fact_check, created = FactCheck.objects.update_or_create(
            application=application, defaults=fields
        )
        _event(
            application,
            EventKind.FACT_CHECK,
            actor,
            for_applicant=False,
            data={"identity_confirmed": identity_confirmed},
        )
        audit_record(
            actor=actor,
            action="eservices.fact_check.record",
            target=application,
            after={
                "identity_method": identity_method,
                "identity_confirmed": identity_confirmed,
                "visited_on": visited_on,
                "corrected": not created,
            },
            office=application.office,
        )
    return fact_check
