from django.utils.translation import gettext_lazy as _

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.accounts.scoping import has_role, manage_reach
from saduak.areas.models import Office
from saduak.core.errors import PermissionDeniedError


def can_manage_office(user: User, office: Office) -> bool:
    return manage_reach(user).covers_office(office)


def ensure_can_manage_office(user: User, office: Office) -> None:
    if not can_manage_office(user, office):
        raise PermissionDeniedError(
            _(
                "Only administrators of this office's district, province or HQ can change it."
            )
        )


def can_edit_national_holidays(user: User) -> bool:
    return has_role(user, [Role.HQ_ADMIN])


def ensure_can_edit_national_holidays(user: User) -> None:
    if not can_edit_national_holidays(user):
        raise PermissionDeniedError(
            _("Only HQ administrators can change national holidays.")
        )
