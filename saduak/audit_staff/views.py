from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from saduak.accounts.permissions import acting_user, staff_required
from saduak.audit_staff import selectors
from saduak.core.pagination import paginate


@staff_required
def event_list(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "")[:100]
    events = selectors.audit_events_visible_to(user=acting_user(request), action=action)  # type: ignore[arg-type]
    return render(
        request,
        "audit/event_list.html",
        {"events": paginate(request, events), "action": action},
    )


@staff_required
def event_detail(request: HttpRequest, sequence: int) -> HttpResponse:
    event = selectors.audit_event_get(user=acting_user(request), sequence=sequence)  # type: ignore[arg-type]
    return render(request, "audit/event_detail.html", {"event": event})
