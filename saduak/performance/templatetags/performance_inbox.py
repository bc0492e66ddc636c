"""`{% load performance_inbox %}`: the "Report inbox" card of the staff home
(templates/areas/staff_home.html loads this library by name; the staff
home's app sits below performance and never imports it) and of the
performance home, with the number of new, due-soon and overdue items."""

from collections import Counter
from typing import Any

from django import template

from saduak.accounts.models import User
from saduak.performance.selectors.collection import inbox

register = template.Library()


def inbox_counts(user: Any) -> dict[str, Any]:
    """Whether the user has an inbox at all, and its new, due-soon and
    overdue items."""
    if not isinstance(user, User):
        return {"show": False}
    rows = inbox(user=user)
    states = Counter(row.state for row in rows)
    return {
        "show": bool(rows),
        "total": len(rows),
        "new": states.get("new", 0) + states.get("received", 0),
        "due_soon": states.get("due_soon", 0),
        "overdue": states.get("overdue", 0),
    }


@register.inclusion_tag("performance/inbox/partials/tile.html")
def inbox_tile(user: Any) -> dict[str, Any]:
    return inbox_counts(user)


@register.inclusion_tag("performance/inbox/partials/link.html")
def inbox_link(user: Any) -> dict[str, Any]:
    return inbox_counts(user)
