"""The GECC round in Chromium on a 390-px phone: HQ prepares a round, names
its target offices by pasting their codes and opens it, in Thai; a district's
administrator, in English, names the office's responsible person by picking
an account (no password field on any GECC page), assesses items with a note
and a photo, and measures the outcome items. axe-core checks every page;
each page must fit the phone's width."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.core.uploads.sample_files import png_of_one_colour
from saduak.performance.choices import GeccRoundStatus
from saduak.performance.models import (
    GeccAssessment,
    GeccEvidence,
    GeccParticipant,
    GeccRound,
)
from saduak.performance.tests.gecc_setup import YEAR, open_round
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def private_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "private"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    settings.CLAMD_ADDRESS = ""
    return root


def with_password(user: User, first: str = "", last: str = "") -> User:
    user.set_password(PASSWORD)
    if first:
        user.first_name, user.last_name = first, last
    user.save()
    return user


def sign_in(page: Any, personal_id: str, prefix: str) -> None:
    page.goto(f"{prefix}/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def checked(page: Any, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{name} is wider than the phone"
    )
    assert page.locator("input[type=password]").count() == 0, (
        f"{name} asks for a password"
    )
    assert_accessible(page, name)


def test_hq_prepares_names_targets_and_opens_a_round_in_thai(
    open_page: Any, make_staff: Any
) -> None:
    hq = with_password(make_staff(Role.HQ_ADMIN, "hq"))
    page = open_page(viewport=PHONE, locale="th-TH")
    sign_in(page, hq.personal_id, "")
    page.goto("/staff/performance/gecc/")
    expect(page.locator("h1")).to_have_text("รอบศูนย์ราชการสะดวก")
    checked(page, "gecc-hq-list-th")
    page.fill("#id_year", str(YEAR))
    page.get_by_role("button", name="เตรียมรอบนี้").click()
    expect(page.locator("h1")).to_contain_text(str(YEAR))
    today = timezone.localdate()
    page.fill("#id_registration_due_on", (today + timedelta(days=14)).isoformat())
    page.fill("#id_progress_due_on", (today + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="บันทึกรอบ").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "กำหนดส่งรายงานความก้าวหน้าต้องอยู่หลังกำหนดลงทะเบียน"
    )
    checked(page, "gecc-hq-prepare-refused-th")
    page.fill("#id_progress_due_on", (today + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="บันทึกรอบ").click()
    expect(page.get_by_text("บันทึกรอบแล้ว")).to_be_visible()
    checked(page, "gecc-hq-round-draft-th")
    page.get_by_role("link", name="กำหนดสำนักงานเป้าหมาย").click()
    page.fill("#id_codes", "reg-5001 reg-9999")
    page.get_by_role("button", name="บันทึกสำนักงานเป้าหมาย").click()
    expect(page.locator(".error-summary")).to_contain_text("reg-9999")
    page.fill("#id_codes", "reg-5001\nreg-1001")
    page.get_by_role("button", name="บันทึกสำนักงานเป้าหมาย").click()
    expect(page.get_by_text("บันทึกสำนักงานเป้าหมายแล้ว")).to_be_visible()
    page.get_by_role("button", name="เปิดรอบ").click()
    expect(page.get_by_text("เปิดรอบแล้ว", exact=False).first).to_be_visible()
    round = GeccRound.objects.get(fiscal_year=YEAR)
    assert round.status == GeccRoundStatus.OPEN
    assert round.registration is not None and round.registration.answers.count() == 2
    checked(page, "gecc-hq-round-open-th")
    page.get_by_role("link", name="ความก้าวหน้ารายจังหวัดและรายสำนักงาน").click()
    expect(page.locator("caption").first).to_have_text("รายจังหวัด")
    checked(page, "gecc-hq-progress-th")
    page.goto(f"/staff/performance/gecc/{YEAR}/criteria/")
    checked(page, "gecc-hq-criteria-share-th")


def test_an_office_names_its_responsible_person_and_assesses_with_a_photo_in_english(
    open_page: Any, make_staff: Any, tmp_path: Path
) -> None:
    open_round()
    admin = with_password(
        make_staff(Role.DISTRICT_ADMIN, "do-5001"), "Somchai", "Jaidee"
    )
    clerk = with_password(
        make_staff(Role.COUNTER_OFFICER, "reg-5001"), "Malee", "Rakngan"
    )
    clerk.position = "Registrar"
    clerk.save()
    page = open_page(viewport=PHONE, locale="en-GB")
    sign_in(page, admin.personal_id, "/en")
    page.goto(f"/en/staff/performance/gecc/{YEAR}/")
    page.get_by_role("link", name="Chiang Mai", exact=False).first.click()
    expect(page.locator("h1")).to_contain_text("Registry Office")
    checked(page, "gecc-office-en")
    page.select_option("#id_responsible", label="Malee Rakngan (Registrar)")
    page.get_by_role("button", name="Name the responsible person").click()
    expect(page.get_by_text("The responsible person is named.")).to_be_visible()
    assert GeccParticipant.objects.get(office__code="reg-5001").responsible == clerk
    item = page.locator("#item-P01")
    item.get_by_label("Met", exact=True).check()
    item.get_by_label("Note").fill("Large sign facing the road")
    item.get_by_role("button", name="Save item P01").click()
    expect(page.get_by_text("Item P01 is saved.")).to_be_visible()
    item = page.locator("#item-P01")
    item.locator("summary").click()
    photo = tmp_path / "sign.png"
    photo.write_bytes(png_of_one_colour(16))
    item.get_by_label("Photo or document").set_input_files(str(photo))
    item.get_by_label("What it shows").fill("The sign at the gate")
    item.get_by_role("button", name="Add the file").click()
    expect(page.get_by_text("The file is added to item P01.")).to_be_visible()
    expect(
        page.locator("#item-P01").get_by_role("link", name="sign.png")
    ).to_be_visible()
    page.get_by_role("button", name="Measure from Saduak's figures").click()
    expect(page.get_by_text("The outcome items are measured")).to_be_visible()
    assessment = GeccAssessment.objects.get(criterion__code="P01")
    assert (assessment.status, assessment.note) == ("met", "Large sign facing the road")
    assert GeccEvidence.objects.get().original_name == "sign.png"
    page.locator("#item-P01").scroll_into_view_if_needed()
    checked(page, "gecc-office-assessed-en")
    page.goto(f"/en/staff/performance/gecc/{YEAR}/offices/reg-5001/readiness/")
    checked(page, "gecc-readiness-en")
