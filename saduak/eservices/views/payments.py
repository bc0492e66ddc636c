"""Payment pages for finance officers: what waits for payment, creating a
batch, the batch with its transfer files and the bank's result."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.errors import DomainError, NotFound, PermissionDeniedError
from saduak.core.forms import add_domain_error, posted_id
from saduak.eservices.forms_payments import BatchCreateForm, ResultUploadForm
from saduak.eservices.models import Application, Payment
from saduak.eservices.selectors.payments import (
    applications_waiting_for_payment,
    batch_for,
    batch_payments,
    batch_totals,
    batches_in_reach,
    payable_account,
)
from saduak.eservices.services.payments import (
    payment_batch_create,
    payment_batch_export,
    payment_batch_remove_payment,
    payment_results_import,
)
from saduak.forms_engine.banks import bank_name, mask_account

NAMESPACE = "eservices-payments"
RECENT_BATCHES = 20
CONTENT_TYPES = {
    "ktb": "text/plain; charset=windows-874",
    "csv": "text/csv; charset=utf-8",
}


def _account(application: Application) -> dict[str, str] | None:
    account = payable_account(application)
    if account is None:
        return None
    return {
        "bank_name": bank_name(account.bank_code),
        "masked": mask_account(account.number),
    }


def _home(request: HttpRequest, form: BatchCreateForm | None = None) -> HttpResponse:
    user = acting_user(request)
    waiting = list(applications_waiting_for_payment(user))
    rows = [
        {"application": application, "account": _account(application)}
        for application in waiting
    ]
    form = form or BatchCreateForm(waiting=[application.pk for application in waiting])
    chosen = {str(value) for value in (form["applications"].value() or [])}
    return render(
        request,
        "eservices/payments/home.html",
        {
            "rows": rows,
            "total": sum(
                (application.approved_amount or 0 for application in waiting), 0
            ),
            "form": form,
            "chosen": chosen,
            "batches": list(batches_in_reach(user)[:RECENT_BATCHES]),
        },
        status=400 if form.errors else 200,
    )


@staff_required
@never_cache
def payments_home(request: HttpRequest) -> HttpResponse:
    return _home(request)


@staff_required
@require_POST
def batch_create(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    waiting = list(applications_waiting_for_payment(user).values_list("pk", flat=True))
    # A ticked application someone else batched meanwhile still reaches the
    # service, which says so; only ids are checked here.
    ticked = [posted_id(raw) for raw in request.POST.getlist("applications")]
    form = BatchCreateForm(
        request.POST, waiting=sorted({*waiting, *(pk for pk in ticked if pk)})
    )
    if form.is_valid():
        data = form.cleaned_data
        chosen = None
        if data["scope"] == "selected":
            chosen = list(
                Application.objects.filter(pk__in=data["applications"]).order_by("pk")
            )
        try:
            batch = payment_batch_create(
                actor=user, pay_on=data["pay_on"], applications=chosen
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Payment batch %(batch)s is ready: download the bank's file.")
                % {"batch": batch.reference},
            )
            return redirect(f"{NAMESPACE}:batch", batch.reference)
    return _home(request, form)


def _batch_page(
    request: HttpRequest, reference: str, upload: ResultUploadForm | None = None
) -> HttpResponse:
    user = acting_user(request)
    batch = batch_for(user, reference)
    payments = batch_payments(batch)
    for payment in payments:
        payment.bank_name = bank_name(payment.bank_code)  # type: ignore[attr-defined]
        payment.masked_account = mask_account(payment.account_number)  # type: ignore[attr-defined]
    upload = upload or ResultUploadForm()
    return render(
        request,
        "eservices/payments/batch.html",
        {
            "batch": batch,
            "payments": payments,
            "totals": batch_totals(payments),
            "upload_form": upload,
            "form": upload,
            "can_export": all(payment.status == "pending" for payment in payments),
        },
        status=400 if upload.errors else 200,
    )


@staff_required
@never_cache
def batch_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _batch_page(request, reference)


@staff_required
@require_POST
def batch_export(
    request: HttpRequest, reference: str, file_format: str
) -> HttpResponse:
    user = acting_user(request)
    batch = batch_for(user, reference)
    if file_format not in CONTENT_TYPES:
        raise NotFound()
    try:
        filename, content = payment_batch_export(
            batch=batch, actor=user, file_format=file_format
        )
    except DomainError as error:
        if isinstance(error, NotFound | PermissionDeniedError):
            raise
        messages.error(request, str(error.message))
        return redirect(f"{NAMESPACE}:batch", batch.reference)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_POST
def batch_results(request: HttpRequest, reference: str) -> HttpResponse:
    user = acting_user(request)
    batch = batch_for(user, reference)
    form = ResultUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            summary = payment_results_import(
                batch=batch, actor=user, content=form.cleaned_data["result_file"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            parts: list[Any] = [
                _("Bank result imported: %(paid)s paid, %(failed)s failed.")
                % {"paid": summary.paid, "failed": summary.failed}
            ]
            if summary.unchanged:
                parts.append(
                    _("%(count)s already recorded.") % {"count": summary.unchanged}
                )
            if summary.reconciled:
                parts.append(_("Every payment of the batch is settled."))
            messages.success(request, " ".join(str(part) for part in parts))
            return redirect(f"{NAMESPACE}:batch", batch.reference)
    return _batch_page(request, reference, form)


@staff_required
@require_POST
def payment_remove(
    request: HttpRequest, reference: str, public_id: UUID
) -> HttpResponse:
    user = acting_user(request)
    batch = batch_for(user, reference)
    payment = Payment.objects.filter(batch=batch, public_id=public_id).first()
    if payment is None:
        raise NotFound(_("There is no such payment in this batch."))
    try:
        payment_batch_remove_payment(payment=payment, actor=user)
    except DomainError as error:
        if isinstance(error, NotFound | PermissionDeniedError):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(reference)s is taken out of the batch; it waits for the next one.")
            % {"reference": payment.application.reference},
        )
    return redirect(reverse(f"{NAMESPACE}:batch", args=[batch.reference]))
