"""The GECC reads against independent counts: HQ's progress per province
and office (responsible named, items assessed, reports submitted, certified,
late and overdue) and the share of offices meeting each item, each in a
fixed number of queries whatever the number of offices."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.areas.models import Office
from saduak.performance.choices import AnswerStatus, GeccItemStatus, RequestKind
from saduak.performance.models import (
    GeccAssessment,
    GeccCriterion,
    GeccParticipant,
    GeccRound,
    ReportAnswer,
)
from saduak.performance.selectors import gecc as selectors
from saduak.performance.services import collection, gecc
from saduak.performance.tests.gecc_setup import SYSTEM, open_round

pytestmark = pytest.mark.django_db


def mark(round: GeccRound, code: str, marks: dict[str, str]) -> None:
    place = GeccParticipant.objects.get(round=round, office__code=code)
    for item, status in marks.items():
        gecc.gecc_assess(
            actor=SYSTEM,
            participant=place,
            criterion=GeccCriterion.objects.get(round=round, code=item),
            status=status,
        )


@pytest.fixture
def running(small_map: None, make_staff: Any) -> GeccRound:
    """reg-5001 and reg-1001 named by HQ, reg-5002 volunteered; reg-5001
    has a responsible person, assessed four items and sent its registration,
    which the province certified; reg-1001 assessed two items."""
    round = open_round()
    gecc.gecc_volunteer(
        actor=make_staff(Role.DISTRICT_ADMIN, "do-5002"),
        round=round,
        office=Office.objects.get(code="reg-5002"),
    )
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    place = GeccParticipant.objects.get(round=round, office__code="reg-5001")
    gecc.gecc_responsible_set(actor=admin, participant=place, user=admin)
    mark(
        round,
        "reg-5001",
        {"P01": "met", "P02": "met", "B01": "partly", "R01": "not_yet"},
    )
    mark(round, "reg-1001", {"P01": "partly", "P02": "met"})
    mark(round, "reg-5002", {"P01": "met"})
    answer = gecc.gecc_report_submit(
        actor=admin, participant=place, kind=RequestKind.GECC_REGISTRATION
    )
    certifier = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    certifier.position = "ปลัดจังหวัด"
    certifier.save()
    collection.answer_certify(actor=certifier, answer=answer)
    return round


def test_progress_per_office_and_province_equals_counts_of_the_records(
    running: GeccRound, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(5):
        progress = selectors.round_progress(running)
    by_office = {row.office.code: row for row in progress.offices}
    for code, row in by_office.items():
        assert row.assessed == (
            GeccAssessment.objects.filter(participant__office__code=code)
            .exclude(status="")
            .count()
        )
        answers = {
            answer.request.kind: answer
            for answer in ReportAnswer.objects.filter(
                office__code=code, request__in=[running.registration, running.progress]
            )
        }
        assert row.registration_status == answers[RequestKind.GECC_REGISTRATION].status
        assert row.progress_status == answers[RequestKind.GECC_PROGRESS].status
    assert by_office["reg-5001"].registered and by_office["reg-5001"].responsible_named
    assert not by_office["reg-1001"].registered
    provinces = {unit.code: unit for unit in progress.provinces}
    assert set(provinces) == {"10", "50"}
    chiang_mai = provinces["50"]
    assert (
        chiang_mai.offices == GeccParticipant.objects.filter(province_id="50").count()
    )
    assert (chiang_mai.responsible_named, chiang_mai.registered) == (1, 1)
    assert chiang_mai.registration_certified == 1
    assert chiang_mai.assessed == 5 and chiang_mai.items == 2 * 67
    assert progress.total.offices == 3 and progress.total.assessed == 7
    only = selectors.round_progress(running, province_code="10")
    assert [row.office.code for row in only.offices] == ["reg-1001"]


def test_overdue_and_late_follow_the_deadlines(running: GeccRound) -> None:
    later = timezone.localdate() + timedelta(days=11)
    progress = selectors.round_progress(running, today=later)
    by_office = {row.office.code: row for row in progress.offices}
    assert not by_office["reg-5001"].registration_overdue
    assert by_office["reg-1001"].registration_overdue
    assert not by_office["reg-1001"].progress_overdue
    assert progress.total.registration_overdue == 2
    with time_machine.travel(later + timedelta(hours=12)):
        answer = gecc.gecc_report_submit(
            actor=SYSTEM,
            participant=GeccParticipant.objects.get(office__code="reg-1001"),
            kind=RequestKind.GECC_PROGRESS,
        )
    assert not answer.late and answer.status == AnswerStatus.SUBMITTED
    progress = selectors.round_progress(running, today=later)
    assert progress.total.progress_submitted == 1


def test_the_share_per_criterion_equals_a_count_of_the_assessments(
    running: GeccRound, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        rows = selectors.criteria_share(running)
    assert len(rows) == 67
    offices = GeccParticipant.objects.filter(round=running).count()
    for row in rows:
        counts = {
            status: GeccAssessment.objects.filter(
                criterion=row.criterion, status=status
            ).count()
            for status in (
                GeccItemStatus.MET,
                GeccItemStatus.PARTLY,
                GeccItemStatus.NOT_YET,
            )
        }
        assert (row.met, row.partly, row.not_yet) == (
            counts[GeccItemStatus.MET],
            counts[GeccItemStatus.PARTLY],
            counts[GeccItemStatus.NOT_YET],
        )
        assert row.offices == offices
    p01 = next(row for row in rows if row.criterion.code == "P01")
    assert (p01.met, p01.partly, p01.not_assessed) == (2, 1, 0)
    assert p01.met_share == pytest.approx(2 / 3)


def test_the_checklist_groups_items_by_part_in_a_few_queries(
    running: GeccRound, django_assert_max_num_queries: Any
) -> None:
    place = GeccParticipant.objects.get(round=running, office__code="reg-5001")
    with django_assert_max_num_queries(3):
        parts = selectors.office_checklist(place)
        evidence = [item.evidence for part in parts for item in part.items]
    assert [len(part.items) for part in parts] == [14, 30, 20, 3]
    assert [part.assessed for part in parts] == [2, 1, 0, 1]
    assert all(files == [] for files in evidence)
