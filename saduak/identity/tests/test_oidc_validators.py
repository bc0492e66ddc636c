"""The validator's rules, through django-oauth-toolkit's own endpoints."""

import base64
import hashlib
import json
import uuid

import pytest
from django.core.cache import cache
from jwcrypto import jwk, jwt
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken

from saduak.identity.models import AccessChannel, DataAccess
from saduak.identity.oidc.claims import pairwise_subject
from saduak.identity.oidc.keys import jwk_from_pem
from saduak.identity.oidc.services import partner_client_create
from saduak.identity.tests.oidc_helpers import (
    CURRENT_KEY,
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


def code_for(client, application, *, scope="openid profile", **changes):
    """Signs the citizen's client through a remembered consent and returns the code
    and the PKCE verifier."""
    verifier, challenge = pkce_pair()
    response = client.get(
        "/o/authorize/",
        authorize_params(application, challenge=challenge, scope=scope, **changes),
    )
    if response.status_code == 200:  # the consent screen
        fields = hidden_fields(response.content.decode()) | {"allow": "on"}
        response = client.post("/o/authorize/", fields)
    assert response.status_code == 302, response.content.decode()[-1500:]
    return query_of(response["Location"]), verifier


def exchange(client, application, secret, code, verifier, **changes):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
    }
    data.update(changes)
    credentials = f"{application.client_id}:{secret}".encode()
    return client.post(
        "/o/token/",
        data,
        HTTP_AUTHORIZATION=f"Basic {base64.b64encode(credentials).decode()}",
    )


def id_token_claims(token: str) -> dict:
    verified = jwt.JWT(key=jwk_from_pem(CURRENT_KEY), jwt=token)
    return json.loads(verified.claims)


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


def test_a_scope_the_partner_is_not_allowed_is_refused_and_no_code_is_made(signed_in):
    application, _ = make_client(make_partner(allowed_scopes="openid profile"))
    verifier, challenge = pkce_pair()
    response = signed_in.get(
        "/o/authorize/",
        authorize_params(application, challenge=challenge, scope="openid personal_id"),
    )
    assert response.status_code == 302
    assert response["Location"].startswith(REDIRECT_URI)
    assert query_of(response["Location"])["error"] == "invalid_scope"
    assert not Grant.objects.exists()


def test_the_identity_check_scope_is_not_for_a_persons_sign_in(signed_in):
    partner = make_partner(
        allowed_scopes="openid identity_check", may_check_identity=True
    )
    application, _ = make_client(partner)
    verifier, challenge = pkce_pair()
    response = signed_in.get(
        "/o/authorize/",
        authorize_params(
            application, challenge=challenge, scope="openid identity_check"
        ),
    )
    assert query_of(response["Location"])["error"] == "invalid_scope"


@pytest.mark.parametrize("link", ["none", "inactive"])
def test_a_client_without_an_active_partner_is_unknown(signed_in, link):
    partner = make_partner()
    application, _ = make_client(partner)
    if link == "none":
        application.partner_client.delete()
    else:
        partner.is_active = False
        partner.save(update_fields=["is_active"])
    verifier, challenge = pkce_pair()
    response = signed_in.get(
        "/o/authorize/", authorize_params(application, challenge=challenge)
    )
    assert response.status_code == 400
    assert "Location" not in response
    assert [t.name for t in response.templates][0] == "identity/oidc/error.html"
    assert b"invalid_request" in response.content


def test_the_id_token_carries_the_pairwise_subject_and_the_assurance_level(
    signed_in, citizen
):
    partner = make_partner()
    application, secret = make_client(partner)
    session = signed_in.session
    session["saduak_aal"] = 2
    session.save()
    query, verifier = code_for(signed_in, application)
    response = exchange(signed_in, application, secret, query["code"], verifier)
    assert response.status_code == 200, response.content
    claims = id_token_claims(response.json()["id_token"])
    assert claims["sub"] == pairwise_subject(user=citizen, partner=partner)
    assert (claims["acr"], claims["amr"]) == ("urn:saduak:aal2", ["pwd", "otp"])
    assert claims["aud"] == application.client_id
    assert claims["nonce"] == "nonce-456"
    assert claims["iss"] == "http://testserver/o"
    assert "name" not in claims  # personal data comes from userinfo only
    header = json.loads(
        base64.urlsafe_b64decode(response.json()["id_token"].split(".")[0] + "==")
    )
    assert header["kid"] == jwk.JWK.from_pem(CURRENT_KEY.encode()).thumbprint()


def test_a_sign_in_with_a_password_alone_is_aal1(signed_in):
    application, secret = make_client(make_partner())
    query, verifier = code_for(signed_in, application)
    claims = id_token_claims(
        exchange(signed_in, application, secret, query["code"], verifier).json()[
            "id_token"
        ]
    )
    assert (claims["acr"], claims["amr"]) == ("urn:saduak:aal1", ["pwd"])


def test_an_id_token_issued_is_recorded_as_a_sign_in(signed_in, citizen):
    partner = make_partner()
    application, secret = make_client(partner)
    query, verifier = code_for(signed_in, application)
    exchange(signed_in, application, secret, query["code"], verifier)
    access = DataAccess.objects.get(channel=AccessChannel.SIGN_IN)
    assert (access.citizen, access.partner) == (citizen, partner)


def test_a_replayed_code_is_an_invalid_grant(signed_in):
    application, secret = make_client(make_partner())
    query, verifier = code_for(signed_in, application)
    assert (
        exchange(signed_in, application, secret, query["code"], verifier).status_code
        == 200
    )
    again = exchange(signed_in, application, secret, query["code"], verifier)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_a_code_used_up_by_a_racing_request_leaves_no_tokens_of_the_loser(
    signed_in, monkeypatch
):
    """Two requests with one code both get past validation; the second to delete
    the code gets invalid_grant, and the tokens it had saved are rolled back."""
    from oauthlib.oauth2.rfc6749 import errors

    from saduak.identity.oidc.validators import PartnerValidator

    application, secret = make_client(make_partner())
    query, verifier = code_for(signed_in, application)

    def lost_the_race(self, client_id, code, request, *args, **kwargs):
        raise errors.InvalidGrantError(request=request)

    monkeypatch.setattr(
        PartnerValidator, "invalidate_authorization_code", lost_the_race
    )
    response = exchange(signed_in, application, secret, query["code"], verifier)
    assert response.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()
    assert not IDToken.objects.exists()
    assert not DataAccess.objects.exists()
    assert Grant.objects.filter(code=query["code"]).exists()


def test_a_code_taken_by_another_request_after_validation_leaves_nothing(
    signed_in, monkeypatch
):
    """The other request deletes the code between this one's validation and its
    writing: on PostgreSQL the one statement finds the code gone and writes
    nothing; elsewhere the transaction is rolled back."""
    from saduak.identity.oidc.validators import PartnerValidator

    application, secret = make_client(make_partner())
    query, verifier = code_for(signed_in, application)
    save_token = PartnerValidator.save_bearer_token

    def other_request_took_the_code(self, token, request, *args, **kwargs):
        Grant.objects.filter(code=query["code"]).delete()
        return save_token(self, token, request, *args, **kwargs)

    monkeypatch.setattr(
        PartnerValidator, "save_bearer_token", other_request_took_the_code
    )
    response = exchange(signed_in, application, secret, query["code"], verifier)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")
    assert not AccessToken.objects.exists()
    assert not RefreshToken.objects.exists()
    assert not IDToken.objects.exists()
    assert not DataAccess.objects.exists()


def test_the_rows_of_an_exchange_are_linked(signed_in, citizen):
    application, secret = make_client(make_partner())
    query, verifier = code_for(signed_in, application)
    body = exchange(signed_in, application, secret, query["code"], verifier).json()
    access = AccessToken.objects.select_related("id_token").get()
    refresh = RefreshToken.objects.get()
    assert access.id_token.jti == uuid.UUID(id_token_claims(body["id_token"])["jti"])
    assert (access.user, access.id_token.user, refresh.user) == (citizen,) * 3
    assert refresh.access_token == access and refresh.token_family is not None
    assert (
        access.token_checksum
        == hashlib.sha256(body["access_token"].encode()).hexdigest()
    )
    assert not Grant.objects.exists()


def test_a_partner_withdrawn_by_hq_stops_exchanging_codes_within_a_minute(signed_in):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    partner = make_partner()
    application, secret = make_client(partner)
    query, verifier = code_for(signed_in, application)
    partner.is_active = False
    partner.save(update_fields=["is_active"])
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        response = exchange(signed_in, application, secret, query["code"], verifier)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_a_wrong_pkce_verifier_is_an_invalid_grant(signed_in):
    application, secret = make_client(make_partner())
    query, _verifier = code_for(signed_in, application)
    wrong, _ = pkce_pair()
    response = exchange(signed_in, application, secret, query["code"], wrong)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()


def test_a_missing_pkce_challenge_is_refused_at_the_authorization(signed_in):
    application, _ = make_client(make_partner())
    response = signed_in.get(
        "/o/authorize/",
        authorize_params(application, challenge=None, code_challenge_method=None),
    )
    assert query_of(response["Location"])["error"] == "invalid_request"
    assert not Grant.objects.exists()


def test_the_plain_pkce_method_is_refused(signed_in):
    application, _ = make_client(make_partner())
    verifier, _ = pkce_pair()
    fields = authorize_params(
        application, challenge=verifier, code_challenge_method="plain"
    )
    response = signed_in.get("/o/authorize/", fields)
    if response.status_code == 200:
        response = signed_in.post(
            "/o/authorize/", hidden_fields(response.content.decode()) | {"allow": "on"}
        )
    assert query_of(response["Location"])["error"] == "invalid_request"
    assert not Grant.objects.exists()


def test_a_wrong_client_secret_is_an_invalid_client(signed_in):
    application, _secret = make_client(make_partner())
    query, verifier = code_for(signed_in, application)
    response = exchange(
        signed_in, application, "not-the-secret", query["code"], verifier
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_a_verified_secret_is_remembered_but_a_wrong_one_never(signed_in):
    application, secret = make_client(make_partner())
    query, verifier = code_for(signed_in, application)
    exchange(signed_in, application, secret, query["code"], verifier)
    remembered = [key for key in cache._cache if "client-secret-verified" in key]  # type: ignore[attr-defined]
    assert len(remembered) == 1
    query, verifier = code_for(signed_in, application)
    assert (
        exchange(
            signed_in, application, secret + "x", query["code"], verifier
        ).status_code
        == 401
    )


def test_a_machine_client_gets_the_identity_check_scope_when_its_partner_may(client):
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
    assert response.status_code == 200, response.content
    assert response.json()["scope"] == "identity_check"
    refused = client.post(
        "/o/token/",
        {
            "grant_type": "client_credentials",
            "scope": "openid profile",
            "client_id": application.client_id,
            "client_secret": secret,
        },
    )
    assert refused.json()["error"] == "invalid_scope"


def test_a_machine_client_loses_the_scope_when_hq_withdraws_the_permission(client):
    partner = make_partner(may_check_identity=True)
    application, secret = partner_client_create(
        partner=partner, machine=True, actor="test"
    )
    partner.may_check_identity = False
    partner.save(update_fields=["may_check_identity"])
    response = client.post(
        "/o/token/",
        {
            "grant_type": "client_credentials",
            "scope": "identity_check",
            "client_id": application.client_id,
            "client_secret": secret,
        },
    )
    assert response.json()["error"] == "invalid_scope"


def test_userinfo_releases_the_claims_and_records_them(signed_in, citizen):
    partner = make_partner(allowed_scopes="openid profile personal_id")
    application, secret = make_client(partner)
    query, verifier = code_for(
        signed_in, application, scope="openid profile personal_id"
    )
    token = exchange(signed_in, application, secret, query["code"], verifier).json()
    response = signed_in.get(
        "/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}"
    )
    assert response.status_code == 200
    assert response.json() == {
        "sub": pairwise_subject(user=citizen, partner=partner),
        "name": "สมศรี ใจดี",
        "given_name": "สมศรี",
        "family_name": "ใจดี",
        "personal_id": citizen.personal_id,
    }
    access = DataAccess.objects.get(channel=AccessChannel.USERINFO)
    assert access.data_items == [
        "family_name",
        "given_name",
        "name",
        "personal_id",
        "sub",
    ]


def test_userinfo_refuses_the_token_of_a_partner_made_inactive(signed_in):
    partner = make_partner()
    application, secret = make_client(partner)
    query, verifier = code_for(signed_in, application)
    token = exchange(signed_in, application, secret, query["code"], verifier).json()
    partner.is_active = False
    partner.save(update_fields=["is_active"])
    response = signed_in.get(
        "/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}"
    )
    assert response.status_code == 401
    assert not DataAccess.objects.filter(channel=AccessChannel.USERINFO).exists()


def test_a_token_in_the_query_string_is_refused(signed_in):
    application, secret = make_client(make_partner())
    query, verifier = code_for(signed_in, application)
    token = exchange(signed_in, application, secret, query["code"], verifier).json()
    response = signed_in.get("/o/userinfo/", {"access_token": token["access_token"]})
    assert response.status_code in (400, 401)


def test_a_refresh_token_works_once_and_its_replay_ends_the_family(signed_in):
    application, secret = make_client(make_partner())
    query, verifier = code_for(signed_in, application)
    first = exchange(signed_in, application, secret, query["code"], verifier).json()
    credentials = {"client_id": application.client_id, "client_secret": secret}
    refreshed = signed_in.post(
        "/o/token/",
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
        | credentials,
    )
    assert refreshed.status_code == 200, refreshed.content
    assert refreshed.json()["refresh_token"] != first["refresh_token"]
    replayed = signed_in.post(
        "/o/token/",
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
        | credentials,
    )
    assert replayed.json()["error"] == "invalid_grant"
    newest = signed_in.post(
        "/o/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": refreshed.json()["refresh_token"],
        }
        | credentials,
    )
    assert newest.json()["error"] == "invalid_grant"  # the whole family was revoked
