"""Signing in to a partner agency with the digital ID on a phone, in Thai: the
citizen signs in, reads what the agency will receive and why, allows it, and lands
back at the agency; later they see the agency on their list and stop sharing."""

from urllib.parse import urlencode

import pytest
from django.utils import translation
from django.utils.translation import gettext

from saduak.identity.oidc.models import PartnerConsent
from saduak.identity.tests.oidc_helpers import (
    authorize_params,
    make_client,
    make_partner,
    oidc_test_keys,  # noqa: F401
    pkce_pair,
    query_of,
)
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"  # what the make_user fixture sets


def test_a_citizen_allows_an_agency_to_know_them_and_later_stops_sharing(
    phone, live_server, citizen
):
    partner = make_partner(allowed_scopes="openid profile birthdate")
    # The agency's callback is a page of this very server, so the browser lands.
    callback = f"{live_server.url}/healthz/ping"
    application, _secret = make_client(partner, redirect_uri=callback)
    _verifier, challenge = pkce_pair()
    query = authorize_params(
        application,
        challenge=challenge,
        redirect_uri=callback,
        scope="openid profile birthdate",
    )
    authorize = f"/o/authorize/?{urlencode(query)}"

    phone.goto(authorize)
    phone.wait_for_url("**/accounts/login/**")
    phone.fill("#id_username", citizen.personal_id)
    phone.fill("#id_password", PASSWORD)
    phone.locator("main button[type=submit]").click()
    phone.wait_for_url("**/o/authorize/**")

    assert phone.locator("html").get_attribute("lang") == "th"
    assert partner.name_th in phone.locator("h1").inner_text()
    listed = phone.locator(".consent-items").inner_text()
    with translation.override("th"):
        for label in ("Full name", "Date of birth"):
            assert gettext(label) in listed
        assert gettext("Personal ID number") not in listed
    assert partner.purpose_th in phone.locator("main").inner_text()
    assert_accessible(phone, "oidc-consent-th")

    phone.locator("button[name=allow]").click()
    phone.wait_for_url("**/healthz/ping?**")
    answer = query_of(phone.url)
    assert answer["state"] == "state-123" and answer["code"]
    assert PartnerConsent.objects.get(user=citizen, partner=partner)

    # Remembered: the next sign-in to the agency goes straight back.
    phone.goto(authorize)
    phone.wait_for_url("**/healthz/ping?**")

    phone.goto("/account/partners/")
    assert partner.name_th in phone.locator("main").inner_text()
    assert_accessible(phone, "oidc-consents-th")
    phone.locator("main form button").click()
    phone.wait_for_selector(".message")
    assert partner.name_th in phone.locator(".message").inner_text()
    assert PartnerConsent.objects.get().revoked_at is not None

    phone.goto(authorize)  # the agency must ask again
    phone.wait_for_selector("button[name=allow]")


@pytest.mark.parametrize("language", ["th", "en"])
def test_an_agency_that_asks_for_a_fresh_sign_in_gets_one_once(
    phone, live_server, citizen, language
):
    """prompt=login: a citizen already signed in to Saduak signs in again, is told
    why, and comes back to the agency with a code, without a loop."""
    partner = make_partner(allowed_scopes="openid profile")
    callback = f"{live_server.url}/healthz/ping"
    application, _secret = make_client(partner, redirect_uri=callback)
    _verifier, challenge = pkce_pair()
    first = authorize_params(application, challenge=challenge, redirect_uri=callback)
    phone.goto(f"/o/authorize/?{urlencode(first)}")
    phone.wait_for_url("**/accounts/login/**")
    phone.fill("#id_username", citizen.personal_id)
    phone.fill("#id_password", PASSWORD)
    phone.locator("main button[type=submit]").click()
    phone.locator("button[name=allow]").click()
    phone.wait_for_url("**/healthz/ping?**")

    again = authorize_params(
        application,
        challenge=challenge,
        redirect_uri=callback,
        prompt="login",
        ui_locales=language,
        state="state-again",
    )
    phone.goto(f"/o/authorize/?{urlencode(again)}")
    phone.wait_for_url("**/accounts/login/**")
    with translation.override(language):
        notice = gettext(
            "The service you came from asks you to sign in again to confirm it is you."
        )
    assert notice in phone.locator("main").inner_text()
    assert phone.locator("html").get_attribute("lang") == language
    assert_accessible(phone, f"oidc-sign-in-again-{language}")
    phone.fill("#id_username", citizen.personal_id)
    phone.fill("#id_password", PASSWORD)
    phone.locator("main button[type=submit]").click()
    phone.wait_for_url("**/healthz/ping?**")
    answer = query_of(phone.url)
    assert answer["state"] == "state-again" and answer["code"]
