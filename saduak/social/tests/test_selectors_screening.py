"""Why screening found a household's people."""

import pytest

from saduak.areas.models import Province
from saduak.social.choices import SourceKind
from saduak.social.models import TargetHousehold
from saduak.social.selectors.screening import person_reasons, rules_of
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


def test_each_person_lists_the_rules_met_the_sources_and_the_facts_that_met_them(
    django_assert_max_num_queries: object,
) -> None:
    rules = rule_set()
    rule(
        rules,
        "low",
        [
            [{"field": "monthly_income", "op": "lt", "value": 3000}],
            [{"field": "welfare_access", "op": "is_false"}],
        ],
        weight=3,
    )
    rule(rules, "home", [[{"field": "housing", "op": "in", "value": ["none"]}]])
    pid = personal_id()
    stage(an_import(SourceKind.BASIC_NEEDS), pid, monthly_income=1200, housing="none")
    stage(
        an_import(SourceKind.WELFARE_CARD),
        pid,
        monthly_income=8000,
        welfare_access=False,
        name="",
    )
    screening_run(
        rule_set=rules, province=Province.objects.get(code="50"), actor=SYSTEM
    )
    household = TargetHousehold.objects.select_related("rule_set").get()

    with django_assert_max_num_queries(3):  # type: ignore[operator]
        people = person_reasons(household)

    [person] = people
    assert person.masked_id.endswith(pid[-3:-1] + "-" + pid[-1])
    assert pid not in person.masked_id
    assert person.name == "สมชาย ทดสอบ"
    low, home = person.rules
    assert (low.rule.key, home.rule.key) == ("low", "home")
    by_source = {reason.source: reason.facts for reason in low.sources}
    assert [(f.field, f.value) for f in by_source[SourceKind.BASIC_NEEDS]] == [
        ("monthly_income", 1200)
    ]
    assert [(f.field, f.value) for f in by_source[SourceKind.WELFARE_CARD]] == [
        ("welfare_access", False)
    ]
    assert [s.source for s in home.sources] == [SourceKind.BASIC_NEEDS]


def test_a_province_sees_the_national_rules_and_its_own_local_ones() -> None:
    rules = rule_set()
    low = [[{"field": "monthly_income", "op": "lt", "value": 3000}]]
    rule(rules, "national", low)
    rule(rules, "cm", low, province=Province.objects.get(code="50"))
    rule(rules, "bkk", low, province=Province.objects.get(code="10"))
    assert [r.key for r in rules_of(rules, province_code="50")] == ["national", "cm"]
    assert len(rules_of(rules, province_code=None)) == 3
