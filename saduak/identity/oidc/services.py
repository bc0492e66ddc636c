"""Writes for partner sign-in: consents, partners' OAuth clients, and the record of
every sign-in and every release of a citizen's data."""

import ipaddress
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import (
    AbstractApplication,
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
    revoke_access_token,
)

from saduak.accounts.matrix import Action, Actor, ensure_may
from saduak.accounts.models import User
from saduak.audit.services import audit_record
from saduak.core.errors import InvalidInput, NotFound
from saduak.identity.data_access import data_access_record, partner_actor
from saduak.identity.models import (
    AccessChannel,
    ClientAuthMethod,
    Partner,
    PartnerClient,
)
from saduak.identity.oidc.claims import BROWSER_SCOPES, OPENID
from saduak.identity.oidc.client_cache import forget_clients
from saduak.identity.oidc.models import PartnerConsent

LOOPBACK_HOSTS = frozenset({"localhost"})


def oidc_consent_grant(
    *, user: User, partner: Partner, scopes: Iterable[str]
) -> PartnerConsent:
    """Records that the citizen agreed to share `scopes` with the partner. A consent
    in force is widened to cover them (it is locked first, so two tabs agreeing at
    once leave one consent); otherwise a new one starts.

    Audited as `identity.oidc.consent.grant`.
    """
    wanted = set(scopes) & set(BROWSER_SCOPES)
    with transaction.atomic():
        consent = (
            PartnerConsent.objects.select_for_update()
            .filter(user=user, partner=partner, revoked_at__isnull=True)
            .first()
        )
        if consent is None:
            consent = PartnerConsent.objects.create(
                user=user, partner=partner, scopes=_scope_string(wanted)
            )
            before = None
        else:
            before = {"scopes": consent.scopes}
            consent.scopes = _scope_string(consent.scope_set | wanted)
            consent.granted_at = timezone.now()
            consent.save(update_fields=["scopes", "granted_at"])
        audit_record(
            actor=user,
            action="identity.oidc.consent.grant",
            target=consent,
            before=before,
            after={"partner": partner.pk, "scopes": consent.scopes},
        )
    return consent


def oidc_consent_revoke(*, user: User, consent: PartnerConsent) -> None:
    """Withdraws the citizen's consent: the partner must ask again next time, and
    every token and unused code of the partner's clients for this citizen ends
    now. The caller passes a consent the citizen owns (selectors.consent_of).

    Audited as `identity.oidc.consent.revoke`.
    """
    with transaction.atomic():
        updated = PartnerConsent.objects.filter(
            pk=consent.pk, user=user, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if not updated:
            return
        ended = partner_tokens_revoke(user=user, partner=consent.partner)
        audit_record(
            actor=user,
            action="identity.oidc.consent.revoke",
            target=consent,
            after={"partner": consent.partner_id, "tokens_revoked": ended},
        )


def partner_tokens_revoke(*, user: User | None, partner: Partner) -> int:
    """Ends the access, refresh and ID tokens and the unused authorization codes of
    the partner's clients for one citizen (or, with `user` None, for everyone and
    the clients' own machine tokens); returns how many access and refresh tokens
    ended. Runs inside the caller's transaction."""
    applications = get_application_model().objects.filter(
        partner_client__partner=partner
    )
    whose = {} if user is None else {"user": user}
    ended = 0
    for access_token in get_access_token_model().objects.filter(
        application__in=applications, **whose
    ):
        revoke_access_token(access_token)
        ended += 1
    for refresh_token in get_refresh_token_model().objects.filter(
        application__in=applications, revoked__isnull=True, **whose
    ):
        refresh_token.revoke()
        ended += 1
    get_id_token_model().objects.filter(application__in=applications, **whose).delete()
    get_grant_model().objects.filter(application__in=applications, **whose).delete()
    return ended


def partner_tokens_revoke_all(*, actor: Actor, partner: Partner) -> int:
    """Ends every token and unused code the partner's clients hold, for every
    citizen (a leaked key, a partner suspected of misuse); the clients stay and
    must get new tokens. A token the identity check remembers (api.py) stops
    within TOKEN_CACHE_SECONDS. For PARTNER_TOKENS_REVOKE (HQ administrators).
    Audited as `identity.partner.tokens_revoke` with how many ended."""
    ensure_may(actor, Action.PARTNER_TOKENS_REVOKE)
    with transaction.atomic():
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        ended = partner_tokens_revoke(user=None, partner=locked)
        audit_record(
            actor=actor,
            action="identity.partner.tokens_revoke",
            target=locked,
            after={"tokens_revoked": ended},
        )
    return ended


def partner_client_create(
    *,
    partner: Partner,
    redirect_uris: Sequence[str] = (),
    post_logout_redirect_uris: Sequence[str] = (),
    confidential: bool = False,
    machine: bool = False,
    name: str = "",
    actor: Any,
) -> tuple[AbstractApplication, str | None]:
    """Registers an OAuth client for a partner and returns it with its secret, the
    only time the secret is readable (only a hash is stored). A sign-in client uses
    the authorization code flow with PKCE and needs redirect URIs; a `machine`
    client uses client credentials for the identity check API, is always
    confidential, and only for partners allowed to check identities.

    For PARTNER_CLIENT_CREATE (HQ administrators; commands act as the system).
    Audited as `identity.oidc.client.create`.
    """
    ensure_may(actor, Action.PARTNER_CLIENT_CREATE)
    Application = get_application_model()
    if machine:
        if not partner.may_check_identity:
            raise InvalidInput(
                _("This partner may not use the identity check API."),
                field="partner",
            )
        grant_type = Application.GRANT_CLIENT_CREDENTIALS
        confidential = True
        redirect_uris = post_logout_redirect_uris = ()
    else:
        if not redirect_uris:
            raise InvalidInput(
                _("A sign-in client needs at least one redirect URI."),
                field="redirect_uris",
            )
        grant_type = Application.GRANT_AUTHORIZATION_CODE
    for uri in [*redirect_uris, *post_logout_redirect_uris]:
        redirect_uri_check(uri)
    secret = generate_client_secret() if confidential else None
    application = Application(
        name=(name or partner.name_en or partner.name_th)[:255],
        client_type=Application.CLIENT_CONFIDENTIAL
        if confidential
        else Application.CLIENT_PUBLIC,
        authorization_grant_type=grant_type,
        redirect_uris=" ".join(redirect_uris),
        post_logout_redirect_uris=" ".join(post_logout_redirect_uris),
        algorithm="" if machine else Application.RS256_ALGORITHM,
        client_secret=secret or "",
        hash_client_secret=True,
        skip_authorization=False,
    )
    with transaction.atomic():
        application.save()
        PartnerClient.objects.create(
            partner=partner,
            application=application,
            token_endpoint_auth_method=ClientAuthMethod.CLIENT_SECRET_BASIC
            if confidential
            else ClientAuthMethod.NONE,
        )
        audit_record(
            actor=actor,
            action="identity.oidc.client.create",
            target=partner,
            after={
                "client_id": application.client_id,
                "client_type": application.client_type,
                "grant_type": grant_type,
                "redirect_uris": list(redirect_uris),
                "post_logout_redirect_uris": list(post_logout_redirect_uris),
            },
        )
    return application, secret


def redirect_uri_check(uri: str) -> None:
    """Refuses a redirect URI that is not https, except plain http to this machine
    where settings.OIDC_ALLOW_HTTP_LOCALHOST allows it (development and tests). A
    fragment is never allowed (RFC 6749 section 3.1.2)."""
    parts = urlsplit(uri)
    if not parts.hostname or "#" in uri or parts.username or parts.password:
        raise InvalidInput(
            _("%(uri)s is not a usable redirect URI.") % {"uri": uri},
            field="redirect_uris",
        )
    if parts.scheme == "https":
        return
    if (
        parts.scheme == "http"
        and settings.OIDC_ALLOW_HTTP_LOCALHOST
        and _is_loopback(parts.hostname)
    ):
        return
    raise InvalidInput(
        _("Redirect URIs must use https: %(uri)s") % {"uri": uri},
        field="redirect_uris",
    )


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def oidc_sign_in_record(*, user: User, partner: Partner, scopes: str) -> None:
    """Records that the citizen signed in to the partner (an ID token was issued,
    so the partner learnt the pairwise identifier): on the citizen's "who used my
    data" page (a DataAccess row, which HQ's statistics count) and on the audit
    chain as `identity.oidc.sign_in` (actor: the citizen, target: the partner).
    Called inside the code exchange's transaction, so a refused or replayed code
    leaves neither."""
    data_access_record(
        citizen=user,
        channel=AccessChannel.SIGN_IN,
        data_items=["sub"],
        purpose=partner.purpose_th,
        partner=partner,
    )
    audit_record(
        actor=user,
        action="identity.oidc.sign_in",
        target=partner,
        after={"scopes": scopes},
    )


def oidc_claims_release_record(
    *, user: User, partner: Partner, claims: Iterable[str]
) -> None:
    """Records the claims the partner received from the userinfo endpoint: on the
    citizen's "who used my data" page and on the audit chain as
    `identity.oidc.claims_release` (actor and target: the partner, the citizen's
    id in `after`, so that it is not listed among the changes to their account),
    in one transaction."""
    released = sorted(set(claims))
    with transaction.atomic():
        data_access_record(
            citizen=user,
            channel=AccessChannel.USERINFO,
            data_items=released,
            purpose=partner.purpose_th,
            partner=partner,
        )
        audit_record(
            actor=partner_actor(partner),
            action="identity.oidc.claims_release",
            target=partner,
            after={"claims": released, "citizen": user.pk},
        )


def _scope_string(scopes: Iterable[str]) -> str:
    return " ".join(sorted(set(scopes)))


# --- HQ registers partners ---------------------------------------------------------
PARTNER_FIELDS = (
    "name_th",
    "name_en",
    "kind",
    "purpose_th",
    "purpose_en",
    "allowed_scopes",
    "requires_second_factor",
    "may_check_identity",
    "identity_checks_per_day",
    "is_active",
)


def _clean(partner: Partner) -> None:
    partner.allowed_scopes = _scope_string(
        (set(partner.allowed_scopes.split()) & set(BROWSER_SCOPES)) | {OPENID}
    )
    try:
        partner.full_clean()
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(messages[0], field=name) from None


def _partner_state(partner: Partner) -> dict[str, Any]:
    state = {name: getattr(partner, name) for name in PARTNER_FIELDS}
    state["allowed_scopes"] = _scope_string(partner.scopes)
    return state


def partner_create(*, actor: Actor, **fields: Any) -> Partner:
    """Registers a partner with what it may ask for and why (PARTNER_FIELDS).
    For PARTNER_CREATE (HQ administrators). Audited as `identity.partner.create`."""
    ensure_may(actor, Action.PARTNER_CREATE)
    partner = Partner(
        **{name: fields[name] for name in PARTNER_FIELDS if name in fields}
    )
    _clean(partner)
    with transaction.atomic():
        partner.save()
        audit_record(
            actor=actor,
            action="identity.partner.create",
            target=partner,
            after=_partner_state(partner),
        )
    return partner


def partner_update(*, actor: Actor, partner: Partner, **fields: Any) -> Partner:
    """Changes what a partner may ask for and why, or withdraws it (is_active).
    For PARTNER_UPDATE (HQ administrators); the partner's clients are forgotten
    from the cache so the change takes effect at once. Audited as
    `identity.partner.update`."""
    ensure_may(actor, Action.PARTNER_UPDATE)
    with transaction.atomic():
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        before = _partner_state(locked)
        for name in PARTNER_FIELDS:
            if name in fields:
                setattr(locked, name, fields[name])
        _clean(locked)
        after = _partner_state(locked)
        changed = [name for name in PARTNER_FIELDS if before[name] != after[name]]
        if not changed:
            return locked
        locked.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action="identity.partner.update",
            target=locked,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
        client_ids = list(
            get_application_model()
            .objects.filter(partner_client__partner=locked)
            .values_list("client_id", flat=True)
        )
        transaction.on_commit(lambda: forget_clients(client_ids), robust=True)
    return locked


def partner_client_remove(*, actor: Actor, partner: Partner, client_id: str) -> None:
    """Deletes one of the partner's OAuth clients with every token and unused code
    it holds: it stops working at once. For PARTNER_CLIENT_REMOVE (HQ
    administrators). Audited as `identity.oidc.client.remove`."""
    ensure_may(actor, Action.PARTNER_CLIENT_REMOVE)
    Application = get_application_model()
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .filter(client_id=client_id, partner_client__partner=partner)
            .first()
        )
        if application is None:
            raise NotFound(_("This partner has no such client."))
        application.delete()
        audit_record(
            actor=actor,
            action="identity.oidc.client.remove",
            target=partner,
            before={"client_id": client_id},
        )
        transaction.on_commit(lambda: forget_clients([client_id]), robust=True)
