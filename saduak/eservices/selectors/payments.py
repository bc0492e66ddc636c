"""Reading payments: the approved applications waiting to be paid, the payment
batches, and the bank account an application is paid into — all scoped to
where the user may handle payments (`payment.manage`: finance officers)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from saduak.accounts import matrix
from saduak.accounts.models import User
from saduak.accounts.scoping import Reach
from saduak.core.errors import NotFound
from saduak.eservices.choices import (
    ApplicationStatus,
    Outcome,
    PaymentStatus,
    StageKind,
    VersionStatus,
)
from saduak.eservices.models import Application, Payment, PaymentBatch, ServiceVersion
from saduak.eservices.versions import workflow_of
from saduak.forms_engine.definition import definition_of

LIVE_STATUSES = (PaymentStatus.PENDING, PaymentStatus.PAID)
APPLICATION_AREA = {
    "office": "office_id",
    "district": "district_code",
    "province": "province_code",
}
PAYMENT_AREA = {key: f"application__{value}" for key, value in APPLICATION_AREA.items()}


def payment_reach(user: User) -> Reach:
    """Where the user handles payments: a finance officer's province, or
    everything for one at headquarters."""
    return matrix.action_reach(user, matrix.Action.PAYMENT_MANAGE)


def ensure_pays(user: User) -> Reach:
    """The user's paying reach; PermissionDeniedError (the matrix's refusal)
    when they may handle payments nowhere."""
    matrix.ensure_may(user, matrix.Action.PAYMENT_MANAGE)
    return payment_reach(user)


def payment_stages_q() -> Q:
    """Applications standing at a payment stage of their version's workflow
    (stage codes are per version, so one condition per version that pays)."""
    condition = Q(pk__in=[])
    versions = ServiceVersion.objects.filter(
        status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED]
    ).only("id", "status", "workflow")
    for version in versions:
        codes = [
            stage.code
            for stage in workflow_of(version).stages
            if stage.kind == StageKind.PAYMENT
        ]
        if codes:
            condition |= Q(version_id=version.pk, stage__in=codes)
    return condition


def live_payment_exists() -> Exists:
    return Exists(
        Payment.objects.filter(application=OuterRef("pk"), status__in=LIVE_STATUSES)
    )


def payable_applications() -> QuerySet[Application]:
    """Approved, open, at a payment stage, with an amount, and without a
    pending or paid payment (a failed one may be paid again)."""
    return (
        Application.objects.filter(
            payment_stages_q(),
            status=ApplicationStatus.IN_PROGRESS,
            outcome=Outcome.APPROVED,
            approved_amount__gt=0,
        )
        .exclude(live_payment_exists())
        .select_related("applicant", "service", "office", "version")
    )


def applications_waiting_for_payment(user: User) -> QuerySet[Application]:
    """The payable applications in the user's paying reach, oldest decision
    first."""
    reach = ensure_pays(user)
    return (
        payable_applications()
        .filter(reach.q(**APPLICATION_AREA))
        .annotate(
            failed_payments=Count(
                "payments", filter=Q(payments__status=PaymentStatus.FAILED)
            )
        )
        .order_by("decided_at", "id")
    )


@dataclass(frozen=True)
class Account:
    bank_code: str
    number: str


def payable_account(application: Application) -> Account | None:
    """The bank account the applicant gave: the answer to the form's first
    bank-account field; None when it is missing or not 3 + 10–12 digits."""
    form = definition_of(application.version)
    key = next((item.key for item in form.fields if item.type == "bank_account"), None)
    answer = application.answers.get(key) if key else None
    if not isinstance(answer, dict):
        return None
    bank = str(answer.get("bank") or "")
    number = str(answer.get("number") or "")
    if not (len(bank) == 3 and bank.isdigit() and bank.isascii()):
        return None
    if not (10 <= len(number) <= 12 and number.isdigit() and number.isascii()):
        return None
    return Account(bank, number)


def batches_in_reach(user: User) -> QuerySet[PaymentBatch]:
    """The batches all of whose payments are in the user's paying reach (an
    empty batch: its creator's, or anyone's who reaches everything), with
    their count and total."""
    reach = ensure_pays(user)
    batches = PaymentBatch.objects.all()
    if not reach.everything:
        outside = Payment.objects.filter(batch=OuterRef("pk")).exclude(
            reach.q(**PAYMENT_AREA)
        )
        batches = batches.exclude(Exists(outside))
        has_payments = Exists(Payment.objects.filter(batch=OuterRef("pk")))
        batches = batches.filter(has_payments | Q(created_by=user))
    return (
        batches.annotate(
            payment_count=Count("payments", distinct=True),
            payment_total=Sum("payments__amount"),
        )
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def batch_for(user: User, reference: str) -> PaymentBatch:
    batch = batches_in_reach(user).filter(reference=reference.strip().upper()).first()
    if batch is None:
        raise NotFound(_("There is no payment batch with this reference."))
    return batch


def batch_payments(batch: PaymentBatch) -> list[Payment]:
    return list(
        batch.payments.select_related(
            "application", "application__service", "application__office"
        ).order_by("id")
    )


@dataclass(frozen=True)
class BatchTotals:
    count: int
    total: Decimal
    paid_count: int
    paid: Decimal
    failed_count: int
    failed: Decimal
    pending_count: int


def batch_totals(payments: list[Payment]) -> BatchTotals:
    def of(status: str) -> list[Payment]:
        return [payment for payment in payments if payment.status == status]

    paid, failed = of(PaymentStatus.PAID), of(PaymentStatus.FAILED)
    return BatchTotals(
        count=len(payments),
        total=sum((payment.amount for payment in payments), Decimal(0)),
        paid_count=len(paid),
        paid=sum((payment.amount for payment in paid), Decimal(0)),
        failed_count=len(failed),
        failed=sum((payment.amount for payment in failed), Decimal(0)),
        pending_count=len(of(PaymentStatus.PENDING)),
    )
