"""The accounts' acting services, for the role x action walk
(tests/test_role_matrix.py): giving a staff role and making an API token. Both
are HQ's (and commands'); there is no API write for either."""

from typing import Any

from saduak.accounts.choices import Role
from saduak.accounts.matrix import Action
from saduak.accounts.models import ApiToken, StaffRole, User
from saduak.accounts.services import api_token_create, staff_role_grant
from saduak.accounts.tests.matrix_walk import Scenario
from saduak.areas.models import Office

OFFICE = "reg-5001"


def _person(request: Any) -> User:
    request.getfixturevalue("small_map")
    user: User = request.getfixturevalue("make_user")()
    return user


def _roles(user: User) -> int:
    return StaffRole.objects.filter(user=user).count()


def _tokens(user: User) -> int:
    return ApiToken.objects.filter(user=user).count()


SCENARIOS = [
    Scenario(
        Action.STAFF_ROLE_GRANT,
        "staff_role_grant",
        OFFICE,
        _person,
        lambda actor, user, r: staff_role_grant(
            user=user,
            role=Role.COUNTER_OFFICER,
            office=Office.objects.get(code=OFFICE),
            actor=actor,
        ),
        _roles,
    ),
    Scenario(
        Action.API_TOKEN_CREATE,
        "api_token_create",
        OFFICE,
        _person,
        lambda actor, user, r: api_token_create(user=user, name="script", actor=actor),
        _tokens,
    ),
    Scenario(
        Action.API_TOKEN_CREATE,
        "api_token_create (for oneself)",
        OFFICE,
        lambda r: r.getfixturevalue("small_map"),
        lambda actor, ctx, r: api_token_create(user=actor, name="mine", actor=actor),
        lambda ctx: ApiToken.objects.count(),
    ),
]
