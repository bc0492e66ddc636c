from typing import Any

import pytest

from saduak.complaints.models import ComplaintCategory
from saduak.complaints.tests.factories import make_category


@pytest.fixture
def category(small_map: None) -> ComplaintCategory:
    return make_category()


@pytest.fixture
def officer(make_staff: Any) -> Any:
    """A counter officer of the Damrongdham center of Mueang Chiang Mai."""
    from saduak.accounts.choices import Role

    return make_staff(Role.COUNTER_OFFICER, "ddc-5001")
