"""E-services over the API, through the same services as the pages: the
catalogue with each service's manual and form, a citizen's applications (start,
answer, submit, follow, answer a return) and officers' workflow actions. POSTs
that create accept an Idempotency-Key."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status

from saduak.accounts.api_auth import STAFF_OR_MACHINE
from saduak.accounts.matrix import Action as MatrixAction
from saduak.accounts.permissions import acting_user
from saduak.areas.selectors import office_get
from saduak.core.admission import admit
from saduak.core.errors import InvalidInput
from saduak.core.links import absolute_url
from saduak.eservices.models import Application, Service, ServiceVersion
from saduak.eservices.payout_accounts import changes_payout_account
from saduak.eservices.schemas import (
    ActionIn,
    AnswersIn,
    ApplicationIn,
    ApplicationOut,
    EServiceOut,
    ResubmitIn,
    ServiceDetailOut,
)
from saduak.eservices.selectors import applications as selectors
from saduak.eservices.services import applications as services
from saduak.eservices.services.officer import application_view_record
from saduak.eservices.versions import workflow_of
from saduak.forms_engine.answers import answers_clean
from saduak.forms_engine.definition import definition_of
from saduak.identity.step_up import ensure_recent_second_factor

router = Router()


def _service_out(service: Service, version: ServiceVersion) -> dict[str, Any]:
    return {
        "code": service.code,
        "name": service.name,
        "name_th": service.name_th,
        "name_en": service.name_en,
        "summary": service.summary,
        "bureau": service.bureau,
        "version": version.number,
        "manual": version.manual,
    }


def _application_out(
    application: Application, *, for_applicant: bool
) -> dict[str, Any]:
    workflow = workflow_of(application.version)
    stage = workflow.by_code.get(application.stage)
    path = reverse("eservices:application", args=[application.reference])
    return {
        "reference": application.reference,
        "service": application.service.code,
        "version": application.version.number,
        "office": application.office.code,
        "channel": application.channel,
        "status": application.status,
        "outcome": application.outcome,
        "stage": application.stage,
        "stage_name": stage.label if stage else "",
        "stage_due_on": application.stage_due_on,
        "request_to_applicant": application.request_to_applicant,
        "approved_amount": application.approved_amount,
        "decision_reason": application.decision_reason,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "closed_at": application.closed_at,
        "answers": application.answers,
        "timeline": selectors.application_timeline(
            application, for_applicant=for_applicant
        ),
        "url": absolute_url(path),
    }


@router.get("/services", response=list[EServiceOut], auth=None)
def service_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Services open for applications, each with its citizen's manual."""
    return [
        _service_out(service, selectors.published_version(service))
        for service in selectors.services_open()
    ]


@router.get("/services/{code}", response=ServiceDetailOut, auth=None)
def service_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """One service: its manual, its form and the stages an application goes
    through."""
    service = selectors.service_by_code(code)
    version = selectors.published_version(service)
    stages = [
        {
            "code": stage.code,
            "kind": stage.kind,
            "name": stage.label,
            "target_days": stage.target_days,
        }
        for stage in workflow_of(version).stages
    ]
    return {**_service_out(service, version), "form": version.form, "stages": stages}


@router.post(
    "/applications",
    response={201: ApplicationOut},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": "self"},
)
def application_start(request: HttpRequest, payload: ApplicationIn) -> Status:
    """Starts a draft for the signed-in citizen, prefilled from the digital ID."""
    admit(request)
    user = acting_user(request)
    application = services.application_start(
        service=selectors.service_by_code(payload.service),
        applicant=user,
        office=office_get(payload.office),
        actor=user,
    )
    return Status(201, _application_out(application, for_applicant=True))


@router.get("/applications", response=list[ApplicationOut], auth=STAFF_OR_MACHINE)
def my_applications(request: HttpRequest) -> list[dict[str, Any]]:
    """The signed-in citizen's applications, newest first (at most 100)."""
    applications = selectors.applications_of_applicant(acting_user(request))[:100]
    return [_application_out(item, for_applicant=True) for item in applications]


@router.get("/applications/{reference}", response=ApplicationOut, auth=STAFF_OR_MACHINE)
def application_get(request: HttpRequest, reference: str) -> dict[str, Any]:
    """The applicant's view of their application and its timeline."""
    application = selectors.application_for_applicant(
        user=acting_user(request), reference=reference
    )
    return _application_out(application, for_applicant=True)


# Filling in, submitting and answering a return: the applicant's own
# application, or staff for one recorded on the citizen's behalf
# (`application.record_for_citizen`, the action the schema names); anyone
# else who may read it is 403, everyone else 404.
FILLING = {"x-action": MatrixAction.APPLICATION_RECORD_FOR_CITIZEN}


@router.patch(
    "/applications/{reference}/answers",
    response=ApplicationOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra=FILLING,
)
def answers_save(
    request: HttpRequest, reference: str, payload: AnswersIn
) -> dict[str, Any]:
    """Saves some answers of a draft (or of a returned application): its
    applicant, or staff who record applications for citizens at its office
    when it was recorded on the citizen's behalf. Values that are not valid
    answer 400 with `errors` by field, saving none of them."""
    user = acting_user(request)
    application = selectors.application_for_filling(user=user, reference=reference)
    form = definition_of(application.version)
    fields = {field.key: field for section in form.sections for field in section.fields}
    unknown = sorted(set(payload.answers) - set(fields))
    if unknown:
        raise InvalidInput(
            _("These are not fields of the form: %(keys)s.")
            % {"keys": ", ".join(unknown)},
            code="unknown-fields",
            extra={
                "errors": {key: [_("Not a field of this form.")] for key in unknown}
            },
        )
    values, errors = answers_clean(
        form, payload.answers, fields=[fields[key] for key in payload.answers]
    )
    if errors:
        raise InvalidInput(
            _("Some answers are not valid."),
            code="answers-invalid",
            extra={"errors": errors},
        )
    if changes_payout_account(form, application.answers, values):
        ensure_recent_second_factor(request)
    application = services.application_save(
        application=application, values=values, actor=user
    )
    return _application_out(application, for_applicant=True)


@router.post(
    "/applications/{reference}/submit",
    response=ApplicationOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra=FILLING,
)
def application_submit(request: HttpRequest, reference: str) -> dict[str, Any]:
    """Submits a complete draft; incomplete answers answer 400
    `answers-incomplete` with `errors` by field."""
    admit(request)
    user = acting_user(request)
    application = selectors.application_for_filling(user=user, reference=reference)
    application = services.application_submit(application=application, actor=user)
    return _application_out(application, for_applicant=True)


@router.post(
    "/applications/{reference}/resubmit",
    response=ApplicationOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra=FILLING,
)
def application_resubmit(
    request: HttpRequest, reference: str, payload: ResubmitIn
) -> dict[str, Any]:
    """Sends a returned application back to the officers with the answer."""
    user = acting_user(request)
    application = selectors.application_for_filling(user=user, reference=reference)
    application = services.application_resubmit(
        application=application, actor=user, message=payload.message
    )
    return _application_out(application, for_applicant=True)


@router.post(
    "/staff/applications/{reference}/actions",
    response=ApplicationOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": MatrixAction.APPLICATION_ACT},
)
def application_act(
    request: HttpRequest, reference: str, payload: ActionIn
) -> dict[str, Any]:
    """An officer's workflow action. An action the workflow does not allow from
    the current stage answers 400 `transition-not-allowed` naming what is
    possible; someone without a role of the stage, 403; an application outside
    what the user reads, 404."""
    user = acting_user(request)
    application = selectors.application_for_staff(user=user, reference=reference)
    application = services.application_act(
        application=application,
        action=payload.action,
        actor=user,
        message=payload.message,
        amount=payload.amount,
    )
    # The answer carries the applicant's answers: a staff read of their data.
    application_view_record(application=application, viewer=user)
    return _application_out(application, for_applicant=False)
