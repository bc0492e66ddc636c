"""The vote form's round trip, shared by the QR page and the LIFF page: a fresh
form with its single-use token, or the posted one checked and cast, or shown
again with its errors, its answers and a new token. The pages differ only in
who the voter is."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from saduak.areas.models import Office
from saduak.core.errors import DomainError, InvalidInput
from saduak.core.forms import add_domain_error
from saduak.feedback.choices import VoteStatus
from saduak.feedback.form_tokens import form_token_make, form_token_use
from saduak.feedback.forms import VoteForm
from saduak.feedback.keys import Voter
from saduak.feedback.lookups import vote_targets
from saduak.feedback.selectors.offices import office_services
from saduak.feedback.services.votes import vote_cast


@dataclass(frozen=True)
class Ballot:
    """The form to show, and the status to answer with."""

    form: VoteForm
    status: int


def ballot_take(
    request: HttpRequest,
    *,
    office: Office,
    counter: int | None,
    voter: Callable[[], Voter],
    via: str = "",
    service_code: str = "",
) -> HttpResponse | Ballot:
    """A redirect to the thank-you page once the vote is cast, else the form.
    `voter()` is asked only for a posted, valid form, before its token is
    used, so a voter it refuses (an unverified LINE token) costs no token.
    `via` tells the thank-you page where "change your vote" leads back to;
    `service_code` is the service the form proposes (a served ticket's)."""
    services = office_services(office)
    if request.method != "POST":
        return Ballot(_fresh_form(office, services, service_code), 200)
    form = VoteForm(request.POST, services=services)
    status = 400
    if form.is_valid():
        try:
            return _cast(office, form, counter, voter, via)
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
    # The answers and errors stay; a fresh token lets the person send again.
    fresh = request.POST.copy()
    fresh["form_token"] = form_token_make(office_id=office.pk)
    form.data = fresh
    return Ballot(form, status)


def _fresh_form(
    office: Office, services: list[tuple[str, str]], service_code: str
) -> VoteForm:
    return VoteForm(
        initial={
            "form_token": form_token_make(office_id=office.pk),
            "service": service_code,
        },
        services=services,
    )


def _cast(
    office: Office,
    form: VoteForm,
    counter: int | None,
    voter: Callable[[], Voter],
    via: str,
) -> HttpResponse:
    if form.cleaned_data["website"]:  # the field people never see
        raise InvalidInput(
            _("Your vote could not be accepted. Reload the page and try again."),
            code="honeypot",
        )
    who = voter()
    form_token_use(form.cleaned_data["form_token"], office_id=office.pk)
    counter_object, service = vote_targets(
        office=office,
        counter_number=counter,
        service_code=form.cleaned_data["service"],
    )
    outcome = vote_cast(
        office=office,
        score=form.cleaned_data["score"],
        voter=who,
        counter=counter_object,
        service=service,
        comment=form.cleaned_data["comment"],
    )
    query = [f"via={via}"] if via else []
    if outcome.replaced:
        query.append("replaced=1")
    if outcome.status == VoteStatus.HELD:
        query.append("held=1")
    thanks = reverse("feedback:thanks", args=[office.code])
    response = redirect(thanks + ("?" + "&".join(query) if query else ""))
    response.status_code = 303  # see other: a reload does not send the vote again
    return response
