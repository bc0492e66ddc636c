"""Role x action scenarios for Social Match's screening services
(tests/test_role_matrix.py, through matrix_scenarios.py). The records sit in
province 50 (district 5001, office do-5001): a local rule of province 50 and
its screening are for its provincial staff and HQ; national rules and rule
sets are for HQ only."""

from typing import Any

from saduak.accounts.choices import Role
from saduak.accounts.matrix import Action
from saduak.accounts.tests.matrix_walk import Scenario, api_call
from saduak.areas.models import Province
from saduak.social.models import Rule, RuleSet, ScreeningRun
from saduak.social.services import rules as rules_services
from saduak.social.services.screening import screening_run
from saduak.social.tests.screening_setup import SYSTEM, an_import, personal_id, stage

OFFICE = "do-5001"
HQ_ONLY = frozenset({Role.HQ_ADMIN})
LOW = [[{"field": "monthly_income", "op": "lt", "value": 3000}]]
BASE = "/api/v1/social/screening"


def _map(request: Any) -> None:
    request.getfixturevalue("small_map")


def _rule_set(request: Any) -> RuleSet:
    _map(request)
    return rules_services.rule_set_create(year=2569, name_th="เกณฑ์", actor=SYSTEM)


def _local_rule(request: Any) -> Rule:
    rule_set = _rule_set(request)
    return rules_services.rule_add(
        rule_set=rule_set,
        key="local",
        label_th="ท้องถิ่น",
        conditions=LOW,
        sources=["basic_needs"],
        province=Province.objects.get(code="50"),
        actor=SYSTEM,
    )


def _national_rule(request: Any) -> Rule:
    rule_set = _rule_set(request)
    return rules_services.rule_add(
        rule_set=rule_set,
        key="national",
        label_th="ระดับประเทศ",
        conditions=LOW,
        sources=["basic_needs"],
        actor=SYSTEM,
    )


def _staged(request: Any) -> RuleSet:
    rule = _local_rule(request)
    stage(an_import(), personal_id(), monthly_income=10)
    return rule.rule_set


def _rules_state(_ctx: Any) -> Any:
    return (
        RuleSet.objects.count(),
        list(
            Rule.objects.order_by("pk").values_list(
                "key", "label_th", "weight", "is_active", "conditions"
            )
        ),
    )


def _runs_state(_ctx: Any) -> Any:
    return ScreeningRun.objects.count()


def _add_local(actor: Any, ctx: RuleSet, _request: Any) -> Rule:
    return rules_services.rule_add(
        rule_set=ctx,
        key="another",
        label_th="อีกข้อ",
        conditions=LOW,
        sources=["basic_needs"],
        province=Province.objects.get(code="50"),
        actor=actor,
    )


def _update(actor: Any, ctx: Rule, _request: Any) -> Rule:
    return rules_services.rule_update(
        rule=ctx,
        label_th="เปลี่ยน",
        conditions=LOW,
        sources=["basic_needs"],
        min_agree=1,
        weight=2,
        actor=actor,
    )


def _rule_body() -> dict[str, Any]:
    return {
        "label_th": "เปลี่ยน",
        "conditions": LOW,
        "sources": ["basic_needs"],
        "min_agree": 1,
        "weight": 2,
    }


SCENARIOS = [
    Scenario(
        Action.SOCIAL_RULES_EDIT,
        "rule_set_create",
        OFFICE,
        _map,
        lambda actor, ctx, r: rules_services.rule_set_create(
            year=2570, name_th="เกณฑ์", start_from="default", actor=actor
        ),
        _rules_state,
        roles=HQ_ONLY,
    ),
    Scenario(
        Action.SOCIAL_RULES_EDIT,
        "rules_load_default",
        OFFICE,
        _rule_set,
        lambda actor, ctx, r: rules_services.rules_load_default(
            rule_set=ctx, actor=actor
        ),
        _rules_state,
        roles=HQ_ONLY,
    ),
    Scenario(
        Action.SOCIAL_RULES_EDIT,
        "rule_add",
        OFFICE,
        _rule_set,
        _add_local,
        _rules_state,
    ),
    Scenario(
        Action.SOCIAL_RULES_EDIT,
        "rule_update",
        OFFICE,
        _local_rule,
        _update,
        _rules_state,
    ),
    Scenario(
        Action.SOCIAL_RULES_EDIT,
        "rule_update national",
        OFFICE,
        _national_rule,
        _update,
        _rules_state,
        roles=HQ_ONLY,
    ),
    Scenario(
        Action.SOCIAL_RULES_EDIT,
        "rule_set_active",
        OFFICE,
        _local_rule,
        lambda actor, ctx, r: rules_services.rule_set_active(
            rule=ctx, active=False, actor=actor
        ),
        _rules_state,
    ),
    Scenario(
        Action.SOCIAL_SCREEN,
        "screening_run",
        OFFICE,
        _staged,
        lambda actor, ctx, r: screening_run(
            rule_set=ctx, province=Province.objects.get(code="50"), actor=actor
        ),
        _runs_state,
    ),
    Scenario(
        Action.SOCIAL_SCREEN,
        "screening_run country",
        OFFICE,
        _staged,
        lambda actor, ctx, r: screening_run(rule_set=ctx, province=None, actor=actor),
        _runs_state,
        roles=HQ_ONLY,
    ),
    Scenario(
        Action.SOCIAL_RULES_EDIT,
        "POST /api/v1/social/screening/rule-sets",
        OFFICE,
        _map,
        lambda actor, ctx, r: api_call(
            r,
            actor,
            "post",
            f"{BASE}/rule-sets",
            {"year": 2570, "name_th": "เกณฑ์"},
        ),
        _rules_state,
        roles=HQ_ONLY,
    ),
    Scenario(
        Action.SOCIAL_RULES_EDIT,
        "POST /api/v1/social/screening/rule-sets/{year}/rules",
        OFFICE,
        _rule_set,
        lambda actor, ctx, r: api_call(
            r,
            actor,
            "post",
            f"{BASE}/rule-sets/{ctx.year}/rules",
            {**_rule_body(), "key": "another", "province": "50"},
        ),
        _rules_state,
    ),
    Scenario(
        Action.SOCIAL_RULES_EDIT,
        "PUT /api/v1/social/screening/rules/{public_id}",
        OFFICE,
        _local_rule,
        lambda actor, ctx, r: api_call(
            r, actor, "put", f"{BASE}/rules/{ctx.public_id}", _rule_body()
        ),
        _rules_state,
    ),
    Scenario(
        Action.SOCIAL_RULES_EDIT,
        "POST /api/v1/social/screening/rules/{public_id}/active",
        OFFICE,
        _local_rule,
        lambda actor, ctx, r: api_call(
            r, actor, "post", f"{BASE}/rules/{ctx.public_id}/active", {"active": False}
        ),
        _rules_state,
    ),
    Scenario(
        Action.SOCIAL_SCREEN,
        "POST /api/v1/social/screening/rule-sets/{year}/runs",
        OFFICE,
        _staged,
        lambda actor, ctx, r: api_call(
            r, actor, "post", f"{BASE}/rule-sets/{ctx.year}/runs", {"province": "50"}
        ),
        _runs_state,
    ),
]
