"""Reads of the map that depend on who is asking (the viewer's reach comes from
their roles, in accounts). The map's own reads are in areas/selectors.py."""

from django.db.models import QuerySet

from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.areas.models import Office
from saduak.areas.selectors import office_list


def offices_for_staff(*, user: User, search: str = "") -> QuerySet[Office]:
    """The offices a staff member works in or oversees."""
    return office_list(search=search, reach=read_reach(user))
