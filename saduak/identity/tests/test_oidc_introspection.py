"""Token introspection (RFC 7662) for a partner's resource servers."""

import base64
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import ECKey
from oauth2_provider.models import AccessToken

from saduak.identity.models import PartnerClient
from saduak.identity.oidc.claims import pairwise_subject
from saduak.identity.tests.oidc_helpers import (
    make_client,
    make_partner,
    oidc_test_keys,  # noqa: F401
)
from saduak.identity.tests.test_oidc_dpop import code_for, exchange

pytestmark = pytest.mark.django_db


def proof(key):
    return jwt.encode(
        {"typ": "dpop+jwt", "alg": "ES256", "jwk": key.as_dict(private=False)},
        {
            "htm": "POST",
            "htu": "http://testserver/o/token/",
            "iat": int(time.time()),
            "jti": f"{time.time()}",
        },
        key,
    )


@pytest.fixture
def partner():
    return make_partner(allowed_scopes="openid profile")


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    session = client.session
    session["saduak_aal"] = 1
    session.save()
    return client


@pytest.fixture
def resource_server(partner):
    application, secret = make_client(partner)
    PartnerClient.objects.filter(application=application).update(may_introspect=True)
    return application, secret


def basic(application, secret):
    raw = f"{application.client_id}:{secret}".encode()
    return {"HTTP_AUTHORIZATION": f"Basic {base64.b64encode(raw).decode()}"}


def introspect(client, caller, token, **extra):
    return client.post("/o/introspect/", {"token": token, **extra}, **basic(*caller))


def test_a_resource_server_learns_what_a_bound_token_says(
    signed_in, partner, resource_server, citizen
):
    application, secret = make_client(partner)
    key = ECKey.generate_key("P-256")
    code, verifier = code_for(signed_in, application)
    tokens = exchange(signed_in, application, secret, code, verifier, proof(key)).json()
    answer = introspect(signed_in, resource_server, tokens["access_token"])
    assert answer.status_code == 200
    assert (
        answer["Cache-Control"].startswith("no-store")
        or "no-store" in answer["Cache-Control"]
    )
    body = answer.json()
    assert body["active"] is True
    assert body["client_id"] == application.client_id
    assert body["token_type"] == "DPoP"
    assert body["cnf"] == {"jkt": key.thumbprint()}
    assert body["scope"] == "openid profile"
    assert body["sub"] == pairwise_subject(user=citizen, partner=partner)
    assert body["iss"] == "http://testserver/o"
    assert body["exp"] > body["iat"]
    refresh = introspect(
        signed_in,
        resource_server,
        tokens["refresh_token"],
        token_type_hint="refresh_token",
    ).json()
    assert refresh["active"] is True
    assert refresh["client_id"] == application.client_id


def test_other_partners_expired_and_unknown_tokens_are_just_inactive(
    signed_in, partner, resource_server
):
    application, secret = make_client(partner)
    code, verifier = code_for(signed_in, application)
    access = exchange(signed_in, application, secret, code, verifier).json()[
        "access_token"
    ]
    outsider = make_client(make_partner(name_th="กรมอื่น", name_en="Other"))
    PartnerClient.objects.filter(application=outsider[0]).update(may_introspect=True)
    assert introspect(signed_in, outsider, access).json() == {"active": False}
    assert introspect(signed_in, resource_server, "nonsense").json() == {
        "active": False
    }
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert introspect(signed_in, resource_server, access).json() == {"active": False}


def test_only_an_authenticated_client_allowed_to_introspect_may_ask(
    signed_in, partner, resource_server
):
    application, secret = make_client(partner)
    wrong = introspect(signed_in, (resource_server[0], "wrong secret"), "x")
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    assert wrong["WWW-Authenticate"].startswith("Basic")
    anonymous = signed_in.post("/o/introspect/", {"token": "x"})
    assert anonymous.status_code == 401
    not_allowed = introspect(signed_in, (application, secret), "x")
    assert not_allowed.status_code == 403
    assert not_allowed.json()["error"] == "unauthorized_client"
    missing = signed_in.post("/o/introspect/", {}, **basic(*resource_server))
    assert missing.status_code == 400
    assert signed_in.get("/o/introspect/").status_code == 405
