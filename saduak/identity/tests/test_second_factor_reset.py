"""HQ resets a staff member's second factor (second_factor.staff_second_factor_reset
and its page and API)."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.core.errors import InvalidInput, PermissionDeniedError
from saduak.identity.models import Passkey, SignInSession
from saduak.identity.second_factor import (
    recovery_codes_issue,
    staff_second_factor_reset,
)

pytestmark = pytest.mark.django_db


def _enrolled(user):
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    recovery_codes_issue(user)
    Passkey.objects.create(
        user=user, credential_id=f"cred-{user.pk}", public_key=b"k", name="phone"
    )
    return user


def test_hq_resets_a_staff_members_factors_ends_their_sessions_and_it_is_audited(
    make_staff,
):
    hq = make_staff(Role.HQ_ADMIN, "hq")
    officer = _enrolled(make_staff(Role.COUNTER_OFFICER, "reg-5001"))
    SignInSession.objects.create(user=officer, session_key="s1")
    staff_second_factor_reset(actor=hq, personal_id=officer.personal_id)
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    assert not Passkey.objects.filter(user=officer).exists()
    assert SignInSession.objects.get(session_key="s1").ended_at is not None
    event = AuditEvent.objects.get(action="identity.second_factor.reset")
    assert event.actor_id == hq.pk
    assert event.after["passkeys"] == 1
    assert event.after["authenticator_apps"] == 1


@pytest.mark.parametrize(
    ("role", "office"),
    [
        (Role.DISTRICT_ADMIN, "do-5001"),
        (Role.PROVINCIAL_STAFF, "pao-50"),
        (Role.AUDITOR, "hq"),
        (Role.FINANCE_OFFICER, "pao-50"),
    ],
)
def test_nobody_but_hq_resets_a_second_factor(make_staff, role, office):
    actor = make_staff(role, office)
    officer = _enrolled(make_staff(Role.COUNTER_OFFICER, "reg-5001"))
    with pytest.raises(PermissionDeniedError):
        staff_second_factor_reset(actor=actor, personal_id=officer.personal_id)
    assert TOTPDevice.objects.filter(user=officer).exists()
    assert not AuditEvent.objects.filter(action="identity.second_factor.reset").exists()


def test_an_hq_administrator_cannot_reset_their_own(make_staff):
    hq = _enrolled(make_staff(Role.HQ_ADMIN, "hq"))
    with pytest.raises(PermissionDeniedError):
        staff_second_factor_reset(actor=hq, personal_id=hq.personal_id)
    assert TOTPDevice.objects.filter(user=hq).exists()
    assert not AuditEvent.objects.filter(action="identity.second_factor.reset").exists()


def test_a_citizen_is_not_reset_through_the_staff_reset(make_staff, citizen):
    hq = make_staff(Role.HQ_ADMIN, "hq")
    TOTPDevice.objects.create(user=citizen, name="app", confirmed=True)
    with pytest.raises(InvalidInput):
        staff_second_factor_reset(actor=hq, personal_id=citizen.personal_id)
    assert TOTPDevice.objects.filter(user=citizen).exists()


def test_hq_resets_through_the_page_and_others_get_403(make_staff, client_for):
    hq = make_staff(Role.HQ_ADMIN, "hq")
    officer = _enrolled(make_staff(Role.COUNTER_OFFICER, "reg-5001"))
    district = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    assert client_for(district).get("/staff/second-factor-reset/").status_code == 403
    answer = client_for(hq).post(
        "/staff/second-factor-reset/",
        {"personal_id": officer.personal_id, "confirm": "on"},
    )
    assert answer.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()


def test_hq_resets_through_the_api_and_is_refused_for_itself(make_staff, client_for):
    hq = _enrolled(make_staff(Role.HQ_ADMIN, "hq"))
    officer = _enrolled(make_staff(Role.COUNTER_OFFICER, "reg-5001"))
    api = client_for(hq)
    mine = api.post(
        "/api/v1/identity/second-factor-resets",
        {"personal_id": hq.personal_id},
        content_type="application/json",
    )
    # Signed in without passing the factor: asked for it first.
    assert mine.status_code == 403
    assert mine.json()["code"] == "second-factor-required"
    session = api.session
    import time

    session["saduak_second_factor_at"] = time.time()
    session.save()
    mine = api.post(
        "/api/v1/identity/second-factor-resets",
        {"personal_id": hq.personal_id},
        content_type="application/json",
    )
    assert mine.status_code == 403
    assert mine.json()["code"] == "forbidden"
    theirs = api.post(
        "/api/v1/identity/second-factor-resets",
        {"personal_id": officer.personal_id},
        content_type="application/json",
    )
    assert theirs.status_code == 204
    assert not TOTPDevice.objects.filter(user=officer).exists()
