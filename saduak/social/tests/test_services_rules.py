"""A year's rule set and its national and local rules."""

from collections.abc import Callable

import pytest

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.areas.models import Province
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.social.models import Rule, RuleSet
from saduak.social.services.rules import (
    default_rules,
    rule_add,
    rule_set_active,
    rule_set_create,
    rule_update,
    rules_load_default,
)
from saduak.social.tests.screening_setup import SYSTEM, rule, rule_set

pytestmark = pytest.mark.usefixtures("small_map")

LOW = [[{"field": "monthly_income", "op": "lt", "value": 3000}]]


def test_hq_creates_an_empty_rule_set_for_a_year_once(
    make_staff: Callable[[Role, str], User],
) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    rules = rule_set_create(year=2569, name_th="เกณฑ์ 2569", actor=hq)
    assert (rules.year, rules.created_by) == (2569, hq)
    assert not Rule.objects.exists()
    event = AuditEvent.objects.get(action="social.rule.set_create")
    assert (event.after or {})["year"] == 2569
    with pytest.raises(Conflict):
        rule_set_create(year=2569, name_th="อีกชุด", actor=hq)
    assert RuleSet.objects.count() == 1


def test_a_rule_set_may_start_with_the_default_rules_and_loading_again_adds_none() -> (
    None
):
    rules = rule_set_create(
        year=2569, name_th="เกณฑ์", start_from="default", actor=SYSTEM
    )
    keys = {raw["key"] for raw in default_rules()}
    assert set(Rule.objects.values_list("key", flat=True)) == keys
    assert AuditEvent.objects.filter(action="social.rule.add").count() == len(keys)
    assert rules_load_default(rule_set=rules, actor=SYSTEM) == 0
    Rule.objects.filter(key="housing").delete()
    assert rules_load_default(rule_set=rules, actor=SYSTEM) == 1


def test_a_rule_set_copied_from_the_year_before_takes_its_active_rules() -> None:
    old = rule_set(2568)
    rule(old, "low", LOW, weight=5)
    rule(old, "local", LOW, province=Province.objects.get(code="50"))
    rule_set_active(rule=rule(old, "off", LOW), active=False, actor=SYSTEM)

    new = rule_set_create(year=2569, name_th="ใหม่", start_from="previous", actor=SYSTEM)

    copied = {r.key: r for r in Rule.objects.filter(rule_set=new)}
    assert set(copied) == {"low", "local"}
    assert copied["low"].weight == 5
    assert copied["local"].province_id == "50"
    event = AuditEvent.objects.get(action="social.rule.set_create", after__year=2569)
    assert (event.after or {})["copied_from"] == 2568
    with pytest.raises(InvalidInput):
        rule_set_create(year=2500, name_th="x", start_from="previous", actor=SYSTEM)


def test_a_province_adds_a_local_rule_but_not_a_national_one_nor_another_provinces(
    make_staff: Callable[[Role, str], User],
) -> None:
    rules = rule_set()
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    local = rule_add(
        rule_set=rules,
        key="hill-tribe",
        label_th="กฎท้องถิ่น",
        conditions=LOW,
        sources=["basic_needs"],
        province=Province.objects.get(code="50"),
        actor=staff,
    )
    assert local.province_id == "50"
    event = AuditEvent.objects.get(action="social.rule.add")
    assert (event.after or {})["conditions"] == LOW
    assert event.province_code == "50"

    with pytest.raises(PermissionDeniedError):
        rule_add(
            rule_set=rules,
            key="national",
            label_th="x",
            conditions=LOW,
            sources=["basic_needs"],
            actor=staff,
        )
    with pytest.raises((PermissionDeniedError, NotFound)):
        rule_add(
            rule_set=rules,
            key="bangkok",
            label_th="x",
            conditions=LOW,
            sources=["basic_needs"],
            province=Province.objects.get(code="10"),
            actor=staff,
        )
    assert Rule.objects.count() == 1
    assert AuditEvent.objects.filter(action="social.rule.add").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"conditions": [[{"field": "salary", "op": "lt", "value": 1}]]}, "conditions"),
        ({"sources": ["tax"]}, "sources"),
        ({"sources": ["basic_needs"], "min_agree": 2}, "min_agree"),
        ({"weight": 0}, "weight"),
        ({"domain": "sports"}, "domain"),
        ({"key": "with space"}, "key"),
        ({"label_th": " "}, "label_th"),
    ],
)
def test_a_bad_rule_is_refused_on_its_field_and_nothing_is_saved(
    changes: dict[str, object], field: str
) -> None:
    rules = rule_set()
    fields: dict[str, object] = {
        "key": "ok",
        "label_th": "ทดสอบ",
        "conditions": LOW,
        "sources": ["basic_needs", "welfare_card"],
        "min_agree": 1,
        "weight": 1,
        "domain": "",
        **changes,
    }
    with pytest.raises(InvalidInput) as caught:
        rule_add(rule_set=rules, actor=SYSTEM, **fields)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert not Rule.objects.exists()
    assert not AuditEvent.objects.filter(action="social.rule.add").exists()


def test_a_key_is_unique_among_national_rules_and_within_a_province() -> None:
    rules = rule_set()
    rule(rules, "low", LOW)
    with pytest.raises(InvalidInput) as caught:
        rule(rules, "low", LOW)
    assert caught.value.field == "key"
    rule(rules, "low", LOW, province=Province.objects.get(code="50"))
    assert Rule.objects.count() == 2


def test_updating_a_rule_audits_before_and_after() -> None:
    rules = rule_set()
    low = rule(rules, "low", LOW)
    rule_update(
        rule=low,
        label_th="รายได้น้อย",
        conditions=[{"field": "monthly_income", "op": "lt", "value": 2500}],
        sources=["welfare_card", "basic_needs"],
        min_agree=2,
        weight=3,
        domain="work_income",
        actor=SYSTEM,
    )
    low.refresh_from_db()
    assert low.conditions == [[{"field": "monthly_income", "op": "lt", "value": 2500}]]
    assert (low.min_agree, low.weight, low.domain) == (2, 3, "work_income")
    event = AuditEvent.objects.get(action="social.rule.update")
    assert (event.before or {})["conditions"] == LOW
    assert (event.after or {})["min_agree"] == 2


def test_a_rule_is_deactivated_once_and_may_come_back(
    make_staff: Callable[[Role, str], User],
) -> None:
    rules = rule_set()
    low = rule(rules, "low", LOW)
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    with pytest.raises(PermissionDeniedError):
        rule_set_active(rule=low, active=False, actor=staff)
    rule_set_active(rule=low, active=False, actor=SYSTEM)
    with pytest.raises(Conflict):
        rule_set_active(rule=low, active=False, actor=SYSTEM)
    rule_set_active(rule=low, active=True, actor=SYSTEM)
    low.refresh_from_db()
    assert low.is_active
    assert [
        e.action
        for e in AuditEvent.objects.filter(action__startswith="social.rule.").order_by(
            "pk"
        )
    ] == [
        "social.rule.set_create",
        "social.rule.add",
        "social.rule.deactivate",
        "social.rule.activate",
    ]


def test_a_rule_no_trusted_source_can_meet_is_refused_naming_the_fields() -> None:
    rules = rule_set()
    dimension = [[{"field": "lacks_health", "op": "is_true"}]]
    # The welfare card register's file has no TPMAP dimension column.
    with pytest.raises(InvalidInput) as refused:
        rule_add(
            rule_set=rules,
            key="tpmap-health",
            label_th="มิติสุขภาพ",
            conditions=dimension,
            sources=["welfare_card"],
            actor=SYSTEM,
        )
    assert refused.value.field == "sources"
    assert "กลุ่มเงื่อนไขที่ 1" in str(refused.value.message)
    assert "ขาดด้านสุขภาพ" in str(refused.value.message)
    # Two sources must agree but only the social map gives the dimension.
    with pytest.raises(InvalidInput):
        rule_add(
            rule_set=rules,
            key="tpmap-health",
            label_th="มิติสุขภาพ",
            conditions=dimension,
            sources=["social_map", "welfare_card"],
            min_agree=2,
            actor=SYSTEM,
        )
    assert not Rule.objects.exists()
    assert not AuditEvent.objects.filter(action="social.rule.add").exists()

    rule_add(
        rule_set=rules,
        key="tpmap-health",
        label_th="มิติสุขภาพ",
        conditions=dimension,
        sources=["social_map", "welfare_card"],
        actor=SYSTEM,
    )
    # "missing" holds on a source that has no such column.
    rule_add(
        rule_set=rules,
        key="health-dimension-unknown",
        label_th="ไม่ทราบมิติสุขภาพ",
        conditions=[[{"field": "lacks_health", "op": "missing"}]],
        sources=["welfare_card"],
        actor=SYSTEM,
    )
    assert Rule.objects.count() == 2
