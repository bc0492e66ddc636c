"""Issue 20, holes 1, 2, 4 (iss) and 5: prompt=login and max_age make the person
sign in again (auth_time is that sign-in's time); refreshed ID tokens keep the
original sign-in's acr, amr, auth_time and sid; every error redirect carries
`iss`; discovery says only what is true. Also the partner sign-in behind every
code and the bindings of every token."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from saduak.identity.middleware import SESSION_ID_KEY
from saduak.identity.models import SignInSession
from saduak.identity.oidc.models import (
    AccessTokenBinding,
    PartnerSignIn,
    RefreshTokenBinding,
)
from saduak.identity.oidc.services import oidc_consent_grant, partner_client_create
from saduak.identity.oidc.sign_ins import (
    SIGNED_IN_MARKER,
    code_digest,
    session_sid,
)
from saduak.identity.services import sign_in_session_start
from saduak.identity.tests.oidc_helpers import (
    REDIRECT_URI,
    authorize_params,
    hidden_fields,
    make_client,
    make_partner,
    oidc_test_keys,  # noqa: F401
    pkce_pair,
    query_of,
)
from saduak.identity.tests.test_oidc_validators import exchange, id_token_claims

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # what the make_user fixture sets
ISSUER = "http://testserver/o"


@pytest.fixture
def partner():
    return make_partner(allowed_scopes="openid profile birthdate")


@pytest.fixture
def client_and_secret(partner):
    return make_client(partner)


def sign_in_form(client, citizen, address="/accounts/login/"):
    """Signs in through the sign-in form, as a browser does; returns the answer."""
    page = client.get(address)
    assert page.status_code == 200, page.status_code
    fields = hidden_fields(page.content.decode())
    response = client.post(
        address,
        {
            "csrfmiddlewaretoken": fields.get("csrfmiddlewaretoken", ""),
            "next": fields.get("next", ""),
            "username": citizen.personal_id,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    return response


@pytest.fixture
def browser(client, citizen, partner):
    """A citizen signed in through the form an hour ago, who already agreed to
    share with the partner."""
    sign_in_form(client, citizen)
    SignInSession.objects.filter(user=citizen).update(
        started_at=timezone.now() - timedelta(hours=1)
    )
    oidc_consent_grant(user=citizen, partner=partner, scopes=["openid", "profile"])
    return client


def authorize(client, application, **changes):
    verifier, challenge = pkce_pair()
    response = client.get(
        "/o/authorize/", authorize_params(application, challenge=challenge, **changes)
    )
    return response, verifier


def session_record(client) -> SignInSession:
    return SignInSession.objects.get(pk=client.session[SESSION_ID_KEY])


# --- Hole 1: prompt=login and max_age ---------------------------------------------------
def test_prompt_login_makes_a_signed_in_person_sign_in_again(
    browser, citizen, client_and_secret
):
    application, secret = client_and_secret
    before = timezone.now()
    response, verifier = authorize(browser, application, prompt="login")
    # No code for the old sign-in: the sign-in page, forced, even though signed in.
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/accounts/login/?next=")
    assert "code=" not in location
    page = browser.get(location)
    assert page.status_code == 200  # not sent straight back
    assert hidden_fields(page.content.decode())["next"].startswith("/o/authorize/?")
    back = sign_in_form(browser, citizen, location)
    # Back at the authorization with the marker; the partner's prompt untouched.
    back_to = back["Location"]
    assert back_to.startswith("/o/authorize/?")
    assert query_of(back_to)["prompt"] == "login"
    assert SIGNED_IN_MARKER in query_of(back_to)
    answer = browser.get(back_to)  # no loop: the code
    assert answer.status_code == 302, answer.content.decode()[-800:]
    code = query_of(answer["Location"])["code"]
    token = exchange(browser, application, secret, code, verifier).json()
    claims = id_token_claims(token["id_token"])
    assert claims["auth_time"] >= int(before.timestamp())
    record = session_record(browser)
    assert claims["auth_time"] == int(record.started_at.timestamp())
    # The same session renewed: the sid partners already know stays.
    assert SignInSession.objects.filter(user=citizen).count() == 1
    assert claims["sid"] == session_sid(record)


def test_max_age_zero_is_prompt_login(browser, client_and_secret):
    application, _ = client_and_secret
    response, _ = authorize(browser, application, max_age="0")
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "reauth=1" in response["Location"]


def test_max_age_older_than_the_sign_in_sends_to_sign_in(browser, client_and_secret):
    application, _ = client_and_secret
    response, _ = authorize(browser, application, max_age="600")  # signed in 1 h ago
    assert response["Location"].startswith("/accounts/login/?next=")


def test_max_age_younger_sign_in_gets_a_code_with_its_auth_time(
    browser, client_and_secret
):
    application, secret = client_and_secret
    response, verifier = authorize(browser, application, max_age="7200")
    code = query_of(response["Location"])["code"]
    claims = id_token_claims(
        exchange(browser, application, secret, code, verifier).json()["id_token"]
    )
    started = session_record(browser).started_at
    assert claims["auth_time"] == int(started.timestamp())
    assert claims["auth_time"] < int(
        (timezone.now() - timedelta(minutes=50)).timestamp()
    )


def test_a_forged_or_stale_marker_does_not_skip_the_sign_in(browser, client_and_secret):
    application, _ = client_and_secret
    response, _ = authorize(
        browser, application, prompt="login", **{SIGNED_IN_MARKER: "forged"}
    )
    assert response["Location"].startswith("/accounts/login/?next=")


def test_prompt_none_with_an_old_sign_in_answers_login_required_with_iss(
    browser, client_and_secret
):
    application, _ = client_and_secret
    response, _ = authorize(browser, application, prompt="none", max_age="60")
    answer = query_of(response["Location"])
    assert response["Location"].startswith(REDIRECT_URI)
    assert answer == {"error": "login_required", "state": "state-123", "iss": ISSUER}


def test_a_person_not_signed_in_with_prompt_login_signs_in_once(
    client, citizen, partner, client_and_secret
):
    application, _ = client_and_secret
    oidc_consent_grant(user=citizen, partner=partner, scopes=["openid", "profile"])
    response, _ = authorize(client, application, prompt="login")
    back = sign_in_form(client, citizen, response["Location"])
    answer = client.get(back["Location"])
    assert query_of(answer["Location"])["code"]


# --- Partner sign-ins and token bindings ----------------------------------------------
def test_a_code_is_issued_with_its_partner_sign_in_and_the_tokens_are_bound(
    browser, citizen, client_and_secret
):
    application, secret = client_and_secret
    response, verifier = authorize(browser, application)
    code = query_of(response["Location"])["code"]
    sign_in = PartnerSignIn.objects.get(code_hash=code_digest(code))
    record = session_record(browser)
    assert (sign_in.user, sign_in.application, sign_in.session) == (
        citizen,
        application,
        record,
    )
    assert sign_in.auth_time == record.started_at and sign_in.assurance_level == 1
    exchange(browser, application, secret, code, verifier)
    access = AccessToken.objects.get()
    assert AccessTokenBinding.objects.get(access_token=access).sign_in == sign_in
    refresh = RefreshToken.objects.get()
    assert RefreshTokenBinding.objects.get(refresh_token=refresh).sign_in == sign_in


def test_a_machine_token_is_bound_to_no_sign_in(client):
    partner = make_partner(may_check_identity=True)
    application, secret = partner_client_create(
        partner=partner, machine=True, actor="test"
    )
    response = client.post(
        "/o/token/",
        {
            "grant_type": "client_credentials",
            "client_id": application.client_id,
            "client_secret": secret,
        },
    )
    assert response.status_code == 200
    binding = AccessTokenBinding.objects.get()
    assert binding.sign_in is None and binding.jkt == ""


# --- Hole 2: refreshed ID tokens keep the original sign-in ------------------------------
def signed_in_at_level_two(client, citizen):
    client.force_login(citizen)
    record = sign_in_session_start(
        user=citizen,
        session_key=client.session.session_key,
        user_agent="test",
        assurance_level=2,
    )
    session = client.session
    session[SESSION_ID_KEY] = record.pk
    session["saduak_aal"] = 2
    session.save()
    return record


def refresh(client, application, secret, refresh_token):
    return client.post(
        "/o/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": application.client_id,
            "client_secret": secret,
        },
    )


def test_a_refreshed_id_token_keeps_acr_amr_auth_time_and_sid(
    client, citizen, partner, client_and_secret
):
    application, secret = client_and_secret
    record = signed_in_at_level_two(client, citizen)
    oidc_consent_grant(user=citizen, partner=partner, scopes=["openid", "profile"])
    response, verifier = authorize(client, application, acr_values="urn:saduak:aal2")
    code = query_of(response["Location"])["code"]
    first = exchange(client, application, secret, code, verifier).json()
    original = id_token_claims(first["id_token"])
    refreshed = refresh(client, application, secret, first["refresh_token"])
    assert refreshed.status_code == 200, refreshed.content
    claims = id_token_claims(refreshed.json()["id_token"])
    assert claims["acr"] == "urn:saduak:aal2" and claims["amr"] == ["pwd", "otp"]
    assert claims["auth_time"] == original["auth_time"]
    assert claims["auth_time"] == int(record.started_at.timestamp())
    assert claims["sid"] == original["sid"] == session_sid(record)
    # ...and again from the rotated refresh token.
    again = refresh(client, application, secret, refreshed.json()["refresh_token"])
    assert id_token_claims(again.json()["id_token"])["acr"] == "urn:saduak:aal2"


def test_a_sign_in_whose_tokens_were_ended_refreshes_nothing(
    browser, client_and_secret
):
    application, secret = client_and_secret
    response, verifier = authorize(browser, application)
    code = query_of(response["Location"])["code"]
    first = exchange(browser, application, secret, code, verifier).json()
    PartnerSignIn.objects.update(ended_at=timezone.now())
    refused = refresh(browser, application, secret, first["refresh_token"])
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"


def test_a_refresh_token_bound_to_a_dpop_key_needs_that_key(browser, client_and_secret):
    application, secret = client_and_secret
    response, verifier = authorize(browser, application)
    code = query_of(response["Location"])["code"]
    first = exchange(browser, application, secret, code, verifier).json()
    RefreshTokenBinding.objects.update(jkt="some-key-thumbprint")
    refused = refresh(browser, application, secret, first["refresh_token"])
    assert refused.json()["error"] == "invalid_dpop_proof"


# --- Hole 4 (iss): every authorization error redirect names the issuer ----------------
def test_access_denied_carries_iss(browser, citizen, client_and_secret):
    application, _ = client_and_secret
    response, _ = authorize(browser, application, scope="openid profile birthdate")
    assert response.status_code == 200  # the consent screen
    denied = browser.post("/o/authorize/", hidden_fields(response.content.decode()))
    answer = query_of(denied["Location"])
    assert answer == {"error": "access_denied", "state": "state-123", "iss": ISSUER}


def test_invalid_scope_carries_iss(browser, client_and_secret):
    application, _ = client_and_secret
    response, _ = authorize(browser, application, scope="openid personal_id")
    answer = query_of(response["Location"])
    assert answer["error"] == "invalid_scope" and answer["iss"] == ISSUER


def test_login_required_without_a_session_carries_iss(client, client_and_secret):
    application, _ = client_and_secret
    response, _ = authorize(client, application, prompt="none")
    answer = query_of(response["Location"])
    assert (answer["error"], answer["iss"]) == ("login_required", ISSUER)


def test_consent_and_interaction_required_carry_iss(client, citizen):
    client.force_login(citizen)
    application, _ = make_client(make_partner())
    response, _ = authorize(client, application, prompt="none")
    assert query_of(response["Location"])["iss"] == ISSUER
    strict, _ = make_client(make_partner(requires_second_factor=True))
    response, _ = authorize(client, strict, prompt="none")
    answer = query_of(response["Location"])
    assert (answer["error"], answer["iss"]) == ("interaction_required", ISSUER)


def test_a_code_redirect_carries_one_iss(browser, client_and_secret):
    application, _ = client_and_secret
    response, _ = authorize(browser, application)
    assert parse_qs(urlsplit(response["Location"]).query)["iss"] == [ISSUER]


# --- Hole 5: discovery says what is true -----------------------------------------------
def test_discovery_offers_only_what_works(client):
    document = client.get("/o/.well-known/openid-configuration").json()
    assert document["prompt_values_supported"] == ["none", "login", "consent"]
    assert "identity_check" not in document["scopes_supported"]
    assert "address" not in document["scopes_supported"]  # releases nothing
    assert "openid" in document["scopes_supported"]
    assert document["revocation_endpoint"] == "http://testserver/o/revoke_token/"
    # Supported since PAR and signed request objects (request_objects.py): the
    # request_uri of a push only, never one to fetch.
    assert document["request_uri_parameter_supported"] is True
    assert document["request_parameter_supported"] is True
    assert document["require_request_uri_registration"] is False
    assert document["authorization_response_iss_parameter_supported"] is True
    assert "sid" in document["claims_supported"]


def test_the_rfc_8414_document_is_at_its_standard_address(client):
    oidc = client.get("/o/.well-known/openid-configuration").json()
    response = client.get("/.well-known/oauth-authorization-server/o")
    assert response.status_code == 200
    document = response.json()
    assert document["issuer"] == oidc["issuer"] == ISSUER
    for key, value in oidc.items():
        assert document[key] == value, key
    assert response["Access-Control-Allow-Origin"] == "*"
    legacy = client.get("/o/.well-known/oauth-authorization-server").json()
    assert legacy["issuer"] == ISSUER
