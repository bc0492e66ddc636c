"""HQ's partners over the API, through the same services as the pages. Each
change asks a session for a recent second factor (403 second-factor-required);
bearer-token calls are not asked."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Status

from saduak.accounts.api_auth import STAFF_OR_MACHINE
from saduak.accounts.matrix import Action
from saduak.accounts.permissions import acting_user
from saduak.identity.models import Partner
from saduak.identity.oidc import selectors, services
from saduak.identity.oidc.schemas import (
    ChangedClientOut,
    ClientIn,
    ClientPatch,
    NewClientOut,
    PartnerIn,
    PartnerOut,
    PartnerPatch,
    TokensRevokedOut,
)
from saduak.identity.step_up import ensure_recent_second_factor

router = Router(auth=STAFF_OR_MACHINE)


def _partner_out(partner: Partner) -> dict[str, Any]:
    return {
        "id": partner.public_id,
        **{name: getattr(partner, name) for name in services.PARTNER_FIELDS},
        "clients": [
            _client_out(client) for client in selectors.partner_clients(partner)
        ],
    }


def _client_out(client: Any) -> dict[str, Any]:
    partner_client = client.partner_client
    return {
        "client_id": client.client_id,
        "name": client.name,
        "client_type": client.client_type,
        "grant_type": client.authorization_grant_type,
        "redirect_uris": client.redirect_uris.split(),
        "post_logout_redirect_uris": client.post_logout_redirect_uris.split(),
        **{name: getattr(partner_client, name) for name in services.CLIENT_SETTINGS},
    }


@router.get("", response=list[PartnerOut])
def partner_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        _partner_out(partner)
        for partner in selectors.partners_for_hq(viewer=acting_user(request))
    ]


@router.post(
    "",
    response={201: PartnerOut},
    openapi_extra={"x-action": Action.PARTNER_CREATE.value},
)
def partner_create(request: HttpRequest, payload: PartnerIn) -> Status:
    ensure_recent_second_factor(request)
    partner = services.partner_create(
        actor=acting_user(request), **payload.service_fields()
    )
    return Status(201, _partner_out(partner))


@router.get("/{partner_id}", response=PartnerOut)
def partner_get(request: HttpRequest, partner_id: UUID) -> dict[str, Any]:
    partner = selectors.partner_for_hq(
        viewer=acting_user(request), partner_id=partner_id
    )
    return _partner_out(partner)


@router.patch(
    "/{partner_id}",
    response=PartnerOut,
    openapi_extra={"x-action": Action.PARTNER_UPDATE.value},
)
def partner_update(
    request: HttpRequest, partner_id: UUID, payload: PartnerPatch
) -> dict[str, Any]:
    ensure_recent_second_factor(request)
    user = acting_user(request)
    partner = selectors.partner_for_hq(viewer=user, partner_id=partner_id)
    changed = services.partner_update(
        actor=user, partner=partner, **payload.service_fields()
    )
    return _partner_out(changed)


@router.post(
    "/{partner_id}/clients",
    response={201: NewClientOut},
    openapi_extra={"x-action": Action.PARTNER_CLIENT_CREATE.value},
)
def client_create(request: HttpRequest, partner_id: UUID, payload: ClientIn) -> Status:
    ensure_recent_second_factor(request)
    user = acting_user(request)
    partner = selectors.partner_for_hq(viewer=user, partner_id=partner_id)
    application, secret = services.partner_client_create(
        partner=partner, actor=user, **payload.service_fields()
    )
    return Status(201, {**_client_out(application), "client_secret": secret})


@router.patch(
    "/{partner_id}/clients/{client_id}",
    response=ChangedClientOut,
    openapi_extra={"x-action": Action.PARTNER_CLIENT_UPDATE.value},
)
def client_update(
    request: HttpRequest, partner_id: UUID, client_id: str, payload: ClientPatch
) -> dict[str, Any]:
    """Changes a client's addresses, keys and security settings; the answer
    carries a new secret only when the client moved back to a shared secret."""
    ensure_recent_second_factor(request)
    user = acting_user(request)
    partner = selectors.partner_for_hq(viewer=user, partner_id=partner_id)
    application, secret = services.partner_client_update(
        actor=user, partner=partner, client_id=client_id, **payload.service_fields()
    )
    return {**_client_out(application), "client_secret": secret}


@router.delete(
    "/{partner_id}/clients/{client_id}",
    response={204: None},
    openapi_extra={"x-action": Action.PARTNER_CLIENT_REMOVE.value},
)
def client_remove(request: HttpRequest, partner_id: UUID, client_id: str) -> Status:
    ensure_recent_second_factor(request)
    user = acting_user(request)
    partner = selectors.partner_for_hq(viewer=user, partner_id=partner_id)
    services.partner_client_remove(actor=user, partner=partner, client_id=client_id)
    return Status(204, None)


@router.post(
    "/{partner_id}/token-revocations",
    response=TokensRevokedOut,
    openapi_extra={"x-action": Action.PARTNER_TOKENS_REVOKE.value},
)
def tokens_revoke(request: HttpRequest, partner_id: UUID) -> dict[str, int]:
    """Ends every token and unused code the partner's clients hold."""
    ensure_recent_second_factor(request)
    user = acting_user(request)
    partner = selectors.partner_for_hq(viewer=user, partner_id=partner_id)
    return {
        "tokens_revoked": services.partner_tokens_revoke_all(
            actor=user, partner=partner
        )
    }
