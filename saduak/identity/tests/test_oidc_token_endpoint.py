"""The token endpoint's rules (issue 20, hole 4): the redirect URI named again and
identical, a replayed code ending the tokens issued from it, loopback redirect
URIs matched exactly (port included), and RFC 6749 section 5.2's error answers."""

import base64

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from saduak.audit.models import AuditEvent
from saduak.identity.oidc.models import (
    PartnerSignIn,
)
from saduak.identity.oidc.sign_ins import code_digest
from saduak.identity.oidc.validators import PartnerValidator
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

pytestmark = pytest.mark.django_db

LOOPBACK_URI = "http://127.0.0.1:8765/callback"


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


def code_for(client, application, **changes):
    verifier, challenge = pkce_pair()
    response = client.get(
        "/o/authorize/", authorize_params(application, challenge=challenge, **changes)
    )
    if response.status_code == 200:  # the consent screen
        fields = hidden_fields(response.content.decode()) | {"allow": "on"}
        response = client.post("/o/authorize/", fields)
    assert response.status_code == 302, response.content.decode()[-1500:]
    return query_of(response["Location"])["code"], verifier


def basic(application, secret):
    credentials = f"{application.client_id}:{secret}".encode()
    return f"Basic {base64.b64encode(credentials).decode()}"


def exchange(client, application, secret, code, verifier, **changes):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
    }
    data.update(changes)
    data = {key: value for key, value in data.items() if value is not None}
    return client.post("/o/token/", data, HTTP_AUTHORIZATION=basic(application, secret))


def refresh(client, application, secret, refresh_token):
    return client.post(
        "/o/token/",
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        HTTP_AUTHORIZATION=basic(application, secret),
    )


def userinfo_status(client, access_token):
    return client.get(
        "/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {access_token}"
    ).status_code


# --- The redirect URI at the token endpoint -------------------------------------------
def test_a_redirect_uri_left_out_at_the_token_endpoint_is_refused(signed_in):
    application, secret = make_client(make_partner())
    code, verifier = code_for(signed_in, application)
    response = exchange(
        signed_in, application, secret, code, verifier, redirect_uri=None
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert not AccessToken.objects.exists()
    # The code is still good with the redirect URI named.
    assert exchange(signed_in, application, secret, code, verifier).status_code == 200


def test_a_different_redirect_uri_at_the_token_endpoint_is_an_invalid_grant(
    signed_in,
):
    application, secret = make_client(make_partner())
    code, verifier = code_for(signed_in, application)
    for other in (f"{REDIRECT_URI}/other", "https://evil.example.com/callback"):
        response = exchange(
            signed_in, application, secret, code, verifier, redirect_uri=other
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()


def test_a_redirect_uri_left_out_at_the_authorization_endpoint_is_refused(
    signed_in,
):
    """OpenID Connect Core 3.1.2.1: REQUIRED. No registered one is used instead,
    and the person is not sent anywhere."""
    application, _secret = make_client(make_partner())
    _verifier, challenge = pkce_pair()
    response = signed_in.get(
        "/o/authorize/",
        authorize_params(application, challenge=challenge, redirect_uri=None),
    )
    assert response.status_code == 400
    assert "Location" not in response
    assert b"invalid_request" in response.content
    assert not Grant.objects.exists()


# --- A replayed code -----------------------------------------------------------------
def test_a_replayed_code_ends_every_token_issued_from_it(signed_in):
    application, secret = make_client(make_partner())
    code, verifier = code_for(signed_in, application)
    first = exchange(signed_in, application, secret, code, verifier).json()
    sign_in = PartnerSignIn.objects.get(code_hash=code_digest(code))
    assert sign_in.code_used_at is not None and sign_in.ended_at is None
    refreshed = refresh(signed_in, application, secret, first["refresh_token"]).json()
    assert userinfo_status(signed_in, refreshed["access_token"]) == 200

    again = exchange(signed_in, application, secret, code, verifier)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    for access_token in (first["access_token"], refreshed["access_token"]):
        assert userinfo_status(signed_in, access_token) == 401
    after = refresh(signed_in, application, secret, refreshed["refresh_token"])
    assert (after.status_code, after.json()["error"]) == (400, "invalid_grant")
    assert not AccessToken.objects.exists()
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    sign_in.refresh_from_db()
    assert sign_in.ended_at is not None
    event = AuditEvent.objects.get(action="identity.oidc.code_replay")
    assert event.after["client_id"] == application.client_id
    assert event.after["tokens_revoked"] >= 2


def test_a_replay_ends_only_the_tokens_of_that_code(signed_in):
    application, secret = make_client(make_partner())
    code, verifier = code_for(signed_in, application)
    exchange(signed_in, application, secret, code, verifier)
    other_code, other_verifier = code_for(signed_in, application)
    other = exchange(signed_in, application, secret, other_code, other_verifier).json()
    exchange(signed_in, application, secret, code, verifier)
    assert userinfo_status(signed_in, other["access_token"]) == 200
    assert (
        refresh(signed_in, application, secret, other["refresh_token"]).status_code
        == 200
    )


def test_another_client_presenting_a_used_code_ends_nothing(signed_in):
    """The code is bound to its client: another client of the same partner
    gets invalid_grant and ends none of the first client's tokens."""
    partner = make_partner()
    application, secret = make_client(partner)
    other_application, other_secret = make_client(partner)
    code, verifier = code_for(signed_in, application)
    first = exchange(signed_in, application, secret, code, verifier).json()
    stolen = exchange(signed_in, other_application, other_secret, code, verifier)
    assert stolen.json()["error"] == "invalid_grant"
    assert userinfo_status(signed_in, first["access_token"]) == 200
    assert PartnerSignIn.objects.get().ended_at is None


def test_a_wrong_secret_with_a_used_code_ends_nothing(signed_in):
    application, secret = make_client(make_partner())
    code, verifier = code_for(signed_in, application)
    first = exchange(signed_in, application, secret, code, verifier).json()
    response = exchange(signed_in, application, "not-the-secret", code, verifier)
    assert response.status_code == 401
    assert userinfo_status(signed_in, first["access_token"]) == 200


def test_a_first_exchange_refused_leaves_the_code_usable_and_ends_nothing(
    signed_in,
):
    application, secret = make_client(make_partner())
    code, verifier = code_for(signed_in, application)
    wrong = exchange(signed_in, application, secret, code, "x" * 43)
    assert wrong.json()["error"] == "invalid_grant"
    sign_in = PartnerSignIn.objects.get()
    assert (sign_in.code_used_at, sign_in.ended_at) == (None, None)
    assert exchange(signed_in, application, secret, code, verifier).status_code == 200
    assert not AuditEvent.objects.filter(action="identity.oidc.code_replay").exists()


def test_the_loser_of_a_race_for_one_code_ends_the_winners_tokens(
    signed_in, monkeypatch
):
    """Two requests with one code both pass validation; the one that finds the
    code gone keeps nothing, and the other's tokens are ended too (the code was
    used twice)."""
    application, secret = make_client(make_partner())
    code, verifier = code_for(signed_in, application)
    grant = Grant.objects.get(code=code)
    winner = exchange(signed_in, application, secret, code, verifier).json()
    grant.save()  # as the loser saw it, before the winner deleted it
    save_token = PartnerValidator.save_bearer_token

    def the_winner_took_the_code(self, token, request, *args, **kwargs):
        Grant.objects.filter(code=code).delete()
        return save_token(self, token, request, *args, **kwargs)

    monkeypatch.setattr(PartnerValidator, "save_bearer_token", the_winner_took_the_code)
    loser = exchange(signed_in, application, secret, code, verifier)
    assert (loser.status_code, loser.json()["error"]) == (400, "invalid_grant")
    assert userinfo_status(signed_in, winner["access_token"]) == 401
    assert not AccessToken.objects.exists()
    assert PartnerSignIn.objects.get().ended_at is not None


def test_a_code_of_an_ended_sign_in_is_refused(signed_in):
    """A sign-in ended before its code was exchanged (the person signed out)
    issues nothing."""
    application, secret = make_client(make_partner())
    code, verifier = code_for(signed_in, application)
    PartnerSignIn.objects.update(ended_at=timezone.now())
    response = exchange(signed_in, application, secret, code, verifier)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")
    assert not AccessToken.objects.exists()


# --- Loopback redirect URIs: exact, port included -----------------------------------
@pytest.fixture
def loopback_client(settings):
    settings.OIDC_ALLOW_HTTP_LOCALHOST = True
    return make_client(make_partner(), redirect_uri=LOOPBACK_URI)


@pytest.mark.parametrize(
    "uri",
    [
        "http://127.0.0.1:9999/callback",
        "http://127.0.0.1/callback",
        "http://[::1]:8765/callback",
        "http://localhost:8765/callback",
    ],
)
def test_a_loopback_redirect_uri_on_another_port_is_refused(
    signed_in, loopback_client, uri
):
    application, _secret = loopback_client
    _verifier, challenge = pkce_pair()
    response = signed_in.get(
        "/o/authorize/",
        authorize_params(application, challenge=challenge, redirect_uri=uri),
    )
    assert response.status_code == 400
    assert "Location" not in response
    assert b"invalid_request" in response.content


def test_a_loopback_redirect_uri_registered_exactly_works(signed_in, loopback_client):
    application, secret = loopback_client
    code, verifier = code_for(signed_in, application, redirect_uri=LOOPBACK_URI)
    other_port = exchange(
        signed_in,
        application,
        secret,
        code,
        verifier,
        redirect_uri="http://127.0.0.1:9999/callback",
    )
    assert other_port.json()["error"] == "invalid_grant"
    response = exchange(
        signed_in, application, secret, code, verifier, redirect_uri=LOOPBACK_URI
    )
    assert response.status_code == 200


# --- RFC 6749 section 5.2 errors ------------------------------------------------------
def test_a_wrong_secret_in_basic_is_401_with_a_www_authenticate_challenge(signed_in):
    application, _secret = make_client(make_partner())
    response = signed_in.post(
        "/o/token/",
        {"grant_type": "authorization_code", "code": "x", "redirect_uri": REDIRECT_URI},
        HTTP_AUTHORIZATION=basic(application, "not-the-secret"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response["WWW-Authenticate"].startswith("Basic")
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"grant_type": "password", "username": "a", "password": "b"},
            "unsupported_grant_type",
        ),
        ({"grant_type": "implicit"}, "unsupported_grant_type"),
        (
            {"grant_type": "urn:ietf:params:oauth:grant-type:device_code"},
            "unsupported_grant_type",
        ),
        (
            {
                "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                "device_code": "x",
            },
            "unsupported_grant_type",
        ),
        ({}, "invalid_request"),
        ({"grant_type": "authorization_code"}, "invalid_request"),
        ({"grant_type": "authorization_code", "code": "no-such-code"}, "invalid_grant"),
        ({"grant_type": "refresh_token"}, "invalid_request"),
        ({"grant_type": "refresh_token", "refresh_token": "no-such"}, "invalid_grant"),
    ],
)
def test_a_bad_token_request_gets_the_error_rfc_6749_names(signed_in, data, error):
    application, secret = make_client(make_partner())
    if data.get("grant_type") == "authorization_code" and "code" in data:
        data = data | {"redirect_uri": REDIRECT_URI, "code_verifier": "x" * 43}
    response = signed_in.post(
        "/o/token/", data, HTTP_AUTHORIZATION=basic(application, secret)
    )
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == error


def test_a_get_of_the_token_endpoint_is_not_a_token_request(signed_in):
    response = signed_in.get("/o/token/")
    assert response.status_code == 405


def test_an_unknown_client_is_401_invalid_client(signed_in):
    response = signed_in.post(
        "/o/token/",
        {
            "grant_type": "client_credentials",
            "client_id": "nobody",
            "client_secret": "x",
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
