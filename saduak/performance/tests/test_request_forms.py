"""Report forms built with the shared form editor: a draft directive
request's form and a GECC round's readiness form (services/request_forms.py,
views/forms.py). Who may change them, only while drafts, what a report form
may not hold (a secret, a bank account, a declaration, the digital ID), each
change audited, refusals leave everything as it was; the editor's pages."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse as reverse_any
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.forms_engine import editing
from saduak.performance.choices import GeccRoundStatus, RequestKind, RequestStatus
from saduak.performance.models import GeccRound, ReportRequest
from saduak.performance.services.request_forms import (
    gecc_readiness_form_edit,
    gecc_readiness_form_set,
    request_form_edit,
    request_form_set,
)
from saduak.performance.tests.form_factories import draft_request, draft_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


def text(thai: str, english: str = "") -> dict[str, str]:
    return {"th": thai, "en": english}


TABLE = {
    "key": "visits",
    "type": "table",
    "label": text("ผู้มาติดต่อแยกตามงาน", "Visitors by service"),
    "required": True,
    "columns": [
        {"key": "service", "type": "text", "label": text("งาน", "Service")},
        {"key": "people", "type": "number", "label": text("จำนวน", "People")},
    ],
}
FORM = {
    "sections": [
        {
            "key": "counts",
            "title": text("จำนวน", "Counts"),
            "fields": [
                TABLE,
                {
                    "key": "note",
                    "type": "textarea",
                    "label": text("หมายเหตุ", "Note"),
                    "required": False,
                },
            ],
        }
    ]
}


def with_field(field: dict[str, Any]) -> dict[str, Any]:
    return {
        "sections": [
            {**FORM["sections"][0], "fields": [*FORM["sections"][0]["fields"], field]}
        ]
    }


PASSWORD = {
    "key": "system_login",
    "type": "text",
    "label": text("ชื่อผู้ใช้และรหัสผ่านระบบ", "System username and password"),
    "required": True,
}


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.fixture
def hq_admin(make_staff: Any) -> Any:
    return make_staff(Role.HQ_ADMIN, "hq")


@pytest.fixture
def province_staff(make_staff: Any) -> Any:
    return make_staff(Role.PROVINCIAL_STAFF, "pao-50")


@pytest.fixture
def report(small_map: None) -> ReportRequest:
    return draft_request("pao-50")


# --- the request's form -------------------------------------------------------


def test_the_issuer_sets_the_form_with_a_table_and_it_is_audited(
    report, province_staff
):
    saved = request_form_set(actor=province_staff, request=report, form=FORM)
    assert saved.form == FORM
    report.refresh_from_db()
    assert report.form == FORM
    [event] = events("report_request.update")
    assert event.after["form"]["edit"] == "replace"
    assert event.after["form"]["fields"] == 2
    assert event.office_id == report.issuer_id
    assert event.province_code == "50"
    assert event.actor_id == province_staff.pk


def test_each_editor_operation_is_one_audited_change(report, hq_admin):
    request_form_edit(
        actor=hq_admin,
        request=report,
        operation=lambda form: editing.section_add(
            form, key="counts", title=text("จำนวน", "Counts")
        ),
    )
    request_form_edit(
        actor=hq_admin,
        request=report,
        operation=lambda form: editing.field_add(
            form, section_key="counts", field=TABLE
        ),
    )
    report.refresh_from_db()
    assert report.form["sections"][0]["fields"] == [TABLE]
    assert [
        event.after["form"]["edit"] for event in events("report_request.update")
    ] == [
        "section_add",
        "field_add",
    ]


@pytest.mark.parametrize(
    ("role", "office"),
    [
        (Role.PROVINCIAL_STAFF, "pao-10"),
        (Role.DISTRICT_ADMIN, "do-5001"),
        (Role.COUNTER_OFFICER, "do-5001"),
    ],
)
def test_someone_who_may_not_issue_for_the_issuer_is_refused(
    report, make_staff, role, office
):
    actor = make_staff(role, office)
    with pytest.raises((PermissionDeniedError, NotFound)):
        request_form_set(actor=actor, request=report, form=FORM)
    report.refresh_from_db()
    assert report.form == {}
    assert events("report_request.update") == []


def test_a_sent_request_or_a_gecc_one_keeps_its_form(report, province_staff):
    ReportRequest.objects.filter(pk=report.pk).update(status=RequestStatus.SENT)
    with pytest.raises(Conflict, match="can no longer change"):
        request_form_set(actor=province_staff, request=report, form=FORM)
    gecc = draft_request("hq", kind=RequestKind.GECC_REGISTRATION)
    with pytest.raises(Conflict, match="GECC round makes"):
        request_form_set(actor="system", request=gecc, form=FORM)
    assert ReportRequest.objects.get(pk=report.pk).form == {}
    assert ReportRequest.objects.get(pk=gecc.pk).form == {}
    assert events("report_request.update") == []


@pytest.mark.parametrize(
    "field",
    [
        PASSWORD,
        {"key": "otp", "type": "text", "label": text("รหัส OTP", "OTP")},
        {"key": "pwd", "type": "text", "label": text("รหัส ผ่าน")},
        {
            "key": "access",
            "type": "text",
            "label": text("ข้อมูลระบบ", "System"),
            "help": text("", "Give us the API key of the counter system"),
        },
    ],
)
def test_a_field_asking_for_a_password_or_secret_is_refused_with_the_reason(
    report, province_staff, field
):
    with pytest.raises(InvalidInput, match="never asks an office for a password"):
        request_form_set(actor=province_staff, request=report, form=with_field(field))
    report.refresh_from_db()
    assert report.form == {}
    assert events("report_request.update") == []


def test_a_secret_column_of_a_table_is_refused_too(report, province_staff):
    table = {
        **TABLE,
        "columns": [
            *TABLE["columns"],
            {"key": "password", "type": "text", "label": text("รหัสผ่าน", "Password")},
        ],
    }
    with pytest.raises(InvalidInput, match="password"):
        request_form_set(
            actor=province_staff,
            request=report,
            form={"sections": [{**FORM["sections"][0], "fields": [table]}]},
        )
    assert events("report_request.update") == []


def test_an_office_code_or_a_postal_code_is_no_secret(report, province_staff):
    code = {
        "key": "office_code",
        "type": "text",
        "label": text("รหัสสำนักงาน", "Office code"),
    }
    request_form_set(actor=province_staff, request=report, form=with_field(code))
    assert len(events("report_request.update")) == 1


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (
            {
                "key": "account",
                "type": "bank_account",
                "label": text("บัญชีธนาคาร", "Bank account"),
            },
            "of a type this form cannot have",
        ),
        (
            {"key": "declaration", "type": "declaration", "label": text("ขอรับรอง")},
            "of a type this form cannot have",
        ),
        (
            {
                "key": "name",
                "type": "text",
                "label": text("ชื่อ", "Name"),
                "prefill": "full_name",
            },
            "cannot be filled in from the digital ID",
        ),
    ],
)
def test_what_only_a_citizens_form_has_is_refused(
    report, province_staff, field, message
):
    with pytest.raises(InvalidInput, match=message):
        request_form_set(actor=province_staff, request=report, form=with_field(field))
    assert events("report_request.update") == []


def test_a_malformed_form_is_refused_and_nothing_saved(report, province_staff):
    request_form_set(actor=province_staff, request=report, form=FORM)
    broken = with_field({"key": "pick", "type": "choice", "label": text("เลือก")})
    with pytest.raises(InvalidInput, match="list of choices"):
        request_form_set(actor=province_staff, request=report, form=broken)
    report.refresh_from_db()
    assert report.form == FORM
    assert len(events("report_request.update")) == 1


# --- the GECC round's readiness form -------------------------------------------


def test_hq_builds_the_readiness_form_while_the_round_is_prepared(small_map, hq_admin):
    round = draft_round()
    gecc_readiness_form_set(actor=hq_admin, round=round, form=FORM)
    gecc_readiness_form_edit(
        actor=hq_admin,
        round=round,
        operation=lambda form: editing.field_remove(form, field_key="note"),
    )
    round.refresh_from_db()
    assert [
        field["key"] for field in round.readiness_form["sections"][0]["fields"]
    ] == ["visits"]
    assert [event.after["form"]["edit"] for event in events("gecc_round.update")] == [
        "replace",
        "field_remove",
    ]


def test_the_readiness_form_is_refused_to_others_once_open_and_with_a_secret(
    small_map, province_staff, hq_admin
):
    round = draft_round()
    with pytest.raises(PermissionDeniedError):
        gecc_readiness_form_set(actor=province_staff, round=round, form=FORM)
    with pytest.raises(InvalidInput, match="password"):
        gecc_readiness_form_set(actor=hq_admin, round=round, form=with_field(PASSWORD))
    GeccRound.objects.filter(pk=round.pk).update(status=GeccRoundStatus.OPEN)
    with pytest.raises(Conflict, match="round is open"):
        gecc_readiness_form_set(actor=hq_admin, round=round, form=FORM)
    assert GeccRound.objects.get(pk=round.pk).readiness_form == {}
    assert events("gecc_round.update") == []


# --- the pages ------------------------------------------------------------------


def url(name: str, *args: Any) -> str:
    with translation.override("th"):
        return reverse_any(f"performance-forms:{name}", args=args)


def test_the_issuer_builds_a_report_form_with_a_table_through_the_pages(
    report, province_staff, client_for
):
    client = client_for(province_staff)
    page = client.get(url("edit", "request", report.public_id))
    assert page.status_code == 200
    assert "bank_account" not in page.content.decode()
    assert 'value="declaration"' not in page.content.decode()
    response = client.post(
        url("section-add", "request", report.public_id),
        {"new-title_th": "จำนวน", "new-title_en": "Counts"},
    )
    assert response.status_code == 302
    new = url("field-new", "request", report.public_id)
    page = client.get(new, {"section": "counts", "type": "table"})
    assert page.status_code == 200
    assert "prefill" not in page.content.decode()
    response = client.post(
        new,
        {
            "section": "counts",
            "type": "table",
            "label_th": "ผู้มาติดต่อแยกตามงาน",
            "label_en": "Visitors by service",
            "required": "on",
            "col-TOTAL_FORMS": "2",
            "col-INITIAL_FORMS": "0",
            "col-0-label_th": "งาน",
            "col-0-label_en": "Service",
            "col-0-type": "text",
            "col-1-label_th": "จำนวน",
            "col-1-label_en": "People",
            "col-1-type": "number",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    [field] = report.form["sections"][0]["fields"]
    assert field["type"] == "table"
    assert [column["type"] for column in field["columns"]] == ["text", "number"]
    assert [e.after["form"]["edit"] for e in events("report_request.update")] == [
        "section_add",
        "field_add",
    ]


def test_a_secret_field_is_refused_on_the_page_with_the_explanation(
    report, province_staff, client_for
):
    request_form_set(
        actor=province_staff,
        request=report,
        form={"sections": [{"key": "counts", "title": text("จำนวน"), "fields": []}]},
    )
    client = client_for(province_staff)
    response = client.post(
        "/en" + url("field-new", "request", report.public_id),
        {
            "section": "counts",
            "type": "text",
            "label_th": "ชื่อผู้ใช้และรหัสผ่าน",
            "label_en": "Username and password",
            "required": "on",
        },
    )
    assert response.status_code == 400
    assert "never asks an office for a password" in response.content.decode()
    report.refresh_from_db()
    assert report.form["sections"][0]["fields"] == []
    assert len(events("report_request.update")) == 1


def test_a_type_the_report_form_does_not_offer_is_not_found(
    report, province_staff, client_for
):
    request_form_set(
        actor=province_staff,
        request=report,
        form={"sections": [{"key": "counts", "title": text("จำนวน"), "fields": []}]},
    )
    page = client_for(province_staff).get(
        url("field-new", "request", report.public_id),
        {"section": "counts", "type": "bank_account"},
    )
    assert page.status_code == 404


def test_the_pages_are_for_the_issuer_only(report, make_staff, client_for):
    edit = url("edit", "request", report.public_id)
    add = url("section-add", "request", report.public_id)
    # Outside what they can read: not found; readable but not theirs: 403.
    for role, office in (
        (Role.PROVINCIAL_STAFF, "pao-10"),
        (Role.DISTRICT_ADMIN, "do-5001"),
    ):
        client = client_for(make_staff(role, office))
        assert client.get(edit).status_code == 404
        assert client.post(add, {"new-title_th": "จำนวน"}).status_code == 404
    auditor = client_for(make_staff(Role.AUDITOR, "hq"))
    assert auditor.get(edit).status_code == 403
    assert auditor.post(add, {"new-title_th": "จำนวน"}).status_code == 403
    assert events("report_request.update") == []


def test_a_sent_request_shows_its_form_read_only(report, province_staff, client_for):
    request_form_set(actor=province_staff, request=report, form=FORM)
    ReportRequest.objects.filter(pk=report.pk).update(status=RequestStatus.SENT)
    client = client_for(province_staff)
    page = client.get("/en" + url("edit", "request", report.public_id))
    assert page.status_code == 200
    content = page.content.decode()
    assert "its report form can no longer change" in content
    assert "Add a section" not in content
    assert "Visitors by service" in content
    response = client.post(
        "/en" + url("field-remove", "request", report.public_id, "note"), follow=True
    )
    assert "can no longer change" in response.content.decode()
    assert len(events("report_request.update")) == 1


def test_hq_edits_the_readiness_form_page_and_others_are_refused(
    small_map, hq_admin, province_staff, client_for
):
    round = draft_round()
    assert (
        client_for(hq_admin).get(url("edit", "gecc", round.public_id)).status_code
        == 200
    )
    assert (
        client_for(province_staff).get(url("edit", "gecc", round.public_id)).status_code
        == 403
    )
    assert (
        client_for(hq_admin).get(url("edit", "other", round.public_id)).status_code
        == 404
    )
