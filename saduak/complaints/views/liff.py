"""The complaint form inside LINE (LIFF, docs/complaints-line.md): the web
form with the person's LINE account as the way to reach them. The LIFF SDK
hands the page the LINE Login ID token; the server has it verified and takes
the LINE user id from the verified token (a user id the phone sends is never
trusted). Without a verified token nothing is stored."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from saduak.complaints.choices import Channel
from saduak.complaints.forms_citizen import ComplaintForm
from saduak.complaints.services.intake import Contact
from saduak.complaints.views.citizen import file_from_form, filing_context
from saduak.core.errors import DomainError, InvalidInput
from saduak.identity.liff import allow_liff_sdk
from saduak.identity.line_login import TOKEN_MISSING_CODE, line_id_token_verifier


def _token_missing() -> InvalidInput:
    return InvalidInput(
        _(
            "Open this page from the LINE app: we could not confirm your LINE "
            "sign-in, so your complaint was not sent."
        ),
        code=TOKEN_MISSING_CODE,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def liff_complaint(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    user = request.user if request.user.is_authenticated else None
    form = ComplaintForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        contact="line",
        category_code=request.GET.get("category", ""),
    )
    id_token = request.POST.get("id_token", "").strip()
    refreshing = "refresh" in request.POST
    status = 200
    if posted and not refreshing and form.is_valid():
        try:
            if not id_token:
                raise _token_missing()
            identity = line_id_token_verifier().verify(id_token)
        except DomainError as error:
            # The form keeps what was typed; the person opens the page again
            # from LINE, or taps again when LINE answers.
            form.add_error(None, str(error.message))
            status = error.status
        else:
            data = form.cleaned_data
            complaint = file_from_form(
                form,
                citizen=user,  # type: ignore[arg-type]
                channel=Channel.LINE,
                contact=Contact(
                    name=data["contact_name"].strip(),
                    phone=data["contact_phone"],
                    email=data["contact_email"],
                    line_user_id=identity.user_id,
                ),
            )
            if complaint is not None:
                return redirect("complaints:filed", token=complaint.tracking_token)
    if refreshing:
        form.errors.clear()
    elif posted and form.errors and status == 200:
        status = 400
    console_login = settings.LINE_LOGIN_BACKEND == "console"
    response = render(
        request,
        "complaints/citizen/liff.html",
        {
            **filing_context(form),
            "form_action": reverse("complaints:liff"),
            "liff_id": settings.COMPLAINTS_LIFF_ID,
            "console_login": console_login,
            # Only the console's typed token is shown back; a real one is not.
            "typed_token": id_token if console_login else "",
        },
        status=status,
    )
    if settings.COMPLAINTS_LIFF_ID:
        allow_liff_sdk(response)
    return response
