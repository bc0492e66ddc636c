"""The builder's pages end to end: who may open them, defining a service
through the forms, refusals shown on the page, preview and publishing."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from saduak.accounts.choices import Role
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent
from saduak.eservices.choices import ApplicationStatus, VersionStatus
from saduak.eservices.models import Application, Service, ServiceVersion
from saduak.eservices.services import builder
from saduak.eservices.tests.test_builder_services import FORM, MANUAL, WORKFLOW

pytestmark = pytest.mark.django_db
CODE = "low-income-certificate"


def url(name, *args):
    return reverse(f"eservices-builder:{name}", args=args)


def en_url(name, *args):
    with translation.override("en"):
        return url(name, *args)


@pytest.fixture
def admin(make_staff):
    return make_staff(Role.ESERVICE_ADMIN, "hq")


@pytest.fixture
def browser(admin, client_for):
    return client_for(admin)


@pytest.fixture
def draft(admin):
    service = builder.service_create(
        code=CODE,
        name_th="หนังสือรับรองผู้มีรายได้น้อย",
        name_en="Certificate of low income",
        bureau_th="สำนักทะเบียน",
        bureau_en="Registration Bureau",
        actor=admin,
    )
    return service.versions.get()


def published(admin, draft):
    builder.version_update(
        version=draft, actor=admin, manual=MANUAL, form=FORM, workflow=WORKFLOW
    )
    return builder.version_publish(version=draft, actor=admin)


def page_text(response):
    return response.content.decode()


def test_a_counter_officer_gets_403_on_every_builder_page(
    make_staff, client_for, draft
):
    officer = client_for(make_staff(Role.COUNTER_OFFICER, "do-5001"))
    assert officer.get(url("list")).status_code == 403
    assert officer.get(url("manual", CODE, 1)).status_code == 403
    response = officer.post(
        url("create"), {"code": "other", "name_th": "x", "bureau_th": "y"}
    )
    assert response.status_code == 403
    assert not Service.objects.filter(code="other").exists()


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, db):
    response = client.get(url("list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_list_marks_the_built_in_services_in_few_queries(
    browser, draft, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = browser.get(en_url("list"))
    text = page_text(response)
    assert "Built in" in text
    assert "Certificate of low income" in text
    assert Service.objects.filter(is_builtin=True).count() >= 3


def test_an_administrator_creates_a_service_and_it_starts_with_a_draft(browser):
    response = browser.post(
        en_url("create"),
        {
            "code": CODE,
            "name_th": "หนังสือรับรองผู้มีรายได้น้อย",
            "name_en": "Certificate of low income",
            "bureau_th": "สำนักทะเบียน",
            "bureau_en": "Registration Bureau",
        },
    )
    assert response.status_code == 302
    service = Service.objects.get(code=CODE)
    assert service.versions.get().status == VersionStatus.DRAFT
    assert AuditEvent.objects.filter(action="eservices.service.create").exists()


def test_a_code_in_use_is_shown_on_the_code_field_and_what_was_typed_stays(
    browser, draft
):
    response = browser.post(
        en_url("create"),
        {"code": CODE, "name_th": "ซ้ำ", "bureau_th": "สำนักทะเบียน"},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "exists already" in text and "ซ้ำ" in text
    assert 'href="#id_code"' in text


def test_responsible_offices_are_found_by_search_and_saved(browser, draft):
    response = browser.get(en_url("service", CODE), {"office_search": "5001"})
    office = Office.objects.get(code="do-5001")
    assert f'value="{office.pk}"' in page_text(response)
    response = browser.post(
        url("offices-save", CODE), {"shown": [office.pk], "offices": [office.pk]}
    )
    assert response.status_code == 302
    assert list(draft.service.offices.all()) == [office]
    event = AuditEvent.objects.get(action="eservices.service.update")
    assert event.after == {"offices": ["do-5001"]}


def test_the_manual_is_saved_from_lines_in_thai_and_english(browser, draft):
    response = browser.post(
        url("manual", CODE, 1),
        {
            "steps_th": "ยื่นคำขอ\nรับหนังสือ",
            "steps_en": "Apply\nGet the letter",
            "processing_days": "5",
            "documents_th": "บัตรประชาชน",
            "fees_th": "ไม่มีค่าธรรมเนียม",
            "complaints_th": "ศูนย์ดำรงธรรม",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.manual["steps"][1] == {"th": "รับหนังสือ", "en": "Get the letter"}
    assert draft.manual["processing_days"] == 5
    assert AuditEvent.objects.filter(action="eservices.version.update").exists()


def test_more_english_lines_than_thai_ones_are_refused(browser, draft):
    response = browser.post(
        en_url("manual", CODE, 1), {"steps_th": "ยื่น", "steps_en": "Apply\nWait"}
    )
    assert response.status_code == 400
    assert "more English lines" in page_text(response)


def test_sections_and_fields_are_built_through_the_form_editor(browser, draft):
    assert (
        browser.post(
            url("section-add", CODE, 1),
            {"new-title_th": "เกี่ยวกับท่าน", "new-title_en": "About you"},
        ).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.form["sections"][0]["key"] == "about_you"
    response = browser.get(
        en_url("field-new", CODE, 1), {"section": "about_you", "type": "yesno"}
    )
    assert "Choices" not in page_text(response)
    browser.post(
        url("field-new", CODE, 1),
        {
            "section": "about_you",
            "type": "yesno",
            "label_th": "มีบัตรสวัสดิการ",
            "label_en": "Has a welfare card",
            "required": "on",
        },
    )
    draft.refresh_from_db()
    yes_value = '["has_a_welfare_card", "yes"]'
    response = browser.get(
        url("field-new", CODE, 1), {"section": "about_you", "type": "text"}
    )
    assert "has_a_welfare_card" in page_text(response)
    browser.post(
        url("field-new", CODE, 1),
        {
            "section": "about_you",
            "type": "text",
            "key": "card_number",
            "label_th": "เลขบัตร",
            "max_length": "20",
            "show_if": yes_value,
        },
    )
    browser.post(
        url("field-new", CODE, 1),
        {
            "section": "about_you",
            "type": "choice",
            "key": "housing",
            "label_th": "ที่อยู่อาศัย",
            "choices": "own|บ้านของตนเอง|Own home\nrent|เช่า|Rented",
            "required": "on",
        },
    )
    browser.post(
        url("field-new", CODE, 1),
        {
            "section": "about_you",
            "type": "table",
            "key": "members",
            "label_th": "สมาชิก",
            "max_rows": "5",
            "col-TOTAL_FORMS": "2",
            "col-INITIAL_FORMS": "0",
            "col-0-key": "name",
            "col-0-type": "text",
            "col-0-label_th": "ชื่อ",
            "col-0-required": "on",
            "col-1-type": "text",
        },
    )
    browser.post(
        url("field-new", CODE, 1),
        {
            "section": "about_you",
            "type": "file",
            "key": "proof",
            "label_th": "หลักฐาน",
            "file_types": ["pdf", "jpg"],
            "max_size_mb": "5",
            "max_files": "2",
        },
    )
    draft.refresh_from_db()
    fields = {field["key"]: field for field in draft.form["sections"][0]["fields"]}
    assert list(fields) == [
        "has_a_welfare_card",
        "card_number",
        "housing",
        "members",
        "proof",
    ]
    assert fields["card_number"]["show_if"] == {
        "field": "has_a_welfare_card",
        "equals": "yes",
    }
    assert fields["housing"]["choices"][1] == {
        "value": "rent",
        "label": {"th": "เช่า", "en": "Rented"},
    }
    assert fields["members"]["columns"] == [
        {
            "key": "name",
            "type": "text",
            "label": {"th": "ชื่อ", "en": ""},
            "required": True,
        }
    ]
    assert fields["proof"]["file_types"] == ["pdf", "jpg"]
    assert AuditEvent.objects.filter(action="eservices.form.field_add").count() == 5


def test_a_malformed_field_is_refused_on_the_page_and_what_was_typed_stays(
    browser, draft
):
    builder.form_section_add(
        version=draft,
        key="about",
        title={"th": "เกี่ยวกับ"},
        actor=draft.service.created_by,
    )
    response = browser.post(
        en_url("field-new", CODE, 1),
        {
            "section": "about",
            "type": "choice",
            "key": "housing",
            "label_th": "ที่อยู่อาศัยของข้าพเจ้า",
            "choices": "only-a-value",
        },
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "value|Thai|English" in text and "ที่อยู่อาศัยของข้าพเจ้า" in text
    draft.refresh_from_db()
    assert draft.form["sections"][0]["fields"] == []


def test_editing_a_published_version_is_refused_with_a_new_version_offered(
    browser, admin, draft
):
    version = published(admin, draft)
    response = browser.post(en_url("manual", CODE, 1), {"steps_th": "ใหม่"})
    assert response.status_code == 400
    assert "Version 1 is published and can never change" in page_text(response)
    response = browser.post(
        en_url("field-edit", CODE, 1, "occupation"), {"label_th": "อาชีพใหม่"}
    )
    assert response.status_code == 400
    assert "Version 1 is published and can never change" in page_text(response)
    version.refresh_from_db()
    assert version.manual["steps"][0]["th"] == "ยื่นคำขอ"
    assert version.form == FORM
    page = page_text(browser.get(en_url("form", CODE, 1)))
    assert "Make a new version" in page and "Add a field here" not in page
    assert browser.post(url("version-new", CODE)).status_code == 302
    assert ServiceVersion.objects.get(service=version.service, number=2).status == (
        VersionStatus.DRAFT
    )


def test_an_invalid_workflow_piece_is_refused_with_the_reason(browser, admin, draft):
    builder.version_update(
        version=draft, actor=admin, workflow={"stages": WORKFLOW["stages"]}
    )
    response = browser.post(
        en_url("transition-add", CODE, 1),
        {"tr-source": "intake", "tr-action": "approve", "tr-target": "closed"},
    )
    assert response.status_code == 400
    assert "is not an action of the stage" in page_text(response)
    draft.refresh_from_db()
    assert draft.workflow["transitions"] == []
    page = page_text(browser.get(en_url("workflow", CODE, 1)))
    assert "Before publishing" in page and "has no way out" in page


def test_stages_and_transitions_are_built_through_the_workflow_editor(browser, draft):
    for stage in WORKFLOW["stages"]:
        response = browser.post(
            url("stage-add", CODE, 1),
            {
                "new-code": stage["code"],
                "new-kind": stage["kind"],
                "new-name_th": stage["name"]["th"],
                "new-roles": stage["roles"],
                "new-target_days": stage["target_days"],
            },
        )
        assert response.status_code == 302
    for item in WORKFLOW["transitions"]:
        response = browser.post(
            url("transition-add", CODE, 1),
            {
                "tr-source": item["from"],
                "tr-action": item["action"],
                "tr-target": item["to"],
            },
        )
        assert response.status_code == 302
    draft.refresh_from_db()
    assert (
        builder.workflow_check(draft.workflow, complete=True)["transitions"]
        == (WORKFLOW["transitions"])
    )
    browser.post(
        url("transition-remove", CODE, 1), {"source": "review", "action": "return"}
    )
    draft.refresh_from_db()
    assert len(draft.workflow["transitions"]) == 3
    assert AuditEvent.objects.filter(
        action="eservices.workflow.transition_remove"
    ).exists()


def test_the_preview_shows_the_manual_and_each_page_and_saves_nothing(
    browser, admin, draft
):
    builder.version_update(version=draft, actor=admin, manual=MANUAL, form=FORM)
    before = draft.updated_at
    manual = page_text(browser.get(en_url("preview", CODE, 1)))
    assert "Damrongdham center" in manual and "5 working days" in manual
    first = page_text(browser.get(en_url("preview", CODE, 1), {"page": 1}))
    assert 'name="occupation"' in first and 'data-show-if-field="has_card"' in first
    last = page_text(browser.get(en_url("preview", CODE, 1), {"page": 9}))
    assert "I declare it is true" in last
    draft.refresh_from_db()
    assert draft.updated_at == before


def test_publishing_needs_the_confirmation_and_lists_what_is_missing(
    browser, admin, draft
):
    page = page_text(browser.get(en_url("publish", CODE, 1)))
    assert "cannot be published yet" in page and "manual is not complete" in page
    builder.version_update(
        version=draft, actor=admin, manual=MANUAL, form=FORM, workflow=WORKFLOW
    )
    response = browser.post(en_url("publish", CODE, 1), {})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_publishing_retires_the_old_version_and_applications_keep_theirs(
    browser, admin, draft, citizen
):
    first = published(admin, draft)
    application = Application.objects.create(
        reference="T-0002",
        version=first,
        service=first.service,
        applicant=citizen,
        office=Office.objects.get(code="do-5001"),
        status=ApplicationStatus.IN_PROGRESS,
        stage="review",
        submitted_at=timezone.now(),
    )
    browser.post(url("version-new", CODE))
    response = browser.post(url("publish", CODE, 2), {"confirm": "on"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == VersionStatus.RETIRED
    assert ServiceVersion.objects.get(service=first.service, number=2).status == (
        VersionStatus.PUBLISHED
    )
    application.refresh_from_db()
    assert application.version_id == first.pk
    assert AuditEvent.objects.filter(action="eservices.version.publish").count() == 2


def test_the_pages_are_in_thai_by_default(browser, draft):
    with translation.override("th"):
        text = page_text(browser.get(url("manual", CODE, 1)))
    assert 'lang="th"' in text
