"""An authorization code presented a second time (RFC 6749 section 4.1.2: "If an
authorization code is used more than once, the authorization server MUST deny the
request and SHOULD revoke (when possible) all tokens previously issued based on
that authorization code"; RFC 9700 section 4.5).

The token endpoint answers such a request `invalid_grant` and rolls back all it
wrote, so the validator only notes the replay (replay_note); the view ends the
sign-in's tokens after its rolled-back transaction (sign_in_tokens_end), so that
the ending stays. Only a code that was exchanged once already (its
PartnerSignIn.code_used_at set) counts: a first exchange refused for another
reason (a wrong PKCE verifier) ends nothing."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from saduak.audit.services import audit_record
from saduak.identity.data_access import partner_actor
from saduak.identity.oidc.models import PartnerSignIn
from saduak.identity.oidc.selectors import partner_for_application


@dataclass(frozen=True)
class CodeReplay:
    """A code presented again by the client it was issued to (authenticated)."""

    application_id: int
    code_hash: str


# The replays noted while one token request is handled (None outside one).
_noted: ContextVar[list[CodeReplay] | None] = ContextVar(
    "saduak_oidc_code_replays", default=None
)


@contextmanager
def replays_collected() -> Iterator[list[CodeReplay]]:
    """Collects the replays the validator notes during the block (the token view
    wraps its request in it)."""
    found: list[CodeReplay] = []
    token = _noted.set(found)
    try:
        yield found
    finally:
        _noted.reset(token)


def replay_note(*, application_id: int, code_hash: str) -> None:
    found = _noted.get()
    replay = CodeReplay(application_id=application_id, code_hash=code_hash)
    if found is not None and replay not in found:
        found.append(replay)


def sign_in_tokens_end(replay: CodeReplay) -> int:
    """Ends every access and refresh token issued from the replayed code's sign-in
    (the tokens bound to it, and the refresh families they began) and marks the
    sign-in ended, so nothing more is issued from it; returns how many tokens
    ended. Audited `identity.oidc.code_replay` (actor: the partner's client).
    Nothing happens for a code never exchanged successfully."""
    AccessToken = get_access_token_model()
    RefreshToken = get_refresh_token_model()
    with transaction.atomic():
        sign_in = (
            PartnerSignIn.objects.select_for_update()
            .filter(
                code_hash=replay.code_hash,
                application_id=replay.application_id,
                code_used_at__isnull=False,
            )
            .select_related("application")
            .first()
        )
        if sign_in is None:
            return 0
        refresh_tokens = RefreshToken.objects.filter(
            saduak_binding__sign_in=sign_in, application_id=sign_in.application_id
        )
        families = {
            family
            for family in refresh_tokens.values_list("token_family", flat=True)
            if family
        }
        live_refresh = RefreshToken.objects.filter(
            Q(saduak_binding__sign_in=sign_in) | Q(token_family__in=families),
            application_id=sign_in.application_id,
            revoked__isnull=True,
        )
        access_tokens = AccessToken.objects.filter(
            Q(saduak_binding__sign_in=sign_in)
            | Q(refresh_token__token_family__in=families)
            | Q(source_refresh_token__token_family__in=families),
            application_id=sign_in.application_id,
        )
        access_ids = set(access_tokens.values_list("pk", flat=True))
        ended = live_refresh.count() + len(access_ids)
        for family in families:
            RefreshToken.revoke_family(family)
        for refresh_token in live_refresh:
            refresh_token.revoke()
        AccessToken.objects.filter(pk__in=access_ids).delete()
        first_end = sign_in.ended_at is None
        if first_end:
            sign_in.ended_at = timezone.now()
            sign_in.save(update_fields=["ended_at"])
        if first_end or ended:
            partner = partner_for_application(sign_in.application)
            audit_record(
                actor=partner_actor(partner) if partner is not None else None,
                action="identity.oidc.code_replay",
                target=partner,
                after={
                    "client_id": sign_in.application.client_id,
                    "sign_in": sign_in.pk,
                    "tokens_revoked": ended,
                },
            )
        return ended
