from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.areas.models import Office
from saduak.core.counts import BoundedCount, bounded_count
from saduak.core.errors import NotFound
from saduak.core.references import new_reference
from saduak.eservices.choices import ApplicationStatus
from saduak.eservices.models import Application, Service
from saduak.eservices.selectors.applications import published_version
from saduak.eservices.selectors.queue import (
    QueueCursor,
    bounded_counts,
    office_queue,
    queue_office,
    queue_office_choices,
    queue_offices,
    queue_stages,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_open(
    low_income: Service, make_user: Callable[..., User]
) -> Callable[..., Application]:
    """An open application straight in the table, at a chosen stage and due
    date (the queue reads only these columns)."""
    version = published_version(low_income)
    applicant = make_user(first_name="สมชาย", last_name="ขยัน")

    def make(
        office: Office,
        *,
        stage: str = "intake",
        due: date | None = None,
        status: str = ApplicationStatus.IN_PROGRESS,
        **fields: Any,
    ) -> Application:
        return Application.objects.create(
            reference=new_reference(),
            version=version,
            service=low_income,
            applicant=applicant,
            office=office,
            district_code=office.district_id or "",
            province_code=office.province_id or "",
            status=status,
            stage=stage,
            stage_entered_at=timezone.now(),
            stage_due_on=due,
            submitted_at=timezone.now(),
            **fields,
        )

    return make


def today() -> date:
    return timezone.localdate()


def test_the_queue_lists_the_offices_open_cases_at_the_stage_earliest_due_first(
    make_open, officer, district_office
):
    later = make_open(district_office, due=today() + timedelta(days=5))
    sooner = make_open(district_office, due=today() + timedelta(days=1))
    overdue = make_open(district_office, due=today() - timedelta(days=2))
    undated = make_open(district_office, due=None)
    make_open(district_office, stage="fact_check", due=today())
    make_open(district_office, status=ApplicationStatus.DRAFT, stage="")
    make_open(
        district_office, status=ApplicationStatus.CLOSED, due=today(), stage="closed"
    )

    page = office_queue(user=officer, office=district_office, stage="intake")

    assert [row.pk for row in page.rows] == [
        overdue.pk,
        sooner.pk,
        later.pk,
        undated.pk,
    ]
    assert page.next_cursor is None


def test_a_case_returned_to_the_applicant_stays_in_the_queue(
    make_open, officer, district_office
):
    returned = make_open(district_office, status=ApplicationStatus.RETURNED, due=None)

    page = office_queue(user=officer, office=district_office, stage="intake")

    assert [row.pk for row in page.rows] == [returned.pk]


def test_an_officer_never_sees_another_districts_queue(
    make_open, make_staff, small_map
):
    other = Office.objects.get(code="do-5002")
    make_open(other, due=today())
    outsider = make_staff(Role.COUNTER_OFFICER, "do-5001")

    with pytest.raises(NotFound):
        office_queue(user=outsider, office=other, stage="intake")
    with pytest.raises(NotFound):
        queue_stages(user=outsider, office=other)
    assert other not in list(queue_offices(outsider))


def test_the_province_reaches_every_district_office_of_the_province(
    make_staff, small_map
):
    provincial = make_staff(Role.PROVINCIAL_STAFF, "pao-50")

    codes = set(queue_offices(provincial).values_list("code", flat=True))

    assert {"do-5001", "do-5002"} <= codes
    assert "do-1001" not in codes


def test_next_pages_follow_the_cursor_and_cover_every_case_once(
    make_open, officer, district_office
):
    made = [
        make_open(district_office, due=today() + timedelta(days=n % 4))
        for n in range(11)
    ] + [make_open(district_office, due=None) for _ in range(3)]
    seen: list[int] = []
    cursor = None
    with CaptureQueriesContext(connection) as queries:
        for _page in range(10):
            page = office_queue(
                user=officer,
                office=district_office,
                stage="intake",
                after=cursor,
                limit=4,
            )
            seen += [row.pk for row in page.rows]
            cursor = page.next_cursor
            if cursor is None:
                break

    assert sorted(seen) == sorted(application.pk for application in made)
    assert len(seen) == len(set(seen))
    assert not any("OFFSET" in query["sql"].upper() for query in queries)


def test_a_cursor_survives_the_address_and_a_tampered_one_starts_from_the_top():
    cursor = QueueCursor(date(2026, 1, 31), 42)

    assert QueueCursor.decode(cursor.encode()) == cursor
    assert QueueCursor.decode(QueueCursor(None, 7).encode()) == QueueCursor(None, 7)
    for tampered in ("", "x", "2026-13-01.5", "2026-01-01.x", "-.9" * 20):
        assert QueueCursor.decode(tampered) is None


def test_a_page_is_one_query_whatever_it_shows(
    make_open, officer, district_office, django_assert_num_queries
):
    for n in range(30):
        make_open(district_office, due=today() + timedelta(days=n % 3))
    officer.staff_roles.first()  # the roles are loaded once per user object
    office_queue(user=officer, office=district_office, stage="intake", limit=1)

    with django_assert_num_queries(1):
        page = office_queue(user=officer, office=district_office, stage="intake")
        shown = [
            (
                row.reference,
                row.applicant.full_name,
                row.applicant.masked_personal_id,
                row.service.name,
                row.stage_due_on,
                row.claimed_by,
            )
            for row in page.rows
        ]

    assert len(shown) == 25
    assert page.next_cursor is not None


def test_overdue_only_and_mine_narrow_the_queue(make_open, officer, district_office):
    overdue = make_open(district_office, due=today() - timedelta(days=1))
    mine = make_open(
        district_office, due=today() + timedelta(days=1), claimed_by=officer
    )
    make_open(district_office, due=today())

    overdue_page = office_queue(
        user=officer, office=district_office, stage="intake", overdue_only=True
    )
    mine_page = office_queue(
        user=officer, office=district_office, stage="intake", mine=True
    )

    assert [row.pk for row in overdue_page.rows] == [overdue.pk]
    assert [row.pk for row in mine_page.rows] == [mine.pk]


def test_the_stages_are_those_the_user_acts_in_with_their_counts(
    make_open, officer, district_admin, district_office, make_staff
):
    for _ in range(3):
        make_open(district_office, due=today())
    make_open(district_office, stage="committee", due=today())

    counter_stages = {
        stage.code: stage
        for stage in queue_stages(user=officer, office=district_office)
    }
    admin_stages = [
        stage.code
        for stage in queue_stages(user=district_admin, office=district_office)
    ]
    auditor = make_staff(Role.AUDITOR, "hq")
    read_only = queue_stages(user=auditor, office=district_office)

    assert list(counter_stages) == ["intake", "fact_check"]
    assert str(counter_stages["intake"].count) == "3"
    assert admin_stages == ["intake", "fact_check", "committee"]
    assert [stage.code for stage in read_only] == [
        "intake",
        "fact_check",
        "committee",
        "payment",
    ]
    assert not any(stage.can_act for stage in read_only)


def test_counts_stop_at_the_bound(make_open, district_office):
    for _ in range(4):
        make_open(district_office, due=today())

    counted = bounded_count(Application.objects.all(), bound=3)

    assert counted == BoundedCount(3, True)
    assert str(counted) == "3+"
    assert str(bounded_count(Application.objects.all(), bound=10)) == "4"


def test_the_counts_of_several_stages_are_bounded_in_one_query(
    make_open, district_office, django_assert_num_queries
):
    for _ in range(4):
        make_open(district_office, due=today())
    make_open(district_office, stage="committee", due=today())
    open_cases = Application.objects.filter(office=district_office)

    with django_assert_num_queries(1):
        counted = bounded_counts(
            [
                open_cases.filter(stage="intake"),
                open_cases.filter(stage="committee"),
                open_cases.filter(stage="payment"),
            ],
            bound=3,
        )

    assert counted == [
        BoundedCount(3, True),
        BoundedCount(1, False),
        BoundedCount(0, False),
    ]
    assert bounded_counts([]) == []


def test_the_stages_cost_two_queries_once_the_workflows_are_kept(
    make_open, district_admin, district_office, django_assert_num_queries
):
    make_open(district_office, due=today())
    queue_stages(user=district_admin, office=district_office)  # roles, workflows

    with django_assert_num_queries(2):
        stages = queue_stages(user=district_admin, office=district_office)

    assert [stage.code for stage in stages] == ["intake", "fact_check", "committee"]
    assert str(stages[0].count) == "1"


def test_the_queue_office_is_found_by_its_code_or_not_at_all(district_office):
    office = queue_office("do-5001")

    assert office.pk == district_office.pk
    assert office.district_id == district_office.district_id
    with pytest.raises(NotFound):
        queue_office("do-0000")


def test_the_office_picker_lists_the_reach_and_skips_a_single_office(
    make_staff, small_map, django_assert_num_queries
):
    officer = make_staff(Role.COUNTER_OFFICER, "do-5001")
    provincial = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    read_reach(officer)  # the roles are loaded once per user object

    with django_assert_num_queries(0):
        assert queue_office_choices(officer) == []
    choices = queue_office_choices(provincial)

    assert [code for code, _name in choices] == list(
        queue_offices(provincial).values_list("code", flat=True)
    )
    assert {"do-5001", "do-5002"} <= {code for code, _name in choices}
    assert len(queue_office_choices(provincial, limit=1)) == 1
