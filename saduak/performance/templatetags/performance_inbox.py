"""`{% load performance_inbox %}`: the "Report inbox" card of the staff home
(templates/areas/staff_home.html loads this library by name; the staff
home's app sits below performance and never imports it) and the link of the
performance home, with the number of new, due-soon and overdue items."""

from typing import Any

from django import template

from saduak.accounts.models import User
from saduak.performance.choices import AnswerStatus
from saduak.performance.selectors.collection import DUE_SOON, OVERDUE, inbox_page

register = template.Library()


def inbox_counts(user: Any) -> dict[str, Any]:
    """Whether the user has an inbox at all, and its new, due-soon and
    overdue items (each a bounded count, selectors/collection.py)."""
    if not isinstance(user, User):
        return {"show": False}

    def count(state: str | None) -> int:
        return inbox_page(user=user, state=state, per_page=1).total

    total = count(None)
    if not total:
        return {"show": False}
    return {
        "show": True,
        "total": total,
        "new": count(AnswerStatus.NEW),
        "due_soon": count(DUE_SOON),
        "overdue": count(OVERDUE),
    }


@register.inclusion_tag("performance/inbox/partials/tile.html")
def inbox_tile(user: Any) -> dict[str, Any]:
    return inbox_counts(user)


@register.inclusion_tag("performance/inbox/partials/link.html")
def inbox_link(user: Any) -> dict[str, Any]:
    return inbox_counts(user)
