"""The e-services' KPI source against the applications themselves: applications
at offices of two provinces decided on time, late, after a return answered
late by the applicant, after the period, and not at all, through the real
services. The expected figures are counted here from the application and
stage visit rows (each visit's leaving day against its due date),
independently of the rollup the source reads; the recount repairs the
rollup's drift and the migration's backfill gives decided applications their
flag."""

import importlib
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db.models import Q

from saduak.areas.models import Office
from saduak.core.measures import Measured, MeasureScope, measure_source_get
from saduak.eservices.choices import Action
from saduak.eservices.models import Application, ApplicationDecisionCounts
from saduak.eservices.report_rollups import report_rollups_recount
from saduak.eservices.services.applications import (
    application_act,
    application_resubmit,
)
from saduak.eservices.tests.pipeline import *  # noqa: F403 (fixtures)
from saduak.eservices.tests.pipeline import decide, submitted_application

pytestmark = pytest.mark.django_db

BANGKOK = ZoneInfo("Asia/Bangkok")
KEY = "eservices.decided_within_target"
START, END = date(2025, 10, 20), date(2025, 12, 1)


def at(day: int, month: int = 11) -> time_machine.travel:
    return time_machine.travel(datetime(2025, month, day, 10, 7, tzinfo=BANGKOK))


@pytest.fixture
def decided(builtin_services, make_user, office_people) -> dict[str, Application]:
    """Submitted on 3 November (intake's target: 3 working days). Decided
    within target: `quick` (do-5001, 4 November), `rejected` (do-5002),
    `bangkok` (do-1001), `answered` (returned on 4 November, answered by the
    applicant on 25 November, decided the next day). Late: `slow` (left
    intake on 20 November), `december` (decided on 2 December, after the
    period). `open` is never decided."""
    made: dict[str, Application] = {}
    phones = iter(range(10, 99))
    offices = {
        "quick": "do-5001",
        "slow": "do-5001",
        "answered": "do-5001",
        "december": "do-5001",
        "open": "do-5001",
        "rejected": "do-5002",
        "bangkok": "do-1001",
    }
    with at(3):
        for name, code in offices.items():
            made[name] = submitted_application(
                applicant=make_user(phone=f"08100000{next(phones)}"),
                office=Office.objects.get(code=code),
            )

    def decision(name: str, amount: str | None = "2000.00") -> None:
        officer, member = office_people(offices[name])
        made[name] = decide(
            made[name],
            officer=officer,
            committee_member=member,
            amount=Decimal(amount) if amount else None,
        )

    with at(4):
        decision("quick")
        made["answered"] = application_act(
            application=made["answered"],
            action=Action.RETURN,
            actor=office_people("do-5001")[0],
            message="ขอสำเนาทะเบียนบ้าน",
        )
    with at(5):
        decision("rejected", None)
        decision("bangkok")
    with at(20):
        decision("slow")
    with at(25):
        made["answered"] = application_resubmit(
            application=made["answered"], actor=made["answered"].applicant
        )
    with at(26):
        decision("answered")
    with at(2, 12):
        decision("december", None)
    for application in made.values():
        application.refresh_from_db()
    return made


def _local(moment: datetime | None) -> date:
    assert moment is not None
    return moment.astimezone(BANGKOK).date()


def counted(**where: Any) -> Measured:
    """Applications decided in [START, END], and those whose every stage
    visit left by the decision was left on or before its due date."""
    decided_count = within = 0
    for application in Application.objects.filter(decided_at__isnull=False, **where):
        if not START <= _local(application.decided_at) <= END:
            continue
        decided_count += 1
        visits = application.stage_visits.filter(left_at__lte=application.decided_at)
        within += all(
            visit.due_on is None or _local(visit.left_at) <= visit.due_on
            for visit in visits
        )
    return Measured(Decimal(within), Decimal(decided_count))


def scope(level: str, code: str, where: Q) -> MeasureScope:
    return MeasureScope(level, code, where, START, END)


LEVELS: tuple[tuple[MeasureScope, dict[str, str]], ...] = (
    (scope("country", "", Q()), {}),
    (scope("province", "50", Q(province_id="50")), {"province_code": "50"}),
    (scope("district", "5001", Q(district_id="5001")), {"district_code": "5001"}),
    (scope("district", "5002", Q(district_id="5002")), {"district_code": "5002"}),
)


def test_the_share_decided_within_target_equals_a_count_of_the_applications(decided):
    assert [
        decided[name].decided_within_target
        for name in ("quick", "rejected", "bangkok", "answered", "slow", "december")
    ] == [True, True, True, True, False, False]
    assert decided["open"].decided_within_target is None
    source = measure_source_get(KEY)
    assert source is not None and source.measure_unit == "percent"
    for measured, where in LEVELS:
        assert source.compute(measured) == counted(**where)
    assert source.compute(LEVELS[0][0]) == Measured(Decimal(4), Decimal(5))
    office = Office.objects.get(code="do-5001")
    assert source.compute(
        MeasureScope("office", "do-5001", Q(office_id=office.pk), START, END)
    ) == counted(office=office)


def test_the_children_add_up_to_their_parent_at_every_level(decided):
    source = measure_source_get(KEY)
    assert source is not None and source.per_child is not None
    for measured, _where in LEVELS[:3]:
        children = source.per_child(measured)
        assert Measured(
            sum((item.numerator for item in children.values()), Decimal(0)),
            sum((item.denominator or 0 for item in children.values()), Decimal(0)),
        ) == source.compute(measured)
    assert source.per_child(LEVELS[0][0]) == {
        "10": counted(province_code="10"),
        "50": counted(province_code="50"),
    }
    assert source.per_child(LEVELS[1][0]) == {
        "5001": counted(district_code="5001"),
        "5002": counted(district_code="5002"),
    }
    assert source.per_child(LEVELS[2][0]) == {"do-5001": counted(district_code="5001")}


def test_the_recount_repairs_the_decision_counts(decided):
    assert report_rollups_recount() == 0
    row = ApplicationDecisionCounts.objects.get(
        office__code="do-5001", day=date(2025, 11, 20), whole_month=False
    )
    row.decided_within_target = 1
    row.save(update_fields=["decided_within_target"])
    ApplicationDecisionCounts.objects.filter(
        office__code="do-5001", whole_month=True, day=date(2025, 12, 1)
    ).delete()
    assert report_rollups_recount() == 2
    assert report_rollups_recount() == 0
    source = measure_source_get(KEY)
    assert source is not None
    assert source.compute(LEVELS[0][0]) == counted()


def test_the_migration_flags_the_applications_decided_before_it(decided):
    Application.objects.update(decided_within_target=None)
    migration = importlib.import_module(
        "saduak.eservices.migrations.0005_decisions_within_target"
    )
    migration.decided_within_target(django_apps, None)
    assert {
        name: Application.objects.get(pk=application.pk).decided_within_target
        for name, application in decided.items()
    } == {
        name: application.decided_within_target for name, application in decided.items()
    }
