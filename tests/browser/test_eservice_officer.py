"""Officers working e-service applications in Chromium, in English: a counter
officer opens the queue on a phone, takes a submitted low-income application,
forwards it, records the fact check and forwards it to the committee; the
district administrator opens a meeting, adds that case and one more from the
committee queue in bulk, approves one with an amount and rejects the other
with a reason, decides the meeting and downloads the minutes; the rejected
applicant reads the reason on their tracking page. axe-core checks the
pages."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.core.uploads.sample_files import one_page_pdf
from saduak.eservices.catalogue import builtin_services_install
from saduak.eservices.choices import Action, IdentityCheckMethod, Outcome
from saduak.eservices.documents.services import attachment_store
from saduak.eservices.models import Application, Service
from saduak.eservices.samples import sample_answers
from saduak.eservices.services.applications import (
    application_act,
    application_save,
    application_start,
    application_submit,
    fact_check_record,
)
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"
DESKTOP = {"width": 1280, "height": 900}


def submitted(person: User, office: Office) -> Application:
    """Applied online through the services, the bank book a real PDF."""
    service = Service.objects.get(code="low-income-family-assistance")
    application = application_start(
        service=service, applicant=person, office=office, actor=person
    )
    application_save(
        application=application, values=sample_answers(person), actor=person
    )
    attachment_store(
        application=application,
        field_key="bank_book",
        upload=SimpleUploadedFile("bank-book.pdf", one_page_pdf(), "application/pdf"),
        allowed_types=["pdf", "jpg", "png"],
        max_bytes=10 * 1024 * 1024,
        actor=person,
        max_files=1,
    )
    return application_submit(application=application, actor=person)


@pytest.fixture
def private_storage(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.CLAMD_ADDRESS = ""


def with_password(user: User) -> User:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def sign_in(page, personal_id: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/en/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def fits_the_screen(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    )


def test_officers_take_an_application_from_the_queue_to_the_committees_decision(
    open_page, small_map, make_staff, make_user, private_storage
):
    builtin_services_install()
    office = Office.objects.get(code="do-5001")
    officer = with_password(make_staff(Role.COUNTER_OFFICER, "do-5001"))
    admin = with_password(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    first_person = make_user(first_name="มานี", last_name="มีนา", phone="0811111111")
    second_person = with_password(
        make_user(first_name="ปิติ", last_name="ชูใจ", phone="0822222222")
    )
    first = submitted(first_person, office)
    # The other case is already at the committee.
    second = submitted(second_person, office)
    application_act(application=second, action=Action.FORWARD, actor=officer)
    fact_check_record(
        application=second,
        actor=officer,
        identity_method=IdentityCheckMethod.SMART_CARD,
        identity_confirmed=True,
        visited_on=timezone.localdate() - timedelta(days=1),
        household_size=3,
        monthly_income=Decimal("5200"),
        findings="มีรายได้ประจำจากการรับจ้าง",
    )
    application_act(application=second, action=Action.FORWARD, actor=officer)

    # The counter officer, on a phone.
    phone = open_page(viewport=PHONE, locale="en-GB")
    sign_in(phone, officer.personal_id)
    phone.goto("/en/staff/eservices/")
    expect(phone.locator("h1")).to_contain_text("E-service applications")
    row = phone.locator("tbody tr", has_text=first.reference)
    expect(row).to_contain_text(first_person.masked_personal_id)
    assert fits_the_screen(phone)
    assert_accessible(phone, "eservice-queue-en-phone")
    row.get_by_role("link", name=first.reference).click()
    expect(phone.locator("h1")).to_contain_text(first.reference)
    expect(phone.locator("main")).to_contain_text("bank-book.pdf")
    assert_accessible(phone, "eservice-application-en-phone")
    phone.get_by_role("button", name="Take this application").click()
    expect(phone.locator(".messages")).to_contain_text("You are working on this")
    phone.locator("form[action$='/act/forward/'] button").click()
    expect(phone.locator("main")).to_contain_text("Fact check")

    phone.get_by_role("link", name="Record the fact check").click()
    phone.get_by_role("button", name="Look up in the civil registry").click()
    expect(phone.locator("#registry-result")).to_be_visible()
    phone.get_by_label("Smart card read at the office").check()
    phone.get_by_label("The identity is confirmed").check()
    phone.fill("#id_visited_on", (timezone.localdate() - timedelta(days=1)).isoformat())
    phone.fill("#id_household_size", "4")
    phone.fill("#id_monthly_income", "2500")
    phone.fill("#id_findings", "บ้านเช่า หลังคารั่ว รายได้ไม่พอ")
    assert_accessible(phone, "eservice-fact-check-en-phone")
    phone.get_by_role("button", name="Save and forward to the committee").click()
    expect(phone.locator(".messages")).to_contain_text("went on to the next stage")
    first.refresh_from_db()
    assert first.stage == "committee"

    # The district administrator opens a meeting and decides both cases.
    desk = open_page(viewport=DESKTOP, locale="en-GB")
    sign_in(desk, admin.personal_id)
    desk.goto("/en/staff/eservices/offices/do-5001/committee/")
    desk.fill("#id_title", "Committee meeting 1/2026")
    desk.fill("#id_meets_on", timezone.localdate().isoformat())
    desk.fill("#id_members", "District chief, chair\nDeputy, secretary")
    desk.get_by_role("button", name="Open the meeting").click()
    expect(desk.locator("h1")).to_contain_text("Committee meeting 1/2026")
    desk.goto("/en/staff/eservices/offices/do-5001/?stage=committee")
    desk.get_by_label(f"Choose {first.reference}").check()
    desk.get_by_label(f"Choose {second.reference}").check()
    assert_accessible(desk, "eservice-committee-queue-en")
    desk.get_by_role("button", name="Add to the meeting").click()
    expect(desk.locator(".messages")).to_contain_text("2 cases were added")
    desk.locator(f"#id_c{first.pk}-decision").select_option("approve")
    desk.fill(f"#id_c{first.pk}-amount", "2500")
    desk.locator(f"#id_c{second.pk}-decision").select_option("reject")
    desk.fill(f"#id_c{second.pk}-reason", "Household income is over the limit.")
    assert_accessible(desk, "eservice-meeting-en")
    desk.get_by_role("button", name="Save the decisions").click()
    expect(desk.locator(".messages")).to_contain_text("The decisions are saved.")
    desk.locator("form[action$='/decide/'] button").click()
    expect(desk.locator(".messages")).to_contain_text("The meeting is decided")
    with desk.expect_download() as download:
        desk.get_by_role("link", name="Minutes (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.outcome, first.approved_amount) == (Outcome.APPROVED, Decimal("2500"))
    assert second.outcome == Outcome.REJECTED

    # The rejected applicant reads why.
    citizen = open_page(viewport=PHONE, locale="en-GB")
    sign_in(citizen, second_person.personal_id)
    citizen.goto(f"/en/eservices/applications/{second.reference}/")
    expect(citizen.locator("main")).to_contain_text(
        "Household income is over the limit."
    )
