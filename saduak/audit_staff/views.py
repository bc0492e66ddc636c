from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from saduak.accounts.permissions import acting_user, staff_required
from saduak.audit.sequencer import seal_on_demand
from saduak.audit_staff import selectors
from saduak.core.pagination import paginate


@staff_required
def event_list(request: HttpRequest) -> HttpResponse:
    # Where no scheduler runs (the embedded demo), reading the log seals it.
    seal_on_demand()
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


@staff_required
def unsealed_event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An event by row id; once sealed, its page is the one by sequence number."""
    event = selectors.audit_event_by_id(user=acting_user(request), pk=pk)  # type: ignore[arg-type]
    if event.sequence is not None:
        return redirect("audit:event", sequence=event.sequence)
    return render(request, "audit/event_detail.html", {"event": event})
