from datetime import date

import pytest

from saduak.accounts.choices import Role
from saduak.areas.models import Office
from saduak.identity.services import CardDetails

SOMSRI = CardDetails(
    "1100000000016", "สมศรี", "ใจดี", date(1985, 3, 14), date(2030, 3, 13)
)
BOONMEE = CardDetails(
    "1100000000083", "บุญมี", "มีสุข", date(1952, 7, 1), date(2099, 12, 31)
)


@pytest.fixture
def registry_office(small_map):
    return Office.objects.get(code="reg-5001")


@pytest.fixture
def officer(make_staff):
    return make_staff(Role.COUNTER_OFFICER, "reg-5001")
