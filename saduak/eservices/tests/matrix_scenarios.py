"""The e-services' acting services and API writes, for the role x action walk
(tests/test_role_matrix.py): every e-services action of the matrix, through
the service and through each API write that names it. Records are made with
the real services (tests/pipeline.py), as an applicant, officers and finance
staff of Chiang Mai's first district would make them."""

import base64
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.accounts.matrix import Action
from saduak.accounts.models import User
from saduak.accounts.tests.matrix_walk import Scenario, api_call
from saduak.areas.models import Office
from saduak.core.uploads.fields import document_field
from saduak.core.uploads.sample_files import png_of_one_colour
from saduak.eservices import bank_files
from saduak.eservices.catalogue import builtin_services_install
from saduak.eservices.choices import Action as Move
from saduak.eservices.choices import IdentityCheckMethod
from saduak.eservices.documents.services import attachment_remove, attachment_store
from saduak.eservices.models import (
    Application,
    Attachment,
    CommitteeDecision,
    CommitteeMeeting,
    Payment,
    PaymentBatch,
    Service,
    ServiceVersion,
)
from saduak.eservices.samples import sample_answers
from saduak.eservices.services import builder
from saduak.eservices.services import committee as committee_services
from saduak.eservices.services import payments as payment_services
from saduak.eservices.services.applications import (
    application_act,
    application_claim,
    application_note_add,
    application_release,
    application_save,
    application_start,
    application_submit,
    fact_check_record,
)
from saduak.eservices.services.officer import (
    applicant_for_recording,
    application_registry_check,
)
from saduak.eservices.tests.pipeline import (
    LOW_INCOME,
    bank_result,
    committee_application,
    new_phone,
    submitted_application,
)
from saduak.forms_engine import editing
from saduak.identity.models import DataAccess

OFFICE = "do-5001"
API = "/api/v1/eservices"
STAGE_WORKERS = frozenset({Role.COUNTER_OFFICER, Role.DISTRICT_ADMIN})
COMMITTEE = frozenset({Role.DISTRICT_ADMIN})
NEW_ACCOUNT = {"bank_account": {"bank": "014", "number": "9876543210"}}
FINDINGS = "บ้านเช่า สภาพทรุดโทรม รายได้ไม่พอเลี้ยงครอบครัว"


PNG = png_of_one_colour(1)


@dataclass
class Case:
    """What a scenario acts on."""

    service: Service
    office: Office
    citizen: User
    officer: User
    admin: User
    application: Application | None = None
    meeting: CommitteeMeeting | None = None
    batch: PaymentBatch | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        assert self.application is not None
        return self.application.reference


# --- Making the records -------------------------------------------------------------


def _case(request: Any) -> Case:
    request.getfixturevalue("small_map")
    builtin_services_install()
    make_staff = request.getfixturevalue("make_staff")
    return Case(
        service=Service.objects.get(code=LOW_INCOME),
        office=Office.objects.get(code=OFFICE),
        citizen=request.getfixturevalue("make_user")(phone=new_phone()),
        officer=make_staff(Role.COUNTER_OFFICER, OFFICE),
        admin=make_staff(Role.DISTRICT_ADMIN, OFFICE),
    )


def _private_storage(request: Any) -> None:
    settings = request.getfixturevalue("settings")
    root = request.getfixturevalue("tmp_path") / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    settings.ESERVICES_MASTER_KEYS = (
        "walk:" + base64.b64encode(bytes(range(32))).decode()
    )
    settings.CLAMD_ADDRESS = ""


def _recorded(request: Any) -> Case:
    """A complete draft a counter officer recorded at the counter, its bank
    book uploaded."""
    case = _case(request)
    _private_storage(request)
    application = application_start(
        service=case.service,
        applicant=case.citizen,
        office=case.office,
        actor=case.officer,
        channel="counter",
    )
    application_save(
        application=application,
        values=sample_answers(case.citizen),
        actor=case.officer,
    )
    case.application = application
    case.extra["attachment"] = _upload(case, case.officer, "bank_book")
    return case


def _recorded_returned(request: Any) -> Case:
    case = _recorded(request)
    assert case.application is not None
    application_submit(application=case.application, actor=case.officer)
    case.application = application_act(
        application=case.application,
        action=Move.RETURN,
        actor=case.officer,
        message="กรุณาแนบสำเนาสมุดบัญชีหน้าแรกที่ชัดกว่านี้",
    )
    return case


def _submitted(request: Any) -> Case:
    case = _case(request)
    case.application = submitted_application(
        applicant=case.citizen, office=case.office, service=case.service
    )
    return case


def _claimed(request: Any) -> Case:
    case = _submitted(request)
    assert case.application is not None
    application_claim(application=case.application, actor=case.officer)
    return case


def _at_fact_check(request: Any) -> Case:
    case = _submitted(request)
    assert case.application is not None
    case.application = application_act(
        application=case.application, action=Move.FORWARD, actor=case.officer
    )
    return case


def _at_committee(request: Any) -> Case:
    case = _case(request)
    case.application = committee_application(
        applicant=case.citizen,
        office=case.office,
        officer=case.officer,
        service=case.service,
    )
    return case


def _meeting(request: Any) -> Case:
    case = _at_committee(request)
    case.meeting = committee_services.committee_meeting_create(
        office=case.office,
        title="ประชุมคณะกรรมการ 1/2570",
        meets_on=timezone.localdate() + timedelta(days=1),
        members="นายอำเภอ ประธาน",
        actor=case.admin,
    )
    return case


def _meeting_with_case(request: Any) -> Case:
    case = _meeting(request)
    assert case.meeting is not None and case.application is not None
    committee_services.committee_cases_add(
        meeting=case.meeting, applications=[case.application], actor=case.admin
    )
    return case


def _meeting_decided(request: Any) -> Case:
    """A meeting whose one case has its decision, ready to be decided."""
    case = _meeting_with_case(request)
    assert case.meeting is not None and case.application is not None
    committee_services.committee_decision_set(
        meeting=case.meeting,
        application=case.application,
        decision="approve",
        amount=Decimal("3000"),
        reason="",
        actor=case.admin,
    )
    return case


def _approved(request: Any) -> Case:
    case = _at_committee(request)
    assert case.application is not None
    case.application = application_act(
        application=case.application,
        action=Move.APPROVE,
        actor=case.admin,
        amount=Decimal("3000"),
    )
    case.extra["finance"] = request.getfixturevalue("make_staff")(
        Role.FINANCE_OFFICER, "pao-50"
    )
    return case


def _batched(request: Any) -> Case:
    case = _approved(request)
    assert case.application is not None
    case.batch = payment_services.payment_batch_create(
        actor=case.extra["finance"],
        pay_on=timezone.localdate(),
        applications=[case.application],
    )
    return case


def _exported(request: Any) -> Case:
    """A batch sent to the bank, with the bank's result ("paid") ready."""
    case = _batched(request)
    assert case.batch is not None
    _name, content = payment_services.payment_batch_export(
        batch=case.batch, actor=case.extra["finance"], file_format="ktb"
    )
    results = [
        bank_files.BankResult(transfer, code="00")
        for transfer in bank_files.transfers_from_file(content)
    ]
    case.extra["result"] = bank_result(case.batch, results)
    return case


def _draft_version(request: Any) -> Case:
    """The low-income subsidy's next draft, a copy of the published one."""
    case = _case(request)
    case.extra["version"] = builder.version_draft(service=case.service, actor="test")
    return case


def _upload(case: Case, actor: Any, field_key: str = "house_photos") -> Attachment:
    assert case.application is not None
    field_ = document_field(case.application.version.form, field_key)
    return attachment_store(
        application=case.application,
        field_key=field_.key,
        upload=SimpleUploadedFile(f"{field_key}.png", PNG, "image/png"),
        allowed_types=field_.allowed_types,
        max_bytes=field_.max_bytes,
        max_files=field_.max_files,
        actor=actor,
    )


# --- What a refusal must leave as it was --------------------------------------------


def _application_state(case: Case) -> tuple[Any, ...]:
    assert case.application is not None
    row = Application.objects.get(pk=case.application.pk)
    return (
        row.status,
        row.stage,
        row.outcome,
        row.claimed_by_id,
        row.answers.get("bank_account"),
        row.events.count(),
    )


def _applications(_case: Case) -> int:
    return Application.objects.count()


def _data_reads(_case: Case) -> int:
    return DataAccess.objects.count()


def _attachments(case: Case) -> tuple[int, int]:
    live = Attachment.objects.filter(removed_at__isnull=True)
    return Attachment.objects.count(), live.count()


def _meetings(case: Case) -> tuple[Any, ...]:
    return (
        CommitteeMeeting.objects.count(),
        sorted(
            CommitteeDecision.objects.values_list(
                "application_id", "decision", "amount"
            )
        ),
        sorted(CommitteeMeeting.objects.values_list("status", flat=True)),
        _application_state(case),
    )


def _payments(case: Case) -> tuple[Any, ...]:
    return (
        sorted(Payment.objects.values_list("application_id", "status")),
        sorted(PaymentBatch.objects.values_list("reference", "status")),
        _application_state(case),
    )


def _services(_case: Case) -> tuple[Any, ...]:
    return (
        sorted(Service.objects.values_list("code", "name_th")),
        sorted(
            ServiceVersion.objects.values_list(
                "service__code", "number", "status", "manual", "form", "workflow"
            ),
            key=lambda row: (row[0], row[1]),
        ),
    )


# --- Carrying them out through the API ----------------------------------------------


def _client(request: Any, actor: Any) -> Any:
    return request.getfixturevalue("client_for")(actor)


def _send(request: Any, actor: Any, method: str, path: str, body: Any = None) -> Any:
    return api_call(request, actor, method, f"{API}{path}", body)


def _fact_check_body() -> dict[str, Any]:
    return {
        "identity_method": IdentityCheckMethod.SMART_CARD,
        "identity_confirmed": True,
        "visited_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "household_size": 4,
        "monthly_income": "2500.00",
        "findings": FINDINGS,
    }


def _record_fact_check(actor: Any, case: Case, _request: Any) -> Any:
    assert case.application is not None
    return fact_check_record(
        application=case.application,
        actor=actor,
        identity_method=IdentityCheckMethod.SMART_CARD,
        identity_confirmed=True,
        visited_on=timezone.localdate() - timedelta(days=1),
        household_size=4,
        monthly_income=Decimal("2500.00"),
        findings=FINDINGS,
    )


def _start_for(actor: Any, case: Case) -> Application:
    return application_start(
        service=case.service,
        applicant=case.citizen,
        office=case.office,
        actor=actor,
        channel="counter",
    )


def _meeting_path(case: Case, tail: str) -> str:
    assert case.meeting is not None
    return f"/staff/meetings/{case.meeting.public_id}/{tail}"


def _batch_path(case: Case, tail: str = "") -> str:
    assert case.batch is not None
    return f"/staff/payment-batches/{case.batch.reference}{tail}"


def _first_payment(case: Case) -> Payment:
    assert case.batch is not None
    return Payment.objects.get(batch=case.batch)


SCENARIOS = [
    # --- The builder: every edit is eservice.build, publishing eservice.publish
    Scenario(
        Action.ESERVICE_BUILD,
        "service_create",
        OFFICE,
        _case,
        lambda actor, case, r: builder.service_create(
            code="walk-service",
            name_th="บริการทดสอบ",
            bureau_th="สำนักทดสอบ",
            actor=actor,
        ),
        _services,
    ),
    Scenario(
        Action.ESERVICE_BUILD,
        "service_update",
        OFFICE,
        _case,
        lambda actor, case, r: builder.service_update(
            service=case.service, actor=actor, name_th="เงินช่วยเหลือ (แก้ไข)"
        ),
        _services,
    ),
    Scenario(
        Action.ESERVICE_BUILD,
        "version_draft",
        OFFICE,
        _case,
        lambda actor, case, r: builder.version_draft(service=case.service, actor=actor),
        _services,
    ),
    Scenario(
        Action.ESERVICE_BUILD,
        "version_update",
        OFFICE,
        _draft_version,
        lambda actor, case, r: builder.version_update(
            version=case.extra["version"],
            actor=actor,
            manual={**case.extra["version"].manual, "processing_days": 20},
        ),
        _services,
    ),
    Scenario(
        Action.ESERVICE_BUILD,
        "form_section_add",
        OFFICE,
        _draft_version,
        lambda actor, case, r: builder.form_section_add(
            version=case.extra["version"],
            key="extra",
            title={"th": "ข้อมูลเพิ่มเติม", "en": "More"},
            actor=actor,
        ),
        _services,
    ),
    Scenario(
        Action.ESERVICE_BUILD,
        "workflow_stage_add",
        OFFICE,
        _draft_version,
        lambda actor, case, r: builder.workflow_stage_add(
            version=case.extra["version"],
            stage={
                "code": "second_review",
                "kind": "review",
                "name": {"th": "ทบทวน", "en": "Second review"},
                "roles": ["district_admin"],
                "target_days": 3,
            },
            actor=actor,
        ),
        _services,
    ),
    Scenario(
        Action.ESERVICE_PUBLISH,
        "version_publish",
        OFFICE,
        _draft_version,
        lambda actor, case, r: builder.version_publish(
            version=case.extra["version"], actor=actor
        ),
        _services,
    ),
    # --- Recording, filling in and sending an application for a citizen
    Scenario(
        Action.APPLICATION_RECORD_FOR_CITIZEN,
        "applicant_for_recording",
        OFFICE,
        _case,
        lambda actor, case, r: applicant_for_recording(
            officer=actor, office=case.office, personal_id=case.citizen.personal_id
        ),
        _data_reads,
    ),
    Scenario(
        Action.APPLICATION_RECORD_FOR_CITIZEN,
        "application_start (on a citizen's behalf)",
        OFFICE,
        _case,
        lambda actor, case, r: _start_for(actor, case),
        _applications,
    ),
    Scenario(
        Action.APPLICATION_RECORD_FOR_CITIZEN,
        "application_save (recorded)",
        OFFICE,
        _recorded,
        lambda actor, case, r: application_save(
            application=case.application, values=NEW_ACCOUNT, actor=actor
        ),
        _application_state,
    ),
    Scenario(
        Action.APPLICATION_RECORD_FOR_CITIZEN,
        "PATCH /api/v1/eservices/applications/{reference}/answers",
        OFFICE,
        _recorded,
        lambda actor, case, r: _send(
            r,
            actor,
            "patch",
            f"/applications/{case.reference}/answers",
            {"answers": NEW_ACCOUNT},
        ),
        _application_state,
    ),
    Scenario(
        Action.APPLICATION_RECORD_FOR_CITIZEN,
        "application_submit (recorded)",
        OFFICE,
        _recorded,
        lambda actor, case, r: application_submit(
            application=case.application, actor=actor
        ),
        _application_state,
    ),
    Scenario(
        Action.APPLICATION_RECORD_FOR_CITIZEN,
        "POST /api/v1/eservices/applications/{reference}/submit",
        OFFICE,
        _recorded,
        lambda actor, case, r: _send(
            r, actor, "post", f"/applications/{case.reference}/submit"
        ),
        _application_state,
    ),
    Scenario(
        Action.APPLICATION_RECORD_FOR_CITIZEN,
        "POST /api/v1/eservices/applications/{reference}/resubmit",
        OFFICE,
        _recorded_returned,
        lambda actor, case, r: _send(
            r,
            actor,
            "post",
            f"/applications/{case.reference}/resubmit",
            {"message": "แนบสำเนาใหม่แล้ว"},
        ),
        _application_state,
    ),
    Scenario(
        Action.APPLICATION_RECORD_FOR_CITIZEN,
        "application_registry_check",
        OFFICE,
        _submitted,
        lambda actor, case, r: application_registry_check(
            application=case.application, officer=actor
        ),
        _data_reads,
    ),
    Scenario(
        Action.APPLICATION_RECORD_FOR_CITIZEN,
        "attachment_store (staff)",
        OFFICE,
        _recorded,
        lambda actor, case, r: _upload(case, actor),
        _attachments,
    ),
    Scenario(
        Action.APPLICATION_RECORD_FOR_CITIZEN,
        "POST /api/v1/eservices/applications/{reference}/attachments",
        OFFICE,
        _recorded,
        lambda actor, case, r: _client(r, actor).post(
            f"{API}/applications/{case.reference}/attachments",
            {
                "field_key": "house_photos",
                "file": SimpleUploadedFile("home.png", PNG, "image/png"),
            },
        ),
        _attachments,
    ),
    Scenario(
        Action.APPLICATION_RECORD_FOR_CITIZEN,
        "attachment_remove (staff)",
        OFFICE,
        _recorded,
        # Staff remove only what they uploaded themselves: upload, then remove.
        lambda actor, case, r: attachment_remove(
            attachment=_upload(case, actor), actor=actor
        ),
        _attachments,
    ),
    # --- Working the case
    Scenario(
        Action.APPLICATION_CLAIM,
        "application_claim",
        OFFICE,
        _submitted,
        lambda actor, case, r: application_claim(
            application=case.application, actor=actor
        ),
        _application_state,
        roles=STAGE_WORKERS,
    ),
    Scenario(
        Action.APPLICATION_CLAIM,
        "POST /api/v1/eservices/staff/applications/{reference}/claim",
        OFFICE,
        _submitted,
        lambda actor, case, r: _send(
            r, actor, "post", f"/staff/applications/{case.reference}/claim"
        ),
        _application_state,
        roles=STAGE_WORKERS,
    ),
    Scenario(
        Action.APPLICATION_CLAIM,
        "application_release",
        OFFICE,
        _claimed,
        lambda actor, case, r: application_release(
            application=case.application, actor=actor
        ),
        _application_state,
        roles=STAGE_WORKERS,
    ),
    Scenario(
        Action.APPLICATION_CLAIM,
        "POST /api/v1/eservices/staff/applications/{reference}/release",
        OFFICE,
        _claimed,
        lambda actor, case, r: _send(
            r, actor, "post", f"/staff/applications/{case.reference}/release"
        ),
        _application_state,
        roles=STAGE_WORKERS,
    ),
    Scenario(
        Action.APPLICATION_ACT,
        "application_act (intake: forward)",
        OFFICE,
        _submitted,
        lambda actor, case, r: application_act(
            application=case.application, action=Move.FORWARD, actor=actor
        ),
        _application_state,
        roles=STAGE_WORKERS,
    ),
    Scenario(
        Action.APPLICATION_ACT,
        "POST /api/v1/eservices/staff/applications/{reference}/actions",
        OFFICE,
        _submitted,
        lambda actor, case, r: _send(
            r,
            actor,
            "post",
            f"/staff/applications/{case.reference}/actions",
            {"action": "forward"},
        ),
        _application_state,
        roles=STAGE_WORKERS,
    ),
    Scenario(
        Action.APPLICATION_ACT,
        "application_act (committee: reject)",
        OFFICE,
        _at_committee,
        lambda actor, case, r: application_act(
            application=case.application,
            action=Move.REJECT,
            actor=actor,
            message="รายได้เกินเกณฑ์",
        ),
        _application_state,
        roles=COMMITTEE,
    ),
    Scenario(
        Action.APPLICATION_NOTE_ADD,
        "application_note_add",
        OFFICE,
        _submitted,
        lambda actor, case, r: application_note_add(
            application=case.application, actor=actor, text="โทรนัดเยี่ยมบ้านแล้ว"
        ),
        _application_state,
    ),
    Scenario(
        Action.APPLICATION_NOTE_ADD,
        "POST /api/v1/eservices/staff/applications/{reference}/notes",
        OFFICE,
        _submitted,
        lambda actor, case, r: _send(
            r,
            actor,
            "post",
            f"/staff/applications/{case.reference}/notes",
            {"text": "โทรนัดเยี่ยมบ้านแล้ว"},
        ),
        _application_state,
    ),
    Scenario(
        Action.FACT_CHECK_RECORD,
        "fact_check_record",
        OFFICE,
        _at_fact_check,
        _record_fact_check,
        _application_state,
    ),
    Scenario(
        Action.FACT_CHECK_RECORD,
        "POST /api/v1/eservices/staff/applications/{reference}/fact-check",
        OFFICE,
        _at_fact_check,
        lambda actor, case, r: _send(
            r,
            actor,
            "post",
            f"/staff/applications/{case.reference}/fact-check",
            _fact_check_body(),
        ),
        _application_state,
    ),
    # --- The committee (its stage names the district administrator)
    Scenario(
        Action.COMMITTEE_MANAGE,
        "committee_meeting_create",
        OFFICE,
        _at_committee,
        lambda actor, case, r: committee_services.committee_meeting_create(
            office=case.office,
            title="ประชุมคณะกรรมการ 2/2570",
            meets_on=timezone.localdate(),
            members="",
            actor=actor,
        ),
        _meetings,
        roles=COMMITTEE,
    ),
    Scenario(
        Action.COMMITTEE_MANAGE,
        "POST /api/v1/eservices/staff/offices/{code}/meetings",
        OFFICE,
        _at_committee,
        lambda actor, case, r: _send(
            r,
            actor,
            "post",
            f"/staff/offices/{OFFICE}/meetings",
            {"title": "ประชุม 2/2570", "meets_on": timezone.localdate().isoformat()},
        ),
        _meetings,
        roles=COMMITTEE,
    ),
    Scenario(
        Action.COMMITTEE_MANAGE,
        "committee_cases_add",
        OFFICE,
        _meeting,
        lambda actor, case, r: committee_services.committee_cases_add(
            meeting=case.meeting, applications=[case.application], actor=actor
        ),
        _meetings,
        roles=COMMITTEE,
    ),
    Scenario(
        Action.COMMITTEE_MANAGE,
        "POST /api/v1/eservices/staff/meetings/{meeting_id}/cases",
        OFFICE,
        _meeting,
        lambda actor, case, r: _send(
            r,
            actor,
            "post",
            _meeting_path(case, "cases"),
            {"references": [case.reference]},
        ),
        _meetings,
        roles=COMMITTEE,
    ),
    Scenario(
        Action.COMMITTEE_MANAGE,
        "committee_decision_set",
        OFFICE,
        _meeting_with_case,
        lambda actor, case, r: committee_services.committee_decision_set(
            meeting=case.meeting,
            application=case.application,
            decision="approve",
            amount=Decimal("2500"),
            reason="",
            actor=actor,
        ),
        _meetings,
        roles=COMMITTEE,
    ),
    Scenario(
        Action.COMMITTEE_MANAGE,
        "PUT /api/v1/eservices/staff/meetings/{meeting_id}/decisions/{reference}",
        OFFICE,
        _meeting_with_case,
        lambda actor, case, r: _send(
            r,
            actor,
            "put",
            _meeting_path(case, f"decisions/{case.reference}"),
            {"decision": "approve", "amount": "2500.00"},
        ),
        _meetings,
        roles=COMMITTEE,
    ),
    Scenario(
        Action.COMMITTEE_MANAGE,
        "committee_case_remove",
        OFFICE,
        _meeting_with_case,
        lambda actor, case, r: committee_services.committee_case_remove(
            meeting=case.meeting, application=case.application, actor=actor
        ),
        _meetings,
        roles=COMMITTEE,
    ),
    Scenario(
        Action.COMMITTEE_MANAGE,
        "committee_meeting_decide",
        OFFICE,
        _meeting_decided,
        lambda actor, case, r: committee_services.committee_meeting_decide(
            meeting=case.meeting, actor=actor
        ),
        _meetings,
        roles=COMMITTEE,
    ),
    Scenario(
        Action.COMMITTEE_MANAGE,
        "POST /api/v1/eservices/staff/meetings/{meeting_id}/decide",
        OFFICE,
        _meeting_decided,
        lambda actor, case, r: _send(r, actor, "post", _meeting_path(case, "decide")),
        _meetings,
        roles=COMMITTEE,
    ),
    # --- Payments: finance officers only
    Scenario(
        Action.PAYMENT_MANAGE,
        "payment_batch_create",
        OFFICE,
        _approved,
        lambda actor, case, r: payment_services.payment_batch_create(
            actor=actor, pay_on=timezone.localdate(), applications=[case.application]
        ),
        _payments,
    ),
    Scenario(
        Action.PAYMENT_MANAGE,
        "POST /api/v1/eservices/staff/payment-batches",
        OFFICE,
        _approved,
        lambda actor, case, r: _send(
            r,
            actor,
            "post",
            "/staff/payment-batches",
            {
                "pay_on": timezone.localdate().isoformat(),
                "references": [case.reference],
            },
        ),
        _payments,
    ),
    Scenario(
        Action.PAYMENT_MANAGE,
        "payment_batch_remove_payment",
        OFFICE,
        _batched,
        lambda actor, case, r: payment_services.payment_batch_remove_payment(
            payment=_first_payment(case), actor=actor
        ),
        _payments,
    ),
    Scenario(
        Action.PAYMENT_MANAGE,
        "payment_batch_export",
        OFFICE,
        _batched,
        lambda actor, case, r: payment_services.payment_batch_export(
            batch=case.batch, actor=actor, file_format="ktb"
        ),
        _payments,
    ),
    Scenario(
        Action.PAYMENT_MANAGE,
        "POST /api/v1/eservices/staff/payment-batches/{reference}/file",
        OFFICE,
        _batched,
        lambda actor, case, r: _send(
            r, actor, "post", _batch_path(case, "/file?format=csv")
        ),
        _payments,
    ),
    Scenario(
        Action.PAYMENT_MANAGE,
        "payment_results_import",
        OFFICE,
        _exported,
        lambda actor, case, r: payment_services.payment_results_import(
            batch=case.batch, actor=actor, content=case.extra["result"]
        ),
        _payments,
    ),
    Scenario(
        Action.PAYMENT_MANAGE,
        "POST /api/v1/eservices/staff/payment-batches/{reference}/results",
        OFFICE,
        _exported,
        lambda actor, case, r: _client(r, actor).post(
            f"{API}{_batch_path(case, '/results')}",
            {"file": SimpleUploadedFile("result.txt", case.extra["result"])},
        ),
        _payments,
    ),
]


# --- The rest of the builder's edits and the committee's decisions in one go ----


def _draft_with_extras(request: Any) -> Case:
    """A draft with a section holding one field, an empty section and a stage
    of its own, so that every builder edit has something to act on."""
    case = _draft_version(request)
    version = case.extra["version"]
    for key in ("extra", "spare"):
        version = builder.form_section_add(
            version=version, key=key, title={"th": key, "en": key}, actor="test"
        )
    version = builder.form_field_add(
        version=version,
        section_key="extra",
        field=_extra_field("extra_note"),
        actor="test",
    )
    case.extra["version"] = builder.workflow_stage_add(
        version=version, stage=_extra_stage("ทบทวน"), actor="test"
    )
    return case


def _extra_field(key: str) -> dict[str, Any]:
    return {
        "key": key,
        "type": "text",
        "label": {"th": "หมายเหตุ", "en": "Note"},
        "required": False,
    }


def _extra_stage(name_th: str) -> dict[str, Any]:
    return {
        "code": "second_review",
        "kind": "review",
        "name": {"th": name_th, "en": "Second review"},
        "roles": ["district_admin"],
        "target_days": 3,
    }


def _build(name: str, edit: Any) -> Scenario:
    return Scenario(
        Action.ESERVICE_BUILD,
        name,
        OFFICE,
        _draft_with_extras,
        lambda actor, case, r: edit(case.extra["version"], actor),
        _services,
    )


SCENARIOS += [
    _build(
        "form_section_update",
        lambda version, actor: builder.form_section_update(
            version=version,
            section_key="extra",
            title={"th": "อื่น ๆ", "en": "Other"},
            actor=actor,
        ),
    ),
    _build(
        "form_section_move",
        lambda version, actor: builder.form_section_move(
            version=version, section_key="spare", direction="up", actor=actor
        ),
    ),
    _build(
        "form_section_remove",
        lambda version, actor: builder.form_section_remove(
            version=version, section_key="spare", actor=actor
        ),
    ),
    _build(
        "form_field_add",
        lambda version, actor: builder.form_field_add(
            version=version,
            section_key="extra",
            field=_extra_field("extra_two"),
            actor=actor,
        ),
    ),
    _build(
        "form_field_update",
        lambda version, actor: builder.form_field_update(
            version=version,
            field_key="extra_note",
            field={**_extra_field("extra_note"), "required": True},
            actor=actor,
        ),
    ),
    _build(
        "form_field_move",
        lambda version, actor: builder.form_field_move(
            version=version, field_key="extra_note", direction="up", actor=actor
        ),
    ),
    _build(
        "form_field_remove",
        lambda version, actor: builder.form_field_remove(
            version=version, field_key="extra_note", actor=actor
        ),
    ),
    _build(
        "workflow_stage_update",
        lambda version, actor: builder.workflow_stage_update(
            version=version,
            stage_code="second_review",
            stage=_extra_stage("ทบทวนอีกครั้ง"),
            actor=actor,
        ),
    ),
    _build(
        "workflow_stage_move",
        lambda version, actor: builder.workflow_stage_move(
            version=version, stage_code="second_review", direction="up", actor=actor
        ),
    ),
    _build(
        "workflow_stage_remove",
        lambda version, actor: builder.workflow_stage_remove(
            version=version, stage_code="second_review", actor=actor
        ),
    ),
    _build(
        "workflow_transition_add",
        lambda version, actor: builder.workflow_transition_add(
            version=version,
            source="second_review",
            action="forward",
            target="closed",
            actor=actor,
        ),
    ),
    _build(
        "workflow_transition_remove",
        lambda version, actor: builder.workflow_transition_remove(
            version=version, source="payment", action="return", actor=actor
        ),
    ),
    Scenario(
        Action.COMMITTEE_MANAGE,
        "committee_decisions_set",
        OFFICE,
        _meeting_with_case,
        lambda actor, case, r: committee_services.committee_decisions_set(
            meeting=case.meeting,
            decisions=[
                committee_services.DecisionInput(
                    application_id=case.application.pk,
                    decision="approve",
                    amount=Decimal("2500"),
                )
            ],
            actor=actor,
        ),
        _meetings,
        roles=COMMITTEE,
    ),
]

# The shared form editor's entry point (forms_engine/editing.py) on a draft.
SCENARIOS += [
    _build(
        "form_edit",
        lambda version, actor: builder.form_edit(
            version=version,
            operation=lambda form: editing.section_add(
                form, key="third", title={"th": "สาม", "en": "Third"}
            ),
            actor=actor,
        ),
    ),
]
