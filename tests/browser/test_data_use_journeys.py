"""A citizen sees who used their data: an officer looked them up at the counter, a
bank checked their identity; then they download their data."""

import pytest

from saduak.accounts.choices import Role
from saduak.identity.data_access import data_access_record
from saduak.identity.models import AccessChannel, Partner
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery"


def sign_in(page, personal_id):
    page.goto("/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()


def test_a_citizen_sees_who_used_their_data_and_downloads_a_copy(
    open_page, small_map, make_staff, citizen
):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    officer.set_password(PASSWORD)
    officer.save(update_fields=["password"])
    bank = Partner.objects.create(
        name_th="ธนาคารตัวอย่าง", kind="bank", purpose_th="ยืนยันตัวตนเมื่อเปิดบัญชี"
    )
    data_access_record(
        citizen=citizen,
        channel=AccessChannel.IDENTITY_CHECK,
        data_items=["identity_match", "card_status"],
        purpose=bank.purpose_th,
        partner=bank,
    )

    desk = open_page()
    sign_in(desk, officer.personal_id)
    desk.goto("/staff/citizens/")
    desk.fill("#id_personal_id", citizen.personal_id)
    desk.locator("main button[type=submit]").click()
    desk.wait_for_selector("main h2:text('สมศรี ใจดี')")
    assert_accessible(desk, "citizen-lookup-th")

    phone = open_page(viewport={"width": 390, "height": 844})
    sign_in(phone, citizen.personal_id)
    phone.goto("/account/")
    phone.locator("main a[href$='/account/data-use/']").first.click()
    table = phone.locator("main table").inner_text()
    assert "ธนาคารตัวอย่าง" in table and "ยืนยันตัวตนเมื่อเปิดบัญชี" in table
    assert officer.full_name in table and "สำนักทะเบียนอำเภอเมืองเชียงใหม่" in table
    assert_accessible(phone, "data-use-th")

    phone.goto("/account/")
    with phone.expect_download() as download:
        phone.locator("main a[href$='my-data.pdf']").click()
    assert download.value.suggested_filename.endswith(".pdf")
