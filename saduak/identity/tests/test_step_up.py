"""The staff second factor (StaffSecondFactorMiddleware), the step-up before
sensitive actions, the admin's sign-in, and the settings that switch them."""

import base64
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from saduak.accounts.choices import Role
from saduak.accounts.services import api_token_create
from saduak.audit.models import AuditEvent
from saduak.identity.models import EnrolmentCode, Partner
from saduak.identity.step_up import PASSED_AT_KEY

from .conftest import SOMSRI

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
ROOT = Path(__file__).resolve().parents[3]


CARD = {
    "office_code": "reg-5001",
    "personal_id": SOMSRI.personal_id,
    "first_name": SOMSRI.first_name,
    "last_name": SOMSRI.last_name,
    "birth_date": SOMSRI.birth_date.isoformat(),
    "card_expiry": SOMSRI.card_expiry.isoformat(),
}


@pytest.fixture
def required(settings):
    settings.STAFF_SECOND_FACTOR_REQUIRED = True
    return settings


def _app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"


def _sign_in(user, device: TOTPDevice | None = None) -> Client:
    client = Client()
    answer = client.post(
        "/accounts/login/", {"username": user.personal_id, "password": PASSWORD}
    )
    assert answer.status_code == 302, answer.content[:300]
    if device is not None:
        assert answer["Location"] == "/accounts/login/second-factor/"
        answer = client.post("/accounts/login/second-factor/", {"token": _code(device)})
        assert answer.status_code == 302
    return client


def _production_setting(tmp_path, code: str, **env: str) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "STAFF_SECOND_FACTOR_REQUIRED"}
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "saduak.example.go.th",
        "SADUAK_VAR_DIR": str(tmp_path),
        "ESERVICES_MASTER_KEYS": "check:" + base64.b64encode(b"k" * 32).decode(),
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_settings_require_the_staff_second_factor(tmp_path):
    shown = _production_setting(
        tmp_path,
        "from django.conf import settings as s; "
        "print(s.STAFF_SECOND_FACTOR_REQUIRED, s.STEP_UP_SECONDS, "
        "'saduak.identity.step_up.StaffSecondFactorMiddleware' in s.MIDDLEWARE)",
    )
    assert shown == "True 900 True"


def test_staff_without_a_second_factor_are_sent_to_enrol_and_reach_no_staff_page(
    required, make_staff
):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    client = _sign_in(officer)
    page = client.get("/staff/enrol/")
    assert page.status_code == 302
    assert page["Location"] == "/account/security/"
    enrol = client.get("/account/security/")
    assert enrol.status_code == 200
    assert enrol.context["must_enrol"] is True
    assert "ตั้งค่าปัจจัยที่สองก่อนจึงจะใช้งานต่อได้" in enrol.content.decode()
    api = client.get("/api/v1/identity/sessions")
    assert api.status_code == 403
    assert api.json()["code"] == "second-factor-enrolment-required"
    assert api.json()["enrol_url"] == "/account/security/"


def test_enrolling_an_app_gives_recovery_codes_and_opens_the_staff_pages(
    required, make_staff
):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    client = _sign_in(officer)
    client.post("/account/security/", {"action": "start"})
    pending = TOTPDevice.objects.get(user=officer, confirmed=False)
    done = client.post(
        "/account/security/", {"action": "confirm", "token": _code(pending)}
    )
    assert done.status_code == 200
    assert len(done.context["recovery_codes"]) == 10
    assert client.get("/staff/enrol/").status_code == 200
    assert AuditEvent.objects.filter(
        action="identity.second_factor.enable", target_id=str(officer.pk)
    ).exists()


def test_staff_with_a_second_factor_pass_it_at_sign_in_and_reach_their_pages(
    required, make_staff
):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    client = _sign_in(officer, _app(officer))
    assert client.session[PASSED_AT_KEY]
    assert client.get("/staff/enrol/").status_code == 200


def test_a_session_of_staff_that_never_passed_the_second_factor_is_sent_to_give_it(
    required, make_staff, client_for
):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    _app(officer)
    client = client_for(officer)  # signed in some other way, no second factor
    page = client.get("/staff/enrol/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/step-up/")
    # With a factor already, the enrolment page is not a way round it.
    assert client.get("/account/security/").status_code == 302


def test_a_citizen_is_not_asked_for_a_second_factor(required, client_for, citizen):
    assert client_for(citizen).get("/account/").status_code == 200


def test_bearer_tokens_of_machines_are_not_asked(required, make_staff):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    _token, raw = api_token_create(user=officer, name="counter app", actor="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    answer = client.post(
        "/api/v1/identity/enrolment-codes", CARD, content_type="application/json"
    )
    assert answer.status_code == 201, answer.content


def test_a_made_up_bearer_token_does_not_get_a_session_past_the_second_factor(
    required, make_staff, client_for
):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    client = client_for(officer)
    answer = client.get(
        "/api/v1/identity/sessions", HTTP_AUTHORIZATION="Bearer made-up"
    )
    assert answer.status_code == 403


def test_the_admin_asks_a_superuser_for_the_second_factor(required, admin_user):
    client = Client()
    sign_in = client.get("/admin/")
    assert sign_in.status_code == 302
    login = client.get(sign_in["Location"])
    assert login["Location"].startswith("/accounts/login/")
    client.force_login(admin_user)
    refused = client.get("/admin/")
    assert refused.status_code == 302
    assert refused["Location"] == "/account/security/"
    passed = _sign_in(admin_user, _app(admin_user))
    assert passed.get("/admin/").status_code == 200


def test_the_admin_has_no_password_form_of_its_own(admin_user):
    answer = Client().post(
        "/admin/login/", {"username": admin_user.personal_id, "password": PASSWORD}
    )
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/")


def test_step_up_asks_again_when_the_second_factor_is_old(
    required, make_staff, time_machine
):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    device = _app(officer)
    client = _sign_in(officer, device)
    assert client.get("/staff/enrol/").status_code == 200
    time_machine.move_to(time.time() + 16 * 60, tick=False)
    page = client.get("/staff/enrol/")
    assert page.status_code == 302
    assert page["Location"] == "/accounts/step-up/?next=%2Fstaff%2Fenrol%2F"
    api = client.post(
        "/api/v1/identity/enrolment-codes", CARD, content_type="application/json"
    )
    assert api.status_code == 403
    assert api.json()["code"] == "second-factor-required"
    assert api.json()["max_age_seconds"] == 900
    assert EnrolmentCode.objects.count() == 0
    again = client.post(
        "/accounts/step-up/?next=/staff/enrol/", {"token": _code(device)}
    )
    assert again["Location"] == "/staff/enrol/"
    assert client.get("/staff/enrol/").status_code == 200


def test_partner_changes_over_the_api_ask_for_a_recent_second_factor(
    make_staff, time_machine, settings
):
    hq = make_staff(Role.HQ_ADMIN, "hq")
    device = _app(hq)
    client = _sign_in(hq, device)
    time_machine.move_to(time.time() + settings.STEP_UP_SECONDS + 1, tick=False)
    answer = client.post(
        "/api/v1/identity/partners",
        {"name_th": "ธนาคาร", "kind": "bank", "purpose_th": "เปิดบัญชี"},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "second-factor-required"
    assert answer.json()["step_up_url"].startswith("/accounts/step-up/")
    assert not Partner.objects.exists()


def test_a_staff_member_cannot_remove_their_last_second_factor(required, make_staff):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    client = _sign_in(officer, _app(officer))
    refused = client.post(
        "/account/security/", {"action": "disable", "password": PASSWORD}
    )
    assert refused.status_code == 403
    assert TOTPDevice.objects.filter(user=officer).exists()


def test_setting_up_an_app_beside_a_passkey_asks_again_when_old(make_staff, client_for):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    _app(officer)
    client = client_for(officer)
    session = client.session
    session[PASSED_AT_KEY] = time.time() - 16 * 60
    session.save()
    answer = client.post(
        "/account/security/", {"action": "start"}, HTTP_REFERER="/account/security/"
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/accounts/step-up/?next=%2Faccount%2Fsecurity%2F"
    assert not TOTPDevice.objects.filter(user=officer, confirmed=False).exists()
