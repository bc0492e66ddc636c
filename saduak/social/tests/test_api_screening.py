"""The rules and screening API."""

from collections.abc import Callable

import pytest
from django.test import Client

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.audit.models import AuditEvent
from saduak.social.models import Rule, ScreeningRun
from saduak.social.services.rules import default_rules
from saduak.social.tests.screening_setup import an_import, personal_id, stage

BASE = "/api/v1/social/screening"
LOW = [[{"field": "monthly_income", "op": "lt", "value": 3000}]]


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


def test_hq_makes_a_rule_set_with_the_default_rules_and_reads_them(hq: Client) -> None:
    response = hq.post(
        f"{BASE}/rule-sets",
        {"year": 2569, "name_th": "เกณฑ์ 2569", "start_from": "default"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["year"] == 2569
    rules = hq.get(f"{BASE}/rule-sets/2569/rules").json()
    assert len(rules) == len(default_rules())
    assert hq.get(f"{BASE}/rule-sets").json()[0]["year"] == 2569
    assert AuditEvent.objects.filter(action="social.rule.set_create").exists()


def test_a_province_adds_a_local_rule_and_a_bad_field_answers_400_naming_it(
    hq: Client, province_staff: Client
) -> None:
    hq.post(
        f"{BASE}/rule-sets",
        {"year": 2569, "name_th": "เกณฑ์"},
        content_type="application/json",
    )
    body = {
        "key": "local",
        "label_th": "ท้องถิ่น",
        "conditions": LOW,
        "sources": ["basic_needs"],
        "province": "50",
    }
    response = province_staff.post(
        f"{BASE}/rule-sets/2569/rules", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["province"] == "50"
    bad = province_staff.post(
        f"{BASE}/rule-sets/2569/rules",
        {**body, "key": "bad", "conditions": [{"field": "salary", "op": "lt"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "salary" in bad.content.decode()
    national = province_staff.post(
        f"{BASE}/rule-sets/2569/rules",
        {**body, "key": "national", "province": None},
        content_type="application/json",
    )
    assert national.status_code == 403
    assert Rule.objects.count() == 1

    public_id = response.json()["public_id"]
    updated = province_staff.put(
        f"{BASE}/rules/{public_id}",
        {**body, "weight": 4},
        content_type="application/json",
    )
    assert updated.status_code == 200, updated.content
    assert updated.json()["weight"] == 4
    off = province_staff.post(
        f"{BASE}/rules/{public_id}/active",
        {"active": False},
        content_type="application/json",
    )
    assert off.json()["is_active"] is False
    assert AuditEvent.objects.filter(action="social.rule.deactivate").exists()


def test_a_province_runs_its_screening_and_reads_its_history(
    hq: Client, province_staff: Client
) -> None:
    hq.post(
        f"{BASE}/rule-sets",
        {"year": 2569, "name_th": "เกณฑ์", "start_from": "default"},
        content_type="application/json",
    )
    stage(an_import(), personal_id(), monthly_income=10)

    response = province_staff.post(
        f"{BASE}/rule-sets/2569/runs",
        {"province": "50"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["households_found"] == 1
    country = province_staff.post(
        f"{BASE}/rule-sets/2569/runs", {}, content_type="application/json"
    )
    assert country.status_code == 403
    assert ScreeningRun.objects.count() == 1
    runs = province_staff.get(f"{BASE}/rule-sets/2569/runs").json()
    assert [run["province"] for run in runs] == ["50"]
