from datetime import date, timedelta

import pytest
from django.utils import timezone

from saduak.identity.models import EnrolmentCode
from saduak.identity.oidc import claims
from saduak.identity.tests.oidc_helpers import make_partner

pytestmark = pytest.mark.django_db


def enrolment_code(citizen, officer, office, born, *, days_ago):
    issued = timezone.now() - timedelta(days=days_ago)
    return EnrolmentCode.objects.create(
        code_hash=f"{citizen.pk}-{days_ago}",
        personal_id=citizen.personal_id,
        first_name=citizen.first_name,
        last_name=citizen.last_name,
        birth_date=born,
        office=office,
        issued_by=officer,
        issued_at=issued,
        expires_at=issued + timedelta(minutes=10),
    )


def test_the_subject_is_stable_for_a_partner_and_differs_between_partners(
    citizen, make_user
):
    employment, bank = make_partner(), make_partner(name_th="ธนาคาร", kind="bank")
    first = claims.pairwise_subject(user=citizen, partner=employment)
    assert first == claims.pairwise_subject(user=citizen, partner=employment)
    assert first != claims.pairwise_subject(user=citizen, partner=bank)
    assert first != claims.pairwise_subject(user=make_user(), partner=employment)
    assert citizen.personal_id not in first
    assert len(first) == 64


def test_the_subject_depends_on_the_pairwise_secret(citizen, settings):
    partner = make_partner()
    before = claims.pairwise_subject(user=citizen, partner=partner)
    settings.OIDC_PAIRWISE_SECRET = "another-secret"
    assert claims.pairwise_subject(user=citizen, partner=partner) != before


@pytest.mark.parametrize(
    "level,acr,amr",
    [(1, "urn:saduak:aal1", ["pwd"]), (2, "urn:saduak:aal2", ["pwd", "otp"])],
)
def test_the_assurance_level_becomes_acr_and_amr(level, acr, amr):
    assert claims.assurance_claims(level) == {"acr": acr, "amr": amr}
    assert claims.assurance_claims(None) == {}


def test_a_partner_may_be_granted_openid_and_what_hq_allowed_it():
    partner = make_partner(allowed_scopes="profile personal_id identity_check")
    assert claims.grantable_scopes(partner, machine=False) == {
        "openid",
        "profile",
        "personal_id",
    }


def test_a_machine_client_may_be_granted_the_identity_check_only_when_allowed():
    allowed = make_partner(may_check_identity=True)
    assert claims.grantable_scopes(allowed, machine=True) == {"identity_check"}
    assert claims.grantable_scopes(make_partner(), machine=True) == frozenset()


def test_an_inactive_partner_or_a_client_without_partner_gets_nothing():
    inactive = make_partner(is_active=False, may_check_identity=True)
    assert claims.grantable_scopes(inactive, machine=False) == frozenset()
    assert claims.grantable_scopes(inactive, machine=True) == frozenset()
    assert claims.grantable_scopes(None, machine=False) == frozenset()


def test_a_partner_demanding_a_second_factor_or_asking_for_aal2_needs_level_two():
    relaxed, strict = make_partner(), make_partner(requires_second_factor=True)
    assert claims.required_level(partner=relaxed, acr_values="") == 1
    assert claims.required_level(partner=relaxed, acr_values="urn:saduak:aal1") == 1
    assert claims.required_level(partner=relaxed, acr_values="x urn:saduak:aal2") == 2
    assert claims.required_level(partner=strict, acr_values="") == 2


def test_userinfo_releases_the_thai_name_for_profile(citizen):
    partner = make_partner()
    released = claims.userinfo_claims(
        user=citizen, partner=partner, scopes=["openid", "profile"]
    )
    assert released == {
        "sub": claims.pairwise_subject(user=citizen, partner=partner),
        "name": "สมศรี ใจดี",
        "given_name": "สมศรี",
        "family_name": "ใจดี",
    }


def test_the_birth_date_comes_from_the_latest_enrolment_and_is_left_out_without_one(
    citizen, officer, registry_office
):
    partner = make_partner()
    scopes = ["openid", "birthdate"]
    assert "birthdate" not in claims.userinfo_claims(
        user=citizen, partner=partner, scopes=scopes
    )
    enrolment_code(citizen, officer, registry_office, date(1985, 3, 1), days_ago=30)
    enrolment_code(citizen, officer, registry_office, date(1985, 3, 14), days_ago=1)
    released = claims.userinfo_claims(user=citizen, partner=partner, scopes=scopes)
    assert released["birthdate"] == "1985-03-14"


def test_the_personal_id_is_released_only_to_a_partner_allowed_it_now(citizen):
    partner = make_partner(allowed_scopes="openid personal_id")
    scopes = ["openid", "personal_id"]
    released = claims.userinfo_claims(user=citizen, partner=partner, scopes=scopes)
    assert released["personal_id"] == citizen.personal_id
    partner.allowed_scopes = "openid profile"  # HQ narrowed it after the sign-in
    released = claims.userinfo_claims(user=citizen, partner=partner, scopes=scopes)
    assert "personal_id" not in released


def test_an_address_is_left_out_while_saduak_holds_none(citizen):
    partner = make_partner(allowed_scopes="openid address")
    released = claims.userinfo_claims(
        user=citizen, partner=partner, scopes=["openid", "address"]
    )
    assert set(released) == {"sub"}


def test_the_consent_screen_lists_the_scopes_in_a_fixed_order():
    items = claims.consent_items(["personal_id", "openid", "profile", "nonsense"])
    assert [item.scope for item in items] == ["openid", "profile", "personal_id"]
