"""The partners' OAuth clients, remembered for a minute: every token request and
sign-in names its client, and clients change rarely. HQ's own changes forget
them at once; other changes take effect within CLIENT_CACHE_SECONDS."""

import hashlib
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from oauth2_provider.models import get_application_model

from saduak.identity.models import Partner

CLIENT_CACHE_SECONDS = 60


def _key(client_id: str) -> str:
    return "oidc:client:" + hashlib.sha256(client_id.encode()).hexdigest()


def application_with_partner(client_id: str) -> tuple[Any, Partner | None] | None:
    """The client and its partner, read in one query or from the cache."""
    if not client_id:
        return None
    remembered = cache.get(_key(client_id))
    if remembered is not None:
        return remembered  # type: ignore[no-any-return]
    Application = get_application_model()
    try:
        application = Application.objects.select_related("partner_client__partner").get(
            client_id=client_id
        )
    except (Application.DoesNotExist, ValueError):
        return None
    try:
        partner = application.partner_client.partner
    except ObjectDoesNotExist:
        partner = None
    cache.set(_key(client_id), (application, partner), CLIENT_CACHE_SECONDS)
    return application, partner


def forget_clients(client_ids: list[str]) -> None:
    cache.delete_many([_key(client_id) for client_id in client_ids])
