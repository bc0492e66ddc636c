"""HQ's partners over the API, through the same services as the pages."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from saduak.accounts.permissions import acting_user
from saduak.core.api_auth import STAFF_OR_MACHINE
from saduak.identity.models import Partner
from saduak.identity.oidc import selectors, services
from saduak.identity.oidc.schemas import (
    ClientIn,
    NewClientOut,
    PartnerIn,
    PartnerOut,
    PartnerPatch,
)

router = Router(auth=STAFF_OR_MACHINE)


def _partner_out(partner: Partner) -> dict[str, Any]:
    return {
        "id": partner.pk,
        **{name: getattr(partner, name) for name in services.PARTNER_FIELDS},
        "clients": [
            _client_out(client) for client in selectors.partner_clients(partner)
        ],
    }


def _client_out(client: Any) -> dict[str, Any]:
    return {
        "client_id": client.client_id,
        "name": client.name,
        "client_type": client.client_type,
        "grant_type": client.authorization_grant_type,
        "redirect_uris": client.redirect_uris.split(),
        "post_logout_redirect_uris": client.post_logout_redirect_uris.split(),
    }


@router.get("", response=list[PartnerOut])
def partner_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        _partner_out(partner)
        for partner in selectors.partners_for_hq(viewer=acting_user(request))
    ]


@router.post("", response={201: PartnerOut})
def partner_create(request: HttpRequest, payload: PartnerIn) -> Status:
    partner = services.partner_create(
        actor=acting_user(request), **payload.service_fields()
    )
    return Status(201, _partner_out(partner))


@router.get("/{partner_id}", response=PartnerOut)
def partner_get(request: HttpRequest, partner_id: int) -> dict[str, Any]:
    partner = selectors.partner_for_hq(
        viewer=acting_user(request), partner_id=partner_id
    )
    return _partner_out(partner)


@router.patch("/{partner_id}", response=PartnerOut)
def partner_update(
    request: HttpRequest, partner_id: int, payload: PartnerPatch
) -> dict[str, Any]:
    user = acting_user(request)
    partner = selectors.partner_for_hq(viewer=user, partner_id=partner_id)
    changed = services.partner_update(
        actor=user, partner=partner, **payload.service_fields()
    )
    return _partner_out(changed)


@router.post("/{partner_id}/clients", response={201: NewClientOut})
def client_create(request: HttpRequest, partner_id: int, payload: ClientIn) -> Status:
    user = acting_user(request)
    partner = selectors.partner_for_hq(viewer=user, partner_id=partner_id)
    application, secret = services.partner_client_create(
        partner=partner, actor=user, **payload.service_fields()
    )
    return Status(201, {**_client_out(application), "client_secret": secret})


@router.delete("/{partner_id}/clients/{client_id}", response={204: None})
def client_remove(request: HttpRequest, partner_id: int, client_id: str) -> Status:
    user = acting_user(request)
    partner = selectors.partner_for_hq(viewer=user, partner_id=partner_id)
    services.partner_client_remove(actor=user, partner=partner, client_id=client_id)
    return Status(204, None)
