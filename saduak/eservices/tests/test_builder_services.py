"""The builder's services: a service and its versions, field-level editing of
a draft, checks that refuse malformed pieces, and publishing."""

from collections.abc import Iterator

import pytest
from django.utils import timezone, translation

from saduak.accounts.choices import Role
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, PermissionDeniedError
from saduak.eservices.choices import ApplicationStatus, VersionStatus
from saduak.eservices.models import Application, Service, ServiceVersion
from saduak.eservices.services import builder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """The messages these tests read are the English source texts."""
    with translation.override("en"):
        yield


def text(thai, english=""):
    return {"th": thai, "en": english}


MANUAL = {
    "eligibility": text("ผู้มีรายได้น้อย", "People on a low income"),
    "steps": [text("ยื่นคำขอ", "Apply"), text("รับหนังสือรับรอง", "Get the certificate")],
    "processing_days": 5,
    "documents": [text("บัตรประชาชน (แสดงเท่านั้น)", "ID card (shown only)")],
    "fees": text("ไม่มีค่าธรรมเนียม", "No fee"),
    "legal_basis": text("ระเบียบกรม", "Department rules"),
    "complaints": text("ศูนย์ดำรงธรรม", "Damrongdham center"),
}
WORKFLOW = {
    "stages": [
        {
            "code": "intake",
            "kind": "intake",
            "name": text("รับคำขอ", "Intake"),
            "roles": ["counter_officer"],
            "target_days": 1,
        },
        {
            "code": "review",
            "kind": "review",
            "name": text("พิจารณา", "Review"),
            "roles": ["district_admin"],
            "target_days": 3,
        },
        {
            "code": "closed",
            "kind": "end",
            "name": text("ปิดเรื่อง", "Closed"),
            "roles": [],
            "target_days": 0,
        },
    ],
    "transitions": [
        {"from": "intake", "action": "forward", "to": "review"},
        {"from": "review", "action": "approve", "to": "closed"},
        {"from": "review", "action": "return", "to": "review"},
        {"from": "review", "action": "reject", "to": "closed"},
    ],
}
FORM = {
    "sections": [
        {
            "key": "about",
            "title": text("เกี่ยวกับท่าน", "About you"),
            "fields": [
                {
                    "key": "occupation",
                    "type": "text",
                    "label": text("อาชีพ", "Occupation"),
                    "required": True,
                },
                {
                    "key": "has_card",
                    "type": "yesno",
                    "label": text("มีบัตรสวัสดิการ", "Has a welfare card"),
                    "required": True,
                },
                {
                    "key": "card_number",
                    "type": "text",
                    "label": text("เลขบัตร", "Card number"),
                    "required": True,
                    "show_if": {"field": "has_card", "equals": "yes"},
                },
            ],
        },
        {
            "key": "confirm",
            "title": text("คำรับรอง", "Declaration"),
            "fields": [
                {
                    "key": "declaration",
                    "type": "declaration",
                    "label": text("ข้าพเจ้ารับรองว่าเป็นความจริง", "I declare it is true"),
                    "required": True,
                }
            ],
        },
    ]
}


@pytest.fixture
def builder_admin(make_staff):
    return make_staff(Role.ESERVICE_ADMIN, "hq")


def new_service(actor, code="low-income-certificate", **fields):
    return builder.service_create(
        code=code,
        name_th="หนังสือรับรองผู้มีรายได้น้อย",
        name_en="Certificate of low income",
        summary_th="",
        summary_en="",
        bureau_th="สำนักทะเบียน",
        bureau_en="Registration Bureau",
        offices=fields.pop("offices", []),
        actor=actor,
    )


def actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def filled(actor, service=None):
    service = service or new_service(actor)
    draft = service.versions.get()
    return builder.version_update(
        version=draft, actor=actor, manual=MANUAL, form=FORM, workflow=WORKFLOW
    )


def test_creating_a_service_makes_an_empty_draft_version_1_and_is_audited(
    builder_admin,
):
    office = Office.objects.get(code="do-5001")
    service = new_service(builder_admin, offices=[office])
    version = service.versions.get()
    assert (version.number, version.status) == (1, VersionStatus.DRAFT)
    assert not service.is_builtin
    assert list(service.offices.all()) == [office]
    event = AuditEvent.objects.get(action="eservices.service.create")
    assert event.after["offices"] == ["do-5001"]


def test_a_counter_officer_cannot_build_services(make_staff):
    officer = make_staff(Role.COUNTER_OFFICER, "do-5001")
    with pytest.raises(PermissionDeniedError):
        new_service(officer)
    assert not Service.objects.filter(code="low-income-certificate").exists()


def test_an_hq_administrator_may_build_services(make_staff):
    assert new_service(make_staff(Role.HQ_ADMIN, "hq")).pk


def test_a_code_in_use_is_refused_on_the_code_field(builder_admin):
    new_service(builder_admin)
    with pytest.raises(Conflict) as refused:
        new_service(builder_admin)
    assert refused.value.field == "code"


def test_a_malformed_code_is_refused(builder_admin):
    with pytest.raises(InvalidInput) as refused:
        new_service(builder_admin, code="Low Income!")
    assert refused.value.field == "code"


def test_updating_a_service_records_only_the_fields_that_changed(builder_admin):
    service = new_service(builder_admin)
    office = Office.objects.get(code="do-5002")
    builder.service_update(
        service=service,
        actor=builder_admin,
        name_en="Low-income certificate",
        name_th=service.name_th,
        offices=[office],
    )
    service.refresh_from_db()
    assert service.name_en == "Low-income certificate"
    event = AuditEvent.objects.get(action="eservices.service.update")
    assert set(event.after) == {"name_en", "offices"}
    assert event.after["offices"] == ["do-5002"]


def test_a_draft_may_be_incomplete_while_it_is_edited(builder_admin):
    draft = new_service(builder_admin).versions.get()
    builder.workflow_stage_add(
        version=draft, stage=WORKFLOW["stages"][0], actor=builder_admin
    )
    builder.form_section_add(
        version=draft, key="about", title=text("เกี่ยวกับท่าน"), actor=builder_admin
    )
    draft.refresh_from_db()
    assert draft.workflow["stages"][0]["code"] == "intake"
    assert draft.form["sections"][0]["fields"] == []
    assert builder.version_problems(draft)
    assert "eservices.workflow.stage_add" in actions()
    assert "eservices.form.section_add" in actions()


def test_a_malformed_workflow_piece_is_refused_with_the_reason_and_nothing_saved(
    builder_admin,
):
    draft = new_service(builder_admin).versions.get()
    builder.workflow_stage_add(
        version=draft, stage=WORKFLOW["stages"][0], actor=builder_admin
    )
    with pytest.raises(InvalidInput, match="does not exist"):
        builder.workflow_transition_add(
            version=draft,
            source="intake",
            action="forward",
            target="nowhere",
            actor=builder_admin,
        )
    with pytest.raises(InvalidInput, match="not an action"):
        builder.workflow_transition_add(
            version=draft,
            source="intake",
            action="approve",
            target="intake",
            actor=builder_admin,
        )
    draft.refresh_from_db()
    assert draft.workflow["transitions"] == []
    assert "eservices.workflow.transition_add" not in actions()


def test_a_stage_with_an_unknown_role_is_refused(builder_admin):
    draft = new_service(builder_admin).versions.get()
    stage = {**WORKFLOW["stages"][0], "roles": ["eservice_admin"]}
    with pytest.raises(InvalidInput, match="unknown role"):
        builder.version_update(
            version=draft, actor=builder_admin, workflow={"stages": [stage]}
        )


def test_fields_are_added_moved_updated_and_removed(builder_admin):
    draft = filled(builder_admin)
    extra = {
        "key": "income",
        "type": "money",
        "label": text("รายได้", "Income"),
        "required": True,
        "min": 0,
        "max": 100000,
    }
    builder.form_field_add(
        version=draft, section_key="about", field=extra, actor=builder_admin
    )
    builder.form_field_move(
        version=draft, field_key="income", direction="up", actor=builder_admin
    )
    keys = [field["key"] for field in draft.form["sections"][0]["fields"]]
    assert keys == ["occupation", "has_card", "income", "card_number"]
    builder.form_field_update(
        version=draft,
        field_key="income",
        field={**extra, "key": "monthly_income"},
        actor=builder_admin,
    )
    builder.form_field_remove(
        version=draft, field_key="monthly_income", actor=builder_admin
    )
    draft.refresh_from_db()
    assert [field["key"] for field in draft.form["sections"][0]["fields"]] == [
        "occupation",
        "has_card",
        "card_number",
    ]
    for action in ("field_add", "field_move", "field_update", "field_remove"):
        assert f"eservices.form.{action}" in actions()


def test_renaming_a_field_carries_the_conditions_that_depend_on_it(builder_admin):
    draft = filled(builder_admin)
    field = FORM["sections"][0]["fields"][1]
    builder.form_field_update(
        version=draft,
        field_key="has_card",
        field={**field, "key": "holds_card"},
        actor=builder_admin,
    )
    assert draft.form["sections"][0]["fields"][2]["show_if"]["field"] == "holds_card"


def test_a_field_that_others_depend_on_cannot_be_removed_or_moved_below_them(
    builder_admin,
):
    draft = filled(builder_admin)
    with pytest.raises(InvalidInput, match="decides whether"):
        builder.form_field_remove(
            version=draft, field_key="has_card", actor=builder_admin
        )
    with pytest.raises(InvalidInput, match="must come after"):
        builder.form_field_move(
            version=draft, field_key="has_card", direction="down", actor=builder_admin
        )
    draft.refresh_from_db()
    assert draft.form == builder.form_check(FORM, complete=False)


def test_a_malformed_field_is_refused_and_nothing_is_saved(builder_admin):
    draft = filled(builder_admin)
    bad = {"key": "pick", "type": "choice", "label": text("เลือก"), "choices": []}
    with pytest.raises(InvalidInput, match="list of choices"):
        builder.form_field_add(
            version=draft, section_key="about", field=bad, actor=builder_admin
        )
    draft.refresh_from_db()
    assert len(draft.form["sections"][0]["fields"]) == 3


def test_a_section_with_fields_cannot_be_removed(builder_admin):
    draft = filled(builder_admin)
    with pytest.raises(InvalidInput):
        builder.form_section_remove(
            version=draft, section_key="about", actor=builder_admin
        )
    builder.form_section_add(
        version=draft, key="spare", title=text("สำรอง"), actor=builder_admin
    )
    builder.form_section_move(
        version=draft, section_key="spare", direction="up", actor=builder_admin
    )
    assert [section["key"] for section in draft.form["sections"]] == [
        "about",
        "spare",
        "confirm",
    ]
    builder.form_section_remove(version=draft, section_key="spare", actor=builder_admin)
    assert len(draft.form["sections"]) == 2


def test_publishing_needs_the_full_checks(builder_admin):
    draft = new_service(builder_admin).versions.get()
    builder.version_update(version=draft, actor=builder_admin, workflow=WORKFLOW)
    with pytest.raises(InvalidInput, match="manual is not complete"):
        builder.version_publish(version=draft, actor=builder_admin)
    builder.version_update(version=draft, actor=builder_admin, manual=MANUAL)
    with pytest.raises(InvalidInput, match="no fields"):
        builder.version_publish(version=draft, actor=builder_admin)
    without_declaration = {"sections": FORM["sections"][:1]}
    builder.version_update(version=draft, actor=builder_admin, form=without_declaration)
    with pytest.raises(InvalidInput, match="declaration"):
        builder.version_publish(version=draft, actor=builder_admin)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_publishing_an_incomplete_workflow_is_refused_with_the_reason(builder_admin):
    draft = filled(builder_admin)
    builder.workflow_transition_remove(
        version=draft, source="intake", action="forward", actor=builder_admin
    )
    with pytest.raises(InvalidInput, match="has no way out"):
        builder.version_publish(version=draft, actor=builder_admin)


def test_publishing_freezes_the_version_and_edits_are_refused(builder_admin):
    draft = filled(builder_admin)
    published = builder.version_publish(version=draft, actor=builder_admin)
    assert published.status == VersionStatus.PUBLISHED
    assert published.published_by == builder_admin and published.published_at
    event = AuditEvent.objects.get(action="eservices.version.publish")
    assert event.after == {"number": 1, "retired": None}
    with pytest.raises(Conflict) as refused:
        builder.version_update(version=published, actor=builder_admin, manual=MANUAL)
    assert refused.value.code == "version-published"
    assert "new version" in str(refused.value.message)
    with pytest.raises(Conflict):
        builder.form_field_remove(
            version=published, field_key="occupation", actor=builder_admin
        )


def test_a_new_version_copies_the_published_one_and_publishing_it_retires_the_old(
    builder_admin, citizen
):
    first = builder.version_publish(version=filled(builder_admin), actor=builder_admin)
    application = Application.objects.create(
        reference="T-0001",
        version=first,
        service=first.service,
        applicant=citizen,
        office=Office.objects.get(code="do-5001"),
        status=ApplicationStatus.IN_PROGRESS,
        stage="intake",
        submitted_at=timezone.now(),
    )
    second = builder.version_draft(service=first.service, actor=builder_admin)
    assert second.number == 2 and second.status == VersionStatus.DRAFT
    assert (second.form, second.workflow) == (first.form, first.workflow)
    assert builder.version_draft(service=first.service, actor=builder_admin) == second
    builder.form_field_update(
        version=second,
        field_key="occupation",
        field={**FORM["sections"][0]["fields"][0], "label": text("อาชีพหลัก")},
        actor=builder_admin,
    )
    builder.version_publish(version=second, actor=builder_admin)
    first.refresh_from_db()
    assert first.status == VersionStatus.RETIRED
    assert first.form["sections"][0]["fields"][0]["label"]["th"] == "อาชีพ"
    application.refresh_from_db()
    assert application.version == first
    assert (
        ServiceVersion.objects.filter(
            service=first.service, status=VersionStatus.PUBLISHED
        ).get()
        == second
    )
    assert actions().count("eservices.version.draft") == 1
    event = (
        AuditEvent.objects.filter(action="eservices.version.publish")
        .order_by("id")
        .last()
    )
    assert event.after == {"number": 2, "retired": 1}
