from datetime import date, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.identity.data_access import (
    data_access_record,
    partner_check_record,
    partner_usage_refresh,
    partner_usage_rollup,
)
from saduak.identity.models import DataAccess, Partner, PartnerUsageDaily

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return Partner.objects.create(
        name_th="กรมตัวอย่าง", kind="agency", purpose_th="ให้บริการ"
    )


def counts(day):
    return {
        (row.partner_id, row.channel): row.count
        for row in PartnerUsageDaily.objects.filter(day=day)
    }


def test_the_rollup_counts_a_days_uses_per_partner_and_channel(agency, citizen):
    today = timezone.localdate()
    for _ in range(3):
        data_access_record(
            citizen=citizen, channel="sign_in", data_items=["sub"], partner=agency
        )
    partner_check_record(
        partner=agency,
        personal_id="1100000000016",
        channel="identity_check",
        data_items=["identity_match"],
    )
    assert partner_usage_rollup(day=today) == 2
    assert counts(today) == {
        (agency.pk, "sign_in"): 3,
        (agency.pk, "identity_check"): 1,
    }


def test_running_the_rollup_again_gives_the_same_counts_and_drops_vanished_uses(
    agency, citizen
):
    today = timezone.localdate()
    data_access_record(
        citizen=citizen, channel="sign_in", data_items=["sub"], partner=agency
    )
    partner_usage_rollup(day=today)
    partner_usage_rollup(day=today)
    assert counts(today) == {(agency.pk, "sign_in"): 1}
    DataAccess.objects.all().delete()
    partner_usage_rollup(day=today)
    assert counts(today) == {}


def test_uses_are_counted_on_the_bangkok_day_they_happened(agency, citizen):
    # 23:30 in Bangkok is 16:30 UTC of the same day; 00:30 is 17:30 UTC the day before.
    with time_machine.travel("2026-03-10 16:30:00+00:00", tick=False):
        data_access_record(
            citizen=citizen, channel="sign_in", data_items=["sub"], partner=agency
        )
    with time_machine.travel("2026-03-10 17:30:00+00:00", tick=False):
        data_access_record(
            citizen=citizen, channel="sign_in", data_items=["sub"], partner=agency
        )
    partner_usage_rollup(day=date(2026, 3, 10))
    partner_usage_rollup(day=date(2026, 3, 11))
    assert counts(date(2026, 3, 10)) == {(agency.pk, "sign_in"): 1}
    assert counts(date(2026, 3, 11)) == {(agency.pk, "sign_in"): 1}


def test_staff_views_are_not_partner_usage(citizen, make_staff):
    officer = make_staff(Role.COUNTER_OFFICER, "do-5001")
    data_access_record(
        citizen=citizen, channel="staff_view", data_items=["name"], staff_user=officer
    )
    assert partner_usage_rollup(day=timezone.localdate()) == 0


def test_refresh_recounts_at_most_every_five_minutes_unless_forced(agency, citizen):
    today = timezone.localdate()
    cache.clear()
    partner_usage_refresh()
    data_access_record(
        citizen=citizen, channel="sign_in", data_items=["sub"], partner=agency
    )
    partner_usage_refresh()
    assert counts(today) == {}
    partner_usage_refresh(force=True)
    assert counts(today) == {(agency.pk, "sign_in"): 1}
    data_access_record(
        citizen=citizen, channel="sign_in", data_items=["sub"], partner=agency
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        cache.delete("partner-usage-counted-at")  # the memory cache's expiry
        partner_usage_refresh()
    assert counts(today) == {(agency.pk, "sign_in"): 2}


def test_yesterday_is_counted_once_more_after_midnight(agency, citizen):
    cache.clear()
    with time_machine.travel("2026-03-10 16:50:00+00:00", tick=False):  # 23:50
        partner_usage_refresh()
        data_access_record(
            citizen=citizen, channel="sign_in", data_items=["sub"], partner=agency
        )
    with time_machine.travel("2026-03-10 17:10:00+00:00", tick=False):  # 00:10
        partner_usage_refresh()
    assert counts(date(2026, 3, 10)) == {(agency.pk, "sign_in"): 1}


def test_an_identity_check_is_on_the_audit_chain_naming_the_citizen_it_was_about(
    agency, citizen
):
    partner_check_record(
        partner=agency,
        personal_id=citizen.personal_id,
        channel="identity_check",
        data_items=["identity_match", "card_status"],
    )
    event = AuditEvent.objects.get(action="identity.check")
    assert (event.actor_id, event.actor_label) == (None, f"partner:{agency.public_id}")
    assert (event.target_type, event.target_id) == ("identity.partner", str(agency.pk))
    assert event.after == {
        "data_items": ["card_status", "identity_match"],
        "citizen": citizen.pk,
    }
    assert DataAccess.objects.get().citizen == citizen


def test_an_identity_check_about_someone_without_a_digital_id_is_audited_too(agency):
    partner_check_record(
        partner=agency,
        personal_id="1100000000016",
        channel="identity_check",
        data_items=["identity_match"],
    )
    event = AuditEvent.objects.get(action="identity.check")
    assert (event.target_type, event.target_id) == ("identity.partner", str(agency.pk))
    assert event.after == {"data_items": ["identity_match"], "citizen": None}
    assert DataAccess.objects.get().citizen is None
