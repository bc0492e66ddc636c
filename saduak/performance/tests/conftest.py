from typing import Any

import pytest

from saduak.accounts.choices import Role
from saduak.performance.tests.factories import Built, framework_built


@pytest.fixture
def built(small_map: None) -> Built:
    """District 5001's published framework for FY 2569 (tests/factories.py)."""
    return framework_built()


@pytest.fixture
def district_admin(make_staff: Any) -> Any:
    return make_staff(Role.DISTRICT_ADMIN, "do-5001")


@pytest.fixture
def hq_admin(make_staff: Any) -> Any:
    return make_staff(Role.HQ_ADMIN, "hq")
