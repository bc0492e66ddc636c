"""Officers' work on e-service applications over the API, through the same
services as the staff pages: claim, release, note, fact check, the staff view
of an application (a read the applicant sees), the committee's meetings and
the payment batches. Mounted at /api/v1/eservices/staff (config/api.py)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from saduak.accounts.api_auth import STAFF_OR_MACHINE
from saduak.accounts.matrix import Action
from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user
from saduak.core.errors import InvalidInput
from saduak.core.links import absolute_url
from saduak.core.references import normalise_reference
from saduak.eservices.bank_files import MAX_RESULT_BYTES
from saduak.eservices.models import (
    Application,
    ApplicationEvent,
    Attachment,
    CommitteeDecision,
    CommitteeMeeting,
    FactCheck,
    Payment,
    PaymentBatch,
)
from saduak.eservices.schemas import EventOut
from saduak.eservices.selectors import queue as queue_selectors
from saduak.eservices.selectors.applications import (
    application_for_staff,
    application_timeline,
)
from saduak.eservices.selectors.committee import meeting_for_staff
from saduak.eservices.selectors.payments import batch_for, batch_payments
from saduak.eservices.services import applications as services
from saduak.eservices.services import committee as committee_services
from saduak.eservices.services import payments as payment_services
from saduak.eservices.services.officer import application_view_record
from saduak.eservices.versions import workflow_of
from saduak.eservices.views.payments import CONTENT_TYPES
from saduak.eservices.views.staff import staff_url

staff_router = Router()


def _name(user: User | None) -> str | None:
    return user.full_name if user is not None else None


class StateOut(Schema):
    reference: str
    status: str
    outcome: str
    stage: str
    stage_due_on: date | None
    claimed_by: str | None = Field(description="Who works on it now, if anyone.")

    @staticmethod
    def resolve_claimed_by(obj: Application) -> str | None:
        return _name(obj.claimed_by)


class NoteIn(Schema):
    text: str = Field(max_length=3000)


class NoteOut(Schema):
    id: int
    occurred_at: datetime
    message: str


class FactCheckIn(Schema):
    identity_method: str = Field(description="smart_card, registry or digital_id")
    identity_confirmed: bool
    visited_on: date
    household_size: int = Field(ge=1, le=99)
    monthly_income: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    findings: str = Field(max_length=5000)
    recommendation: str = Field("", max_length=3000)


class FactCheckOut(FactCheckIn):
    recorded_at: datetime


class StaffEventOut(EventOut):
    actor: str | None
    for_applicant: bool = Field(description="False for internal notes and events.")

    @staticmethod
    def resolve_actor(obj: ApplicationEvent) -> str | None:
        return _name(obj.actor)


class StaffDocumentOut(Schema):
    id: UUID = Field(
        alias="public_id",
        description="GET /api/v1/eservices/attachments/{id} answers the file.",
    )
    field_key: str
    name: str = Field(alias="original_name")
    size: int = Field(description="Bytes.")
    content_type: str
    scan_status: str = Field(
        description="clean (scanned by clamd), or not_scanned (no virus scanner "
        "configured)."
    )
    scan_status_label: str = Field(alias="get_scan_status_display")
    uploaded_at: datetime


class StaffApplicationOut(StateOut):
    service: str = Field(alias="service.code")
    version: int = Field(alias="version.number")
    office: str = Field(alias="office.code")
    channel: str
    stage_name: str
    approved_amount: Decimal | None
    decision_reason: str
    submitted_at: datetime | None
    decided_at: datetime | None
    closed_at: datetime | None
    answers: dict[str, Any]
    timeline: list[StaffEventOut] = Field(description="Internal events included.")
    documents: list[StaffDocumentOut] = Field(
        description="The documents on the application, each with its virus scan."
    )
    url: str = Field(description="The officers' page of the application.")

    @staticmethod
    def resolve_stage_name(obj: Application) -> str:
        stage = workflow_of(obj.version).by_code.get(obj.stage)
        return stage.label if stage else ""

    @staticmethod
    def resolve_timeline(obj: Application) -> list[ApplicationEvent]:
        return application_timeline(obj, for_applicant=False)

    @staticmethod
    def resolve_documents(obj: Application) -> list[Attachment]:
        return list(
            obj.attachments.filter(removed_at__isnull=True).order_by(
                "uploaded_at", "pk"
            )
        )

    @staticmethod
    def resolve_url(obj: Application) -> str:
        return absolute_url(staff_url("application", obj.reference))


class MeetingIn(Schema):
    title: str = Field(max_length=200)
    meets_on: date
    members: str = Field("", max_length=5000, description="One a line.")


class DecisionIn(Schema):
    decision: str = Field(description="approve, reject, or empty for undecided")
    amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    reason: str = Field("", max_length=3000)


class DecisionOut(DecisionIn):
    reference: str = Field(alias="application.reference")


class MeetingOut(MeetingIn):
    id: UUID = Field(alias="public_id", description="The meeting's public id.")
    office: str = Field(alias="office.code")
    status: str
    decided_at: datetime | None
    cases: list[DecisionOut]

    @staticmethod
    def resolve_cases(obj: CommitteeMeeting) -> list[CommitteeDecision]:
        return list(
            obj.decisions.select_related("application").order_by(
                "application__reference"
            )
        )


class ReferencesIn(Schema):
    references: list[str] = Field(max_length=500)


class BatchIn(Schema):
    pay_on: date
    references: list[str] | None = Field(
        None, description="The applications to pay; none for every one waiting."
    )


class PaymentOut(Schema):
    reference: str = Field(
        alias="application.reference", description="The application's reference."
    )
    amount: Decimal
    status: str
    failure_reason: str
    bank_reference: str


class BatchOut(Schema):
    reference: str
    status: str
    pay_on: date
    exported_at: datetime | None
    reconciled_at: datetime | None
    payments: list[PaymentOut]

    @staticmethod
    def resolve_payments(obj: PaymentBatch) -> list[Payment]:
        return batch_payments(obj)


class ImportOut(Schema):
    paid: int
    failed: int
    unchanged: int
    reconciled: bool


def _applications(references: list[str]) -> list[Application]:
    """The applications of `references`, all of them or InvalidInput naming
    those that do not exist (reach is the service's to check)."""
    wanted = {normalise_reference(reference): reference for reference in references}
    found = list(Application.objects.filter(reference__in=wanted).order_by("pk"))
    known = {application.reference for application in found}
    missing = [given for key, given in wanted.items() if key not in known]
    if missing:
        raise InvalidInput(
            _("There is no application with these references: %(references)s.")
            % {"references": ", ".join(missing)},
            code="unknown-references",
            field="references",
        )
    return found


def _staff(request: HttpRequest, reference: str) -> tuple[User, Application]:
    user = acting_user(request)
    return user, application_for_staff(user=user, reference=reference)


@staff_router.post(
    "/applications/{reference}/claim",
    response=StateOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.APPLICATION_CLAIM},
)
def application_claim(request: HttpRequest, reference: str) -> Application:
    """Takes the application to work on it; another officer's claim is 409
    `claimed`, naming them."""
    user, application = _staff(request, reference)
    return services.application_claim(application=application, actor=user)


@staff_router.post(
    "/applications/{reference}/release",
    response=StateOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.APPLICATION_CLAIM},
)
def application_release(request: HttpRequest, reference: str) -> Application:
    """Gives the application back to its stage's queue."""
    user, application = _staff(request, reference)
    return services.application_release(application=application, actor=user)


@staff_router.post(
    "/applications/{reference}/notes",
    response={201: NoteOut},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.APPLICATION_NOTE_ADD},
)
def application_note(request: HttpRequest, reference: str, payload: NoteIn) -> Status:
    """An internal note, never shown to the applicant."""
    user, application = _staff(request, reference)
    event = services.application_note_add(
        application=application, actor=user, text=payload.text
    )
    return Status(201, event)


@staff_router.post(
    "/applications/{reference}/fact-check",
    response=FactCheckOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.FACT_CHECK_RECORD},
)
def fact_check(request: HttpRequest, reference: str, payload: FactCheckIn) -> FactCheck:
    """Records (or corrects) the identity check and home visit at the fact-check
    stage; forward the case with the actions endpoint."""
    user, application = _staff(request, reference)
    return services.fact_check_record(
        application=application, actor=user, **payload.model_dump()
    )


@staff_router.get(
    "/applications/{reference}", response=StaffApplicationOut, auth=STAFF_OR_MACHINE
)
def application_get(request: HttpRequest, reference: str) -> Application:
    """The officers' view, internal notes included. Reading it reads the
    citizen's data: on their "who used my data" page, as the page records it."""
    user, application = _staff(request, reference)
    application_view_record(application=application, viewer=user)
    return application


def _meeting(request: HttpRequest, public_id: UUID) -> CommitteeMeeting:
    return meeting_for_staff(user=acting_user(request), public_id=public_id)


COMMITTEE = {"x-action": Action.COMMITTEE_MANAGE}
PAYMENTS = {"x-action": Action.PAYMENT_MANAGE}


@staff_router.post(
    "/offices/{code}/meetings",
    response={201: MeetingOut},
    auth=STAFF_OR_MACHINE,
    openapi_extra=COMMITTEE,
)
def meeting_create(request: HttpRequest, code: str, payload: MeetingIn) -> Status:
    """Opens a meeting of the office's committee (its secretary only)."""
    user = acting_user(request)
    office = queue_selectors.queue_office(code)
    meeting = committee_services.committee_meeting_create(
        office=office, actor=user, **payload.model_dump()
    )
    return Status(201, meeting)


@staff_router.post(
    "/meetings/{meeting_id}/cases",
    response=MeetingOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra=COMMITTEE,
)
def meeting_cases_add(
    request: HttpRequest, meeting_id: UUID, payload: ReferencesIn
) -> CommitteeMeeting:
    """Puts cases at the committee stage on the agenda, all or none (400
    `cases-not-addable` naming each refusal)."""
    meeting = _meeting(request, meeting_id)
    committee_services.committee_cases_add(
        meeting=meeting,
        applications=_applications(payload.references),
        actor=acting_user(request),
    )
    return meeting


@staff_router.put(
    "/meetings/{meeting_id}/decisions/{reference}",
    response=DecisionOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra=COMMITTEE,
)
def meeting_decision_set(
    request: HttpRequest, meeting_id: UUID, reference: str, payload: DecisionIn
) -> CommitteeDecision:
    """The committee's decision for one case: approve needs `amount` when the
    service pays, reject a `reason` (400 `decision-invalid` naming the field)."""
    meeting = _meeting(request, meeting_id)
    user, application = _staff(request, reference)
    return committee_services.committee_decision_set(
        meeting=meeting, application=application, actor=user, **payload.model_dump()
    )


@staff_router.post(
    "/meetings/{meeting_id}/decide",
    response=MeetingOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra=COMMITTEE,
)
def meeting_decide(request: HttpRequest, meeting_id: UUID) -> CommitteeMeeting:
    """Applies every decision through the workflow and closes the meeting, all
    or nothing; the applicants are told."""
    return committee_services.committee_meeting_decide(
        meeting=_meeting(request, meeting_id), actor=acting_user(request)
    )


@staff_router.post(
    "/payment-batches",
    response={201: BatchOut},
    auth=STAFF_OR_MACHINE,
    openapi_extra=PAYMENTS,
)
def batch_create(request: HttpRequest, payload: BatchIn) -> Status:
    """A batch of the named applications, or of every one waiting in the
    finance officer's reach."""
    chosen = None if payload.references is None else _applications(payload.references)
    batch = payment_services.payment_batch_create(
        actor=acting_user(request), pay_on=payload.pay_on, applications=chosen
    )
    return Status(201, batch)


@staff_router.post(
    "/payment-batches/{reference}/file",
    auth=STAFF_OR_MACHINE,
    openapi_extra={
        **PAYMENTS,
        "responses": {
            "200": {
                "description": "The bank's file (TIS-620) or CSV; an audit event.",
                "content": {
                    content_type.split(";")[0]: {
                        "schema": {"type": "string", "format": "binary"}
                    }
                    for content_type in CONTENT_TYPES.values()
                },
            }
        },
    },
)
def batch_file(
    request: HttpRequest,
    reference: str,
    file_format: Literal["ktb", "csv"] = Query("ktb", alias="format"),
) -> HttpResponse:
    """The batch's transfer file; marks the batch exported. Refused (409) once
    the bank's result is imported."""
    user = acting_user(request)
    filename, content = payment_services.payment_batch_export(
        batch=batch_for(user, reference), actor=user, file_format=file_format
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_router.post(
    "/payment-batches/{reference}/results",
    response=ImportOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra=PAYMENTS,
)
def batch_results(
    request: HttpRequest, reference: str, file: File[UploadedFile]
) -> payment_services.ImportSummary:
    """Applies the bank's result file, all or nothing (400 naming the first
    line at fault); paid applications close and their applicants are told."""
    user = acting_user(request)
    batch = batch_for(user, reference)
    if file.size is not None and file.size > MAX_RESULT_BYTES:
        raise InvalidInput(
            _("The file is too big to be a bank's result."), field="file"
        )
    return payment_services.payment_results_import(
        batch=batch, actor=user, content=bytes(file.read())
    )
