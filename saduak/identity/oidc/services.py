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
    IdTokenEncryptionAlg,
    IdTokenEncryptionEnc,
    Partner,
    PartnerClient,
)
from saduak.identity.oidc.claims import BROWSER_SCOPES, OPENID
from saduak.identity.oidc.client_auth import SECRET_METHODS
from saduak.identity.oidc.client_cache import forget_clients
from saduak.identity.oidc.client_key_source import forget_published_keys
from saduak.identity.oidc.client_keys import keys_of_set, registered_jwks_check
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


# What HQ may set on a client besides its addresses (identity.PartnerClient).
CLIENT_SETTINGS = (
    "token_endpoint_auth_method",
    "jwks",
    "jwks_uri",
    "id_token_signed_response_alg",
    "id_token_encrypted_response_alg",
    "id_token_encrypted_response_enc",
    "require_pushed_authorization_requests",
    "require_signed_request_object",
    "dpop_bound_access_tokens",
    "backchannel_logout_uri",
    "backchannel_logout_session_required",
    "may_introspect",
)
CLIENT_ADDRESSES = ("name", "redirect_uris", "post_logout_redirect_uris")
# Settings that only mean something for a client citizens sign in through.
SIGN_IN_ONLY = (
    "require_pushed_authorization_requests",
    "require_signed_request_object",
    "backchannel_logout_uri",
)
# OIDC Core 10.2: with an encryption algorithm and no content encryption named,
# A128CBC-HS256 is used.
DEFAULT_ENC = IdTokenEncryptionEnc.A128CBC_HS256
ENC_KEY_TYPE: dict[str, str] = {
    IdTokenEncryptionAlg.RSA_OAEP_256.value: "RSA",
    IdTokenEncryptionAlg.ECDH_ES_A256KW.value: "EC",
}


def partner_client_create(
    *,
    partner: Partner,
    redirect_uris: Sequence[str] = (),
    post_logout_redirect_uris: Sequence[str] = (),
    confidential: bool = False,
    machine: bool = False,
    name: str = "",
    actor: Any,
    **settings_: Any,
) -> tuple[AbstractApplication, str | None]:
    """Registers an OAuth client for a partner and returns it with its secret, the
    only time the secret is readable (only a hash is stored). A sign-in client uses
    the authorization code flow with PKCE and needs redirect URIs; a `machine`
    client uses client credentials for the identity check API, is always
    confidential, and only for partners allowed to check identities.

    `settings_` are CLIENT_SETTINGS (checked as partner_client_update does). A
    confidential client registered with `token_endpoint_auth_method`
    "private_key_jwt" gets no secret (None is returned): it signs client
    assertions with a key of its `jwks` or `jwks_uri`.

    For PARTNER_CLIENT_CREATE (HQ administrators; commands act as the system).
    Audited as `identity.oidc.client.create`.
    """
    ensure_may(actor, Action.PARTNER_CLIENT_CREATE)
    Application = get_application_model()
    unknown = set(settings_) - set(CLIENT_SETTINGS)
    if unknown:
        raise TypeError(f"Unknown client settings: {sorted(unknown)}")
    if machine:
        if not partner.may_check_identity:
            raise InvalidInput(
                _("This partner may not use the identity check API."),
                field="partner",
            )
        grant_type = Application.GRANT_CLIENT_CREDENTIALS
        confidential = True
    else:
        grant_type = Application.GRANT_AUTHORIZATION_CODE
    method = settings_.get("token_endpoint_auth_method") or (
        ClientAuthMethod.CLIENT_SECRET_BASIC if confidential else ClientAuthMethod.NONE
    )
    secret = generate_client_secret() if method in SECRET_METHODS else None
    application = Application(
        name=(name or partner.name_en or partner.name_th)[:255],
        client_type=Application.CLIENT_CONFIDENTIAL
        if confidential
        else Application.CLIENT_PUBLIC,
        authorization_grant_type=grant_type,
        redirect_uris=" ".join(redirect_uris),
        post_logout_redirect_uris=" ".join(post_logout_redirect_uris),
        algorithm="" if machine else Application.RS256_ALGORITHM,
        # A private_key_jwt client gets a random secret nobody ever sees.
        client_secret=secret or generate_client_secret(),
        hash_client_secret=True,
        skip_authorization=False,
    )
    partner_client = PartnerClient(partner=partner, application=application)
    _client_apply(
        application,
        partner_client,
        {**settings_, "token_endpoint_auth_method": method},
    )
    _client_check(application, partner_client)
    with transaction.atomic():
        application.save()
        partner_client.application = application
        partner_client.save()
        audit_record(
            actor=actor,
            action="identity.oidc.client.create",
            target=partner,
            after={
                "client_id": application.client_id,
                "client_type": application.client_type,
                "grant_type": grant_type,
                **_client_state(application, partner_client),
            },
        )
    return application, secret


def partner_client_update(
    *, actor: Actor, partner: Partner, client_id: str, **fields: Any
) -> tuple[AbstractApplication, str | None]:
    """Changes one of the partner's clients: its name and addresses
    (CLIENT_ADDRESSES: `redirect_uris` and `post_logout_redirect_uris` as lists)
    and its security settings (CLIENT_SETTINGS): how it authenticates, its public
    keys (a JWK Set held here, or the https address of one it publishes, not
    both), its ID token algorithms, whether it must use PAR, signed request
    objects or DPoP, its back-channel logout address, and whether its resource
    server may introspect tokens.

    Moving a confidential client from a shared secret to private_key_jwt erases
    the secret (replaced by a random one nobody sees: the old one stops working
    at once). Moving it back gives it a new secret, returned here and readable
    only this once; otherwise the second value is None.

    For PARTNER_CLIENT_UPDATE (HQ administrators). Raises NotFound for a client
    of another partner, InvalidInput (with the field) for a setting that does not
    fit. Audited as `identity.oidc.client.update` with the changed fields before
    and after (keys by kid and use only); the client is forgotten from the cache
    when the change commits.
    """
    ensure_may(actor, Action.PARTNER_CLIENT_UPDATE)
    unknown = set(fields) - set(CLIENT_SETTINGS) - set(CLIENT_ADDRESSES)
    if unknown:
        raise TypeError(f"Unknown client fields: {sorted(unknown)}")
    Application = get_application_model()
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .filter(client_id=client_id, partner_client__partner=partner)
            .first()
        )
        if application is None:
            raise NotFound(_("This partner has no such client."))
        partner_client = PartnerClient.objects.select_for_update().get(
            application=application
        )
        before = _client_state(application, partner_client)
        old_method = partner_client.token_endpoint_auth_method
        _client_apply(application, partner_client, fields)
        _client_check(application, partner_client)
        after = _client_state(application, partner_client)
        changed = [name for name in after if before[name] != after[name]]
        if not changed:
            return application, None
        secret = None
        new_method = partner_client.token_endpoint_auth_method
        if old_method in SECRET_METHODS and new_method not in SECRET_METHODS:
            application.client_secret = generate_client_secret()
            after["client_secret"] = "erased"
        elif old_method not in SECRET_METHODS and new_method in SECRET_METHODS:
            secret = generate_client_secret()
            application.client_secret = secret
            after["client_secret"] = "new"
        application.save()
        partner_client.save()
        audit_record(
            actor=actor,
            action="identity.oidc.client.update",
            target=partner,
            before={"client_id": client_id, **{n: before[n] for n in changed}},
            after={
                "client_id": client_id,
                **{n: after[n] for n in [*changed, "client_secret"] if n in after},
            },
        )
        uris = {before.get("jwks_uri"), after.get("jwks_uri")} - {None, ""}

        def forget() -> None:
            forget_clients([client_id])
            for uri in uris:
                forget_published_keys(str(uri))

        transaction.on_commit(forget, robust=True)
    return application, secret


def _client_apply(
    application: AbstractApplication,
    partner_client: PartnerClient,
    fields: dict[str, Any],
) -> None:
    """Sets the given fields on the client (unchecked, but keys reduced to their
    public members by client_keys.registered_jwks_check)."""
    for name in CLIENT_ADDRESSES:
        if name not in fields:
            continue
        value = fields[name]
        if name == "name":
            application.name = str(value)[:255]
        else:
            setattr(application, name, " ".join(str(uri) for uri in value))
    for name in CLIENT_SETTINGS:
        if name not in fields:
            continue
        value = fields[name]
        if name == "jwks":
            value = registered_jwks_check(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(partner_client, name, value)


def _client_check(
    application: AbstractApplication, partner_client: PartnerClient
) -> None:
    """Refuses settings that do not fit together (InvalidInput with the field)."""
    Application = get_application_model()
    machine = (
        application.authorization_grant_type == Application.GRANT_CLIENT_CREDENTIALS
    )
    public = application.client_type == Application.CLIENT_PUBLIC
    redirect_uris = application.redirect_uris.split()
    post_logout = application.post_logout_redirect_uris.split()
    method = partner_client.token_endpoint_auth_method
    if method not in ClientAuthMethod.values:
        raise InvalidInput(
            _("Choose how the client proves who it is."),
            field="token_endpoint_auth_method",
        )
    if public != (method == ClientAuthMethod.NONE):
        raise InvalidInput(
            _("An app client has no secret and no key to prove itself with.")
            if public
            else _("A server client must prove itself with a secret or a key."),
            field="token_endpoint_auth_method",
        )
    if machine:
        if redirect_uris or post_logout:
            raise InvalidInput(
                _("A client of the identity check API has no redirect URIs."),
                field="redirect_uris",
            )
        for name in SIGN_IN_ONLY:
            if getattr(partner_client, name):
                raise InvalidInput(
                    _("This setting is only for clients that sign citizens in."),
                    field=name,
                )
    elif not redirect_uris:
        raise InvalidInput(
            _("A sign-in client needs at least one redirect URI."),
            field="redirect_uris",
        )
    for uri in redirect_uris:
        redirect_uri_check(uri)
    for uri in post_logout:
        try:
            redirect_uri_check(uri)
        except InvalidInput as error:
            raise InvalidInput(
                error.message, field="post_logout_redirect_uris"
            ) from None
    for name in ("jwks_uri", "backchannel_logout_uri"):
        if uri := getattr(partner_client, name):
            try:
                redirect_uri_check(uri)
            except InvalidInput as error:
                raise InvalidInput(error.message, field=name) from None
    jwks = partner_client.jwks or {}
    if jwks and partner_client.jwks_uri:
        raise InvalidInput(
            _("Register the keys or the address of the keys, not both."),
            field="jwks_uri",
        )
    needs_signing_key = (
        method == ClientAuthMethod.PRIVATE_KEY_JWT
        or partner_client.require_signed_request_object
    )
    if needs_signing_key and not (
        partner_client.jwks_uri or keys_of_set(jwks, use="sig")
    ):
        raise InvalidInput(
            _(
                "Signed client assertions and request objects need the "
                'client\'s signing key ("use": "sig") or its keys address.'
            ),
            field="jwks",
        )
    enc_alg = partner_client.id_token_encrypted_response_alg
    if partner_client.id_token_encrypted_response_enc and not enc_alg:
        raise InvalidInput(
            _("Choose the encryption algorithm too, or no content encryption."),
            field="id_token_encrypted_response_alg",
        )
    if enc_alg:
        if not partner_client.id_token_encrypted_response_enc:
            partner_client.id_token_encrypted_response_enc = DEFAULT_ENC
        kty = ENC_KEY_TYPE.get(enc_alg)
        if not partner_client.jwks_uri and not any(
            member.get("use") == "enc" and member.get("kty") == kty
            for member in jwks.get("keys", [])
        ):
            raise InvalidInput(
                _(
                    "Encrypted ID tokens need the client's %(kty)s encryption key "
                    '("use": "enc") or its keys address.'
                )
                % {"kty": kty or "?"},
                field="jwks",
            )
    if partner_client.may_introspect and public:
        raise InvalidInput(
            _("Only a server client can prove itself when it introspects tokens."),
            field="may_introspect",
        )
    try:
        partner_client.full_clean(exclude=["partner", "application"])
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(messages[0], field=name) from None


def _client_state(
    application: AbstractApplication, partner_client: PartnerClient
) -> dict[str, Any]:
    """What the audit records of a client: its addresses and settings, its keys
    by kid and use only."""
    state: dict[str, Any] = {
        "name": application.name,
        "redirect_uris": application.redirect_uris.split(),
        "post_logout_redirect_uris": application.post_logout_redirect_uris.split(),
    }
    for name in CLIENT_SETTINGS:
        state[name] = getattr(partner_client, name)
    state["jwks"] = [
        f"{member.get('kid')} ({member.get('use')})"
        for member in (partner_client.jwks or {}).get("keys", [])
    ]
    return state


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
