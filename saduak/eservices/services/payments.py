"""Paying approved applicants: payment batches, the bulk-transfer file sent to
the bank, and the bank's result, which closes each paid application through
the state machine (`application_mark_paid`).

Nobody is paid twice for one application: application rows are locked while
a batch takes them, and a database constraint allows one pending-or-paid
payment per application whatever the code does. A failed payment leaves the
application at its payment stage, so the next batch takes it again."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saduak.accounts import matrix
from saduak.accounts.models import User
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput
from saduak.core.references import ALPHABET
from saduak.eservices import bank_files
from saduak.eservices.bank_files import BankFileError, ResultLine, Transfer
from saduak.eservices.choices import (
    ApplicationStatus,
    BatchStatus,
    EventKind,
    Outcome,
    PaymentStatus,
    StageKind,
)
from saduak.eservices.links import tracking_url
from saduak.eservices.models import (
    Application,
    ApplicationEvent,
    Payment,
    PaymentBatch,
)
from saduak.eservices.notices import PAYMENT_PAID
from saduak.eservices.selectors.payments import (
    APPLICATION_AREA,
    LIVE_STATUSES,
    ensure_pays,
    payable_account,
    payable_applications,
)
from saduak.eservices.services.applications import (
    application_mark_paid,
    application_notify,
)
from saduak.eservices.versions import workflow_of
from saduak.forms_engine.banks import bank_name, mask_account
from saduak.notifications.services import notification_notify_user

FILE_FORMATS = ("ktb", "csv")
REFERENCE_ATTEMPTS = 5
# The SMS is the promise; LINE as well where the citizen has linked it.
PAID_CHANNELS = ["sms", "line"]


@dataclass(frozen=True)
class ImportSummary:
    paid: int
    failed: int
    unchanged: int
    reconciled: bool


# --- Checks -------------------------------------------------------------------------


def _not_payable(application: Application) -> InvalidInput:
    workflow = workflow_of(application.version)
    stage = workflow.by_code.get(application.stage)
    return InvalidInput(
        _("The application %(reference)s is not approved for payment: it is %(where)s.")
        % {
            "reference": application.reference,
            "where": (
                _("closed")
                if application.status == ApplicationStatus.CLOSED
                else _("at the stage “%(stage)s”")
                % {"stage": stage.label if stage else application.stage}
            ),
        },
        code="not-payable",
    )


def _check_payable(application: Application, actor: User) -> None:
    """Refuses an application outside where the actor handles payments
    (`payment.manage`: NotFound when they cannot even read it), then, with the
    state machine's kind of reason, one that is not open, approved and at a
    payment stage with an amount."""
    matrix.ensure_may(
        actor,
        matrix.Action.PAYMENT_MANAGE,
        office=application.office,
        refusal=_(
            "The application %(reference)s belongs to an office outside your area."
        )
        % {"reference": application.reference},
    )
    stage = workflow_of(application.version).by_code.get(application.stage)
    payable = (
        application.status == ApplicationStatus.IN_PROGRESS
        and application.outcome == Outcome.APPROVED
        and stage is not None
        and stage.kind == StageKind.PAYMENT
        and (application.approved_amount or 0) > 0
    )
    if not payable:
        raise _not_payable(application)


def _already_batched(application: Application) -> Conflict:
    live = (
        Payment.objects.filter(application=application, status__in=LIVE_STATUSES)
        .select_related("batch")
        .first()
    )
    return Conflict(
        _("The application %(reference)s is already in a payment batch%(batch)s.")
        % {
            "reference": application.reference,
            "batch": f" ({live.batch.reference})" if live else "",
        },
        code="already-batched",
    )


def _province_of(applications: list[Application]) -> str:
    """The audit scope of a batch: its province when it has one only."""
    provinces = {application.province_code for application in applications}
    return provinces.pop() if len(provinces) == 1 else ""


def _new_batch_reference(pay_on: date) -> str:
    suffix = "".join(secrets.choice(ALPHABET) for _ in range(4))
    return f"PB{pay_on:%y%m%d}-{suffix}"


# --- Batches -------------------------------------------------------------------------


def payment_batch_create(
    *,
    actor: User,
    pay_on: date,
    applications: list[Application] | QuerySet[Application] | None = None,
) -> PaymentBatch:
    """A new open batch with one pending payment per application.

    Without `applications`: every application in the actor's paying reach
    that waits for payment and has no pending or paid payment. With them:
    exactly those, each refused when not payable ("not-payable"), outside the
    reach, or already in a batch ("already-batched"). Needs `payment.manage`
    (finance officers) over each application's office. Locks the application
    rows, so two officers batching at once cannot both take a case; the
    database's one-live-payment constraint is the last line. Audited as
    `eservices.payment_batch.create`; a staff-only timeline event on each
    application.
    """
    reach = ensure_pays(actor)
    if pay_on < timezone.localdate():
        raise InvalidInput(
            _("The transfer date cannot be in the past."), field="pay_on"
        )
    chosen = None if applications is None else [item.pk for item in applications]
    if chosen is not None and not chosen:
        raise InvalidInput(_("Choose at least one application to pay."))
    with transaction.atomic():
        if chosen is None:
            candidates = payable_applications().filter(reach.q(**APPLICATION_AREA))
            ids = list(candidates.values_list("pk", flat=True))
        else:
            ids = chosen
        # Locked in id order, so two batches never wait on each other.
        locked = list(
            Application.objects.select_for_update(of=("self",))
            .select_related("version", "service", "office", "applicant")
            .filter(pk__in=ids)
            .order_by("pk")
        )
        taken = set(
            Payment.objects.filter(
                application_id__in=ids, status__in=LIVE_STATUSES
            ).values_list("application_id", flat=True)
        )
        rows: list[tuple[Application, bank_files.Transfer]] = []
        for application in locked:
            if chosen is None:
                # Another batch took it while we waited for the lock, or it
                # changed: the next batch will see it as it is.
                try:
                    _check_payable(application, actor)
                except InvalidInput:
                    continue
                if application.pk in taken:
                    continue
            else:
                _check_payable(application, actor)
                if application.pk in taken:
                    raise _already_batched(application)
            account = payable_account(application)
            if account is None:
                if chosen is None:
                    continue
                raise InvalidInput(
                    _(
                        "The application %(reference)s has no usable bank account "
                        "(a bank code and 10 to 12 digits)."
                    )
                    % {"reference": application.reference},
                    code="no-bank-account",
                )
            rows.append(
                (
                    application,
                    Transfer(
                        reference=application.reference,
                        name=application.applicant.full_name,
                        bank_code=account.bank_code,
                        account_number=account.number,
                        amount=application.approved_amount or Decimal(0),
                    ),
                )
            )
        if chosen is not None and len(locked) != len(set(chosen)):
            raise InvalidInput(_("An application chosen no longer exists."))
        if not rows:
            raise InvalidInput(
                _("No application in your area is waiting for payment."),
                code="nothing-to-pay",
            )
        batch = _batch_insert(actor=actor, pay_on=pay_on)
        try:
            with transaction.atomic():
                Payment.objects.bulk_create(
                    [
                        Payment(
                            batch=batch,
                            application=application,
                            amount=transfer.amount,
                            bank_code=transfer.bank_code,
                            account_number=transfer.account_number,
                            account_name=transfer.name[:200],
                        )
                        for application, transfer in rows
                    ]
                )
        except IntegrityError:
            raise Conflict(
                _(
                    "An application chosen is already in a payment batch. "
                    "Reload the list and try again."
                ),
                code="already-batched",
            ) from None
        now = timezone.now()
        ApplicationEvent.objects.bulk_create(
            [
                ApplicationEvent(
                    application=application,
                    occurred_at=now,
                    kind=EventKind.PAYMENT,
                    actor=actor,
                    for_applicant=False,
                    message=_("Added to payment batch %(batch)s.")
                    % {"batch": batch.reference},
                    data={"batch": batch.reference, "amount": str(transfer.amount)},
                )
                for application, transfer in rows
            ]
        )
        total = sum((transfer.amount for _app, transfer in rows), Decimal(0))
        audit_record(
            actor=actor,
            action="eservices.payment_batch.create",
            target=batch,
            after={
                "pay_on": pay_on,
                "count": len(rows),
                "total": str(total),
                "applications": [application.reference for application, _t in rows],
            },
            province_code=_province_of([application for application, _t in rows]),
        )
    return batch


def _batch_insert(*, actor: User, pay_on: date) -> PaymentBatch:
    for _attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                return PaymentBatch.objects.create(
                    reference=_new_batch_reference(pay_on),
                    pay_on=pay_on,
                    created_by=actor,
                )
        except IntegrityError:
            continue  # the random reference was taken: draw another
    raise Conflict(_("Could not start the batch; please try again."))


def _locked_batch(batch: PaymentBatch, actor: User) -> PaymentBatch:
    """The batch row locked for the caller's transaction; refused unless the
    actor may handle payments (`payment.manage`) at every payment's office: a
    batch with payments the actor cannot even read is NotFound."""
    matrix.ensure_may(actor, matrix.Action.PAYMENT_MANAGE)
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    offices = {
        payment.application.office_id: payment.application.office
        for payment in batch.payments.select_related("application__office")
    }
    for office in offices.values():
        matrix.ensure_may(
            actor,
            matrix.Action.PAYMENT_MANAGE,
            office=office,
            refusal=_("This batch has payments outside your area."),
        )
    return batch


def _transfers(batch: PaymentBatch) -> list[Transfer]:
    return [
        Transfer(
            reference=payment.application.reference,
            name=payment.account_name,
            bank_code=payment.bank_code,
            account_number=payment.account_number,
            amount=payment.amount,
        )
        for payment in batch.payments.select_related("application").order_by("id")
    ]


def payment_batch_export(
    *, batch: PaymentBatch, actor: User, file_format: str
) -> tuple[str, bytes]:
    """The batch's transfer file: "ktb" (the bank's fixed-width direct-credit
    layout, TIS-620) or "csv". Marks the batch exported; it may be exported
    again (the same transfers) until the bank's first result is imported,
    after which a new file could pay someone twice and is refused. Audited as
    `eservices.payment_batch.export` with the file's SHA-256."""
    ensure_pays(actor)
    if file_format not in FILE_FORMATS:
        raise InvalidInput(_("Choose the bank's file or CSV."), field="file_format")
    with transaction.atomic():
        batch = _locked_batch(batch, actor)
        if batch.payments.exclude(status=PaymentStatus.PENDING).exists():
            raise Conflict(
                _(
                    "The bank's result is already imported for this batch; a new "
                    "transfer file could pay someone twice."
                ),
                code="batch-reconciling",
            )
        transfers = _transfers(batch)
        if not transfers:
            raise InvalidInput(_("The batch has no payments."), code="batch-empty")
        if file_format == "ktb":
            content = bank_files.transfer_file(
                batch_reference=batch.reference,
                pay_on=batch.pay_on,
                payer=bank_files.payer_from_settings(),
                transfers=transfers,
            )
            filename = f"{batch.reference}-ktb-{batch.pay_on:%Y%m%d}.txt"
        else:
            content = bank_files.transfer_csv(transfers)
            filename = f"{batch.reference}.csv"
        batch.status = BatchStatus.EXPORTED
        batch.exported_at = timezone.now()
        batch.save(update_fields=["status", "exported_at", "updated_at"])
        audit_record(
            actor=actor,
            action="eservices.payment_batch.export",
            target=batch,
            after={
                "format": file_format,
                "count": len(transfers),
                "total": str(sum((item.amount for item in transfers), Decimal(0))),
                "sha256": hashlib.sha256(content).hexdigest(),
            },
        )
    return filename, content


def payment_batch_remove_payment(*, payment: Payment, actor: User) -> PaymentBatch:
    """Takes one payment out of an open batch (the application waits for the
    next batch). Needs `payment.manage` over every payment's office. Audited
    as `eservices.payment_batch.remove_payment`."""
    with transaction.atomic():
        batch = _locked_batch(payment.batch, actor)
        if batch.status != BatchStatus.OPEN:
            raise Conflict(
                _("The file is already exported: the batch cannot change."),
                code="batch-not-open",
            )
        payment = Payment.objects.select_related("application").get(pk=payment.pk)
        application = payment.application
        amount = payment.amount
        payment.delete()
        ApplicationEvent.objects.create(
            application=application,
            occurred_at=timezone.now(),
            kind=EventKind.PAYMENT,
            actor=actor,
            for_applicant=False,
            message=_("Taken out of payment batch %(batch)s.")
            % {"batch": batch.reference},
            data={"batch": batch.reference},
        )
        audit_record(
            actor=actor,
            action="eservices.payment_batch.remove_payment",
            target=batch,
            before={"application": application.reference, "amount": str(amount)},
            office=application.office,
        )
    return batch


# --- The bank's result ---------------------------------------------------------------


def _line_error(line: ResultLine, message: str) -> BankFileError:
    return BankFileError(
        _("Line %(line)s: %(problem)s") % {"line": line.line, "problem": message}
        + " "
        + _("Nothing was imported."),
        extra={"line": line.line},
    )


def _check_result_line(line: ResultLine, payment: Payment | None, actor: User) -> bool:
    """Whether the line changes its payment; BankFileError naming the line
    when it does not fit the batch."""
    if payment is None:
        raise _line_error(
            line,
            _("the reference %(reference)s is not a payment of this batch.")
            % {"reference": line.reference},
        )
    if line.amount is not None and line.amount != payment.amount:
        raise _line_error(
            line,
            _("the amount %(amount)s does not match the payment's %(expected)s.")
            % {"amount": f"{line.amount:,.2f}", "expected": f"{payment.amount:,.2f}"},
        )
    wanted = PaymentStatus.PAID if line.paid else PaymentStatus.FAILED
    if payment.status != PaymentStatus.PENDING:
        if payment.status == wanted:
            return False  # the same result imported again
        raise _line_error(
            line,
            _("the payment %(reference)s is already recorded as %(status)s.")
            % {
                "reference": line.reference,
                "status": PaymentStatus(payment.status).label,
            },
        )
    if line.paid:
        application = payment.application
        stage = workflow_of(application.version).by_code.get(application.stage)
        if stage is None or stage.kind != StageKind.PAYMENT or not application.is_open:
            raise _line_error(
                line,
                _("the application %(reference)s is no longer waiting for payment.")
                % {"reference": application.reference},
            )
        if not matrix.may(
            actor,
            matrix.Action.APPLICATION_ACT,
            office=application.office,
            named=stage.roles,
        ):
            raise _line_error(
                line,
                _("you cannot record payments at the stage “%(stage)s” of %(office)s.")
                % {"stage": stage.label, "office": application.office.name},
            )
    return True


def payment_results_import(
    *, batch: PaymentBatch, actor: User, content: bytes
) -> ImportSummary:
    """Applies the bank's result file to an exported batch, all or nothing.

    First the whole file is checked: its structure, that it is this batch's,
    that every reference is a payment of the batch, that amounts match, no
    reference twice, known result codes, and that the actor may close each
    paid application; the first problem refuses the file, naming the line
    (BankFileError), and nothing changes. Then each paid transfer is marked
    paid and its application closed through `application_mark_paid`; each
    failed one keeps its reason and its application waits for the next batch.
    A result imported again changes nothing. The batch is reconciled when no
    payment is pending.

    Audited as `eservices.payment.paid` / `eservices.payment.failed` per
    payment and `eservices.payment_batch.import` for the file. Needs
    `payment.manage` over every payment's office. After commit the paid
    applicants get an SMS (and LINE or e-mail where they have it).
    """
    ensure_pays(actor)
    parsed = bank_files.result_file_parse(content)
    with transaction.atomic():
        batch = _locked_batch(batch, actor)
        if batch.status == BatchStatus.OPEN:
            raise Conflict(
                _("Export the batch's file and send it to the bank first."),
                code="batch-not-exported",
            )
        if parsed.batch_reference is not None and (
            parsed.batch_reference != batch.reference
        ):
            raise BankFileError(
                _("Line 1: this result is for the batch %(found)s, not %(batch)s.")
                % {"found": parsed.batch_reference or "-", "batch": batch.reference}
                + " "
                + _("Nothing was imported."),
                extra={"line": 1},
            )
        payments = {
            payment.application.reference: payment
            for payment in Payment.objects.select_for_update(of=("self",))
            .filter(batch=batch)
            .select_related(
                "application",
                "application__version",
                "application__service",
                "application__office",
                "application__applicant",
            )
        }
        for payment in payments.values():
            payment.batch = batch
        changes = [
            (line, payments[line.reference])
            for line in parsed.lines
            if _check_result_line(line, payments.get(line.reference), actor)
        ]
        now = timezone.now()
        paid = failed = 0
        for line, payment in changes:
            if line.paid:
                _mark_paid(payment, line, actor, now)
                paid += 1
            else:
                _mark_failed(payment, line, actor, now)
                failed += 1
        reconciled = not batch.payments.filter(status=PaymentStatus.PENDING).exists()
        if reconciled and batch.status != BatchStatus.RECONCILED:
            batch.status = BatchStatus.RECONCILED
            batch.reconciled_at = now
            batch.save(update_fields=["status", "reconciled_at", "updated_at"])
        audit_record(
            actor=actor,
            action="eservices.payment_batch.import",
            target=batch,
            after={
                "paid": paid,
                "failed": failed,
                "unchanged": len(parsed.lines) - paid - failed,
                "reconciled": reconciled,
                "sha256": hashlib.sha256(content).hexdigest(),
            },
        )
    return ImportSummary(
        paid=paid,
        failed=failed,
        unchanged=len(parsed.lines) - paid - failed,
        reconciled=reconciled,
    )


def _mark_paid(payment: Payment, line: ResultLine, actor: User, now: datetime) -> None:
    payment.status = PaymentStatus.PAID
    payment.paid_at = now
    payment.bank_reference = line.bank_reference[:40]
    payment.failure_reason = ""
    payment.save(
        update_fields=["status", "paid_at", "bank_reference", "failure_reason"]
    )
    application = application_mark_paid(application=payment.application, actor=actor)
    audit_record(
        actor=actor,
        action="eservices.payment.paid",
        target=payment,
        after={
            "application": application.reference,
            "batch": payment.batch.reference,
            "amount": str(payment.amount),
            "bank_reference": payment.bank_reference,
        },
        office=application.office,
    )
    _notify_paid(payment, application)


def _mark_failed(
    payment: Payment, line: ResultLine, actor: User, now: datetime
) -> None:
    payment.status = PaymentStatus.FAILED
    payment.failure_reason = f"{line.code} {line.reason}".strip()[:300]
    payment.bank_reference = line.bank_reference[:40]
    payment.save(update_fields=["status", "failure_reason", "bank_reference"])
    application = payment.application
    ApplicationEvent.objects.create(
        application=application,
        occurred_at=now,
        kind=EventKind.PAYMENT,
        actor=actor,
        for_applicant=True,
        message=_("The bank could not transfer the money: %(reason)s")
        % {"reason": payment.failure_text},
        data={"batch": payment.batch.reference, "code": line.code},
    )
    audit_record(
        actor=actor,
        action="eservices.payment.failed",
        target=payment,
        after={
            "application": application.reference,
            "batch": payment.batch.reference,
            "amount": str(payment.amount),
            "reason": payment.failure_reason,
        },
        office=application.office,
    )
    with translation.override(application.applicant.preferred_language or "th"):
        application_notify(
            application,
            status=_("the transfer to your account did not go through"),
            message=_(
                "The bank said: %(reason)s. The office will contact you about "
                "another account."
            )
            % {"reason": payment.failure_text},
        )


def money_text(amount: Decimal, language: str) -> str:
    """3,000.00 บาท / 3,000.00 THB."""
    unit = "THB" if language.startswith("en") else "บาท"
    return f"{amount:,.2f} {unit}"


def _notify_paid(payment: Payment, application: Application) -> None:
    applicant = application.applicant
    language = applicant.preferred_language or "th"
    with translation.override(language):
        service = application.service
        context = {
            "reference": application.reference,
            "service": (
                service.name_en
                if language.startswith("en") and service.name_en
                else service.name_th
            ),
            "amount": money_text(payment.amount, language),
            "account": f"{bank_name(payment.bank_code)} "
            f"{mask_account(payment.account_number)}",
            "url": tracking_url(application),
        }
    # Inside the payment's transaction: the notification row is its outbox.
    notification_notify_user(
        user=applicant,
        template_key=PAYMENT_PAID.key,
        context=context,
        channels=PAID_CHANNELS,
    )
