"""What the builder's services share: who may build, and the draft a change
is made to."""

from typing import Any

from django.utils.translation import gettext as _

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.accounts.scoping import has_role
from saduak.core.errors import Conflict, PermissionDeniedError
from saduak.eservices.choices import VersionStatus
from saduak.eservices.models import ServiceVersion

BUILDER_ROLES = frozenset({Role.ESERVICE_ADMIN, Role.HQ_ADMIN})
UP, DOWN = "up", "down"


def can_build(user: Any) -> bool:
    """Whether `user` may define services: an e-service administrator or an HQ
    administrator."""
    return isinstance(user, User) and has_role(user, BUILDER_ROLES)


def ensure_can_build(actor: Any) -> None:
    if not can_build(actor):
        raise PermissionDeniedError(
            _("Only e-service administrators and HQ administrators build services.")
        )


def locked_draft(version: ServiceVersion) -> ServiceVersion:
    locked = ServiceVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != VersionStatus.DRAFT:
        raise Conflict(
            _(
                "Version %(number)s is published and can never change. Make a new "
                "version instead: it starts as a copy of this one."
            )
            % {"number": locked.number},
            code="version-published",
        )
    return locked


def copy_pieces(source: ServiceVersion, target: ServiceVersion) -> None:
    for name in ("manual", "form", "workflow", "status", "updated_at"):
        setattr(target, name, getattr(source, name))
