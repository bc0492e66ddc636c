"""A citizen adds a passkey (a virtual authenticator stands in for the phone's
fingerprint) and then signs in with password and passkey."""

import pytest

from saduak.identity.models import Passkey, SignInSession
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery"


def test_a_citizen_adds_a_passkey_and_signs_in_with_it(chromium, live_server, citizen):
    context = chromium.new_context(
        base_url=live_server.url.replace("127.0.0.1", "localhost"),
        bypass_csp=True,
        viewport={"width": 390, "height": 844},
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )

    def sign_in():
        page.goto("/en/accounts/login/")
        page.fill("#id_username", citizen.personal_id)
        page.fill("#id_password", PASSWORD)
        page.locator("main button[type=submit]").click()

    sign_in()
    page.goto("/en/account/security/")
    page.fill("#passkey-name", "Somsri's phone")
    page.click("[data-passkey-register]")
    page.wait_for_selector(".recovery-codes")
    assert Passkey.objects.get(user=citizen).name == "Somsri's phone"
    assert_accessible(page, "passkey-added-en")

    page.goto("/en/")
    page.locator("form[action$='/logout/'] button").click()
    sign_in()
    page.wait_for_url("**/login/second-factor/")
    assert_accessible(page, "second-factor-en")
    page.click("[data-passkey-authenticate]")
    page.wait_for_url(lambda url: "second-factor" not in url)
    session = SignInSession.objects.filter(user=citizen).latest("started_at")
    assert session.assurance_level == 2
    context.close()
