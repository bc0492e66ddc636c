"""The authorization endpoint's pages: sign-in, step-up, consent (remembered,
withdrawn), error pages that never redirect, languages, discovery, keys, logout."""

import base64
import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from jwcrypto import jwk
from oauth2_provider.models import AccessToken, Grant

from saduak.audit.models import AuditEvent
from saduak.identity.oidc.models import PartnerConsent
from saduak.identity.oidc.services import oidc_consent_grant
from saduak.identity.tests.oidc_helpers import (
    CURRENT_KEY,
    POST_LOGOUT_URI,
    PREVIOUS_KEY,
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


@pytest.fixture
def partner():
    return make_partner(allowed_scopes="openid profile birthdate personal_id")


@pytest.fixture
def application(partner):
    return make_client(partner)[0]


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    session = client.session
    session["saduak_aal"] = 1
    session.save()
    return client


def params(application, **changes):
    _verifier, challenge = pkce_pair()
    return authorize_params(application, challenge=challenge, **changes)


def set_level(client, level):
    session = client.session
    session["saduak_aal"] = level
    session.save()


def test_a_person_not_signed_in_is_sent_to_sign_in_and_back(client, application):
    query = params(application)
    response = client.get("/o/authorize/", query)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    english = client.get("/en/o/authorize/", query)
    assert english["Location"].startswith("/en/accounts/login/?next=")


def test_the_consent_screen_lists_the_data_and_the_purpose_in_thai(
    signed_in, application, partner
):
    response = signed_in.get(
        "/o/authorize/", params(application, scope="openid profile birthdate")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="th">' in page
    assert partner.name_th in page and partner.purpose_th in page
    with translation.override("th"):
        for label in ("Full name", "Date of birth"):
            assert gettext(label) in page
        assert gettext("Personal ID number") not in page
    assert 'href="/en/o/authorize/?' in page  # the language switch keeps the request
    fields = hidden_fields(page)
    assert fields["scope"] == "openid profile birthdate"
    assert fields["client_id"] == application.client_id


def test_the_consent_screen_is_in_english_under_en(signed_in, application, partner):
    page = signed_in.get("/en/o/authorize/", params(application)).content.decode()
    assert '<html lang="en">' in page
    assert partner.name_en in page and partner.purpose_en in page
    assert "Full name" in page


def test_a_partner_may_ask_for_english_with_ui_locales(signed_in, application):
    query = params(application, ui_locales="en-US th")
    response = signed_in.get("/o/authorize/", query)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/o/authorize/?")
    back = signed_in.get("/en/o/authorize/", params(application, ui_locales="th"))
    assert back["Location"].startswith("/o/authorize/?")


def test_the_consent_form_may_send_the_answer_to_the_partner(signed_in, application):
    response = signed_in.get("/o/authorize/", params(application))
    policy = response["Content-Security-Policy"]
    assert "form-action 'self' https://agency.example.go.th;" in policy


def test_allowing_sends_a_code_to_the_partner_and_remembers_the_consent(
    signed_in, application, partner, citizen
):
    page = signed_in.get("/o/authorize/", params(application)).content.decode()
    response = signed_in.post("/o/authorize/", hidden_fields(page) | {"allow": "on"})
    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert response["Location"].startswith(REDIRECT_URI)
    assert answer["state"] == "state-123" and answer["code"]
    assert answer["iss"] == "http://testserver/o"
    consent = PartnerConsent.objects.get(user=citizen, partner=partner)
    assert consent.scopes == "openid profile"
    assert AuditEvent.objects.filter(action="identity.oidc.consent.grant").exists()


def test_not_allowing_tells_the_partner_access_was_denied(signed_in, application):
    page = signed_in.get("/o/authorize/", params(application)).content.decode()
    response = signed_in.post("/o/authorize/", hidden_fields(page))
    assert query_of(response["Location"])["error"] == "access_denied"
    assert not Grant.objects.exists()
    assert not PartnerConsent.objects.exists()


def test_a_remembered_consent_skips_the_screen(
    signed_in, application, partner, citizen
):
    oidc_consent_grant(user=citizen, partner=partner, scopes=["openid", "profile"])
    response = signed_in.get("/o/authorize/", params(application, scope="openid"))
    assert response.status_code == 302
    assert query_of(response["Location"])["code"]
    assert Grant.objects.count() == 1


def test_more_data_than_remembered_shows_the_screen_again(
    signed_in, application, partner, citizen
):
    oidc_consent_grant(user=citizen, partner=partner, scopes=["openid", "profile"])
    response = signed_in.get(
        "/o/authorize/", params(application, scope="openid profile birthdate")
    )
    assert response.status_code == 200


def test_prompt_consent_asks_even_when_remembered(
    signed_in, application, partner, citizen
):
    oidc_consent_grant(user=citizen, partner=partner, scopes=["openid", "profile"])
    response = signed_in.get("/o/authorize/", params(application, prompt="consent"))
    assert response.status_code == 200


def test_after_a_sign_in_form_the_way_back_to_the_partner_is_a_page(
    signed_in, application, partner, citizen
):
    """Chrome applies the sign-in form's form-action policy to every redirect that
    follows it, so a redirect to the partner would be blocked."""
    oidc_consent_grant(user=citizen, partner=partner, scopes=["openid", "profile"])
    response = signed_in.get(
        "/o/authorize/", params(application), HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert 'http-equiv="refresh"' in page
    assert f"0;url={REDIRECT_URI}?code=" in page
    assert partner.name_th in page


def test_prompt_none_without_consent_answers_consent_required(signed_in, application):
    response = signed_in.get("/o/authorize/", params(application, prompt="none"))
    answer = query_of(response["Location"])
    assert (answer["error"], answer["state"]) == ("consent_required", "state-123")


def test_prompt_none_without_a_session_answers_login_required(client, application):
    response = client.get("/o/authorize/", params(application, prompt="none"))
    assert query_of(response["Location"])["error"] == "login_required"


def test_a_partner_demanding_a_second_factor_steps_the_person_up(signed_in):
    strict = make_partner(requires_second_factor=True)
    application, _ = make_client(strict)
    response = signed_in.get("/o/authorize/", params(application))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/accounts/step-up/?next=%2Fo%2Fauthorize%2F%3F")
    assert not Grant.objects.exists()


def test_acr_values_aal2_steps_the_person_up(signed_in, application):
    response = signed_in.get(
        "/o/authorize/", params(application, acr_values="urn:saduak:aal2")
    )
    assert response["Location"].startswith("/accounts/step-up/?next=")


def test_at_level_two_there_is_no_step_up(signed_in):
    application, _ = make_client(make_partner(requires_second_factor=True))
    set_level(signed_in, 2)
    assert signed_in.get("/o/authorize/", params(application)).status_code == 200


def test_prompt_none_needing_a_step_up_answers_interaction_required(signed_in):
    application, _ = make_client(make_partner(requires_second_factor=True))
    response = signed_in.get("/o/authorize/", params(application, prompt="none"))
    assert query_of(response["Location"])["error"] == "interaction_required"


def test_a_person_without_a_second_factor_is_told_how_to_set_one_up(signed_in):
    application, _ = make_client(make_partner(requires_second_factor=True))
    step_up = signed_in.get("/o/authorize/", params(application))["Location"]
    response = signed_in.get(step_up)
    assert response.status_code == 200
    assert [t.name for t in response.templates][
        0
    ] == "accounts/step_up_needs_factor.html"


def test_a_consent_form_sent_at_level_one_to_a_strict_partner_steps_up_first(
    signed_in,
):
    application, _ = make_client(make_partner(requires_second_factor=True))
    set_level(signed_in, 2)
    page = signed_in.get("/o/authorize/", params(application)).content.decode()
    set_level(signed_in, 1)  # signed in again elsewhere with a password only
    response = signed_in.post("/o/authorize/", hidden_fields(page) | {"allow": "on"})
    assert response["Location"].startswith("/accounts/step-up/?next=")
    assert not Grant.objects.exists()


def test_an_unknown_redirect_uri_shows_an_error_page_and_never_redirects(
    signed_in, application
):
    for uri in ("https://evil.example.com/callback", f"{REDIRECT_URI}/other"):
        response = signed_in.get("/o/authorize/", params(application, redirect_uri=uri))
        assert response.status_code == 400
        assert "Location" not in response
        assert [t.name for t in response.templates][0] == "identity/oidc/error.html"
        assert b"invalid_request" in response.content
    assert not Grant.objects.exists()


def test_an_unknown_client_shows_an_error_page(signed_in, application):
    response = signed_in.get(
        "/o/authorize/", params(application, client_id="no-such-client")
    )
    assert response.status_code == 400
    assert "Location" not in response


def test_the_citizen_sees_the_agencies_they_share_data_with(
    signed_in, partner, citizen, make_user
):
    oidc_consent_grant(user=citizen, partner=partner, scopes=["openid", "profile"])
    oidc_consent_grant(
        user=make_user(), partner=make_partner(name_th="ธนาคารอื่น"), scopes=["openid"]
    )
    page = signed_in.get("/account/partners/").content.decode()
    assert partner.name_th in page and partner.purpose_th in page
    assert "ธนาคารอื่น" not in page
    english = signed_in.get("/en/account/partners/").content.decode()
    assert partner.name_en in english and "Full name" in english


def test_stopping_sharing_withdraws_the_consent_and_ends_the_partners_tokens(
    signed_in, application, partner, citizen
):
    consent = oidc_consent_grant(user=citizen, partner=partner, scopes=["openid"])
    AccessToken.objects.create(
        user=citizen,
        application=application,
        token="live-token",
        expires=timezone.now() + timedelta(minutes=5),
        scope="openid",
    )
    response = signed_in.post(f"/account/partners/{consent.public_id}/withdraw/")
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    assert not AccessToken.objects.exists()
    assert AuditEvent.objects.filter(action="identity.oidc.consent.revoke").exists()
    again = signed_in.get("/o/authorize/", params(application, scope="openid"))
    assert again.status_code == 200  # the partner must ask again


def test_nobody_withdraws_another_persons_consent(signed_in, partner, make_user):
    other = oidc_consent_grant(user=make_user(), partner=partner, scopes=["openid"])
    response = signed_in.post(f"/account/partners/{other.public_id}/withdraw/")
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_the_consent_pages_need_a_signed_in_person(client):
    assert client.get("/account/partners/")["Location"].startswith("/accounts/login/")


def test_discovery_publishes_the_endpoints_scopes_and_assurance_values(client):
    document = client.get("/o/.well-known/openid-configuration").json()
    assert document["issuer"] == "http://testserver/o"
    assert document["authorization_endpoint"] == "http://testserver/o/authorize/"
    assert document["token_endpoint"] == "http://testserver/o/token/"
    assert document["userinfo_endpoint"] == "http://testserver/o/userinfo/"
    assert document["end_session_endpoint"] == "http://testserver/o/logout/"
    assert document["jwks_uri"] == "http://testserver/o/.well-known/jwks.json"
    assert document["response_types_supported"] == ["code"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["subject_types_supported"] == ["pairwise"]
    assert document["id_token_signing_alg_values_supported"] == ["RS256", "ES256"]
    assert document["acr_values_supported"] == ["urn:saduak:aal1", "urn:saduak:aal2"]
    # Hole 5: no scope that releases nothing (address), no machine-only scope.
    assert set(document["scopes_supported"]) == {
        "openid",
        "profile",
        "birthdate",
        "personal_id",
    }


def test_the_jwks_publishes_the_current_and_the_previous_key(client):
    response = client.get("/o/.well-known/jwks.json")
    # The RSA keys; the EC (ES256) keys follow (test_oidc_id_tokens.py).
    keys = [key for key in response.json()["keys"] if key["kty"] == "RSA"]
    expected = [
        jwk.JWK.from_pem(pem.encode()).thumbprint()
        for pem in (CURRENT_KEY, PREVIOUS_KEY)
    ]
    assert [key["kid"] for key in keys] == expected
    assert all("d" not in key and key["alg"] == "RS256" for key in keys)
    assert "max-age=3600" in response["Cache-Control"]


def exchange_code(client, application, secret, page):
    response = client.post("/o/authorize/", hidden_fields(page) | {"allow": "on"})
    return query_of(response["Location"])["code"]


def id_token_for(signed_in, partner):
    application, secret = make_client(partner)
    verifier, challenge = pkce_pair()
    page = signed_in.get(
        "/o/authorize/", authorize_params(application, challenge=challenge)
    ).content.decode()
    code = exchange_code(signed_in, application, secret, page)
    token = signed_in.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
            "client_id": application.client_id,
            "client_secret": secret,
        },
    ).json()
    return application, token


def test_logout_with_the_persons_id_token_signs_out_at_once_and_returns(
    signed_in, partner, citizen
):
    application, token = id_token_for(signed_in, partner)
    response = signed_in.get(
        "/o/logout/",
        {
            "id_token_hint": token["id_token"],
            "post_logout_redirect_uri": POST_LOGOUT_URI,
            "state": "bye",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{POST_LOGOUT_URI}?state=bye"
    assert "_auth_user_id" not in signed_in.session
    # Which tokens end with the session (those of its partner sign-ins, and no
    # other): test_oidc_logout.py.


def test_logout_without_a_hint_asks_first_and_may_return_to_the_partner(
    signed_in, application
):
    query = {
        "client_id": application.client_id,
        "post_logout_redirect_uri": POST_LOGOUT_URI,
    }
    response = signed_in.get(f"/o/logout/?{urlencode(query)}")
    assert response.status_code == 200
    assert (
        "form-action 'self' https://agency.example.go.th;"
        in (response["Content-Security-Policy"])
    )
    page = response.content.decode()
    confirmed = signed_in.post("/o/logout/", hidden_fields(page) | {"allow": "on"})
    assert confirmed["Location"] == POST_LOGOUT_URI
    assert "_auth_user_id" not in signed_in.session


def test_logout_to_an_unregistered_address_is_refused_without_redirect(
    signed_in, application
):
    response = signed_in.get(
        "/o/logout/",
        {
            "client_id": application.client_id,
            "post_logout_redirect_uri": "https://evil.example.com/",
        },
    )
    assert response.status_code == 400
    assert "Location" not in response
    assert "_auth_user_id" in signed_in.session


def test_an_id_token_signed_before_a_key_rotation_still_works_as_a_logout_hint(
    signed_in, partner, settings, citizen
):
    _application, token = id_token_for(signed_in, partner)
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEY": PREVIOUS_KEY,
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [CURRENT_KEY],
    }
    response = signed_in.get(
        "/o/logout/",
        {
            "id_token_hint": token["id_token"],
            "post_logout_redirect_uri": POST_LOGOUT_URI,
        },
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in signed_in.session
    header = json.loads(
        base64.urlsafe_b64decode(token["id_token"].split(".")[0] + "==")
    )
    assert header["kid"] == jwk.JWK.from_pem(CURRENT_KEY.encode()).thumbprint()
