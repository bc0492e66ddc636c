"""The screening's hand SQL (sql.py), run on SQLite and PostgreSQL: each
statement, and the conditions' filter against the same conditions said in
Python."""

import itertools

import pytest

from saduak.social import sql
from saduak.social.choices import SOURCE_BITS, HouseholdStatus, SourceKind
from saduak.social.models import PersonMatch, StagedPerson, TargetHousehold
from saduak.social.rules import condition_holds, conditions_clean, conditions_q
from saduak.social.services.screening import rule_people
from saduak.social.tests.screening_setup import (
    an_import,
    personal_id,
    rule,
    rule_set,
    stage,
)

pytestmark = pytest.mark.usefixtures("small_map")

CONDITIONS = [
    {"field": "monthly_income", "op": op, "value": 3000}
    for op in ("lt", "le", "eq", "ge", "gt")
] + [
    {"field": "monthly_income", "op": "missing"},
    {"field": "elderly", "op": "is_true"},
    {"field": "elderly", "op": "is_false"},
    {"field": "elderly", "op": "missing"},
    {"field": "housing", "op": "in", "value": ["none", "dilapidated"]},
    {"field": "housing", "op": "missing"},
]


def test_each_condition_selects_exactly_the_rows_it_holds_on_in_python() -> None:
    source = an_import()
    for income, elderly, housing in itertools.product(
        (None, 0, 2999, 3000, 3001), (None, True, False), ("", "none", "adequate")
    ):
        stage(
            source,
            personal_id(),
            monthly_income=income,
            elderly=elderly,
            housing=housing,
        )
    rows = list(StagedPerson.objects.all())
    for condition in CONDITIONS:
        for groups in ([[condition]], [[condition, CONDITIONS[0]]]):
            checked = conditions_clean(groups)
            selected = set(
                StagedPerson.objects.filter(conditions_q(checked)).values_list(
                    "pk", flat=True
                )
            )
            expected = {
                row.pk
                for row in rows
                if any(all(condition_holds(c, row) for c in g) for g in checked)
            }
            assert selected == expected, condition
    either = conditions_clean([[CONDITIONS[0]], [CONDITIONS[5]]])
    assert StagedPerson.objects.filter(conditions_q(either)).count() == 3 * 3 * 3


def test_person_matches_insert_writes_one_row_per_person_with_the_sources_mask() -> (
    None
):
    rules = rule_set()
    low = rule(rules, "low", [[CONDITIONS[0]]])
    pid = personal_id()
    stage(an_import(SourceKind.BASIC_NEEDS), pid, monthly_income=1)
    stage(an_import(SourceKind.FAMILY), pid, monthly_income=2, house="50010000009")

    sql.person_matches_insert(
        rule_people(low, "50"), rule_set_id=rules.pk, rule_id=low.pk
    )

    match = PersonMatch.objects.get()
    assert match.sources == (
        SOURCE_BITS[SourceKind.BASIC_NEEDS] | SOURCE_BITS[SourceKind.FAMILY]
    )
    assert match.house_code == "50010000001"
    assert (match.subdistrict_id, match.district_code, match.province_code) == (
        "500101",
        "5001",
        "50",
    )


def test_households_upsert_adds_then_refreshes_without_touching_the_decision() -> None:
    rules = rule_set()
    low = rule(rules, "low", [[CONDITIONS[0]]], weight=4)
    PersonMatch.objects.create(
        rule_set=rules,
        rule=low,
        personal_id=personal_id(),
        house_code="H1",
        subdistrict_id="500102",
        district_code="5001",
        province_code="50",
        sources=1,
    )
    sql.households_upsert(rule_set_id=rules.pk, province_code="50")
    household = TargetHousehold.objects.get()
    assert (household.need_score, household.people_found, household.sources) == (
        4,
        1,
        1,
    )
    assert household.public_id is not None
    TargetHousehold.objects.update(
        status=HouseholdStatus.REMOVED, screened_out=True, removal_reason="moved"
    )
    PersonMatch.objects.create(
        rule_set=rules,
        rule=low,
        personal_id=personal_id(),
        house_code="H1",
        subdistrict_id="500101",
        district_code="5001",
        province_code="50",
        sources=4,
    )

    sql.households_upsert(rule_set_id=rules.pk, province_code=None)

    again = TargetHousehold.objects.get()
    assert again.public_id == household.public_id
    assert (again.status, again.removal_reason) == (HouseholdStatus.REMOVED, "moved")
    assert not again.screened_out
    assert (again.need_score, again.rules_met, again.people_found) == (4, 1, 2)
    assert (again.sources, again.subdistrict_id) == (5, "500101")


def test_households_not_found_delete_removes_only_undecided_screened_out_ones() -> None:
    rules = rule_set()

    def household(code: str, status: str, out: bool, province: str = "50") -> None:
        TargetHousehold.objects.create(
            rule_set=rules,
            house_code=code,
            subdistrict_id="500101" if province == "50" else "100101",
            district_code="5001" if province == "50" else "1001",
            province_code=province,
            status=status,
            screened_out=out,
        )

    household("gone", HouseholdStatus.FOUND, True)
    household("found", HouseholdStatus.FOUND, False)
    household("kept", HouseholdStatus.CONFIRMED, True)
    household("elsewhere", HouseholdStatus.FOUND, True, province="10")

    sql.households_not_found_delete(rule_set_id=rules.pk, province_code="50")

    assert set(TargetHousehold.objects.values_list("house_code", flat=True)) == {
        "found",
        "kept",
        "elsewhere",
    }
    sql.households_not_found_delete(rule_set_id=rules.pk, province_code=None)
    assert not TargetHousehold.objects.filter(house_code="elsewhere").exists()
