"""Walks the role x action matrix: every scenario of every app (each app's
`tests/matrix_scenarios.py`) is tried as each staff role seated where it reaches
the record, as the same role seated elsewhere, and as a citizen. Allowed roles
succeed; every other actor is refused and nothing changes (no audit event
either). Also checks that every action has a scenario, every API write names
its action, and docs/roles.md is the matrix."""

import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpResponseBase

import saduak
from saduak.accounts.choices import Role
from saduak.accounts.matrix import MATRIX, Action, allowed_roles, matrix_markdown
from saduak.accounts.tests.matrix_walk import Scenario, home_code, refused
from saduak.audit.models import AuditEvent
from saduak.core.errors import NotFound, PermissionDeniedError

ROOT = Path(__file__).resolve().parent.parent


def _scenarios() -> list[Scenario]:
    found: list[Scenario] = []
    for app in pkgutil.iter_modules(saduak.__path__):
        name = f"saduak.{app.name}.tests.matrix_scenarios"
        if importlib.util.find_spec(f"saduak.{app.name}.tests") is None:
            continue
        if importlib.util.find_spec(name) is None:
            continue
        found.extend(importlib.import_module(name).SCENARIOS)
    return found


SCENARIOS = _scenarios()
ACTORS = (
    [(role, False) for role in Role]
    + [
        (role, True)
        for role in Role
        if role
        in {
            Role.COUNTER_OFFICER,
            Role.DISTRICT_ADMIN,
            Role.PROVINCIAL_STAFF,
            Role.FINANCE_OFFICER,
            Role.SOCIAL_WORKER,
        }
    ]
    + [(None, False)]
)


def _actor_id(actor: tuple[Role | None, bool]) -> str:
    role, away = actor
    return "citizen" if role is None else f"{role.value}{'-away' if away else ''}"


def _carry_out(
    scenario: Scenario, actor: Any, ctx: Any, request: Any
) -> tuple[bool, Any]:
    try:
        outcome = scenario.act(actor, ctx, request)
    except (PermissionDeniedError, NotFound) as error:
        return True, error
    return refused(outcome), outcome


@pytest.mark.parametrize("actor_kind", ACTORS, ids=_actor_id)
@pytest.mark.parametrize(
    "scenario", SCENARIOS, ids=lambda s: f"{s.action.value}:{s.name}"
)
def test_each_role_may_do_only_what_the_matrix_allows(
    scenario: Scenario,
    actor_kind: tuple[Role | None, bool],
    request: pytest.FixtureRequest,
    make_staff: Any,
    make_user: Any,
) -> None:
    role, away = actor_kind
    ctx = scenario.setup(request)
    if role is None:
        actor = make_user()
    else:
        seat = home_code(role, scenario.office_code, away=away)
        assert seat is not None
        actor = make_staff(role, seat)
    allowed_set = (
        scenario.roles if scenario.roles is not None else allowed_roles(scenario.action)
    )
    expected_allowed = role is not None and not away and role in allowed_set
    before_state = scenario.state(ctx) if scenario.state else None
    before_events = AuditEvent.objects.count()

    was_refused, outcome = _carry_out(scenario, actor, ctx, request)

    if expected_allowed:
        assert not was_refused, f"{_actor_id(actor_kind)} was refused: {outcome!r}"
        if isinstance(outcome, HttpResponseBase):
            assert outcome.status_code < 400, outcome.content[:500]
    else:
        assert was_refused, f"{_actor_id(actor_kind)} was allowed: {outcome!r}"
        if scenario.state:
            assert scenario.state(ctx) == before_state
        if not scenario.is_api or role is not None:
            assert AuditEvent.objects.count() == before_events


def test_every_action_of_the_matrix_has_a_scenario() -> None:
    walked = {scenario.action for scenario in SCENARIOS}
    assert set(Action) - walked == set()
    assert set(MATRIX) == set(Action)


def test_the_roles_document_is_the_matrix() -> None:
    from django.utils import translation

    with translation.override("en"):
        table = matrix_markdown()
    assert table in (ROOT / "docs" / "roles.md").read_text(encoding="utf-8")


# What an API write may name instead of a matrix action: the signed-in person's
# own record, an anonymous public write, or a partner agency's machine call.
SELF_SERVICE = {"self", "public", "partner"}


def _api_writes() -> list[tuple[str, str, dict[str, Any]]]:
    from config.api import api

    schema = api.get_openapi_schema()
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"post", "put", "patch", "delete"}
    ]


def test_every_api_write_names_its_action_in_the_schema() -> None:
    unnamed = [
        f"{method} {path}"
        for method, path, operation in _api_writes()
        if operation.get("x-action") not in {*Action.values, *SELF_SERVICE}
    ]
    assert unnamed == []


def test_every_api_write_that_acts_for_staff_is_walked() -> None:
    walked = {scenario.name for scenario in SCENARIOS if scenario.is_api}
    missing = [
        f"{method} {path}"
        for method, path, operation in _api_writes()
        if operation.get("x-action") in Action.values
        and f"{method} {path}" not in walked
    ]
    assert missing == []


# Service functions that take an actor but are not an action of the matrix,
# each with the reason.
CHECKS_ITSELF = "the matrix check itself"
SYSTEM = "the system, after a service that has checked its actor"
OWN = "the signed-in person's own record"
NOT_MATRIX_ACTIONS = {
    "saduak.accounts.services.user_create": SYSTEM,
    "saduak.accounts.services.user_position_set": OWN,
    "saduak.appointments.services.mobile.ensure_may_in_district": CHECKS_ITSELF,
    "saduak.appointments.services.mobile.may_in_district": CHECKS_ITSELF,
    "saduak.areas_staff.services.holidays_load_national": "the load_holidays command",
    "saduak.audit.services.audit_record": SYSTEM,
    "saduak.audit.services.rewrap_batch_auditor": "the key rotation commands",
    "saduak.complaints.services.documents.complaint_attachment_open": "a read, audited",
    "saduak.eservices.documents.services.attachment_open": "a read, audited",
    "saduak.eservices.services.applications.application_mark_paid": SYSTEM,
    "saduak.eservices.services.applications.application_resubmit": OWN,
    "saduak.eservices.services.builder_common.ensure_can_build": CHECKS_ITSELF,
    "saduak.eservices.services.builder_common.ensure_can_publish": CHECKS_ITSELF,
    "saduak.identity.services.sessions_end_all": OWN,
    "saduak.identity.services.sign_in_session_end": OWN,
    "saduak.notifications.services.notification_send": SYSTEM,
    "saduak.performance.services.common.framework_audit": SYSTEM,
    "saduak.performance.services.common.framework_ensure_may": CHECKS_ITSELF,
    "saduak.performance.services.common.kpi_ensure_may_record": CHECKS_ITSELF,
    "saduak.performance.services.common.result_open": CHECKS_ITSELF,
    "saduak.performance.services.common.unit_readable": CHECKS_ITSELF,
    "saduak.performance.services.computed.round_computed": SYSTEM,
    "saduak.social.services.sources.sources_purge_expired": "the daily purge task",
}


def _acting_services() -> list[str]:
    import inspect

    found = []
    for module_info in pkgutil.walk_packages(saduak.__path__, "saduak."):
        name = module_info.name
        if ".tests" in name or ".migrations" in name:
            continue
        if not (name.endswith(".services") or ".services." in name):
            continue
        module = importlib.import_module(name)
        for function_name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != name or function_name.startswith("_"):
                continue
            parameters = inspect.signature(function).parameters
            if "actor" in parameters or "officer" in parameters:
                found.append(f"{name}.{function_name}")
    return found


def test_every_acting_service_is_walked_or_says_why_it_is_no_action() -> None:
    walked = {
        scenario.name.split(" ")[0] for scenario in SCENARIOS if not scenario.is_api
    }
    unwalked = [
        path
        for path in _acting_services()
        if path.rsplit(".", 1)[1] not in walked and path not in NOT_MATRIX_ACTIONS
    ]
    assert unwalked == []
    assert set(NOT_MATRIX_ACTIONS) <= set(_acting_services())
