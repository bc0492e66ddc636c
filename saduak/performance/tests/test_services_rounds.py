from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, PermissionDeniedError
from saduak.performance.choices import RoundStatus
from saduak.performance.models import KpiResult, Round
from saduak.performance.services.results import result_record
from saduak.performance.services.rounds import round_lock, round_unlock
from saduak.performance.tests.factories import (
    SYSTEM,
    Built,
    after,
    computed_framework,
    pmqa_recorded,
)


def test_hq_locks_a_round_and_results_are_then_refused(
    built: Built, hq_admin: Any
) -> None:
    result_record(
        actor=SYSTEM,
        kpi=built.kpis["1.1"],
        round=built.rounds[6],
        numerator=Decimal(70),
        denominator=Decimal(100),
    )
    locked = round_lock(actor=hq_admin, round=built.rounds[6])
    assert locked.status == RoundStatus.LOCKED
    assert locked.locked_by == hq_admin
    [event] = AuditEvent.objects.filter(action="round.lock")
    assert after(event)["score"] == "22.50"
    assert event.district_code == "5001"
    with pytest.raises(Conflict):
        result_record(
            actor=SYSTEM,
            kpi=built.kpis["1.1"],
            round=built.rounds[6],
            numerator=Decimal(80),
            denominator=Decimal(100),
        )
    assert KpiResult.objects.get().numerator == Decimal(70)


def test_a_district_admin_cannot_lock_its_own_round(
    built: Built, district_admin: Any
) -> None:
    with pytest.raises(PermissionDeniedError):
        round_lock(actor=district_admin, round=built.rounds[6])
    assert Round.objects.get(pk=built.rounds[6].pk).status == RoundStatus.OPEN


def test_unlocking_needs_a_reason_of_ten_characters_and_keeps_it(
    built: Built, hq_admin: Any
) -> None:
    round_lock(actor=hq_admin, round=built.rounds[6])
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        round_unlock(actor=hq_admin, round=built.rounds[6], reason=" แก้ไข ")
    assert refused.value.field == "reason"
    assert Round.objects.get(pk=built.rounds[6].pk).status == RoundStatus.LOCKED
    assert not AuditEvent.objects.filter(action="round.unlock").exists()
    reason = "จังหวัดรายงานตัวเลขผิด ต้องแก้ไข"
    opened = round_unlock(actor=hq_admin, round=built.rounds[6], reason=reason)
    assert (opened.status, opened.unlock_reason) == (RoundStatus.OPEN, reason)
    [event] = AuditEvent.objects.filter(action="round.unlock")
    assert after(event)["reason"] == reason
    with pytest.raises(Conflict):
        round_unlock(actor=hq_admin, round=built.rounds[6], reason=reason)


def test_locking_computes_the_computed_kpis_first(
    small_map: None, make_staff: Any
) -> None:
    pmqa_recorded()
    built = computed_framework()
    hq = make_staff(Role.HQ_ADMIN, "hq")
    locked = round_lock(actor=hq, round=built.rounds[12])
    result = KpiResult.objects.get(kpi=built.kpis["1.1"])
    assert (result.numerator, result.value, result.score) == (
        Decimal("410.0000"),
        Decimal("410.0000"),
        Decimal("100.00"),
    )
    assert locked.score == Decimal("100.00")
    assert AuditEvent.objects.filter(action="kpi_result.compute").count() == 1


def test_a_source_that_cannot_measure_stops_the_lock_with_its_reason(
    small_map: None, hq_admin: Any
) -> None:
    built = computed_framework()
    with translation.override("en"), pytest.raises(Conflict) as refused:
        round_lock(actor=hq_admin, round=built.rounds[12])
    assert "PMQA" in str(refused.value.message)
    assert Round.objects.get(pk=built.rounds[12].pk).status == RoundStatus.OPEN
    assert not KpiResult.objects.exists()
