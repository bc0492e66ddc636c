import re
from base64 import b32decode
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from saduak.audit.models import AuditEvent
from saduak.identity.models import SignInSession

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def app_code(secret_base32):
    totp = TOTP(b32decode(secret_base32))
    return f"{totp.token():06d}"


def turn_on(client):
    page = client.post("/en/account/security/", {"action": "start"}).content.decode()
    secret = re.search(r'<code class="hash">([A-Z2-7=]+)</code>', page).group(1)
    done = client.post(
        "/en/account/security/", {"action": "confirm", "token": app_code(secret)}
    )
    assert done.status_code == 200, done.content.decode()[:500]
    return secret, re.findall(
        r"<li><code>([a-z0-9]+)</code></li>", done.content.decode()
    )


def test_a_citizen_turns_on_an_authenticator_app_and_gets_recovery_codes(
    client_for, citizen
):
    secret, codes = turn_on(client_for(citizen))
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=citizen).confirmed
    assert AuditEvent.objects.filter(action="identity.second_factor.enable").exists()


def test_a_wrong_setup_code_leaves_the_second_factor_off(client_for, citizen):
    client = client_for(citizen)
    client.post("/en/account/security/", {"action": "start"})
    response = client.post(
        "/en/account/security/", {"action": "confirm", "token": "000000"}
    )
    assert response.status_code == 400
    assert "not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=citizen, confirmed=True).exists()


def test_with_a_second_factor_the_password_alone_does_not_sign_in(
    client, client_for, citizen
):
    secret, _ = turn_on(client_for(citizen))

    step = client.post(
        "/accounts/login/", {"username": citizen.personal_id, "password": PASSWORD}
    )
    assert step["Location"] == "/accounts/login/second-factor/"
    assert "_auth_user_id" not in client.session

    wrong = client.post("/accounts/login/second-factor/", {"token": "123456"})
    assert wrong.status_code == 400 and "_auth_user_id" not in client.session
    TOTPDevice.objects.filter(user=citizen).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )

    # A code is good once: the one used at setup cannot sign in; the next one can.
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        client.post("/accounts/login/second-factor/", {"token": app_code(secret)})
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert client.session["saduak_aal"] == 2
    assert SignInSession.objects.get(user=citizen).assurance_level == 2


def test_a_recovery_code_signs_in_once(client_for, citizen):
    from django.test import Client

    _, codes = turn_on(client_for(citizen))
    first, second = Client(), Client()
    for browser in (first, second):
        browser.post(
            "/accounts/login/", {"username": citizen.personal_id, "password": PASSWORD}
        )
        browser.post("/accounts/login/second-factor/", {"token": codes[0]})
    assert first.session.get("_auth_user_id") == str(citizen.pk)
    assert second.session.get("_auth_user_id") is None


def test_the_second_step_cannot_be_reached_without_the_password(client):
    assert (
        client.get("/accounts/login/second-factor/")["Location"] == "/accounts/login/"
    )


def test_removing_the_second_factor_needs_the_password(client_for, citizen):
    client = client_for(citizen)
    turn_on(client)
    refused = client.post(
        "/en/account/security/", {"action": "disable", "password": "nope"}
    )
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=citizen).exists()
    client.post("/en/account/security/", {"action": "disable", "password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=citizen).exists()


def test_a_signed_in_session_steps_up_to_level_two_with_the_app(
    client, client_for, citizen
):
    secret, _ = turn_on(client_for(citizen))
    TOTPDevice.objects.filter(user=citizen).update(
        confirmed=False
    )  # sign in on password
    client.post(
        "/accounts/login/", {"username": citizen.personal_id, "password": PASSWORD}
    )
    TOTPDevice.objects.filter(user=citizen).update(confirmed=True)
    assert client.session["saduak_aal"] == 1

    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        response = client.post(
            "/accounts/step-up/", {"token": app_code(secret), "next": "/en/"}
        )

    assert response["Location"] == "/en/"
    assert client.session["saduak_aal"] == 2
    assert SignInSession.objects.get(user=citizen).assurance_level == 2


def test_step_up_without_a_second_factor_explains_how_to_get_one(client_for, citizen):
    page = client_for(citizen).get(
        "/en/accounts/step-up/", {"next": "https://evil.example/"}
    )
    assert "needs a second factor" in page.content.decode()
    assert 'href="https://evil.example/"' not in page.content.decode()
