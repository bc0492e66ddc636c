"""The finance officer's pages through the test client: the applications
waiting for payment, creating a batch, downloading its files, uploading the
bank's result, and every refusal shown on the page."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.eservices import bank_files
from saduak.eservices.bank_files import BankResult
from saduak.eservices.choices import BatchStatus, Outcome, PaymentStatus
from saduak.eservices.models import Payment, PaymentBatch
from saduak.eservices.services.payments import payment_batch_create
from saduak.eservices.tests.pipeline import *  # noqa: F403 (fixtures)
from saduak.eservices.tests.pipeline import bank_result, today

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    with translation.override("th"):
        return reverse(f"eservices-payments:{name}", args=args)


def english(path: str) -> str:
    return "/en" + path


@pytest.fixture
def finance(client_for, finance_officer):
    return client_for(finance_officer)


def test_the_waiting_list_shows_amounts_and_masked_accounts_in_reach_only(
    approve, at_committee, finance
):
    first = approve("3000.00", account="1234567890", first_name="สมศรี")
    approve("1000.00", office="do-1001")
    at_committee()
    page = finance.get(english(url("home")))
    html = page.content.decode()
    assert page.status_code == 200
    assert first.reference in html
    assert "3,000.00" in html
    assert "Krungthai Bank" in html and "xxxxxx7890" in html
    assert "1234567890" not in html
    assert html.count('name="applications"') == 1


def test_the_waiting_list_costs_the_same_queries_for_one_or_many(approve, finance):
    approve()
    with CaptureQueriesContext(connection) as one:
        finance.get(url("home"))
    approve()
    approve()
    with CaptureQueriesContext(connection) as three:
        finance.get(url("home"))
    assert len(three) == len(one)


@pytest.mark.parametrize(
    ("role", "seat"),
    [
        (Role.COUNTER_OFFICER, "do-5001"),
        (Role.PROVINCIAL_STAFF, "pao-50"),
        (Role.HQ_ADMIN, "hq"),
        (Role.AUDITOR, "hq"),
    ],
)
def test_staff_who_are_not_finance_officers_are_refused(
    approve, client_for, make_staff, role, seat
):
    approve()
    other = client_for(make_staff(role, seat))
    assert other.get(url("home")).status_code == 403
    assert other.post(url("batch-create"), {"scope": "all"}).status_code == 403
    assert not PaymentBatch.objects.exists()


def test_a_batch_of_all_waiting_is_created_and_shown(approve, finance):
    first = approve("3000.00")
    second = approve("2500.50")
    response = finance.post(
        url("batch-create"), {"pay_on": today().isoformat(), "scope": "all"}
    )
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("batch", batch.reference)
    page = finance.get(english(url("batch", batch.reference)))
    html = page.content.decode()
    assert first.reference in html and second.reference in html
    assert "5,500.50" in html
    assert "Download the bank file (KTB)" in html
    assert AuditEvent.objects.filter(action="eservices.payment_batch.create").exists()


def test_a_batch_of_those_ticked_takes_only_them(approve, finance):
    ticked = approve()
    approve()
    finance.post(
        url("batch-create"),
        {
            "pay_on": today().isoformat(),
            "scope": "selected",
            "applications": [str(ticked.pk)],
        },
    )
    assert list(Payment.objects.values_list("application_id", flat=True)) == [ticked.pk]


def test_ticking_nothing_or_an_unpayable_case_is_shown_as_an_error(
    approve, at_committee, finance
):
    approve()
    page = finance.post(
        english(url("batch-create")),
        {"pay_on": today().isoformat(), "scope": "selected"},
    )
    assert page.status_code == 400
    assert "Tick at least one application to pay." in page.content.decode()
    unpayable = at_committee()
    page = finance.post(
        english(url("batch-create")),
        {
            "pay_on": today().isoformat(),
            "scope": "selected",
            "applications": [str(unpayable.pk)],
        },
    )
    assert page.status_code == 400
    assert "is not approved for payment" in page.content.decode()
    assert not PaymentBatch.objects.exists()


def test_the_files_download_and_the_result_upload_marks_payments(
    approve, finance, django_capture_on_commit_callbacks
):
    paid = approve("3000.00")
    failed = approve("2000.00", account="9876543210")
    finance.post(url("batch-create"), {"pay_on": today().isoformat(), "scope": "all"})
    batch = PaymentBatch.objects.get()
    csv = finance.post(url("batch-export", batch.reference, "csv"))
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv["Content-Disposition"] == f'attachment; filename="{batch.reference}.csv"'
    ktb = finance.post(url("batch-export", batch.reference, "ktb"))
    assert ktb["Content-Type"] == "text/plain; charset=windows-874"
    assert f"{batch.reference}-ktb-" in ktb["Content-Disposition"]
    transfers = {
        item.reference: item for item in bank_files.transfers_from_file(ktb.content)
    }
    content = bank_result(
        batch,
        [
            BankResult(transfers[paid.reference], bank_reference="KTB0001"),
            BankResult(transfers[failed.reference], code="01"),
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = finance.post(
            url("batch-results", batch.reference),
            {"result_file": SimpleUploadedFile("result.txt", content)},
        )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RECONCILED
    paid.refresh_from_db()
    assert paid.outcome == Outcome.PAID
    page = finance.get(english(url("batch", batch.reference)), follow=True)
    html = page.content.decode()
    assert "KTB0001" in html
    assert "The account does not exist" in html
    assert "Waits for the next batch" in html
    home = finance.get(english(url("home"))).content.decode()
    assert failed.reference in home and "Pay again" in home
    assert paid.reference not in home.split("Payment batches")[0]


def test_a_mismatched_result_is_shown_naming_the_line_and_nothing_changes(
    approve, finance
):
    approve("3000.00")
    finance.post(url("batch-create"), {"pay_on": today().isoformat(), "scope": "all"})
    batch = PaymentBatch.objects.get()
    ktb = finance.post(url("batch-export", batch.reference, "ktb"))
    sent = bank_files.transfers_from_file(ktb.content)[0]
    wrong = bank_files.Transfer(
        sent.reference, sent.name, sent.bank_code, sent.account_number, Decimal("1")
    )
    page = finance.post(
        english(url("batch-results", batch.reference)),
        {
            "result_file": SimpleUploadedFile(
                "r.txt", bank_result(batch, [BankResult(wrong)])
            )
        },
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "Line 2:" in html and "Nothing was imported." in html
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_uploading_before_exporting_and_exporting_after_a_result_are_refused(
    approve, finance, finance_officer
):
    approve()
    batch = payment_batch_create(actor=finance_officer, pay_on=today())
    page = finance.get(english(url("batch", batch.reference)))
    assert "send it to the bank first" in page.content.decode()
    ktb = finance.post(url("batch-export", batch.reference, "ktb"))
    sent = bank_files.transfers_from_file(ktb.content)
    finance.post(
        url("batch-results", batch.reference),
        {
            "result_file": SimpleUploadedFile(
                "r.txt", bank_result(batch, [BankResult(sent[0])])
            )
        },
    )
    again = finance.post(
        english(url("batch-export", batch.reference, "ktb")), follow=True
    )
    assert "could pay someone twice" in again.content.decode()


def test_a_payment_is_taken_out_of_an_open_batch(approve, finance, finance_officer):
    application = approve()
    approve()
    batch = payment_batch_create(actor=finance_officer, pay_on=today())
    payment = batch.payments.get(application=application)
    by_id = f"/staff/eservices/payments/batches/{batch.reference}/payments/{payment.pk}/remove/"
    assert finance.post(by_id).status_code == 404
    response = finance.post(url("payment-remove", batch.reference, payment.public_id))
    assert response.status_code == 302
    assert not Payment.objects.filter(pk=payment.pk).exists()
    assert AuditEvent.objects.filter(
        action="eservices.payment_batch.remove_payment"
    ).exists()


def test_another_provinces_batch_is_not_found(
    approve, finance_officer, client_for, make_staff
):
    approve()
    batch = payment_batch_create(actor=finance_officer, pay_on=today())
    bangkok = client_for(make_staff(Role.FINANCE_OFFICER, "pao-10"))
    assert bangkok.get(url("batch", batch.reference)).status_code == 404
    assert bangkok.post(url("batch-export", batch.reference, "ktb")).status_code == 404
