import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.core.errors import NotFound, PermissionDeniedError
from saduak.identity.models import DataAccess
from saduak.social.choices import HouseholdStatus, SourceKind
from saduak.social.models import TargetHousehold
from saduak.social.selectors import targeting as selectors
from saduak.social.services import targeting as services
from saduak.social.tests import targeting_setup as setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_staff):
    return make_staff(Role.SOCIAL_WORKER, "do-5001")


def _page_queries(viewer, rules, subdistrict, **options):
    with CaptureQueriesContext(connection) as captured:
        page = selectors.subdistrict_households(
            viewer=viewer, rule_set=rules, subdistrict=subdistrict, **options
        )
        rows = list(page.page.object_list)
    return page, rows, len(captured)


def test_a_subdistricts_households_come_ranked_by_need_then_house_code(
    small_map, worker
):
    rules = setup.rule_set()
    for code, score in [("B", 3), ("A", 3), ("C", 9), ("D", 1)]:
        setup.household(house_code=f"500101-{code}", need_score=score, rules=rules)
    setup.household("500102", need_score=50, rules=rules)
    setup.rebuild(rules)
    subdistrict = selectors.subdistrict_get(viewer=worker, code="500101")
    page = selectors.subdistrict_households(
        viewer=worker, rule_set=rules, subdistrict=subdistrict
    )
    assert [h.house_code for h in page.page.object_list] == [
        "500101-C",
        "500101-A",
        "500101-B",
        "500101-D",
    ]
    assert page.figures.found == 4


def test_the_household_page_costs_a_fixed_number_of_queries_whatever_the_volume(
    small_map, worker
):
    """Pattern C: the counts row and one page of the ranked index range, the
    same at 3 households as at 60 (and other subdistricts add nothing)."""
    rules = setup.rule_set()
    for _ in range(3):
        setup.household(rules=rules)
    setup.rebuild(rules)
    subdistrict = selectors.subdistrict_get(viewer=worker, code="500101")
    worker = type(worker).objects.get(pk=worker.pk)
    _page, rows, small = _page_queries(worker, rules, subdistrict)
    assert len(rows) == 3
    for index in range(57):
        setup.household(need_score=index, rules=rules)
    for _ in range(20):
        setup.household("500102", rules=rules)
        setup.household("500201", rules=rules)
    setup.rebuild(rules)
    worker = type(worker).objects.get(pk=worker.pk)
    page, rows, large = _page_queries(worker, rules, subdistrict, page=2)
    assert len(rows) == selectors.HOUSEHOLDS_PER_PAGE
    assert page.page.paginator.num_pages == 3
    assert large == small <= 3
    _page, rows, last = _page_queries(worker, rules, subdistrict, page=3)
    assert len(rows) == 60 - 2 * selectors.HOUSEHOLDS_PER_PAGE


def test_the_household_list_filters_by_status_with_its_count_from_the_rollup(
    small_map, worker
):
    rules = setup.rule_set()
    households = [setup.household(rules=rules) for _ in range(4)]
    setup.rebuild(rules)
    forum = setup.forum(recorded_by=worker, rules=rules)
    services.household_confirm(household=households[0], forum=forum, actor=worker)
    services.household_confirm(household=households[1], forum=forum, actor=worker)
    services.household_select(household=households[1], actor=worker)
    services.household_remove(
        household=households[2], forum=forum, reason="ไม่อยู่จริง", actor=worker
    )
    subdistrict = selectors.subdistrict_get(viewer=worker, code="500101")
    for status, expected in [
        ("", 4),
        (HouseholdStatus.FOUND, 1),
        (HouseholdStatus.CONFIRMED, 1),
        (HouseholdStatus.SELECTED, 1),
        (HouseholdStatus.REMOVED, 1),
    ]:
        page = selectors.subdistrict_households(
            viewer=worker, rule_set=rules, subdistrict=subdistrict, status=status
        )
        assert page.page.paginator.count == expected
        assert len(page.page.object_list) == expected


def test_hq_and_other_districts_do_not_see_a_subdistricts_households(
    small_map, make_staff
):
    rules = setup.rule_set()
    setup.household(rules=rules)
    setup.rebuild(rules)
    hq = make_staff(Role.HQ_ADMIN, "hq")
    subdistrict = selectors.subdistrict_get(viewer=hq, code="500101")
    with pytest.raises(PermissionDeniedError):
        selectors.subdistrict_households(
            viewer=hq, rule_set=rules, subdistrict=subdistrict
        )
    away = make_staff(Role.SOCIAL_WORKER, "do-5002")
    with pytest.raises(NotFound):
        selectors.subdistrict_get(viewer=away, code="500101")
    provincial = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    page = selectors.subdistrict_households(
        viewer=provincial, rule_set=rules, subdistrict=subdistrict
    )
    assert page.figures.found == 1


def test_a_district_lists_every_subdistrict_with_its_counts(small_map, worker):
    rules = setup.rule_set()
    setup.household("500102", rules=rules)
    setup.household("500102", rules=rules)
    setup.rebuild(rules)
    district = selectors.district_get(viewer=worker, code="5001")
    lines = selectors.district_subdistricts(rule_set=rules, district=district)
    assert [(line.subdistrict.code, line.figures.found) for line in lines] == [
        ("500101", 0),
        ("500102", 2),
    ]


def test_the_household_shows_its_people_masked_with_each_sources_facts_and_reasons(
    small_map, worker, make_user
):
    rules = setup.rule_set()
    household = setup.household(
        sources=(SourceKind.BASIC_NEEDS, SourceKind.WELFARE_CARD),
        incomes=(1200, 4000),
        people=2,
        rules=rules,
    )
    found = selectors.household_get(viewer=worker, public_id=household.public_id)
    people = selectors.household_people(
        household=found, viewer=worker, purpose="ตรวจสอบครัวเรือนเป้าหมาย"
    )
    assert len(people) == 2
    first = people[0]
    assert first.masked_id.startswith("x-xxxx-xxxxx-")
    assert [reason.rule.key for reason in first.reasons] == ["low_income"]
    assert [found.source for found in first.reasons[0].sources] == [
        SourceKind.WELFARE_CARD,
        SourceKind.BASIC_NEEDS,
    ]
    [income] = [line for line in first.facts if line.fact.name == "monthly_income"]
    assert not income.agree
    assert dict(income.values) == {
        SourceKind.BASIC_NEEDS: "1,200",
        SourceKind.WELFARE_CARD: "4,000",
    }
    assert first.disagreements == 1
    assert people[1].reasons == []
    [event] = AuditEvent.objects.filter(action="social.household.view")
    assert event.after == {"people": 2}


def test_who_used_my_data_records_the_look_for_a_person_with_a_digital_id(
    small_map, worker, make_user
):
    rules = setup.rule_set()
    household = setup.household(rules=rules)
    from saduak.social.models import StagedPerson

    row = StagedPerson.objects.filter(house_code=household.house_code).first()
    citizen = make_user()
    StagedPerson.objects.filter(pk=row.pk).update(personal_id=citizen.personal_id)
    selectors.household_people(household=household, viewer=worker, purpose="ตรวจสอบ")
    assert DataAccess.objects.filter(citizen=citizen).count() == 1


def test_a_household_outside_the_read_reach_is_not_found(small_map, make_staff):
    rules = setup.rule_set()
    household = setup.household(rules=rules)
    away = make_staff(Role.DISTRICT_ADMIN, "do-5002")
    with pytest.raises(NotFound):
        selectors.household_get(viewer=away, public_id=household.public_id)
    hq = make_staff(Role.HQ_ADMIN, "hq")
    found = selectors.household_get(viewer=hq, public_id=household.public_id)
    with pytest.raises(PermissionDeniedError):
        selectors.household_people(household=found, viewer=hq, purpose="ดู")
    assert not AuditEvent.objects.filter(action="social.household.view").exists()


def test_statistics_areas_follow_the_read_reach(small_map, make_staff):
    worker = make_staff(Role.SOCIAL_WORKER, "do-5001")
    assert selectors.stats_area_default(worker).code == "5001"
    with pytest.raises(PermissionDeniedError):
        selectors.stats_area_get(viewer=worker, level="province", code="50")
    with pytest.raises(PermissionDeniedError):
        selectors.stats_area_get(viewer=worker, level="subdistrict", code="500201")
    provincial = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    assert selectors.stats_area_default(provincial).level == "province"
    with pytest.raises(PermissionDeniedError):
        selectors.stats_area_get(viewer=provincial, level="country", code="")
    hq = make_staff(Role.HQ_ADMIN, "hq")
    assert selectors.stats_area_default(hq).level == "country"
    with pytest.raises(NotFound):
        selectors.stats_area_get(viewer=hq, level="district", code="9999")


def test_the_statistics_table_carries_counts_and_no_house_code(small_map, worker):
    rules = setup.rule_set()
    household = setup.household(rules=rules)
    setup.rebuild(rules)
    area = selectors.stats_area_get(viewer=worker, level="district", code="5001")
    header, rows = selectors.statistics_table(
        selectors.targeting_statistics(area=area, rule_set=rules)
    )
    assert len(rows) == 3
    assert rows[0][:4] == ["subdistrict", "500101", rows[0][2], 1]
    assert rows[-1][:4] == ["district", "5001", rows[-1][2], 1]
    flat = " ".join(str(cell) for row in rows for cell in row)
    assert household.house_code not in flat
    assert TargetHousehold.objects.count() == 1
