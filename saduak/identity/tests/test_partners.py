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


# --- A client's keys and security settings (issue 20) ---------------------------
def _public_jwk(kid: str, use: str = "sig", kty: str = "EC") -> dict:
    from jwcrypto import jwk

    key = (
        jwk.JWK.generate(kty="EC", crv="P-256")
        if kty == "EC"
        else jwk.JWK.generate(kty="RSA", size=2048)
    )
    return {**key.export_public(as_dict=True), "kid": kid, "use": use}


def _private_jwk(kid: str) -> dict:
    from jwcrypto import jwk

    key = jwk.JWK.generate(kty="EC", crv="P-256")
    return {**key.export(as_dict=True), "kid": kid, "use": "sig"}


def test_moving_a_client_to_private_key_jwt_erases_its_secret_and_is_audited(hq):
    from django.contrib.auth.hashers import check_password
    from django.test import TestCase

    partner = make_partner()
    application, secret = make_client(partner)
    assert check_password(secret, application.client_secret)
    with TestCase.captureOnCommitCallbacks(execute=True):
        changed, new_secret = services.partner_client_update(
            actor=hq,
            partner=partner,
            client_id=application.client_id,
            token_endpoint_auth_method="private_key_jwt",
            jwks={"keys": [_public_jwk("k1")]},
            id_token_signed_response_alg="ES256",
            dpop_bound_access_tokens=True,
        )
    assert new_secret is None
    application.refresh_from_db()
    assert not check_password(secret, application.client_secret)
    settings_ = application.partner_client
    assert settings_.token_endpoint_auth_method == "private_key_jwt"
    assert settings_.jwks["keys"][0]["kid"] == "k1"
    assert "d" not in settings_.jwks["keys"][0]
    cached = application_with_partner(application.client_id)[0]
    assert cached.partner_client.token_endpoint_auth_method == "private_key_jwt"
    event = AuditEvent.objects.get(action="identity.oidc.client.update")
    assert event.before["token_endpoint_auth_method"] == "client_secret_basic"
    assert event.after["jwks"] == ["k1 (sig)"]
    assert event.after["client_secret"] == "erased"
    assert "x" not in str(event.after["jwks"])  # keys by kid only


def test_moving_back_to_a_secret_gives_a_new_one_shown_once(hq):
    from django.contrib.auth.hashers import check_password

    partner = make_partner()
    application, _secret = services.partner_client_create(
        partner=partner,
        actor=hq,
        redirect_uris=[REDIRECT_URI],
        confidential=True,
        token_endpoint_auth_method="private_key_jwt",
        jwks_uri="https://keys.example.go.th/jwks.json",
    )
    assert _secret is None
    _changed, secret = services.partner_client_update(
        actor=hq,
        partner=partner,
        client_id=application.client_id,
        token_endpoint_auth_method="client_secret_post",
        jwks_uri="",
    )
    application.refresh_from_db()
    assert secret and check_password(secret, application.client_secret)
    event = AuditEvent.objects.get(action="identity.oidc.client.update")
    assert event.after["client_secret"] == "new"
    assert secret not in str(event.after)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"token_endpoint_auth_method": "private_key_jwt"}, "jwks"),
        ({"token_endpoint_auth_method": "none"}, "token_endpoint_auth_method"),
        ({"jwks": {"keys": [_private_jwk("secret-half")]}}, "jwks"),
        ({"jwks": {"keys": "nope"}}, "jwks"),
        (
            {
                "jwks": {"keys": [_public_jwk("a")]},
                "jwks_uri": "https://keys.example.go.th/jwks.json",
            },
            "jwks_uri",
        ),
        ({"jwks_uri": "http://keys.example.go.th/jwks.json"}, "jwks_uri"),
        ({"backchannel_logout_uri": "https://rp.example/logout#x"}, None),
        ({"id_token_encrypted_response_alg": "RSA-OAEP-256"}, "jwks"),
        (
            {
                "jwks": {"keys": [_public_jwk("e", use="enc", kty="EC")]},
                "id_token_encrypted_response_alg": "RSA-OAEP-256",
            },
            "jwks",
        ),
        ({"id_token_encrypted_response_enc": "A256GCM"}, None),
        ({"id_token_signed_response_alg": "HS256"}, None),
        ({"redirect_uris": []}, "redirect_uris"),
        ({"redirect_uris": ["http://evil.example/cb"]}, "redirect_uris"),
        ({"require_signed_request_object": True}, "jwks"),
    ],
)
def test_settings_that_do_not_fit_are_refused_and_nothing_changes(hq, fields, field):
    partner = make_partner()
    application, _secret = make_client(partner)
    before = application.client_secret
    with pytest.raises(InvalidInput) as refused:
        services.partner_client_update(
            actor=hq, partner=partner, client_id=application.client_id, **fields
        )
    if field:
        assert refused.value.field == field
    application.refresh_from_db()
    assert application.client_secret == before
    assert application.partner_client.token_endpoint_auth_method == (
        "client_secret_basic"
    )
    assert application.partner_client.jwks == {}
    assert not AuditEvent.objects.filter(action="identity.oidc.client.update").exists()


def test_an_encrypted_id_token_gets_the_default_content_encryption(hq):
    partner = make_partner()
    application, _secret = make_client(partner)
    services.partner_client_update(
        actor=hq,
        partner=partner,
        client_id=application.client_id,
        jwks={"keys": [_public_jwk("e1", use="enc", kty="RSA")]},
        id_token_encrypted_response_alg="RSA-OAEP-256",
        backchannel_logout_uri="https://rp.example.go.th/backchannel",
        require_pushed_authorization_requests=True,
        may_introspect=True,
    )
    client = application_with_partner(application.client_id)[0].partner_client
    client.refresh_from_db()
    assert client.id_token_encrypted_response_enc == "A128CBC-HS256"
    assert client.backchannel_logout_uri == "https://rp.example.go.th/backchannel"


def test_an_app_client_cannot_introspect_and_a_machine_client_has_no_sign_in_rules(
    hq,
):
    partner = make_partner(may_check_identity=True)
    app, _ = services.partner_client_create(
        partner=partner, actor=hq, redirect_uris=[REDIRECT_URI]
    )
    with pytest.raises(InvalidInput) as refused:
        services.partner_client_update(
            actor=hq, partner=partner, client_id=app.client_id, may_introspect=True
        )
    assert refused.value.field == "may_introspect"
    machine, _ = services.partner_client_create(partner=partner, actor=hq, machine=True)
    with pytest.raises(InvalidInput) as refused:
        services.partner_client_update(
            actor=hq,
            partner=partner,
            client_id=machine.client_id,
            require_pushed_authorization_requests=True,
        )
    assert refused.value.field == "require_pushed_authorization_requests"
    with pytest.raises(InvalidInput):
        services.partner_client_update(
            actor=hq,
            partner=partner,
            client_id=machine.client_id,
            redirect_uris=[REDIRECT_URI],
        )


def test_only_hq_changes_a_client_and_not_through_another_partner(hq, auditor):
    from saduak.core.errors import NotFound

    partner = make_partner()
    application, _ = make_client(partner)
    with pytest.raises(PermissionDeniedError):
        services.partner_client_update(
            actor=auditor, partner=partner, client_id=application.client_id, name="x"
        )
    with pytest.raises(NotFound):
        services.partner_client_update(
            actor=hq, partner=make_partner(), client_id=application.client_id, name="x"
        )
    assert not AuditEvent.objects.filter(action="identity.oidc.client.update").exists()


def test_a_change_that_changes_nothing_is_not_audited(hq):
    partner = make_partner()
    application, _ = make_client(partner)
    services.partner_client_update(
        actor=hq,
        partner=partner,
        client_id=application.client_id,
        redirect_uris=application.redirect_uris.split(),
    )
    assert not AuditEvent.objects.filter(action="identity.oidc.client.update").exists()


def test_hq_creates_a_private_key_jwt_client_on_the_page_and_no_secret_is_shown(
    hq, client_for
):
    import json

    partner = make_partner()
    added = client_for(hq).post(
        f"/staff/partners/{partner.public_id}/clients/",
        {
            "kind": "server",
            "redirect_uris": REDIRECT_URI,
            "auth_method": "private_key_jwt",
            "jwks": json.dumps({"keys": [_public_jwk("k1")]}),
        },
    )
    assert added.status_code == 201, added.content.decode()
    application = Application.objects.get()
    assert application.partner_client.token_endpoint_auth_method == "private_key_jwt"
    assert "client_secret" not in added.content.decode()


def test_hq_changes_a_client_on_its_page_and_a_bad_key_keeps_what_was_typed(
    hq, client_for
):
    import json

    partner = make_partner()
    application, _ = make_client(partner)
    browser = client_for(hq)
    url = f"/staff/partners/{partner.public_id}/clients/{application.client_id}/"
    page = browser.get(url)
    assert page.status_code == 200
    assert 'name="token_endpoint_auth_method"' in page.content.decode()
    form = {
        "name": "web",
        "redirect_uris": REDIRECT_URI,
        "token_endpoint_auth_method": "private_key_jwt",
        "jwks": '{"keys": [',
        "id_token_signed_response_alg": "ES256",
    }
    refused = browser.post(url, form)
    assert refused.status_code == 400
    assert 'href="#id_jwks"' in refused.content.decode()
    private = browser.post(
        url, form | {"jwks": json.dumps({"keys": [_private_jwk("p")]})}
    )
    assert private.status_code == 400
    assert 'href="#id_jwks"' in private.content.decode()
    saved = browser.post(url, form | {"jwks": json.dumps({"keys": [_public_jwk("k")]})})
    assert saved.status_code == 302
    application.refresh_from_db()
    assert application.partner_client.id_token_signed_response_alg == "ES256"
    back = browser.post(
        url,
        form
        | {
            "jwks": json.dumps({"keys": [_public_jwk("k")]}),
            "token_endpoint_auth_method": "client_secret_basic",
        },
    )
    assert back.status_code == 200
    assert "client_secret" in back.content.decode()
    assert back["Cache-Control"].startswith("max-age=0")


def test_an_auditor_reads_a_clients_settings_but_cannot_change_them(
    auditor, client_for
):
    partner = make_partner()
    application, _ = make_client(partner)
    browser = client_for(auditor)
    url = f"/staff/partners/{partner.public_id}/clients/{application.client_id}/"
    page = browser.get(url)
    assert page.status_code == 200
    assert 'name="token_endpoint_auth_method"' not in page.content.decode()
    assert browser.post(url, {"name": "x"}).status_code == 403


def test_the_api_creates_a_private_key_jwt_client_and_changes_it(hq, client_for):
    api = client_for(hq)
    partner = make_partner()
    base = f"/api/v1/identity/partners/{partner.public_id}/clients"
    created = api.post(
        base,
        {
            "kind": "server",
            "redirect_uris": [REDIRECT_URI],
            "token_endpoint_auth_method": "private_key_jwt",
            "jwks": {"keys": [_public_jwk("k1")]},
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["client_secret"] is None
    assert body["token_endpoint_auth_method"] == "private_key_jwt"
    changed = api.patch(
        f"{base}/{body['client_id']}",
        {"dpop_bound_access_tokens": True, "id_token_signed_response_alg": "ES256"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["dpop_bound_access_tokens"] is True
    assert changed.json()["client_secret"] is None
    refused = api.patch(
        f"{base}/{body['client_id']}",
        {"jwks": {"keys": [_private_jwk("p")]}},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["invalid_params"][0]["name"] == "jwks"
    unknown = api.patch(f"{base}/nope", {"name": "x"}, content_type="application/json")
    assert unknown.status_code == 404
