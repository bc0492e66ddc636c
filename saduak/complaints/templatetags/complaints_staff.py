"""The staff home's "Complaints" tile (templates/areas/staff_home.html loads
this library by name; the staff home's app sits below complaints and never
imports it)."""

from typing import Any

from django import template
from django.db.models import Sum

from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.complaints.models import ComplaintOpenCounts

register = template.Library()


def open_counts(user: User) -> tuple[int, int]:
    """(open, overdue) complaints held by the offices the user reads, from
    the open rollup (docs/layout.md 8.4, pattern A): one indexed sum, however
    many complaints there are."""
    reach = read_reach(user)
    if reach.is_empty:
        return 0, 0
    sums = ComplaintOpenCounts.objects.filter(reach.q()).aggregate(
        open=Sum("open"), overdue=Sum("overdue")
    )
    return int(sums["open"] or 0), int(sums["overdue"] or 0)


@register.inclusion_tag("complaints/staff/partials/tile.html")
def complaints_tile(user: Any) -> dict[str, Any]:
    if not isinstance(user, User):
        return {"show": False}
    open_now, overdue = open_counts(user)
    return {"show": True, "open": open_now, "overdue": overdue}
