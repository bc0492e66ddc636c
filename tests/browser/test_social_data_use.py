"""The citizen's side of Social Match: a district's social worker opens a
screened household's page, and a member of that household who has a digital
ID sees on their phone, in Thai and in English, that the social worker of
that district office looked at their household's welfare, health and income
data."""

from typing import Any

import pytest

from saduak.accounts.choices import Role
from saduak.social.models import StagedPerson
from saduak.social.tests import targeting_setup as setup
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def sign_in(page: Any, personal_id: str, prefix: str = "") -> None:
    page.goto(f"{prefix}/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def test_a_household_member_sees_that_a_social_worker_looked_at_their_household(
    open_page: Any, small_map: None, make_staff: Any, citizen: Any
) -> None:
    worker = make_staff(Role.SOCIAL_WORKER, "do-5001")
    worker.set_password(PASSWORD)
    worker.save(update_fields=["password"])
    household = setup.household(people=2)
    member = StagedPerson.objects.filter(house_code=household.house_code).last()
    assert member is not None
    StagedPerson.objects.filter(
        house_code=household.house_code, personal_id=member.personal_id
    ).update(personal_id=citizen.personal_id)

    desk = open_page()
    sign_in(desk, worker.personal_id)
    desk.goto(f"/staff/social/households/{household.public_id}/")
    assert household.house_code in desk.locator("main h1").inner_text()

    phone = open_page(viewport=PHONE)
    sign_in(phone, citizen.personal_id)
    phone.goto("/account/data-use/")
    table = phone.locator("main table").inner_text()
    assert "ข้อมูลสวัสดิการ สุขภาพ และรายได้ของครัวเรือนคุณ" in table
    assert worker.full_name in table and "ที่ว่าการอำเภอเมืองเชียงใหม่" in table
    assert_accessible(phone, "social-data-use-th")

    phone.goto("/en/account/data-use/")
    table = phone.locator("main table").inner_text()
    assert "your household's welfare, health and income data" in table
    assert_accessible(phone, "social-data-use-en")
