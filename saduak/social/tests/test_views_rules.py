"""The rules and screening pages."""

from collections.abc import Callable

import pytest
from django.test import Client

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.audit.models import AuditEvent
from saduak.social.models import Rule, RuleSet, ScreeningRun
from saduak.social.tests.screening_setup import (
    an_import,
    personal_id,
    rule,
    rule_set,
    stage,
)

LOW = '[[{"field": "monthly_income", "op": "lt", "value": 3000}]]'


@pytest.fixture
def hq(
    make_staff: Callable[[Role, str], User], client_for: Callable[[User], Client]
) -> Client:
    return client_for(make_staff(Role.HQ_ADMIN, "hq"))


@pytest.fixture
def province_staff(
    make_staff: Callable[[Role, str], User], client_for: Callable[[User], Client]
) -> Client:
    return client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))


def test_hq_makes_a_years_rule_set_with_the_default_rules_from_the_list(
    hq: Client,
) -> None:
    page = hq.get("/staff/social/rules/")
    assert page.status_code == 200
    response = hq.post(
        "/staff/social/rules/",
        {"year": 2569, "name_th": "เกณฑ์ 2569", "start_from": "default"},
    )
    assert response.status_code == 302
    assert RuleSet.objects.get().year == 2569
    detail = hq.get(response["Location"])
    assert detail.status_code == 200
    assert "income-under-3000" in detail.content.decode()
    assert AuditEvent.objects.filter(action="social.rule.set_create").exists()


def test_the_english_page_lists_the_rule_set(hq: Client) -> None:
    rule_set()
    page = hq.get("/en/staff/social/rules/2569/")
    assert page.status_code == 200
    assert "Screening rules 2569" in page.content.decode()


def test_a_province_adds_a_local_rule_and_sees_a_bad_field_named_on_the_form(
    province_staff: Client,
) -> None:
    rule_set()
    page = province_staff.get("/staff/social/rules/2569/new/")
    assert page.status_code == 200
    fields = {
        "key": "local",
        "province": "50",
        "label_th": "กฎท้องถิ่น",
        "conditions": LOW.replace("monthly_income", "salary"),
        "sources": ["basic_needs"],
        "min_agree": 1,
        "weight": 2,
        "domain": "",
    }
    bad = province_staff.post("/staff/social/rules/2569/new/", fields)
    assert bad.status_code == 400
    assert "salary" in bad.content.decode()
    assert not Rule.objects.exists()
    not_json = province_staff.post(
        "/staff/social/rules/2569/new/", {**fields, "conditions": "[[{"}
    )
    assert not_json.status_code == 400

    good = province_staff.post(
        "/staff/social/rules/2569/new/", {**fields, "conditions": LOW}
    )
    assert good.status_code == 302
    local = Rule.objects.get()
    assert local.province_id == "50"
    assert AuditEvent.objects.filter(action="social.rule.add").exists()


def test_a_province_edits_and_deactivates_its_rule_but_not_a_national_one(
    province_staff: Client,
) -> None:
    from saduak.areas.models import Province

    rules = rule_set()
    national = rule(rules, "national", [[{"field": "elderly", "op": "is_true"}]])
    local = rule(
        rules,
        "local",
        [[{"field": "elderly", "op": "is_true"}]],
        province=Province.objects.get(code="50"),
    )
    assert (
        province_staff.get(
            f"/staff/social/rules/rule/{national.public_id}/"
        ).status_code
        == 403
    )
    page = province_staff.get(f"/staff/social/rules/rule/{local.public_id}/")
    assert page.status_code == 200
    saved = province_staff.post(
        f"/staff/social/rules/rule/{local.public_id}/",
        {
            "label_th": "ใหม่",
            "conditions": LOW,
            "sources": ["basic_needs", "welfare_card"],
            "min_agree": 2,
            "weight": 3,
            "domain": "health",
        },
    )
    assert saved.status_code == 302
    local.refresh_from_db()
    assert (local.label_th, local.min_agree) == ("ใหม่", 2)
    province_staff.post(
        f"/staff/social/rules/rule/{local.public_id}/active/", {"active": "0"}
    )
    local.refresh_from_db()
    assert not local.is_active
    refused = province_staff.post(
        f"/staff/social/rules/rule/{national.public_id}/active/", {"active": "0"}
    )
    assert refused.status_code == 403
    national.refresh_from_db()
    assert national.is_active
    assert AuditEvent.objects.filter(action="social.rule.deactivate").count() == 1


def test_a_province_runs_its_screening_and_the_history_shows_it(
    province_staff: Client,
) -> None:
    rules = rule_set()
    rule(rules, "low", [[{"field": "monthly_income", "op": "lt", "value": 3000}]])
    stage(an_import(), personal_id(), monthly_income=10)
    refused = province_staff.post("/staff/social/rules/2569/run/", {"province": ""})
    assert refused.status_code == 403
    assert not ScreeningRun.objects.exists()
    response = province_staff.post("/staff/social/rules/2569/run/", {"province": "50"})
    assert response.status_code == 302
    run = ScreeningRun.objects.get()
    assert run.households_found == 1
    page = province_staff.get("/staff/social/rules/2569/")
    assert "เชียงใหม่" in page.content.decode()
    assert AuditEvent.objects.filter(action="social.screening.run").exists()


def test_a_citizen_is_kept_out(
    client_for: Callable[[User], Client], citizen: User, small_map: None
) -> None:
    response = client_for(citizen).get("/staff/social/rules/")
    assert response.status_code == 403
