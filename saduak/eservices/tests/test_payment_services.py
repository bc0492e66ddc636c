import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.eservices import bank_files
from saduak.eservices.bank_files import BankFileError, BankResult
from saduak.eservices.choices import (
    Action,
    ApplicationStatus,
    BatchStatus,
    Outcome,
    PaymentStatus,
)
from saduak.eservices.models import Application, Payment, PaymentBatch
from saduak.eservices.selectors.payments import (
    applications_waiting_for_payment,
    batch_for,
)
from saduak.eservices.services import payments
from saduak.eservices.services.applications import application_act
from saduak.eservices.services.payments import (
    payment_batch_create,
    payment_batch_export,
    payment_batch_remove_payment,
    payment_results_import,
)
from saduak.eservices.tests.pipeline import *  # noqa: F403 (fixtures)
from saduak.eservices.tests.pipeline import bank_result, today, transfers_of
from saduak.notifications.models import Notification

pytestmark = pytest.mark.django_db


def audit_actions(target) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            target_type=target._meta.label_lower, target_id=str(target.pk)
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


def exported(batch, finance_officer):
    _name, content = payment_batch_export(
        batch=batch, actor=finance_officer, file_format="ktb"
    )
    return transfers_of(content)


def test_a_batch_collects_only_the_approved_applications_in_the_officers_province(
    approve, at_committee, finance_officer
):
    first = approve("3000.00", first_name="สมศรี", last_name="ใจดี")
    second = approve("2500.50", bank="014", account="123456789012")
    at_committee()  # not decided yet
    approve(office="do-1001")  # Bangkok: another province
    batch = payment_batch_create(actor=finance_officer, pay_on=today())
    rows = list(batch.payments.order_by("application_id"))
    assert [row.application_id for row in rows] == [first.pk, second.pk]
    assert [(row.amount, row.bank_code, row.account_number) for row in rows] == [
        (Decimal("3000.00"), "006", "1234567890"),
        (Decimal("2500.50"), "014", "123456789012"),
    ]
    assert rows[0].account_name == "สมศรี ใจดี"
    assert {row.status for row in rows} == {PaymentStatus.PENDING}
    assert batch.status == BatchStatus.OPEN
    event = AuditEvent.objects.get(action="eservices.payment_batch.create")
    assert event.after["count"] == 2
    assert event.after["total"] == "5500.50"
    assert event.province_code == "50"


def test_an_application_cannot_be_batched_twice(approve, finance_officer):
    application = approve()
    first = payment_batch_create(
        actor=finance_officer, pay_on=today(), applications=[application]
    )
    with pytest.raises(Conflict) as refused:
        payment_batch_create(
            actor=finance_officer, pay_on=today(), applications=[application]
        )
    assert refused.value.code == "already-batched"
    assert first.reference in str(refused.value.message)
    with pytest.raises(InvalidInput) as nothing:
        payment_batch_create(actor=finance_officer, pay_on=today())
    assert nothing.value.code == "nothing-to-pay"
    assert Payment.objects.count() == 1
    assert PaymentBatch.objects.count() == 1


def test_paying_an_application_not_approved_is_refused_with_the_reason(
    at_committee, finance_officer
):
    application = at_committee()
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        payment_batch_create(
            actor=finance_officer, pay_on=today(), applications=[application]
        )
    assert refused.value.code == "not-payable"
    assert "is not approved for payment" in str(refused.value.message)
    assert "Committee consideration" in str(refused.value.message)
    assert not PaymentBatch.objects.exists()


def test_the_state_machine_refuses_paying_by_hand_and_approving_twice(
    approve, office_people, finance_officer
):
    application = approve()
    _officer, committee_member = office_people("do-5001")
    with pytest.raises(InvalidInput) as by_hand:
        application_act(
            application=application, action=Action.PAY, actor=finance_officer
        )
    assert by_hand.value.code == "pay-through-batch"
    with pytest.raises(InvalidInput) as twice:
        application_act(
            application=application,
            action=Action.APPROVE,
            actor=committee_member,
            amount=Decimal("3000"),
        )
    assert twice.value.code == "transition-not-allowed"


def test_a_closed_application_is_refused_naming_it(
    approve, finance_officer, django_capture_on_commit_callbacks
):
    application = approve()
    batch = payment_batch_create(actor=finance_officer, pay_on=today())
    transfers = exported(batch, finance_officer)
    with django_capture_on_commit_callbacks(execute=True):
        payment_results_import(
            batch=batch,
            actor=finance_officer,
            content=bank_result(batch, [BankResult(transfers[0])]),
        )
    with pytest.raises(InvalidInput) as refused:
        payment_batch_create(
            actor=finance_officer, pay_on=today(), applications=[application]
        )
    assert refused.value.code == "not-payable"
    assert application.reference in str(refused.value.message)


def test_only_finance_officers_in_reach_make_batches(approve, make_staff):
    application = approve()
    # Issue 13: finance staff handle payments; provincial staff and HQ
    # administrators read the case but no longer pay it.
    for other in (
        make_staff(Role.COUNTER_OFFICER, "do-5001"),
        make_staff(Role.DISTRICT_ADMIN, "do-5001"),
        make_staff(Role.PROVINCIAL_STAFF, "pao-50"),
        make_staff(Role.HQ_ADMIN, "hq"),
        make_staff(Role.AUDITOR, "hq"),
    ):
        with pytest.raises(PermissionDeniedError):
            payment_batch_create(actor=other, pay_on=today())
        with pytest.raises(PermissionDeniedError):
            payment_batch_create(
                actor=other, pay_on=today(), applications=[application]
            )
    bangkok = make_staff(Role.FINANCE_OFFICER, "pao-10")
    with pytest.raises(NotFound):
        payment_batch_create(actor=bangkok, pay_on=today(), applications=[application])
    with pytest.raises(InvalidInput):
        payment_batch_create(actor=bangkok, pay_on=today())
    assert not Payment.objects.exists()
    assert not AuditEvent.objects.filter(action="eservices.payment_batch.create")


def test_a_transfer_date_in_the_past_is_refused(approve, finance_officer):
    approve()
    with pytest.raises(InvalidInput) as refused:
        payment_batch_create(actor=finance_officer, pay_on=today() - timedelta(days=1))
    assert refused.value.field == "pay_on"


def test_the_database_allows_one_live_payment_per_application(approve, finance_officer):
    application = approve()
    batch = payment_batch_create(actor=finance_officer, pay_on=today())
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            batch=batch,
            application=application,
            amount=Decimal("3000"),
            bank_code="006",
            account_number="1234567890",
            account_name="x",
        )


def test_when_the_checks_miss_a_live_payment_the_constraint_refuses_as_a_conflict(
    approve, finance_officer, monkeypatch
):
    application = approve()
    payment_batch_create(actor=finance_officer, pay_on=today())
    # As if a concurrent batch committed between our check and our insert.
    monkeypatch.setattr(payments, "LIVE_STATUSES", ("none",))
    with pytest.raises(Conflict) as refused:
        payment_batch_create(
            actor=finance_officer, pay_on=today(), applications=[application]
        )
    assert refused.value.code == "already-batched"
    assert PaymentBatch.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_finance_officers_batching_at_once_cannot_pay_a_case_twice(
    approve, make_staff, finance_officer
):
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks between connections (PostgreSQL)")
    cases = [approve() for _ in range(3)]
    officers = [finance_officer, make_staff(Role.FINANCE_OFFICER, "hq")] * 3
    results: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(officers))

    def batch(officer, given):
        start.wait()
        try:
            payment_batch_create(actor=officer, pay_on=today(), applications=given)
            outcome = "batched"
        except (Conflict, InvalidInput) as refused:
            outcome = refused.code
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [
        threading.Thread(
            target=batch,
            args=(officer, None if position % 2 else cases),
        )
        for position, officer in enumerate(officers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == len(officers)
    assert results.count("batched") == 1
    assert Payment.objects.count() == 3
    for case in cases:
        assert Payment.objects.filter(application=case).count() == 1


def test_the_bank_result_marks_paid_and_failed_and_the_paid_citizen_gets_an_sms(
    approve, finance_officer, django_capture_on_commit_callbacks
):
    paid = approve("3000.00", account="1234567890", phone="0811111111")
    failed = approve("2000.00", account="9876543210")
    batch = payment_batch_create(actor=finance_officer, pay_on=today())
    transfers = {item.reference: item for item in exported(batch, finance_officer)}
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED
    content = bank_result(
        batch,
        [
            BankResult(transfers[paid.reference], bank_reference="KTB0001"),
            BankResult(transfers[failed.reference], code="02"),
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        summary = payment_results_import(
            batch=batch, actor=finance_officer, content=content
        )
    assert (summary.paid, summary.failed, summary.unchanged) == (1, 1, 0)
    assert summary.reconciled
    paid.refresh_from_db()
    failed.refresh_from_db()
    assert (paid.status, paid.outcome) == (ApplicationStatus.CLOSED, Outcome.PAID)
    assert (failed.status, failed.outcome, failed.stage) == (
        ApplicationStatus.IN_PROGRESS,
        Outcome.APPROVED,
        "payment",
    )
    paid_payment = Payment.objects.get(application=paid)
    assert paid_payment.status == PaymentStatus.PAID
    assert paid_payment.paid_at is not None
    assert paid_payment.bank_reference == "KTB0001"
    failed_payment = Payment.objects.get(application=failed)
    assert failed_payment.status == PaymentStatus.FAILED
    assert failed_payment.failure_reason == "02"
    with translation.override("en"):
        assert failed_payment.failure_text == "The account is closed"
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RECONCILED
    assert batch.reconciled_at is not None
    assert audit_actions(paid_payment) == ["eservices.payment.paid"]
    assert audit_actions(failed_payment) == ["eservices.payment.failed"]
    assert "eservices.application.pay" in audit_actions(paid)
    assert audit_actions(batch)[-1] == "eservices.payment_batch.import"
    sms = Notification.objects.get(template_key="eservices.payment.paid", channel="sms")
    assert sms.address == "0811111111"
    assert "3,000.00 บาท" in sms.body
    assert "xxxxxx7890" in sms.body
    assert paid.reference in sms.body
    assert not Notification.objects.filter(
        template_key="eservices.payment.paid", recipient=failed.applicant
    ).exists()
    told = Notification.objects.filter(
        template_key="eservices.application.updated", recipient=failed.applicant
    ).last()
    assert told is not None
    assert failed.reference in told.body
    assert failed.events.filter(kind="payment", for_applicant=True).exists()


def test_an_english_speaking_citizen_reads_the_amount_in_thb(
    approve, finance_officer, django_capture_on_commit_callbacks
):
    approve("1500.00", preferred_language="en")
    batch = payment_batch_create(actor=finance_officer, pay_on=today())
    transfers = exported(batch, finance_officer)
    with django_capture_on_commit_callbacks(execute=True):
        payment_results_import(
            batch=batch,
            actor=finance_officer,
            content=bank_result(batch, [BankResult(transfers[0])]),
        )
    sms = Notification.objects.get(template_key="eservices.payment.paid")
    assert "1,500.00 THB" in sms.body
    assert "Krungthai" in sms.body


def test_a_failed_payment_is_paid_again_in_the_next_batch(
    approve, finance_officer, django_capture_on_commit_callbacks
):
    application = approve()
    first = payment_batch_create(actor=finance_officer, pay_on=today())
    transfers = exported(first, finance_officer)
    payment_results_import(
        batch=first,
        actor=finance_officer,
        content=bank_result(first, [BankResult(transfers[0], code="01")]),
    )
    waiting = list(applications_waiting_for_payment(finance_officer))
    assert [item.pk for item in waiting] == [application.pk]
    assert waiting[0].failed_payments == 1
    second = payment_batch_create(actor=finance_officer, pay_on=today())
    transfers = exported(second, finance_officer)
    with django_capture_on_commit_callbacks(execute=True):
        payment_results_import(
            batch=second,
            actor=finance_officer,
            content=bank_result(second, [BankResult(transfers[0])]),
        )
    application.refresh_from_db()
    assert application.outcome == Outcome.PAID
    assert list(
        Payment.objects.filter(application=application)
        .order_by("id")
        .values_list("status", flat=True)
    ) == [PaymentStatus.FAILED, PaymentStatus.PAID]
    assert not applications_waiting_for_payment(finance_officer).exists()


def snapshot():
    return (
        list(Payment.objects.order_by("id").values_list("status", "bank_reference")),
        list(Application.objects.order_by("id").values_list("status", "outcome")),
        list(PaymentBatch.objects.order_by("id").values_list("status", flat=True)),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def exported_batch(approve, finance_officer):
    approve("3000.00")
    approve("2000.00", account="9876543210")
    batch = payment_batch_create(actor=finance_officer, pay_on=today())
    return batch, exported(batch, finance_officer)


def test_a_mismatched_amount_refuses_the_whole_file_naming_the_line(
    exported_batch, finance_officer
):
    batch, transfers = exported_batch
    wrong = bank_files.Transfer(
        transfers[1].reference,
        transfers[1].name,
        transfers[1].bank_code,
        transfers[1].account_number,
        Decimal("2500.00"),
    )
    content = bank_result(batch, [BankResult(transfers[0]), BankResult(wrong)])
    before = snapshot()
    with translation.override("en"), pytest.raises(BankFileError) as refused:
        payment_results_import(batch=batch, actor=finance_officer, content=content)
    assert refused.value.extra["line"] == 3
    assert "Line 3" in str(refused.value.message)
    assert "2,500.00" in str(refused.value.message)
    assert "Nothing was imported" in str(refused.value.message)
    assert snapshot() == before


def test_an_unknown_reference_refuses_the_whole_file_naming_the_line(
    exported_batch, finance_officer
):
    batch, transfers = exported_batch
    stranger = bank_files.Transfer(
        "XXXXXXXX", "someone", "006", "1111111111", Decimal("10.00")
    )
    content = bank_result(
        batch,
        [BankResult(transfers[0]), BankResult(transfers[1]), BankResult(stranger)],
    )
    before = snapshot()
    with translation.override("en"), pytest.raises(BankFileError) as refused:
        payment_results_import(batch=batch, actor=finance_officer, content=content)
    assert refused.value.extra["line"] == 4
    assert "XXXXXXXX" in str(refused.value.message)
    assert snapshot() == before


def test_another_batchs_result_file_is_refused(exported_batch, finance_officer):
    batch, transfers = exported_batch
    content = bank_result(
        batch, [BankResult(transfers[0])], batch_reference="PB000000-XXXX"
    )
    before = snapshot()
    with translation.override("en"), pytest.raises(BankFileError) as refused:
        payment_results_import(batch=batch, actor=finance_officer, content=content)
    assert refused.value.extra["line"] == 1
    assert "PB000000-XXXX" in str(refused.value.message)
    assert snapshot() == before


def test_a_malformed_csv_result_is_refused_naming_the_line(
    exported_batch, finance_officer
):
    batch, transfers = exported_batch
    content = (
        "reference,status,reason,bank_reference\r\n"
        f"{transfers[0].reference},paid,,B1\r\n"
        f"{transfers[1].reference},maybe,,\r\n"
    ).encode()
    before = snapshot()
    with translation.override("en"), pytest.raises(BankFileError) as refused:
        payment_results_import(batch=batch, actor=finance_officer, content=content)
    assert refused.value.extra["line"] == 3
    assert "maybe" in str(refused.value.message)
    assert snapshot() == before


def test_a_csv_result_is_imported_and_a_partial_result_leaves_the_batch_open(
    exported_batch, finance_officer, django_capture_on_commit_callbacks
):
    batch, transfers = exported_batch
    content = (
        "\ufeffreference,status,reason,bank_reference,amount\r\n"
        f"{transfers[0].reference},paid,,B1,{transfers[0].amount}\r\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        summary = payment_results_import(
            batch=batch, actor=finance_officer, content=content
        )
    assert (summary.paid, summary.failed, summary.reconciled) == (1, 0, False)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED
    rest = f"{transfers[1].reference},failed,บัญชีปิดแล้ว,\r\n".encode()
    summary = payment_results_import(batch=batch, actor=finance_officer, content=rest)
    assert (summary.failed, summary.reconciled) == (1, True)
    failed = Payment.objects.get(application__reference=transfers[1].reference)
    assert failed.failure_reason == "99 บัญชีปิดแล้ว"


def test_importing_the_same_result_again_changes_nothing_and_sends_no_second_sms(
    exported_batch, finance_officer, django_capture_on_commit_callbacks
):
    batch, transfers = exported_batch
    content = bank_result(batch, [BankResult(transfers[0]), BankResult(transfers[1])])
    with django_capture_on_commit_callbacks(execute=True):
        payment_results_import(batch=batch, actor=finance_officer, content=content)
    sent = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        again = payment_results_import(
            batch=batch, actor=finance_officer, content=content
        )
    assert (again.paid, again.failed, again.unchanged) == (0, 0, 2)
    assert Notification.objects.count() == sent


def test_a_result_contradicting_an_imported_one_is_refused(
    exported_batch, finance_officer
):
    batch, transfers = exported_batch
    payment_results_import(
        batch=batch,
        actor=finance_officer,
        content=bank_result(batch, [BankResult(transfers[0])]),
    )
    with translation.override("en"), pytest.raises(BankFileError) as refused:
        payment_results_import(
            batch=batch,
            actor=finance_officer,
            content=bank_result(batch, [BankResult(transfers[0], code="02")]),
        )
    assert "already recorded as" in str(refused.value.message)


def test_a_result_cannot_be_imported_before_the_file_is_exported(
    approve, finance_officer
):
    approve()
    batch = payment_batch_create(actor=finance_officer, pay_on=today())
    with pytest.raises(Conflict) as refused:
        payment_results_import(
            batch=batch, actor=finance_officer, content=b"x,paid,,\n"
        )
    assert refused.value.code == "batch-not-exported"


def test_the_file_may_be_exported_again_until_a_result_is_imported(
    exported_batch, finance_officer
):
    batch, transfers = exported_batch
    name, content = payment_batch_export(
        batch=batch, actor=finance_officer, file_format="csv"
    )
    assert name == f"{batch.reference}.csv"
    assert content.startswith(b"\xef\xbb\xbfreference,name,bank,account,amount")
    events = AuditEvent.objects.filter(action="eservices.payment_batch.export")
    assert [event.after["format"] for event in events.order_by("id")] == [
        "ktb",
        "csv",
    ]
    payment_results_import(
        batch=batch,
        actor=finance_officer,
        content=bank_result(batch, [BankResult(transfers[0])]),
    )
    with pytest.raises(Conflict) as refused:
        payment_batch_export(batch=batch, actor=finance_officer, file_format="ktb")
    assert refused.value.code == "batch-reconciling"


def test_a_payment_is_taken_out_of_an_open_batch_only(approve, finance_officer):
    kept = approve()
    removed = approve()
    batch = payment_batch_create(actor=finance_officer, pay_on=today())
    payment = batch.payments.get(application=removed)
    payment_batch_remove_payment(payment=payment, actor=finance_officer)
    assert list(batch.payments.values_list("application_id", flat=True)) == [kept.pk]
    assert "eservices.payment_batch.remove_payment" in audit_actions(batch)
    assert [item.pk for item in applications_waiting_for_payment(finance_officer)] == [
        removed.pk
    ]
    payment_batch_export(batch=batch, actor=finance_officer, file_format="ktb")
    with pytest.raises(Conflict):
        payment_batch_remove_payment(
            payment=batch.payments.get(), actor=finance_officer
        )


def test_another_provinces_finance_officer_cannot_see_or_export_the_batch(
    approve, finance_officer, make_staff
):
    approve()
    batch = payment_batch_create(actor=finance_officer, pay_on=today())
    bangkok = make_staff(Role.FINANCE_OFFICER, "pao-10")
    with pytest.raises(NotFound):
        batch_for(bangkok, batch.reference)
    with pytest.raises(NotFound):
        payment_batch_export(batch=batch, actor=bangkok, file_format="ktb")
    headquarters = make_staff(Role.FINANCE_OFFICER, "hq")
    assert batch_for(headquarters, batch.reference) == batch


def test_a_name_the_bank_file_cannot_carry_is_refused_at_export(
    approve, finance_officer
):
    approve(first_name="Zoë 😀", last_name="Test")
    batch = payment_batch_create(actor=finance_officer, pay_on=today())
    with pytest.raises(InvalidInput) as refused:
        payment_batch_export(batch=batch, actor=finance_officer, file_format="ktb")
    assert refused.value.code == "bank-file-character"
    batch.refresh_from_db()
    assert batch.status == BatchStatus.OPEN
