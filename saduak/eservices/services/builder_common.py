"""What the builder's services share: who may build (the matrix's
`eservice.build` and `eservice.publish`), and the draft a change is made to."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saduak.accounts import matrix
from saduak.accounts.models import User
from saduak.core.errors import Conflict
from saduak.eservices.choices import VersionStatus
from saduak.eservices.models import ServiceVersion
from saduak.forms_engine.editing import DOWN as DOWN
from saduak.forms_engine.editing import UP as UP

BUILD_REFUSAL = gettext_lazy(
    "Only e-service administrators and HQ administrators build services."
)


def can_build(user: Any) -> bool:
    """Whether `user` may define services (`eservice.build`)."""
    return isinstance(user, User) and matrix.may(user, matrix.Action.ESERVICE_BUILD)


def ensure_can_build(actor: Any) -> None:
    """Every builder edit: `eservice.build`, wherever the actor sits (a service
    belongs to no office)."""
    matrix.ensure_may(actor, matrix.Action.ESERVICE_BUILD, refusal=BUILD_REFUSAL)


def ensure_can_publish(actor: Any) -> None:
    matrix.ensure_may(actor, matrix.Action.ESERVICE_PUBLISH, refusal=BUILD_REFUSAL)


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
