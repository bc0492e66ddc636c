"""Screening a province or the country with a year's rules."""

from collections.abc import Callable

import pytest

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.areas.models import Province
from saduak.audit.models import AuditEvent
from saduak.core.errors import NotFound, PermissionDeniedError
from saduak.social.choices import (
    SOURCE_BITS,
    HouseholdStatus,
    ImportStatus,
    SourceKind,
    sources_of,
)
from saduak.social.models import (
    PersonMatch,
    ScreeningRun,
    TargetHousehold,
    TargetingCounts,
)
from saduak.social.services.screening import screening_run
from saduak.social.tests.screening_setup import (
    SYSTEM,
    an_import,
    personal_id,
    rule,
    rule_set,
    stage,
)

pytestmark = pytest.mark.usefixtures("small_map")

LOW_INCOME = [[{"field": "monthly_income", "op": "lt", "value": 3000}]]
BMN = SourceKind.BASIC_NEEDS
CARD = SourceKind.WELFARE_CARD


def province(code: str = "50") -> Province:
    return Province.objects.get(code=code)


def test_a_person_found_by_a_trusted_source_becomes_a_household_with_the_rule_weight() -> (
    None
):
    rules = rule_set()
    low = rule(rules, "low", LOW_INCOME, weight=3)
    pid = personal_id()
    stage(an_import(BMN), pid, monthly_income=1000)
    stage(an_import(CARD), personal_id(), monthly_income=9000, house="50010000002")

    run = screening_run(rule_set=rules, province=province(), actor=SYSTEM)

    match = PersonMatch.objects.get()
    assert (match.rule, match.personal_id, match.house_code) == (
        low,
        pid,
        "50010000001",
    )
    assert sources_of(match.sources) == [BMN]
    household = TargetHousehold.objects.get()
    assert (household.need_score, household.rules_met, household.people_found) == (
        3,
        1,
        1,
    )
    assert (household.subdistrict_id, household.district_code) == ("500101", "5001")
    assert household.province_code == "50"
    assert household.status == HouseholdStatus.FOUND
    assert household.sources == SOURCE_BITS[BMN]
    assert (run.people_matched, run.households_found) == (1, 1)
    event = AuditEvent.objects.get(action="social.screening.run")
    assert (event.after or {})["households_found"] == 1
    assert event.province_code == "50"
    counts = TargetingCounts.objects.get(dimension="", subdistrict_id="500101")
    assert counts.found == 1


def test_min_agree_needs_that_many_distinct_sources_and_the_mask_names_them() -> None:
    rules = rule_set()
    rule(rules, "two", LOW_INCOME, sources=[BMN, CARD], min_agree=2)
    both, one = personal_id(), personal_id()
    bmn, card = an_import(BMN), an_import(CARD)
    stage(bmn, both, monthly_income=100)
    stage(card, both, monthly_income=2000)
    stage(bmn, one, monthly_income=100, house="50010000002")
    stage(card, one, monthly_income=5000, house="50010000002")
    # An untrusted source does not count.
    stage(an_import(SourceKind.FAMILY), one, monthly_income=10, house="50010000002")

    screening_run(rule_set=rules, province=province(), actor=SYSTEM)

    match = PersonMatch.objects.get()
    assert match.personal_id == both
    assert set(sources_of(match.sources)) == {BMN, CARD}


def test_any_group_of_conditions_finds_a_person_so_income_low_or_missing_is_one_rule() -> (
    None
):
    rules = rule_set()
    rule(
        rules,
        "low-or-none",
        [*LOW_INCOME, [{"field": "monthly_income", "op": "missing"}]],
    )
    low, missing, rich = personal_id(), personal_id(), personal_id()
    bmn = an_import(BMN)
    stage(bmn, low, monthly_income=2999)
    stage(bmn, missing, house="50010000002")
    stage(bmn, rich, monthly_income=3000, house="50010000003")

    screening_run(rule_set=rules, province=province(), actor=SYSTEM)

    assert set(PersonMatch.objects.values_list("personal_id", flat=True)) == {
        low,
        missing,
    }


def test_superseded_rolled_back_other_year_and_other_province_rows_are_not_read() -> (
    None
):
    rules = rule_set()
    rule(rules, "low", LOW_INCOME)
    old = an_import(BMN)
    newer = an_import(BMN)
    stage(old, personal_id(), monthly_income=1).superseded_by = newer
    old.people.update(superseded_by=newer)
    stage(
        an_import(CARD, status=ImportStatus.ROLLED_BACK),
        personal_id(),
        monthly_income=1,
    )
    stage(an_import(BMN, year=2568), personal_id(), monthly_income=1)
    stage(
        an_import(BMN, province_code="10"),
        personal_id(),
        monthly_income=1,
        subdistrict="100101",
        house="10010000001",
    )

    screening_run(rule_set=rules, province=province(), actor=SYSTEM)

    assert not PersonMatch.objects.exists()
    assert not TargetHousehold.objects.exists()


def test_a_household_scores_the_distinct_rules_its_people_meet_and_ors_their_sources() -> (
    None
):
    rules = rule_set()
    rule(rules, "low", LOW_INCOME, weight=3)
    rule(rules, "sick", [[{"field": "health_problem", "op": "is_true"}]], weight=2)
    a, b = personal_id(), personal_id()
    stage(an_import(BMN), a, monthly_income=10, health_problem=True)
    stage(an_import(CARD), b, monthly_income=10, subdistrict="500102")

    screening_run(rule_set=rules, province=province(), actor=SYSTEM)

    household = TargetHousehold.objects.get()
    assert household.need_score == 5
    assert household.rules_met == 2
    assert household.people_found == 2
    assert set(sources_of(household.sources)) == {BMN, CARD}
    assert household.subdistrict_id == "500101"  # the smallest code
    assert PersonMatch.objects.count() == 3


def test_a_second_run_keeps_decisions_marks_them_screened_out_and_drops_undecided() -> (
    None
):
    rules = rule_set()
    rule(rules, "low", LOW_INCOME)
    bmn = an_import(BMN)
    kept = stage(bmn, personal_id(), monthly_income=10, house="50010000001")
    gone = stage(bmn, personal_id(), monthly_income=10, house="50010000002")
    screening_run(rule_set=rules, province=province(), actor=SYSTEM)
    TargetHousehold.objects.filter(house_code=kept.house_code).update(
        status=HouseholdStatus.CONFIRMED
    )
    public_id = TargetHousehold.objects.get(house_code=kept.house_code).public_id
    bmn.people.update(monthly_income=5000)

    run = screening_run(rule_set=rules, province=province(), actor=SYSTEM)

    household = TargetHousehold.objects.get()
    assert household.house_code == kept.house_code
    assert household.public_id == public_id
    assert household.status == HouseholdStatus.CONFIRMED
    assert household.screened_out
    assert not TargetHousehold.objects.filter(house_code=gone.house_code).exists()
    assert run.households_found == 0
    counts = TargetingCounts.objects.get(dimension="", subdistrict_id="500101")
    assert (counts.found, counts.confirmed) == (1, 1)

    bmn.people.update(monthly_income=10)
    screening_run(rule_set=rules, province=province(), actor=SYSTEM)
    household.refresh_from_db()
    assert not household.screened_out
    assert household.status == HouseholdStatus.CONFIRMED
    assert TargetHousehold.objects.count() == 2


def test_local_rules_apply_in_their_province_and_a_national_run_covers_every_province() -> (
    None
):
    rules = rule_set()
    rule(rules, "low", LOW_INCOME)
    rule(
        rules,
        "sick",
        [[{"field": "health_problem", "op": "is_true"}]],
        province=province("10"),
    )
    cm, bkk = personal_id(), personal_id()
    stage(an_import(BMN), cm, health_problem=True)
    stage(
        an_import(BMN, province_code="10"),
        bkk,
        health_problem=True,
        monthly_income=10,
        subdistrict="100101",
        house="10010000001",
    )

    screening_run(rule_set=rules, province=province("50"), actor=SYSTEM)
    assert not PersonMatch.objects.exists()

    run = screening_run(rule_set=rules, province=None, actor=SYSTEM)

    assert sorted(PersonMatch.objects.values_list("rule__key", flat=True)) == [
        "low",
        "sick",
    ]
    assert TargetHousehold.objects.get().need_score == 2
    assert run.province is None
    assert run.households_found == 1


def test_an_inactive_rule_finds_nobody_and_its_old_matches_go() -> None:
    from saduak.social.services.rules import rule_set_active

    rules = rule_set()
    low = rule(rules, "low", LOW_INCOME)
    stage(an_import(BMN), personal_id(), monthly_income=10)
    screening_run(rule_set=rules, province=province(), actor=SYSTEM)
    rule_set_active(rule=low, active=False, actor=SYSTEM)

    screening_run(rule_set=rules, province=province(), actor=SYSTEM)

    assert not PersonMatch.objects.exists()
    assert not TargetHousehold.objects.exists()


def test_provincial_staff_screen_their_province_but_not_another_nor_the_country(
    make_staff: Callable[[Role, str], User],
) -> None:
    rules = rule_set()
    rule(rules, "low", LOW_INCOME)
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    screening_run(rule_set=rules, province=province("50"), actor=staff)

    with pytest.raises((PermissionDeniedError, NotFound)):
        screening_run(rule_set=rules, province=province("10"), actor=staff)
    with pytest.raises(PermissionDeniedError):
        screening_run(rule_set=rules, province=None, actor=staff)
    assert ScreeningRun.objects.count() == 1
    assert AuditEvent.objects.filter(action="social.screening.run").count() == 1


def test_a_district_administrator_may_not_screen(
    make_staff: Callable[[Role, str], User],
) -> None:
    rules = rule_set()
    worker = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    with pytest.raises((PermissionDeniedError, NotFound)):
        screening_run(rule_set=rules, province=province("50"), actor=worker)
    assert not ScreeningRun.objects.exists()
