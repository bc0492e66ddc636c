"""Staff sign in with a second factor as production has it
(STAFF_SECOND_FACTOR_REQUIRED on): one with an authenticator app types its
code; one with none is sent to add a passkey and gets recovery codes before any
staff page opens."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from saduak.accounts.choices import Role
from saduak.identity.models import Passkey, SignInSession
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery"


@pytest.fixture
def production_like(settings):
    settings.STAFF_SECOND_FACTOR_REQUIRED = True


def _sign_in(page, user):
    page.goto("/en/accounts/login/?next=/en/staff/enrol/")
    page.fill("#id_username", user.personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()


def test_an_officer_signs_in_with_password_and_authenticator_code(
    production_like, open_page, make_staff
):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    page = open_page(viewport={"width": 390, "height": 844})
    _sign_in(page, officer)
    page.wait_for_url("**/login/second-factor/")
    assert_accessible(page, "staff-second-factor-en")
    code = totp(device.bin_key, step=device.step, t0=device.t0)
    page.fill("#id_token", f"{code:06d}")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/staff/enrol/")
    assert page.locator("#id_personal_id").count() == 1
    session = SignInSession.objects.filter(user=officer).latest("started_at")
    assert session.assurance_level == 2


def test_an_officer_without_a_second_factor_must_add_a_passkey_first(
    production_like, chromium, live_server, make_staff
):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
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
    _sign_in(page, officer)
    page.wait_for_url("**/account/security/")
    # Any staff page sends back here until a factor is set up.
    page.goto("/en/staff/enrol/")
    page.wait_for_url("**/account/security/")
    assert page.locator("[role=alert] h2").count() == 1
    assert_accessible(page, "staff-must-enrol-en")
    page.fill("#passkey-name", "Counter phone")
    page.click("[data-passkey-register]")
    page.wait_for_selector(".recovery-codes")
    assert page.locator(".recovery-codes li").count() == 10
    assert Passkey.objects.filter(user=officer).count() == 1
    page.get_by_role("link", name="I have kept them").click()
    page.wait_for_url("**/staff/enrol/")
    assert page.locator("#id_personal_id").count() == 1
    context.close()
