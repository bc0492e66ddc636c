"""Sender-constrained tokens with DPoP (RFC 9449)."""

from typing import Any

from saduak.identity.oidc.models import RefreshTokenBinding

# Set on oauthlib's request by the token endpoint once a DPoP proof has been
# verified: the RFC 7638 thumbprint of the proof's key.
DPOP_JKT_ATTRIBUTE = "saduak_dpop_jkt"


def refresh_binding_allows(binding: RefreshTokenBinding | None, request: Any) -> bool:
    """Whether a refresh request may use a refresh token with this binding: a
    token bound to a DPoP key only with a proof of that same key (RFC 9449
    section 5)."""
    if binding is None or not binding.jkt:
        return True
    return getattr(request, DPOP_JKT_ATTRIBUTE, "") == binding.jkt
