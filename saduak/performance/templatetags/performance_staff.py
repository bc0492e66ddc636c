"""The staff home's "KPI frameworks" tile (templates/areas/staff_home.html
loads this library by name; the staff home's app sits below performance and
never imports it), and the `figure` filter the performance pages print
weights, targets and scores with."""

from decimal import Decimal
from typing import Any

from django import template
from django.db.models import Count, Q

from saduak.accounts.matrix import Action, may
from saduak.accounts.models import User
from saduak.core.thai import current_fiscal_year
from saduak.performance.choices import FrameworkStatus
from saduak.performance.scoring import show
from saduak.performance.selectors.frameworks import framework_list

register = template.Library()


@register.filter
def figure(value: Any) -> str:
    """A weight, target or score without trailing zeros (70, 92.5); "–" for
    none."""
    if value is None or value == "":
        return "–"
    if isinstance(value, Decimal):
        return show(value)
    return str(value)


@register.inclusion_tag("performance/partials/tile.html")
def performance_tile(user: Any) -> dict[str, Any]:
    """This fiscal year's frameworks the user reads, and how many are still
    drafts."""
    if not isinstance(user, User):
        return {"show": False}
    year = current_fiscal_year().be_year
    counts = framework_list(viewer=user, fiscal_year=year).aggregate(
        total=Count("pk"), drafts=Count("pk", filter=Q(status=FrameworkStatus.DRAFT))
    )
    return {
        "show": True,
        "year": year,
        "total": counts["total"] or 0,
        "drafts": counts["drafts"] or 0,
        # Those who issue directives follow them from here.
        "directives": may(user, Action.DIRECTIVE_ISSUE),
    }
