"""HQ registers partners and their clients: services, pages and API."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.core.errors import InvalidInput, PermissionDeniedError
from saduak.identity.models import Partner
from saduak.identity.oidc import services
from saduak.identity.oidc.client_cache import application_with_partner
from saduak.identity.tests.oidc_helpers import REDIRECT_URI, make_client, make_partner

pytestmark = pytest.mark.django_db

NEW_PARTNER = {
    "name_th": "กรมการจัดหางาน",
    "name_en": "Department of Employment",
    "kind": "agency",
    "purpose_th": "ยืนยันตัวตนผู้ขอรับสิทธิ",
    "purpose_en": "To confirm who applies",
    "allowed_scopes": "profile birthdate",
    "identity_checks_per_day": 500,
}


@pytest.fixture
def hq(make_staff):
    return make_staff(Role.HQ_ADMIN, "hq")


@pytest.fixture
def auditor(make_staff):
    return make_staff(Role.AUDITOR, "hq")


def test_hq_registers_a_partner_with_openid_always_allowed_and_audited(hq):
    partner = services.partner_create(actor=hq, **NEW_PARTNER)
    assert partner.allowed_scopes == "birthdate openid profile"
    event = AuditEvent.objects.get(action="identity.partner.create")
    assert event.after["name_th"] == "กรมการจัดหางาน"


def test_a_scope_that_does_not_exist_is_dropped(hq):
    partner = services.partner_create(
        actor=hq, **NEW_PARTNER | {"allowed_scopes": "profile everything"}
    )
    assert partner.allowed_scopes == "openid profile"


@pytest.mark.parametrize("role", [Role.DISTRICT_ADMIN, Role.AUDITOR])
def test_only_hq_administrators_register_or_change_partners(make_staff, role):
    office = "hq" if role == Role.AUDITOR else "do-5001"
    someone = make_staff(role, office)
    with pytest.raises(PermissionDeniedError):
        services.partner_create(actor=someone, **NEW_PARTNER)
    partner = make_partner()
    with pytest.raises(PermissionDeniedError):
        services.partner_update(actor=someone, partner=partner, is_active=False)
    assert not AuditEvent.objects.filter(action__startswith="identity.partner").exists()


def test_a_missing_purpose_is_refused_and_nothing_is_saved(hq):
    with pytest.raises(InvalidInput) as refused:
        services.partner_create(actor=hq, **NEW_PARTNER | {"purpose_th": ""})
    assert refused.value.field == "purpose_th"
    assert not Partner.objects.exists()


def test_withdrawing_a_partner_takes_effect_at_once_for_its_clients(hq):
    partner = make_partner()
    application, _ = make_client(partner)
    assert application_with_partner(application.client_id)[1].is_active
    with pytest.raises(AssertionError):  # still remembered before the change
        assert application_with_partner(application.client_id) is None
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.partner_update(actor=hq, partner=partner, is_active=False)
    assert not application_with_partner(application.client_id)[1].is_active
    event = AuditEvent.objects.get(action="identity.partner.update")
    assert (event.before, event.after) == ({"is_active": True}, {"is_active": False})


def test_an_update_that_changes_nothing_is_not_audited(hq):
    partner = make_partner()
    services.partner_update(actor=hq, partner=partner, name_th=partner.name_th)
    assert not AuditEvent.objects.filter(action="identity.partner.update").exists()


def test_removing_a_client_ends_its_tokens(hq, citizen):
    from datetime import timedelta

    from django.utils import timezone

    partner = make_partner()
    application, _ = make_client(partner)
    AccessToken.objects.create(
        application=application,
        user=citizen,
        token="t-1",
        scope="openid",
        expires=timezone.now() + timedelta(hours=1),
    )
    services.partner_client_remove(
        actor=hq, partner=partner, client_id=application.client_id
    )
    assert not Application.objects.exists()
    assert not AccessToken.objects.exists()
    assert AuditEvent.objects.filter(action="identity.oidc.client.remove").exists()


def test_a_client_of_another_partner_cannot_be_removed_through_this_one(hq):
    from saduak.core.errors import NotFound

    application, _ = make_client(make_partner())
    with pytest.raises(NotFound):
        services.partner_client_remove(
            actor=hq, partner=make_partner(), client_id=application.client_id
        )
    assert Application.objects.filter(pk=application.pk).exists()


# --- Pages ---------------------------------------------------------------------------
def test_hq_registers_a_partner_and_a_client_through_the_pages_and_sees_the_secret_once(
    hq, client_for
):
    browser = client_for(hq)
    response = browser.post(
        "/staff/partners/new/",
        {
            "name_th": "ธนาคารตัวอย่าง",
            "name_en": "Example Bank",
            "kind": "bank",
            "purpose_th": "ยืนยันตัวตนเมื่อเปิดบัญชี",
            "scopes": ["profile", "personal_id"],
            "identity_checks_per_day": "1000",
            "is_active": "on",
        },
    )
    partner = Partner.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/partners/{partner.public_id}/"
    assert partner.allowed_scopes == "openid personal_id profile"
    added = browser.post(
        f"/staff/partners/{partner.public_id}/clients/",
        {"kind": "server", "redirect_uris": REDIRECT_URI, "name": "web"},
    )
    assert added.status_code == 201
    application = Application.objects.get()
    page = added.content.decode()
    assert application.client_id in page
    assert "client_secret" in page
    assert added["Cache-Control"].startswith("max-age=0")
    again = browser.get(f"/staff/partners/{partner.public_id}/").content.decode()
    assert application.client_id in again and "client_secret" not in again


def test_a_sign_in_client_without_a_redirect_uri_is_refused_on_the_page(hq, client_for):
    partner = make_partner()
    response = client_for(hq).post(
        f"/staff/partners/{partner.public_id}/clients/", {"kind": "server"}
    )
    assert response.status_code == 400
    assert 'href="#id_redirect_uris"' in response.content.decode()
    assert not Application.objects.exists()


def test_a_partner_form_without_a_name_keeps_what_was_typed(hq, client_for):
    response = client_for(hq).post(
        "/staff/partners/new/",
        {"kind": "bank", "purpose_th": "เหตุผลที่พิมพ์ไว้", "identity_checks_per_day": "5"},
    )
    assert response.status_code == 400
    assert "เหตุผลที่พิมพ์ไว้" in response.content.decode()
    assert not Partner.objects.exists()


def test_an_auditor_reads_the_partners_but_has_no_forms(auditor, client_for):
    partner = make_partner()
    browser = client_for(auditor)
    assert partner.name_th in browser.get("/staff/partners/").content.decode()
    page = browser.get(f"/staff/partners/{partner.public_id}/").content.decode()
    assert "client-add" not in page and 'name="purpose_th"' not in page
    refused = browser.post(f"/staff/partners/{partner.public_id}/", {"name_th": "x"})
    assert refused.status_code == 403


def test_a_district_officer_cannot_open_the_partner_pages(make_staff, client_for):
    officer = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    assert client_for(officer).get("/staff/partners/").status_code == 403


# --- API ---------------------------------------------------------------------------
def test_the_api_registers_a_partner_and_a_machine_client(hq, client_for):
    api = client_for(hq)
    created = api.post(
        "/api/v1/identity/partners",
        {
            "name_th": "ธนาคาร",
            "kind": "bank",
            "purpose_th": "เปิดบัญชี",
            "scopes": ["profile"],
            "may_check_identity": True,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["allowed_scopes"] == "openid profile"
    machine = api.post(
        f"/api/v1/identity/partners/{body['id']}/clients",
        {"kind": "machine"},
        content_type="application/json",
    )
    assert machine.status_code == 201
    assert machine.json()["grant_type"] == "client-credentials"
    assert machine.json()["client_secret"]
    listed = api.get(f"/api/v1/identity/partners/{body['id']}").json()
    assert "client_secret" not in listed["clients"][0]
    changed = api.patch(
        f"/api/v1/identity/partners/{body['id']}",
        {"is_active": False},
        content_type="application/json",
    )
    assert changed.json()["is_active"] is False
    removed = api.delete(
        f"/api/v1/identity/partners/{body['id']}/clients/{machine.json()['client_id']}"
    )
    assert removed.status_code == 204


def test_the_api_refuses_an_unknown_scope_and_a_district_officer(
    hq, make_staff, client_for
):
    refused = client_for(hq).post(
        "/api/v1/identity/partners",
        {"name_th": "x", "kind": "bank", "purpose_th": "y", "scopes": ["all"]},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["invalid_params"][0]["name"] == "scopes.0"
    officer = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    assert client_for(officer).get("/api/v1/identity/partners").status_code == 403


def test_a_partner_outside_hq_answers_404_on_its_page_and_in_the_api(
    make_staff, client_for
):
    partner = make_partner()
    district = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    assert district.get(f"/staff/partners/{partner.public_id}/").status_code == 404
    answer = district.get(f"/api/v1/identity/partners/{partner.public_id}")
    assert answer.status_code == 404
    assert district.get(f"/staff/partners/{partner.pk}/").status_code == 404


def test_hq_ends_every_token_of_a_partner_and_it_is_audited(hq, citizen):
    partner = make_partner()
    application, _secret = make_client(partner)
    AccessToken.objects.create(
        user=citizen,
        application=application,
        token="leaked",
        expires=timezone.now() + timedelta(hours=1),
        scope="openid",
    )
    ended = services.partner_tokens_revoke_all(actor=hq, partner=partner)
    assert ended == 1
    assert not AccessToken.objects.filter(token="leaked").exists()
    event = AuditEvent.objects.get(action="identity.partner.tokens_revoke")
    assert event.after == {"tokens_revoked": 1}


def test_an_auditor_cannot_end_a_partners_tokens(auditor, citizen):
    partner = make_partner()
    application, _secret = make_client(partner)
    AccessToken.objects.create(
        user=citizen,
        application=application,
        token="kept",
        expires=timezone.now() + timedelta(hours=1),
        scope="openid",
    )
    with pytest.raises(PermissionDeniedError):
        services.partner_tokens_revoke_all(actor=auditor, partner=partner)
    assert AccessToken.objects.filter(token="kept").exists()
    assert not AuditEvent.objects.filter(
        action="identity.partner.tokens_revoke"
    ).exists()
