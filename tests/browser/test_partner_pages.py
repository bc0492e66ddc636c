"""HQ registers a partner's client and its keys on a phone, in Thai and in
English: the client is created signing with its private key (private_key_jwt, a
pasted JWK Set, no secret shown), then its settings page moves its ID tokens to
ES256 and asks for DPoP-bound tokens and pushed requests. axe-core checks every
page and screenshots are kept in test-artifacts/."""

import json
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from jwcrypto import jwk

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.identity.models import PartnerClient
from saduak.identity.tests.oidc_helpers import REDIRECT_URI, make_partner
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"  # what the make_user fixture sets


def _public_keys(kid: str) -> str:
    key = jwk.JWK.generate(kty="EC", crv="P-256")
    return json.dumps(
        {"keys": [{**key.export_public(as_dict=True), "kid": kid, "use": "sig"}]}
    )


def _fits_the_screen(page: Any) -> bool:
    return bool(
        page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    )


@pytest.mark.parametrize(("language", "prefix"), [("th", ""), ("en", "/en")])
def test_hq_registers_a_private_key_client_and_changes_its_settings_on_a_phone(
    open_page, make_staff, language, prefix
):
    hq = make_staff(Role.HQ_ADMIN, "hq")
    partner = make_partner(name_th="กรมการจัดหางาน", name_en="Department of Employment")
    page = open_page(viewport=PHONE, locale="th-TH" if language == "th" else "en-GB")
    page.goto(f"{prefix}/accounts/login/?next={prefix}/staff/partners/")
    page.fill("#id_username", hq.personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"**{prefix}/staff/partners/")
    with translation.override(language):
        text = {
            name: gettext(name)
            for name in [
                "The partner's private key (private_key_jwt, recommended)",
                "Client settings",
                "Tokens bound to the partner's key (DPoP)",
                "Must push its sign-in requests first (PAR)",
                "Save the client",
                "Settings",
                "The settings of client %(client_id)s are saved.",
            ]
        }
    if language == "th":
        assert text["Client settings"] == "การตั้งค่าไคลเอนต์"

    page.locator(f"main a[href$='/staff/partners/{partner.public_id}/']").click()
    page.wait_for_url(f"**/staff/partners/{partner.public_id}/")
    page.check("#id_kind_0")  # server
    page.fill("#id_redirect_uris", REDIRECT_URI)
    page.get_by_label(
        text["The partner's private key (private_key_jwt, recommended)"]
    ).check()
    page.fill("#id_jwks", _public_keys("agency-2026"))
    page.locator("form[action$='/clients/'] button[type=submit]").click()
    page.wait_for_load_state()
    client = PartnerClient.objects.select_related("application").get()
    assert client.token_endpoint_auth_method == "private_key_jwt"
    alert = page.locator("[role=alert]").inner_text()
    assert client.application.client_id in alert
    assert "client_secret" not in alert
    assert _fits_the_screen(page)
    assert_accessible(page, f"partner-client-created-{language}")

    page.locator(f"a[href$='/clients/{client.application.client_id}/']").click()
    page.wait_for_url(f"**/clients/{client.application.client_id}/")
    assert page.locator("h1").inner_text() == text["Client settings"]
    assert "agency-2026" in page.input_value("#id_jwks")
    page.select_option("#id_id_token_signed_response_alg", "ES256")
    page.get_by_label(text["Tokens bound to the partner's key (DPoP)"]).check()
    page.get_by_label(text["Must push its sign-in requests first (PAR)"]).check()
    assert _fits_the_screen(page)
    assert_accessible(page, f"partner-client-settings-{language}")
    page.get_by_role("button", name=text["Save the client"]).click()
    page.wait_for_url(f"**/staff/partners/{partner.public_id}/")
    saved = text["The settings of client %(client_id)s are saved."] % {
        "client_id": client.application.client_id
    }
    assert saved in page.locator("main").inner_text()
    client.refresh_from_db()
    assert client.id_token_signed_response_alg == "ES256"
    assert client.dpop_bound_access_tokens
    assert client.require_pushed_authorization_requests
    assert AuditEvent.objects.filter(action="identity.oidc.client.update").exists()

    # A private key pasted by mistake is refused, and what was typed stays.
    page.locator(f"a[href$='/clients/{client.application.client_id}/']").click()
    private = jwk.JWK.generate(kty="EC", crv="P-256")
    page.fill(
        "#id_jwks",
        json.dumps(
            {"keys": [{**private.export(as_dict=True), "kid": "oops", "use": "sig"}]}
        ),
    )
    page.get_by_role("button", name=text["Save the client"]).click()
    page.wait_for_load_state()
    assert page.locator(".error-message").count() >= 1
    assert '"oops"' in page.input_value("#id_jwks")
    assert_accessible(page, f"partner-client-refused-{language}")
    client.refresh_from_db()
    assert client.jwks["keys"][0]["kid"] == "agency-2026"
