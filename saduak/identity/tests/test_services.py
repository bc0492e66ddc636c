from dataclasses import replace
from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent
from saduak.core.errors import InvalidInput, NotFound, PermissionDeniedError
from saduak.identity import services
from saduak.identity.models import EnrolmentCode, SignInSession, TermsAcceptance
from saduak.identity.services import EnrolmentCodeUnusable, RegistryMismatch

from .conftest import BOONMEE, SOMSRI

pytestmark = pytest.mark.django_db


def issue(officer, office, card=SOMSRI):
    return services.enrolment_code_issue(officer=officer, office=office, card=card)


def complete(raw, personal_id=SOMSRI.personal_id):
    return services.enrolment_complete(
        raw_code=raw,
        personal_id=personal_id,
        password_hash=make_password("ทุ่งนาเขียวขจี 2569"),
        terms=services.current_terms(),
    )


def test_an_officer_issues_a_ten_minute_code_bound_to_the_person_and_it_is_audited(
    officer, registry_office
):
    code, raw = issue(officer, registry_office)
    assert code.personal_id == SOMSRI.personal_id
    assert code.code_hash != raw and len(raw) >= 32
    assert (
        timedelta(minutes=9) < code.expires_at - timezone.now() <= timedelta(minutes=10)
    )
    event = AuditEvent.objects.get(action="identity.enrolment_code.issue")
    assert (event.actor_id, event.office_id) == (officer.pk, registry_office.pk)


def test_an_expired_card_stops_enrolment_with_the_date(officer, registry_office):
    with pytest.raises(InvalidInput) as caught:
        issue(officer, registry_office, replace(SOMSRI, card_expiry=date(2020, 1, 1)))
    assert caught.value.field == "card_expiry"
    assert "2563" in str(caught.value.message)
    assert not EnrolmentCode.objects.exists()


@pytest.mark.parametrize(
    "card,field",
    [
        (replace(SOMSRI, first_name="สมหญิง"), "first_name"),
        (replace(SOMSRI, birth_date=date(1985, 3, 15)), "birth_date"),
        (
            replace(SOMSRI, personal_id="1100000000024"),
            "personal_id",
        ),  # not in the registry
    ],
)
def test_details_that_differ_from_the_registry_stop_enrolment_naming_them(
    officer, registry_office, card, field
):
    with pytest.raises(RegistryMismatch) as caught:
        issue(officer, registry_office, card)
    assert caught.value.field == field
    assert not EnrolmentCode.objects.exists()


def test_a_revoked_card_is_refused(officer, registry_office):
    from saduak.identity.registry import DEMO_PEOPLE

    revoked = DEMO_PEOPLE[3]
    card = services.CardDetails(
        revoked.personal_id,
        revoked.first_name,
        revoked.last_name,
        revoked.birth_date,
        revoked.card_expiry,
    )
    with pytest.raises(RegistryMismatch, match="revoked|ยกเลิก"):
        issue(officer, registry_office, card)


def test_a_bad_check_digit_is_refused_with_the_reason(officer, registry_office):
    with pytest.raises(InvalidInput) as caught:
        issue(officer, registry_office, replace(SOMSRI, personal_id="1100000000017"))
    assert caught.value.field == "personal_id"


def test_only_officers_of_a_registry_office_enrol_there(make_staff, registry_office):
    district_office_officer = make_staff(Role.COUNTER_OFFICER, "do-5001")
    other_registry = make_staff(Role.COUNTER_OFFICER, "reg-5002")
    with pytest.raises(PermissionDeniedError):
        issue(district_office_officer, Office.objects.get(code="do-5001"))
    # Outside the officer's reach: not even found.
    with pytest.raises(NotFound):
        issue(other_registry, registry_office)


def test_completing_enrolment_creates_the_account_and_records_the_terms(
    officer, registry_office
):
    _, raw = issue(officer, registry_office)

    user = complete(raw)

    assert user.check_password("ทุ่งนาเขียวขจี 2569")
    assert (user.first_name, user.last_name) == ("สมศรี", "ใจดี")
    assert TermsAcceptance.objects.get(user=user).terms.version == "2569.1"
    event = AuditEvent.objects.get(action="identity.enrol")
    assert (event.actor_id, event.office_id, event.after["officer"]) == (
        user.pk,
        registry_office.pk,
        officer.pk,
    )


def test_a_code_works_only_once(officer, registry_office):
    _, raw = issue(officer, registry_office)
    complete(raw)
    with pytest.raises(EnrolmentCodeUnusable):
        complete(raw)
    assert User.objects.count() == 2  # the officer and the citizen


def test_a_code_expires_after_ten_minutes(officer, registry_office):
    _, raw = issue(officer, registry_office)
    later = timezone.now() + timedelta(minutes=10, seconds=1)
    with time_machine.travel(later), pytest.raises(EnrolmentCodeUnusable):
        complete(raw)
    assert not User.objects.filter(personal_id=SOMSRI.personal_id).exists()


def test_the_code_is_for_one_person_only(officer, registry_office):
    _, raw = issue(officer, registry_office)
    with pytest.raises(InvalidInput) as caught:
        complete(raw, personal_id=BOONMEE.personal_id)
    assert caught.value.field == "personal_id"
    assert EnrolmentCode.objects.get().used_at is None


def test_a_fresh_code_resets_a_forgotten_password_and_ends_every_session(
    officer, registry_office
):
    _, raw = issue(officer, registry_office)
    user = complete(raw)
    services.sign_in_session_start(user=user, session_key="k1", user_agent="phone")
    _, second = issue(officer, registry_office)

    services.enrolment_complete(
        raw_code=second,
        personal_id=SOMSRI.personal_id,
        password_hash=make_password("another long phrase"),
        terms=services.current_terms(),
    )

    user.refresh_from_db()
    assert user.check_password("another long phrase")
    assert SignInSession.objects.get(session_key="k1").ended_at is not None
    assert AuditEvent.objects.filter(action="identity.password_reset").exists()


@pytest.mark.parametrize(
    ("role", "office_code"),
    [
        (Role.FINANCE_OFFICER, "pao-50"),
        (Role.PROVINCIAL_STAFF, "pao-50"),
        (Role.HQ_ADMIN, "hq"),
        (Role.AUDITOR, "hq"),
    ],
)
def test_only_counter_staff_issue_enrolment_codes_so_a_finance_officer_cannot_take_over_an_account(
    make_staff, registry_office, role, office_code
):
    actor = make_staff(role, office_code)
    with pytest.raises(PermissionDeniedError):
        issue(actor, registry_office)
    assert not EnrolmentCode.objects.exists()
    assert not AuditEvent.objects.filter(
        action="identity.enrolment_code.issue"
    ).exists()
