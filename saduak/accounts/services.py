"""Creating people and giving staff their roles."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from saduak.accounts.choices import Role
from saduak.accounts.matrix import Action, ensure_may
from saduak.accounts.models import ApiToken, StaffRole, User, hash_token
from saduak.areas.choices import DISTRICT_LEVEL_KINDS, OfficeKind
from saduak.areas.models import Office
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput, PermissionDeniedError
from saduak.core.personal_id import clean_personal_id

# Which kinds of office each role is held at; the office then sets the role's reach.
ROLE_OFFICE_KINDS: dict[str, frozenset[str]] = {
    Role.COUNTER_OFFICER: DISTRICT_LEVEL_KINDS | {OfficeKind.PROVINCIAL_OFFICE},
    Role.DISTRICT_ADMIN: frozenset({OfficeKind.DISTRICT_OFFICE}),
    Role.SOCIAL_WORKER: frozenset({OfficeKind.DISTRICT_OFFICE}),
    Role.PROVINCIAL_STAFF: frozenset({OfficeKind.PROVINCIAL_OFFICE}),
    Role.HQ_ADMIN: frozenset({OfficeKind.HEADQUARTERS}),
    Role.AUDITOR: frozenset({OfficeKind.HEADQUARTERS}),
    Role.ESERVICE_ADMIN: frozenset({OfficeKind.HEADQUARTERS}),
    Role.FINANCE_OFFICER: frozenset(
        {OfficeKind.PROVINCIAL_OFFICE, OfficeKind.HEADQUARTERS}
    ),
}


def user_create(
    *,
    personal_id: str,
    first_name: str,
    last_name: str,
    password: str | None,
    actor: Any,
    **fields: Any,
) -> User:
    """Creates a citizen or staff account keyed by a valid personal ID.

    Refuses an invalid ID (saying why) or one already registered. Audited as
    `user.create`.
    """
    try:
        cleaned = clean_personal_id(personal_id)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="personal_id") from None
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                cleaned, password, first_name=first_name, last_name=last_name, **fields
            )
            audit_record(
                actor=actor,
                action="user.create",
                target=user,
                after={"first_name": first_name, "last_name": last_name},
            )
    except IntegrityError:
        raise Conflict(
            _("An account with this personal ID already exists."), field="personal_id"
        ) from None
    return user


def staff_role_grant(
    *, user: User, role: Role, office: Office, actor: Any
) -> StaffRole:
    """Gives `user` a role at `office`; the office must be of a kind the role is held
    at. Granting again reactivates a withdrawn role. Only HQ administrators
    (`staff_role.grant`) and commands (a system actor) give roles. Audited as
    `staff_role.grant`."""
    ensure_may(actor, Action.STAFF_ROLE_GRANT)
    if office.kind not in ROLE_OFFICE_KINDS[role]:
        raise InvalidInput(
            _("A %(role)s works at a different kind of office.") % {"role": role.label},
            field="office",
        )
    with transaction.atomic():
        staff_role, created = StaffRole.objects.get_or_create(
            user=user,
            role=role,
            office=office,
            defaults={"granted_by": actor if isinstance(actor, User) else None},
        )
        if not created and not staff_role.is_active:
            staff_role.is_active = True
            staff_role.save(update_fields=["is_active", "updated_at"])
        audit_record(
            actor=actor,
            action="staff_role.grant",
            target=staff_role,
            after={
                "user": user.masked_personal_id,
                "role": role.value,
                "office": office.code,
            },
            office=office,
        )
    return staff_role


def api_token_create(*, user: User, name: str, actor: Any) -> tuple[ApiToken, str]:
    """Makes a bearer token for `user`. Returns the record and the token itself, which
    is not stored and cannot be shown again. Only HQ administrators
    (`api_token.create`) and commands (a system actor) make tokens, for anyone
    including themselves: a token signs in without a second factor. Audited as
    `api_token.create`."""
    ensure_may(actor, Action.API_TOKEN_CREATE)
    raw = ApiToken.generate_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, key_hash=hash_token(raw), key_prefix=raw[:10]
        )
        audit_record(
            actor=actor,
            action="api_token.create",
            target=token,
            after={
                "user": user.masked_personal_id,
                "name": name,
                "prefix": token.key_prefix,
            },
        )
    return token, raw


def user_position_set(*, actor: User, position: str) -> User:
    """Sets the signed-in staff member's own official position (ตำแหน่ง,
    e.g. ปลัดจังหวัดเชียงใหม่), which is recorded from their account where
    they sign or certify (a report's certifier, a directive's signer).

    Preconditions: `actor` holds an active staff role (a citizen has no
    position); each person sets only their own. The text is trimmed, at most
    200 characters; empty clears it. Locks the user's row. Audited as
    `user.position` (before and after) when it changes.
    """
    text = " ".join(str(position or "").split())
    if not actor.staff_roles.filter(is_active=True).exists():
        raise PermissionDeniedError(_("Only staff members have an official position."))
    max_length = User._meta.get_field("position").max_length or 200
    if len(text) > max_length:
        raise InvalidInput(
            _("A position is at most %(most)s characters.") % {"most": max_length},
            field="position",
        )
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        if user.position == text:
            return user
        before = user.position
        user.position = text
        user.save(update_fields=["position"])
        audit_record(
            actor=actor,
            action="user.position",
            target=user,
            before={"position": before},
            after={"position": text},
        )
    return user
