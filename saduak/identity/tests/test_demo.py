"""The demo's staff second factors (identity/demo.py) and `manage.py demo_code`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from saduak.accounts.choices import Role
from saduak.identity.demo import demo_second_factor_seed
from saduak.identity.second_factor import second_factor_verify

pytestmark = pytest.mark.django_db


def test_a_demo_staff_account_gets_a_fixed_key_and_recovery_codes_that_sign_in(
    make_staff,
):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    printed = demo_second_factor_seed(officer)
    device = TOTPDevice.objects.get(user=officer)
    assert printed.otpauth_uri.startswith("otpauth://totp/")
    assert printed.key_base32 in printed.otpauth_uri
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"
    assert second_factor_verify(user=officer, token=code) is not None
    recovery = printed.recovery_codes[0]
    assert second_factor_verify(user=officer, token=recovery) is not None
    assert second_factor_verify(user=officer, token=recovery) is None  # used once


def test_seeding_again_keeps_the_app_a_tester_set_up(make_staff):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    own = TOTPDevice.objects.create(user=officer, name="mine", confirmed=True)
    printed = demo_second_factor_seed(officer)
    assert list(TOTPDevice.objects.filter(user=officer)) == [own]
    assert printed.otpauth_uri == own.config_url


def test_demo_code_prints_the_apps_current_code_in_the_demo_only(make_staff, settings):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    demo_second_factor_seed(officer)
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_code", officer.personal_id, stdout=out)
    assert second_factor_verify(user=officer, token=out.getvalue().strip())
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_code", officer.personal_id)


def test_demo_code_and_seed_demo_run_without_debug_where_demo_data_is_allowed(
    make_staff, settings
):
    # The production stack (config.settings.stack) runs with DEBUG off and
    # DEMO_SEED_ALLOWED on; production has neither.
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    demo_second_factor_seed(officer)
    settings.DEBUG = False
    settings.DEMO_SEED_ALLOWED = True
    out = StringIO()
    call_command("demo_code", officer.personal_id, stdout=out)
    assert second_factor_verify(user=officer, token=out.getvalue().strip())
    settings.DEMO_SEED_ALLOWED = False
    with pytest.raises(CommandError, match="local demo only"):
        call_command("seed_demo")
