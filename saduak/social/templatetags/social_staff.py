"""The staff home's "Social Match" tile (templates/areas/staff_home.html
loads this library by name; the staff home's app sits below social and never
imports it): shown to the roles that use Social Match (the matrix's social
actions) and to those who read the whole country, with the households of the
newest year found and waiting for a forum in the viewer's area, from
TargetingCounts (one indexed sum)."""

from typing import Any

from django import template
from django.db.models import Q, Sum

from saduak.accounts.matrix import Action, may
from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.social.models import TargetingCounts
from saduak.social.selectors.targeting import rule_set_latest

register = template.Library()

SOCIAL_ACTIONS = [action for action in Action if action.value.startswith("social.")]


def uses_social_match(user: User) -> bool:
    return read_reach(user).everything or any(
        may(user, action) for action in SOCIAL_ACTIONS
    )


@register.inclusion_tag("social/partials/tile.html")
def social_tile(user: Any) -> dict[str, Any]:
    if not isinstance(user, User) or not uses_social_match(user):
        return {"show": False}
    rule_set = rule_set_latest()
    found = undecided = 0
    reach = read_reach(user)
    if rule_set is not None and not reach.is_empty:
        where = (
            Q()
            if reach.everything
            else (
                Q(district_code__in=reach.districts)
                | Q(province_code__in=reach.provinces)
            )
        )
        sums = TargetingCounts.objects.filter(
            where, rule_set=rule_set, dimension=""
        ).aggregate(
            found=Sum("found"), confirmed=Sum("confirmed"), removed=Sum("removed")
        )
        found = int(sums["found"] or 0)
        undecided = found - int(sums["confirmed"] or 0) - int(sums["removed"] or 0)
    return {
        "show": True,
        "year": rule_set.year if rule_set is not None else None,
        "found": found,
        "undecided": undecided,
        "sources": may(user, Action.SOCIAL_SOURCE_IMPORT),
        "rules": may(user, Action.SOCIAL_RULES_EDIT) or may(user, Action.SOCIAL_SCREEN),
        "cases": may(user, Action.SOCIAL_CASE_MANAGE),
    }


@register.simple_tag
def social_may(user: Any, action: str, household: Any) -> bool:
    """Whether `user` may carry out `action` (a matrix action's value) over
    the household's district: what a page asks before showing a link."""
    return isinstance(user, User) and may(
        user,
        Action(action),
        district_code=household.district_code,
        province_code=household.province_code,
    )
