"""The payment journey in Chromium on a phone: a finance officer batches the
approved applications, downloads the bank's file and the CSV, uploads the
bank's result (one paid, one failed) and sees each status; the paid citizen's
tracking page says paid. Thai first; the batch page also in English."""

from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.eservices import bank_files
from saduak.eservices.bank_files import BankResult
from saduak.eservices.catalogue import builtin_services_install
from saduak.eservices.choices import Outcome
from saduak.eservices.models import PaymentBatch
from saduak.eservices.tests.pipeline import *  # noqa: F403 (fixtures)
from saduak.eservices.tests.pipeline import bank_result
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def th(message: str) -> str:
    with translation.override("th"):
        return gettext(message)


@pytest.fixture
def builtin_services(small_map):
    builtin_services_install()


@pytest.fixture
def finance_officer(make_staff):
    return make_staff(Role.FINANCE_OFFICER, "pao-50")


def sign_in(page, personal_id, prefix=""):
    page.goto(f"{prefix}/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def download(page, button_name: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button_name).click()
    path = info.value.path()
    return info.value.suggested_filename, Path(path).read_bytes()


def test_a_finance_officer_pays_a_batch_and_the_citizen_sees_it_paid(
    open_page, approve, finance_officer, tmp_path
):
    paid = approve("3000.00", first_name="สมศรี", last_name="ใจดี")
    failed = approve("2500.00", account="9876543210", first_name="สมชาย")

    page = open_page(viewport=PHONE, locale="th-TH")
    sign_in(page, finance_officer.personal_id)
    page.goto("/staff/eservices/payments/")
    expect(page.locator("h1")).to_have_text(th("Payments to approved applicants"))
    expect(page.locator("main")).to_contain_text(paid.reference)
    expect(page.locator("main")).to_contain_text(failed.reference)
    assert fits_the_screen(page)
    assert_accessible(page, "eservice-payments-waiting-th")

    page.get_by_role("button", name=th("Create a batch of all waiting")).click()
    batch = PaymentBatch.objects.get()
    expect(page.locator("h1")).to_contain_text(batch.reference)
    expect(page.locator("main")).to_contain_text("5,500.00")
    assert fits_the_screen(page)
    assert_accessible(page, "eservice-payments-batch-th")

    name, ktb = download(page, th("Download the bank file (KTB)"))
    assert name.startswith(batch.reference) and name.endswith(".txt")
    assert ktb.startswith(b"H") and len(ktb.split(b"\r\n")[0]) == 250
    assert "สมศรี ใจดี".encode("cp874") in ktb
    name, csv = download(page, th("Download CSV"))
    assert name == f"{batch.reference}.csv"
    assert "สมศรี ใจดี".encode() in csv

    transfers = {item.reference: item for item in bank_files.transfers_from_file(ktb)}
    result = tmp_path / "result.txt"
    result.write_bytes(
        bank_result(
            batch,
            [
                BankResult(transfers[paid.reference], bank_reference="KTB0000123"),
                BankResult(transfers[failed.reference], code="02"),
            ],
        )
    )
    page.reload()
    page.set_input_files("#id_result_file", str(result))
    page.get_by_role("button", name=th("Import the result")).click()
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator(f"#payment-{paid.reference}")).to_contain_text(th("Paid"))
    expect(page.locator(f"#payment-{paid.reference}")).to_contain_text("KTB0000123")
    expect(page.locator(f"#payment-{failed.reference}")).to_contain_text(th("Failed"))
    expect(page.locator(f"#payment-{failed.reference}")).to_contain_text(
        th("The account is closed")
    )
    assert fits_the_screen(page)
    assert_accessible(page, "eservice-payments-result-th")

    page.goto(f"/en/staff/eservices/payments/batches/{batch.reference}/")
    expect(page.locator("#batch-status")).to_have_text("Bank result imported")
    assert_accessible(page, "eservice-payments-result-en")
    page.goto("/en/staff/eservices/payments/")
    expect(page.locator("main")).to_contain_text("Pay again")
    assert_accessible(page, "eservice-payments-waiting-en")

    paid.refresh_from_db()
    assert paid.outcome == Outcome.PAID
    citizen = open_page(viewport=PHONE, locale="th-TH")
    sign_in(citizen, paid.applicant.personal_id)
    citizen.goto(f"/eservices/applications/{paid.reference}/")
    expect(citizen.locator(".eform-status")).to_contain_text(th("Paid"))
    assert_accessible(citizen, "eservice-payments-citizen-paid-th")


def test_a_result_that_does_not_match_is_refused_on_the_page(
    open_page, approve, finance_officer, tmp_path
):
    approve("3000.00")
    page = open_page(viewport=PHONE, locale="en-GB")
    sign_in(page, finance_officer.personal_id, prefix="/en")
    page.goto("/en/staff/eservices/payments/")
    page.get_by_role("button", name="Create a batch of all waiting").click()
    batch = PaymentBatch.objects.get()
    _name, ktb = download(page, "Download the bank file (KTB)")
    sent = bank_files.transfers_from_file(ktb)[0]
    wrong = bank_files.Transfer(
        sent.reference, sent.name, sent.bank_code, sent.account_number, sent.amount + 1
    )
    result = tmp_path / "result.txt"
    result.write_bytes(bank_result(batch, [BankResult(wrong)]))
    page.reload()
    page.set_input_files("#id_result_file", str(result))
    page.get_by_role("button", name="Import the result").click()
    expect(page.locator(".error-summary")).to_contain_text("Line 2:")
    expect(page.locator(".error-summary")).to_contain_text("Nothing was imported.")
    assert_accessible(page, "eservice-payments-refused-en")


def test_provincial_staff_read_the_report_on_a_phone_in_thai_and_english(
    open_page, approve, make_staff
):
    approve("3000.00")
    approve("2000.00", office="do-5002")
    provincial = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    page = open_page(viewport=PHONE, locale="th-TH")
    sign_in(page, provincial.personal_id)
    page.goto("/staff/eservices/reports/")
    expect(page.locator("h1")).to_have_text(th("E-service reports"))
    expect(page.locator("main table")).to_contain_text("5,000.00")
    assert fits_the_screen(page)
    assert_accessible(page, "eservice-reports-th")
    page.goto(
        "/en/staff/eservices/reports/?fiscal_year=&group_by=stage&group_by=office"
    )
    expect(page.locator("main table")).to_contain_text("Payment")
    assert fits_the_screen(page)
    assert_accessible(page, "eservice-reports-en")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download Excel").click()
    assert info.value.suggested_filename.endswith(".xlsx")
