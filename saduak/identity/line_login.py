"""Who is on a LIFF page: the LINE Login ID token the LIFF SDK hands the page,
verified by the server (never a user id the phone sends). LINE checks the
token's signature for us at its verify endpoint; we check that the token was
issued by LINE, to our channel, and is still valid.
LINE_LOGIN_BACKEND "line" asks LINE; "console" (development, the demo, tests)
accepts only tokens written "console:<user id>".

Every LIFF page uses it (feedback's vote page, the complaints' LIFF form):
`line_id_token_verifier().verify(id_token)` gives the `LineIdentity`, or raises
InvalidInput ("line-token-invalid", 400) or LineUnavailable (503). A page
refuses a missing token itself, with `TOKEN_MISSING_CODE` and its own words
for what was not done."""

import re
import time
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from saduak.core.errors import DomainError, InvalidInput

LINE_ISSUER = "https://access.line.me"
VERIFY_PATH = "/oauth2/v2.1/verify"
# A JWT of a few kilobytes at most; anything longer is not a LINE ID token.
MAX_TOKEN_LENGTH = 4096
CONSOLE_PREFIX = "console:"
# The code of a page's refusal when the form came without an ID token.
TOKEN_MISSING_CODE = "line-token-missing"
_CONSOLE_USER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class LineIdentity:
    user_id: str
    display_name: str = ""


class LineUnavailable(DomainError):
    """LINE could not be asked; the person may try again, nothing was stored."""

    status = 503
    code = "line-unavailable"


class LineIdTokenVerifier(Protocol):
    def verify(self, id_token: str) -> LineIdentity: ...


def _token_refused() -> InvalidInput:
    return InvalidInput(
        _(
            "Your LINE sign-in could not be confirmed: it has expired or was "
            "changed. Close this page and open it again from LINE."
        ),
        code="line-token-invalid",
    )


class LineLoginVerifier:
    """Asks LINE Login's verify endpoint, once (a person can tap again; a
    retry inside the request would only keep them waiting)."""

    def __init__(
        self,
        *,
        host: str,
        channel_id: str,
        timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = host.rstrip("/") + VERIFY_PATH
        self.channel_id = channel_id
        self.timeout = timeout
        self.transport = transport

    @classmethod
    def from_settings(cls) -> "LineLoginVerifier":
        channel_id = getattr(settings, "LINE_LOGIN_CHANNEL_ID", "")
        if not channel_id:
            raise ImproperlyConfigured(
                "LINE_LOGIN_BACKEND is 'line' but LINE_LOGIN_CHANNEL_ID is empty."
            )
        return cls(
            host=getattr(settings, "LINE_LOGIN_API_HOST", "https://api.line.me"),
            channel_id=channel_id,
        )

    def verify(self, id_token: str) -> LineIdentity:
        if not id_token or len(id_token) > MAX_TOKEN_LENGTH:
            raise _token_refused()
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                response = client.post(
                    self.url, data={"id_token": id_token, "client_id": self.channel_id}
                )
        except httpx.HTTPError as error:
            raise LineUnavailable(
                _("LINE could not be reached to confirm your sign-in. Try again.")
            ) from error
        if response.status_code == 400:
            # LINE's answer to a token that is expired, forged or for another
            # channel: {"error": "invalid_request", "error_description": ...}.
            raise _token_refused()
        if response.status_code != 200:
            raise LineUnavailable(
                _("LINE could not confirm your sign-in just now. Try again.")
            )
        try:
            claims = response.json()
        except ValueError as error:
            raise LineUnavailable(
                _("LINE could not confirm your sign-in just now. Try again.")
            ) from error
        return self._identity(claims)

    def _identity(self, claims: Any) -> LineIdentity:
        """LINE verified the signature; the claims must still be ours."""
        if not isinstance(claims, dict):
            raise _token_refused()
        subject = claims.get("sub")
        expires = claims.get("exp")
        if (
            claims.get("iss") != LINE_ISSUER
            or str(claims.get("aud", "")) != self.channel_id
            or not isinstance(expires, int | float)
            or expires <= time.time()
            or not isinstance(subject, str)
            or not subject
        ):
            raise _token_refused()
        name = claims.get("name")
        return LineIdentity(
            user_id=subject, display_name=name if isinstance(name, str) else ""
        )


class ConsoleLineVerifier:
    """For development, the demo and tests: "console:<user id>" is that LINE
    user; anything else is refused as a tampered token would be."""

    def verify(self, id_token: str) -> LineIdentity:
        if not id_token.startswith(CONSOLE_PREFIX):
            raise _token_refused()
        user_id = id_token.removeprefix(CONSOLE_PREFIX)
        if not _CONSOLE_USER_ID.match(user_id):
            raise _token_refused()
        return LineIdentity(user_id=user_id, display_name=f"Console {user_id}")


def line_id_token_verifier() -> LineIdTokenVerifier:
    """The verifier LINE_LOGIN_BACKEND chooses."""
    backend = getattr(settings, "LINE_LOGIN_BACKEND", "console")
    if backend == "console":
        return ConsoleLineVerifier()
    if backend == "line":
        return LineLoginVerifier.from_settings()
    raise ImproperlyConfigured(
        f"LINE_LOGIN_BACKEND must be 'console' or 'line', not {backend!r}."
    )
