"""A province imports a Social Match source file, in Chromium on a phone. In
Thai: the upload page, a good welfare-card file, its detail (counts, hash)
and its rollback after a confirmation. In English: a file with a bad check
digit and an unknown subdistrict is refused with each line's reason.
axe-core checks every page."""

from typing import Any

import pytest
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.social.choices import ImportStatus
from saduak.social.models import SourceImport, StagedPerson
from saduak.social.tests.test_services_sources import bad_pid, row, welfare_csv
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


@pytest.fixture
def officer(make_staff: Any) -> User:
    user = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def sign_in(page: Any, user: User, prefix: str = "") -> None:
    page.goto(f"{prefix}/accounts/login/")
    page.fill("#id_username", user.personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def fits_the_screen(page: Any) -> bool:
    return bool(
        page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    )


def upload(page: Any, content: bytes) -> None:
    page.select_option("#id_kind", "welfare_card")
    page.fill("#id_year", "2569")
    page.select_option("#id_province", "50")
    page.set_input_files(
        "#id_file",
        files=[{"name": "บัตรสวัสดิการ.csv", "mimeType": "text/csv", "buffer": content}],
    )
    page.locator("main form[enctype] button[type=submit]").click()
    page.wait_for_load_state()


def test_a_province_imports_a_file_and_rolls_it_back_in_thai(
    phone: Any, officer: User
) -> None:
    sign_in(phone, officer)
    phone.goto("/staff/social/sources/upload/")
    expect(phone.locator("h1")).to_have_text("นำเข้าแฟ้มแหล่งข้อมูล")
    assert fits_the_screen(phone)
    assert_accessible(phone, "social-sources-upload-th")

    upload(phone, welfare_csv([row(1), row(2)]))
    imported = SourceImport.objects.get()
    expect(phone.locator("main")).to_contain_text(imported.file_sha256)
    expect(phone.locator(".messages")).to_contain_text("นำเข้าแล้ว 2 แถว")
    assert fits_the_screen(phone)
    assert_accessible(phone, "social-sources-detail-th")

    phone.get_by_role("link", name="ย้อนกลับการนำเข้านี้").click()
    phone.wait_for_load_state()
    assert_accessible(phone, "social-sources-rollback-th")
    phone.get_by_role("button", name="ยืนยันการย้อนกลับ").click()
    phone.wait_for_load_state()
    expect(phone.locator(".messages")).to_contain_text("ย้อนกลับการนำเข้าแล้ว")
    imported.refresh_from_db()
    assert imported.status == ImportStatus.ROLLED_BACK
    assert not StagedPerson.objects.exists()
    phone.goto("/staff/social/sources/")
    expect(phone.locator("main table")).to_contain_text("บัตรสวัสดิการ.csv")
    assert_accessible(phone, "social-sources-list-th")


def test_a_bad_file_is_refused_with_each_line_in_english(
    phone: Any, officer: User
) -> None:
    sign_in(phone, officer, "/en")
    phone.goto("/en/staff/social/sources/upload/")
    upload(
        phone,
        welfare_csv([row(1), f"{bad_pid(2)},H2,x,500101,Y,1,", row(3, sub="999999")]),
    )
    expect(phone.locator(".error-summary")).to_contain_text("2 rows have a problem")
    report = phone.locator("#refused-title + p + div table")
    expect(report).to_contain_text("check digit")
    expect(report).to_contain_text("No subdistrict has this code.")
    assert fits_the_screen(phone)
    assert_accessible(phone, "social-sources-refused-en")
    assert not SourceImport.objects.exists()
