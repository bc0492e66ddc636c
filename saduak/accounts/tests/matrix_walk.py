"""What a test needs to walk the role x action matrix: a scenario names an
action, the office whose record it touches, how to make that record and how to
carry the action out (through the service or the API). `tests/test_role_matrix.py`
gathers every app's `tests/matrix_scenarios.py` and tries each scenario as every
role, at home and from another area, and as a plain citizen."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpResponseBase

from saduak.accounts.choices import Role
from saduak.accounts.matrix import Action
from saduak.areas.models import Office

# Where each role sits to reach an office of district 5001 (province 50).
HOME_OFFICE: dict[Role, str] = {
    Role.COUNTER_OFFICER: "{office}",
    Role.DISTRICT_ADMIN: "do-{district}",
    Role.PROVINCIAL_STAFF: "pao-{province}",
    Role.HQ_ADMIN: "hq",
    Role.AUDITOR: "hq",
    Role.ESERVICE_ADMIN: "hq",
    Role.FINANCE_OFFICER: "pao-{province}",
    Role.SOCIAL_WORKER: "do-{district}",
}
# The same roles, seated where they do not reach district 5001.
AWAY_OFFICE: dict[Role, str] = {
    Role.COUNTER_OFFICER: "reg-5002",
    Role.DISTRICT_ADMIN: "do-5002",
    Role.PROVINCIAL_STAFF: "pao-10",
    Role.FINANCE_OFFICER: "pao-10",
    Role.SOCIAL_WORKER: "do-5002",
}


@dataclass(frozen=True)
class Scenario:
    """One acting service or API write, tried against the matrix.

    `setup(request)` makes the record and returns a context (it may use any
    fixture through `request.getfixturevalue`). `act(actor, ctx, request)`
    carries the action out: a service call raises on refusal, an API call
    returns its response (403 or 404 is a refusal). `state(ctx)` snapshots
    what the action would change, to check a refusal changed nothing.
    `roles` overrides the matrix's roles where a workflow names fewer.
    """

    action: Action
    name: str
    office_code: str
    setup: Callable[[pytest.FixtureRequest], Any]
    act: Callable[[Any, Any, pytest.FixtureRequest], Any]
    state: Callable[[Any], Any] | None = None
    roles: frozenset[Role] | None = None

    @property
    def is_api(self) -> bool:
        return self.name.startswith(("GET ", "POST ", "PUT ", "PATCH ", "DELETE "))


def home_code(role: Role, office_code: str, *, away: bool = False) -> str | None:
    if away:
        return AWAY_OFFICE.get(role)
    office = Office.objects.get(code=office_code)
    return HOME_OFFICE[role].format(
        office=office.code,
        district=office.district_id or "",
        province=office.province_id or "",
    )


def refused(outcome: Any) -> bool:
    """Whether an API answer is a refusal (a service refusal raises)."""
    return isinstance(outcome, HttpResponseBase) and outcome.status_code in (403, 404)


def api_call(
    request: pytest.FixtureRequest, actor: Any, method: str, path: str, body: Any = None
) -> Any:
    """`method` on `path` (from the site root) as `actor`, signed in with a
    session; a body goes as JSON."""
    client = request.getfixturevalue("client_for")(actor)
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, content_type="application/json")
