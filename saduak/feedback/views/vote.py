"""The vote page behind each office's QR code (and each counter's card), and the
thank-you page."""

from urllib.parse import urlencode

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from saduak.areas.models import Office
from saduak.core.errors import Conflict
from saduak.core.thai import current_fiscal_year
from saduak.feedback.keys import Voter, remember_device, source_key, ticket_voter
from saduak.feedback.selectors.index import index_of
from saduak.feedback.selectors.offices import office_for_vote
from saduak.feedback.selectors.visits import served_visit
from saduak.feedback.views.ballot import ballot_take
from saduak.feedback.voters import page_voter


@never_cache
def vote(request: HttpRequest, code: str, counter: int | None = None) -> HttpResponse:
    office = office_for_vote(code)
    taken = ballot_take(
        request, office=office, counter=counter, voter=lambda: page_voter(request)
    )
    response = (
        taken
        if isinstance(taken, HttpResponse)
        else render(
            request,
            "feedback/vote.html",
            {"office": office, "form": taken.form, "counter": counter},
            status=taken.status,
        )
    )
    remember_device(request, response)
    return response


@never_cache
def served(request: HttpRequest, token: str) -> HttpResponse:
    """The vote page of a served ticket (linked from the ticket's own page):
    a verified vote for the office that served it, once per person a day.
    The ticket is checked again when the form is sent."""
    try:
        visit = served_visit(token, today=timezone.localdate())
    except Conflict as refused:
        return _served_closed(request, refused)

    def voter() -> Voter:
        checked = served_visit(token, today=timezone.localdate())
        return ticket_voter(
            ticket_id=checked.ticket_id,
            citizen_id=checked.citizen_id,
            source=source_key(request),
        )

    try:
        taken = ballot_take(
            request,
            office=visit.office,
            counter=visit.counter_number,
            voter=voter,
            via="ticket",
            service_code=visit.service_code,
        )
    except Conflict as refused:  # no longer served today when sent
        return _served_closed(request, refused)
    if isinstance(taken, HttpResponse):
        return taken
    return render(
        request,
        "feedback/vote.html",
        {
            "office": visit.office,
            "form": taken.form,
            "counter": visit.counter_number,
            "served": True,
        },
        status=taken.status,
    )


def _served_closed(request: HttpRequest, refused: Conflict) -> HttpResponse:
    return render(
        request,
        "feedback/served_closed.html",
        {"reason": str(refused.message)},
        status=refused.status,
    )


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
            "held": request.GET.get("held") == "1",
            "change_url": _change_url(request.GET.get("via", ""), office),
        },
    )


def _change_url(via: str, office: Office) -> str:
    """Where "change your vote" leads: back to the LINE page, to the office's
    vote page, or nowhere for a served ticket (its page has the link)."""
    if via == "ticket":
        return ""
    if via == "liff":
        return f"{reverse('feedback-line:liff')}?{urlencode({'office': office.code})}"
    return reverse("feedback:vote", args=[office.code])
