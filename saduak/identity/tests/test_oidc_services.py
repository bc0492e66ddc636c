import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone
from oauth2_provider.models import (
    AccessToken,
    Application,
    Grant,
    IDToken,
    RefreshToken,
)

from saduak.audit.models import AuditEvent
from saduak.core.errors import InvalidInput
from saduak.identity.data_access import partner_usage_rollup
from saduak.identity.models import AccessChannel, DataAccess, PartnerClient
from saduak.identity.oidc import services
from saduak.identity.oidc.models import PartnerConsent
from saduak.identity.tests.oidc_helpers import (
    REDIRECT_URI,
    make_client,
    make_partner,
    oidc_test_keys,  # noqa: F401
)

pytestmark = pytest.mark.django_db


def tokens_for(user, application, n):
    """An access token with its refresh token, an ID token and an unused code."""
    soon = timezone.now() + timedelta(minutes=5)
    access = AccessToken.objects.create(
        user=user,
        application=application,
        token=f"access-{application.pk}-{n}",
        expires=soon,
        scope="openid profile",
    )
    RefreshToken.objects.create(
        user=user,
        application=application,
        token=f"refresh-{application.pk}-{n}",
        access_token=access,
    )
    IDToken.objects.create(
        user=user, application=application, jti=uuid.uuid4(), expires=soon
    )
    Grant.objects.create(
        user=user,
        application=application,
        code=f"code-{application.pk}-{n}",
        expires=soon,
        redirect_uri=REDIRECT_URI,
    )


def test_a_first_consent_is_recorded_with_its_scopes_and_audited(citizen):
    partner = make_partner()
    consent = services.oidc_consent_grant(
        user=citizen, partner=partner, scopes=["profile", "openid", "identity_check"]
    )
    assert consent.scopes == "openid profile"
    event = AuditEvent.objects.get(action="identity.oidc.consent.grant")
    assert (event.actor_id, event.after["scopes"]) == (citizen.pk, "openid profile")


def test_agreeing_to_more_data_widens_the_consent_in_force(citizen):
    partner = make_partner()
    services.oidc_consent_grant(user=citizen, partner=partner, scopes=["openid"])
    widened = services.oidc_consent_grant(
        user=citizen, partner=partner, scopes=["openid", "birthdate"]
    )
    assert PartnerConsent.objects.get() == widened
    assert widened.scopes == "birthdate openid"
    assert AuditEvent.objects.filter(action="identity.oidc.consent.grant").count() == 2


def test_withdrawing_consent_ends_that_partners_tokens_for_the_citizen_only(
    citizen, make_user
):
    partner, other_partner = make_partner(), make_partner(name_th="ธนาคาร")
    application, _ = make_client(partner)
    other_application, _ = make_client(other_partner)
    neighbour = make_user()
    tokens_for(citizen, application, 1)
    tokens_for(citizen, other_application, 2)
    tokens_for(neighbour, application, 3)
    consent = services.oidc_consent_grant(
        user=citizen, partner=partner, scopes=["openid"]
    )

    services.oidc_consent_revoke(user=citizen, consent=consent)

    consent.refresh_from_db()
    assert consent.revoked_at is not None
    for model in (AccessToken, IDToken, Grant):
        assert not model.objects.filter(user=citizen, application=application).exists()
        assert model.objects.filter(
            user=citizen, application=other_application
        ).exists()
        assert model.objects.filter(user=neighbour, application=application).exists()
    assert not RefreshToken.objects.filter(
        user=citizen, application=application, revoked__isnull=True
    ).exists()
    event = AuditEvent.objects.get(action="identity.oidc.consent.revoke")
    assert event.after == {"partner": partner.pk, "tokens_revoked": 1}


def test_withdrawing_a_consent_twice_changes_nothing_the_second_time(citizen):
    partner = make_partner()
    consent = services.oidc_consent_grant(
        user=citizen, partner=partner, scopes=["openid"]
    )
    services.oidc_consent_revoke(user=citizen, consent=consent)
    services.oidc_consent_revoke(user=citizen, consent=consent)
    assert AuditEvent.objects.filter(action="identity.oidc.consent.revoke").count() == 1


def test_after_withdrawing_a_new_consent_starts(citizen):
    partner = make_partner()
    first = services.oidc_consent_grant(
        user=citizen, partner=partner, scopes=["openid"]
    )
    services.oidc_consent_revoke(user=citizen, consent=first)
    second = services.oidc_consent_grant(
        user=citizen, partner=partner, scopes=["openid"]
    )
    assert second.pk != first.pk
    assert PartnerConsent.objects.filter(revoked_at__isnull=True).get() == second


def test_a_confidential_sign_in_client_is_registered_with_a_hashed_secret(db):
    partner = make_partner()
    application, secret = services.partner_client_create(
        partner=partner,
        redirect_uris=[REDIRECT_URI],
        confidential=True,
        actor="test",
    )
    application.refresh_from_db()
    assert application.client_type == Application.CLIENT_CONFIDENTIAL
    assert application.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert application.algorithm == Application.RS256_ALGORITHM
    assert secret and application.client_secret != secret
    assert check_password(secret, application.client_secret)
    assert PartnerClient.objects.get(application=application).partner == partner
    event = AuditEvent.objects.get(action="identity.oidc.client.create")
    assert event.after["client_id"] == application.client_id
    assert secret not in str(event.after)


def test_a_public_client_has_no_secret(db):
    application, secret = make_client(make_partner(), confidential=False)
    assert secret is None
    assert application.client_type == Application.CLIENT_PUBLIC


def test_a_machine_client_is_only_for_partners_allowed_to_check_identities(db):
    with pytest.raises(InvalidInput):
        services.partner_client_create(
            partner=make_partner(), machine=True, actor="test"
        )
    application, secret = services.partner_client_create(
        partner=make_partner(may_check_identity=True), machine=True, actor="test"
    )
    assert secret
    assert application.authorization_grant_type == Application.GRANT_CLIENT_CREDENTIALS
    assert application.redirect_uris == ""


@pytest.mark.parametrize(
    "uri",
    [
        "http://agency.example.go.th/callback",
        "ftp://agency.example.go.th/callback",
        "https://agency.example.go.th/callback#fragment",
        "https://user:pass@agency.example.go.th/callback",
        "/callback",
    ],
)
def test_redirect_uris_must_be_https_without_fragment_or_credentials(db, uri):
    with pytest.raises(InvalidInput):
        make_client(make_partner(), redirect_uri=uri)
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "uri", ["http://localhost:8000/cb", "http://127.0.0.1:9/cb", "http://[::1]/cb"]
)
def test_plain_http_is_allowed_to_this_machine_where_settings_allow_it(
    db, settings, uri
):
    settings.OIDC_ALLOW_HTTP_LOCALHOST = True
    services.redirect_uri_check(uri)
    settings.OIDC_ALLOW_HTTP_LOCALHOST = False
    with pytest.raises(InvalidInput):
        services.redirect_uri_check(uri)


def test_a_sign_in_client_needs_a_redirect_uri(db):
    with pytest.raises(InvalidInput):
        services.partner_client_create(partner=make_partner(), actor="test")


def test_a_sign_in_is_recorded_for_the_citizen_and_counted_for_the_partner(citizen):
    partner = make_partner()
    services.oidc_sign_in_record(user=citizen, partner=partner, scopes="openid profile")
    access = DataAccess.objects.get()
    assert (access.citizen, access.partner, access.channel) == (
        citizen,
        partner,
        AccessChannel.SIGN_IN,
    )
    assert access.data_items == ["sub"]
    assert access.purpose == partner.purpose_th
    partner_usage_rollup(day=timezone.localdate())
    assert partner.usage.get().count == 1


def test_a_sign_in_is_on_the_audit_chain_as_the_citizens_act(citizen):
    partner = make_partner()
    services.oidc_sign_in_record(user=citizen, partner=partner, scopes="openid profile")
    event = AuditEvent.objects.get(action="identity.oidc.sign_in")
    assert event.actor_id == citizen.pk
    assert (event.target_type, event.target_id) == ("identity.partner", str(partner.pk))
    assert event.after == {"scopes": "openid profile"}


def test_released_claims_are_recorded_by_name(citizen):
    partner = make_partner()
    services.oidc_claims_release_record(
        user=citizen, partner=partner, claims=["sub", "name", "given_name"]
    )
    access = DataAccess.objects.get()
    assert access.channel == AccessChannel.USERINFO
    assert access.data_items == ["given_name", "name", "sub"]
    event = AuditEvent.objects.get(action="identity.oidc.claims_release")
    assert (event.actor_id, event.actor_label) == (None, f"partner:{partner.public_id}")
    assert (event.target_type, event.target_id) == ("identity.partner", str(partner.pk))
    assert event.after == {
        "claims": ["given_name", "name", "sub"],
        "citizen": citizen.pk,
    }
