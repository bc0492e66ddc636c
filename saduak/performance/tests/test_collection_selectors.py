"""Reads of report collection: the progress per province and per district
equals an independent count of the answers, at a fixed number of queries;
the inbox's states; reads refused outside the reader's reach."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from saduak.accounts.choices import Role
from saduak.accounts.units import COUNTRY, PROVINCE, Unit
from saduak.areas.models import Province
from saduak.core.errors import NotFound
from saduak.performance.choices import AnswerStatus
from saduak.performance.models import ReportAnswer
from saduak.performance.selectors import collection as reads
from saduak.performance.services import collection
from saduak.performance.tests.collection_setup import (
    SYSTEM,
    answer_of,
    filled,
    forwarded,
    leg_of,
    people,
    today,
)


def _independent(
    request: Any, group: str, day: Any, province: str | None = None
) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for answer in ReportAnswer.objects.filter(request=request):
        if province is not None and answer.province_id != province:
            continue
        code = getattr(answer, group)
        row = found.setdefault(
            code,
            {
                "expected": 0,
                "submitted": 0,
                "certified": 0,
                "excused": 0,
                "overdue": 0,
                "late": 0,
                "read": 0,
            },
        )
        row["expected"] += 1
        done = answer.status in (AnswerStatus.SUBMITTED, AnswerStatus.CERTIFIED)
        row["submitted"] += done
        row["certified"] += answer.status == AnswerStatus.CERTIFIED
        row["excused"] += answer.status == AnswerStatus.EXCUSED
        row["late"] += done and answer.late
        row["read"] += answer.read_at is not None
        row["overdue"] += (
            answer.status
            not in (
                AnswerStatus.SUBMITTED,
                AnswerStatus.CERTIFIED,
                AnswerStatus.EXCUSED,
            )
            and answer.due_on < day
        )
    return found


def _as_dict(row: Any) -> dict[str, int]:
    return {
        name: getattr(row, name)
        for name in (
            "expected",
            "submitted",
            "certified",
            "excused",
            "overdue",
            "late",
            "read",
        )
    }


@pytest.mark.django_db
def test_progress_equals_an_independent_count_at_every_level(
    small_map: None, make_staff: Any, django_assert_max_num_queries: Any
) -> None:
    p = people(make_staff)
    request = forwarded(due_in=2)
    collection.leg_forward(actor=SYSTEM, leg=leg_of(request, "10"))
    a5001 = collection.answer_submit(
        actor=p.district, answer=filled(answer_of(request, "do-5001"))
    )
    collection.answer_certify(actor=p.province, answer=a5001)
    collection.answer_excuse(
        actor=p.other_province, answer=answer_of(request, "do-1001"), reason="ปิดปรับปรุง"
    )
    a5002 = filled(answer_of(request, "do-5002"))
    later = today() + timedelta(days=3)
    with time_machine.travel(later):
        collection.answer_submit(actor=p.other_district, answer=a5002)
    for day in (today(), later + timedelta(days=1)):
        with django_assert_max_num_queries(3):
            country = reads.request_progress(
                request=request, unit=Unit(COUNTRY), today=day
            )
        expected = _independent(request, "province_id", day)
        assert {row.code: _as_dict(row) for row in country.rows} == expected
        assert country.total.expected == 3
        province = Province.objects.get(code="50")
        with django_assert_max_num_queries(2):
            by_district = reads.request_progress(
                request=request, unit=Unit(PROVINCE, "50", province=province), today=day
            )
        assert {row.code: _as_dict(row) for row in by_district.rows} == _independent(
            request, "district_id", day, province="50"
        )
    fifty = next(row for row in country.rows if row.code == "50")
    assert fifty.reporting_rate == 1.0
    assert fifty.on_time_rate == 0.5
    ten = next(row for row in country.rows if row.code == "10")
    assert ten.reporting_rate is None and ten.leg is not None


@pytest.mark.django_db
def test_the_progress_query_count_does_not_grow_with_the_provinces(
    small_map: None, django_assert_max_num_queries: Any
) -> None:
    request = forwarded()
    collection.leg_forward(actor=SYSTEM, leg=leg_of(request, "10"))
    with django_assert_max_num_queries(3):
        progress = reads.request_progress(request=request, unit=Unit(COUNTRY))
    assert len(progress.rows) == 2


@pytest.mark.django_db
def test_the_inbox_shows_each_office_its_answers_and_each_province_its_legs(
    small_map: None, make_staff: Any, django_assert_max_num_queries: Any
) -> None:
    p = people(make_staff)
    request = forwarded(due_in=10)
    soon = forwarded(due_in=2)
    with django_assert_max_num_queries(8):
        rows = reads.inbox(user=p.district)
    assert {row.answer.office.code for row in rows if row.answer} == {"do-5001"}
    assert [row.request.pk for row in rows] == [request.pk, soon.pk]
    assert [row.state for row in rows] == ["new", "due_soon"]
    assert [r.request.pk for r in reads.inbox(user=p.district, state="due_soon")] == [
        soon.pk
    ]
    collection.answer_acknowledge(actor=p.counter, answer=answer_of(request, "do-5001"))
    assert [r.state for r in reads.inbox(user=p.counter, state="acknowledged")] == [
        "acknowledged"
    ]
    with time_machine.travel(today() + timedelta(days=3)):
        assert [
            r.request.pk for r in reads.inbox(user=p.district, state="overdue")
        ] == [soon.pk]
    province_rows = reads.inbox(user=p.province)
    assert {row.leg.province_id for row in province_rows if row.leg} == {"50"}
    assert all(row.is_leg for row in province_rows)
    other_rows = reads.inbox(user=p.other_province)
    assert {row.state for row in other_rows} == {"received"}
    with pytest.raises(NotFound):
        reads.inbox(user=p.district, state="nonsense")


@pytest.mark.django_db
def test_reads_outside_the_readers_reach_are_not_found(
    small_map: None, make_staff: Any
) -> None:
    p = people(make_staff)
    request = forwarded()
    answer = answer_of(request, "do-5001")
    assert reads.answer_get(user=p.district, public_id=answer.public_id) == answer
    assert reads.answer_get(user=p.province, public_id=answer.public_id) == answer
    with pytest.raises(NotFound):
        reads.answer_get(user=p.other_district, public_id=answer.public_id)
    with pytest.raises(NotFound):
        reads.answer_get(user=p.district, public_id="not-a-uuid")
    assert reads.request_get(user=p.district, public_id=request.public_id) == request
    assert reads.request_get(user=p.hq, public_id=request.public_id) == request
    outsider = make_staff(Role.DISTRICT_ADMIN, "do-1001")
    with pytest.raises(NotFound):
        reads.request_get(user=outsider, public_id=request.public_id)
    assert reads.leg_get(user=p.province, request=request, province_code="50")
    with pytest.raises(NotFound):
        reads.leg_get(user=p.province, request=request, province_code="10")
    assert list(reads.requests_issued(user=p.hq)) == [request]
    assert list(reads.requests_issued(user=p.province)) == []
    issued: Any = reads.requests_issued(user=p.hq).get()
    assert issued.answers_expected == 2 and issued.answers_in == 0
