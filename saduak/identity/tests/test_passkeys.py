import json
import time

import pytest

from saduak.identity.models import Passkey
from saduak.identity.step_up import PASSED_AT_KEY

pytestmark = pytest.mark.django_db


def test_registration_options_name_this_site_and_exclude_existing_keys(
    client_for, citizen
):
    Passkey.objects.create(
        user=citizen, credential_id="AAAA", public_key=b"k", name="old"
    )
    client = client_for(citizen)
    session = client.session
    session[PASSED_AT_KEY] = time.time()  # gave the second factor just now
    session.save()
    options = client.post("/account/passkeys/options/", HTTP_HOST="localhost").json()
    assert options["rp"] == {"name": "Saduak", "id": "localhost"}
    assert [c["id"] for c in options["excludeCredentials"]] == ["AAAA"]


def test_adding_a_passkey_beside_another_asks_for_the_second_factor_again_when_old(
    client_for, citizen
):
    Passkey.objects.create(
        user=citizen, credential_id="AAAA", public_key=b"k", name="old"
    )
    client = client_for(citizen)
    session = client.session
    session[PASSED_AT_KEY] = time.time() - 16 * 60
    session.save()
    refused = client.post("/account/passkeys/options/", HTTP_HOST="localhost")
    assert refused.status_code == 403
    assert refused.json()["code"] == "second-factor-required"
    assert refused.json()["step_up_url"] == (
        "/accounts/step-up/?next=%2Faccount%2Fsecurity%2F"
    )
    added = client.post(
        "/account/passkeys/",
        json.dumps({"credential": {"id": "x"}}),
        content_type="application/json",
        HTTP_HOST="localhost",
    )
    assert added.status_code == 403
    assert Passkey.objects.filter(user=citizen).count() == 1


def test_an_answer_without_a_challenge_is_refused_and_nothing_is_kept(
    client_for, citizen
):
    response = client_for(citizen).post(
        "/account/passkeys/",
        json.dumps({"credential": {"id": "x"}}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert not Passkey.objects.exists()


def test_a_garbled_answer_is_refused(client_for, citizen):
    client = client_for(citizen)
    client.post("/account/passkeys/options/")
    response = client.post(
        "/account/passkeys/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert not Passkey.objects.exists()


def test_passkey_sign_in_needs_a_pending_sign_in_or_a_session(client):
    assert client.post("/accounts/login/passkey/options/").status_code == 400


def test_a_forged_passkey_answer_does_not_sign_in(client, citizen):
    Passkey.objects.create(
        user=citizen, credential_id="AAAA", public_key=b"k", name="phone"
    )
    client.post(
        "/accounts/login/",
        {"username": citizen.personal_id, "password": "correct horse battery"},
    )
    client.post("/accounts/login/passkey/options/")
    response = client.post(
        "/accounts/login/passkey/verify/",
        json.dumps({"credential": {"id": "AAAA", "response": {}}}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
