"""The vote page behind each office's QR code (and each counter's card), and the
thank-you page."""

from urllib.parse import urlencode

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from saduak.areas.models import Office
from saduak.core.errors import DomainError, InvalidInput
from saduak.core.forms import add_domain_error
from saduak.core.thai import current_fiscal_year
from saduak.feedback.form_tokens import form_token_make, form_token_use
from saduak.feedback.forms import VoteForm
from saduak.feedback.keys import remember_device
from saduak.feedback.lookups import vote_targets
from saduak.feedback.selectors.index import index_of
from saduak.feedback.selectors.offices import office_for_vote, office_services
from saduak.feedback.services.votes import vote_cast
from saduak.feedback.voters import page_voter


@never_cache
def vote(request: HttpRequest, code: str, counter: int | None = None) -> HttpResponse:
    office = office_for_vote(code)
    services = office_services(office)
    status = 200
    if request.method == "POST":
        form = VoteForm(request.POST, services=services)
        if form.is_valid():
            try:
                return _cast(request, office, form, counter)
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status
        else:
            status = 400
        # The answers and errors stay; a fresh token lets the person send again.
        fresh = request.POST.copy()
        fresh["form_token"] = form_token_make(office_id=office.pk)
        form.data = fresh
    else:
        form = VoteForm(
            initial={"form_token": form_token_make(office_id=office.pk)},
            services=services,
        )
    response = render(
        request,
        "feedback/vote.html",
        {"office": office, "form": form, "counter": counter},
        status=status,
    )
    remember_device(request, response)
    return response


def _cast(
    request: HttpRequest, office: Office, form: VoteForm, counter: int | None
) -> HttpResponse:
    if form.cleaned_data["website"]:  # the field people never see
        raise InvalidInput(
            _("Your vote could not be accepted. Reload the page and try again."),
            code="honeypot",
        )
    form_token_use(form.cleaned_data["form_token"], office_id=office.pk)
    counter_object, service = vote_targets(
        office=office,
        counter_number=counter,
        service_code=form.cleaned_data["service"],
    )
    outcome = vote_cast(
        office=office,
        score=form.cleaned_data["score"],
        voter=page_voter(request),
        counter=counter_object,
        service=service,
        comment=form.cleaned_data["comment"],
    )
    query = "?replaced=1" if outcome.replaced else ""
    response = redirect(reverse("feedback:thanks", args=[office.code]) + query)
    response.status_code = 303  # see other: a reload does not send the vote again
    remember_device(request, response)
    return response


def thanks(request: HttpRequest, code: str) -> HttpResponse:
    office = office_for_vote(code)
    year = current_fiscal_year()
    index = index_of(
        start=year.start, end=timezone.localdate(), where=Q(office_id=office.pk)
    )
    return render(
        request,
        "feedback/thanks.html",
        {
            "office": office,
            "index": index,
            "year": year,
            "replaced": request.GET.get("replaced") == "1",
            "change_url": (
                f"{reverse('feedback-line:liff')}?{urlencode({'office': office.code})}"
                if request.GET.get("via") == "liff"
                else reverse("feedback:vote", args=[office.code])
            ),
        },
    )
