"""The vote page behind each office's QR code (and each counter's card), and the
thank-you page."""

from urllib.parse import urlencode

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from saduak.core.thai import current_fiscal_year
from saduak.feedback.keys import remember_device
from saduak.feedback.selectors.index import index_of
from saduak.feedback.selectors.offices import office_for_vote
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
