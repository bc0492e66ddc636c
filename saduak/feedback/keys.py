"""Who voted, as salted hashes only. A voter is a device (a random token in a
long-lived cookie), a LINE user or a signed-in citizen; the source is the client's
address. The salt (FEEDBACK_KEY_SALT) stays on the server, so a leaked table of
votes cannot be matched back to addresses or LINE accounts."""

import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from saduak.core.client import client_ip
from saduak.feedback.choices import VERIFIED_CHANNELS, VoteChannel

DEVICE_COOKIE = "saduak_voter"
DEVICE_COOKIE_SECONDS = 400 * 24 * 60 * 60  # the longest browsers keep a cookie


def salted(kind: str, identity: str) -> str:
    return hmac.new(
        settings.FEEDBACK_KEY_SALT.encode(), f"{kind}:{identity}".encode(), "sha256"
    ).hexdigest()


@dataclass(frozen=True)
class Voter:
    """`key` counts one voice; `source` counts votes from one network."""

    key: str
    source: str
    channel: str

    @property
    def verified(self) -> bool:
        """A known person or visit: counted once a day whatever the network."""
        return self.channel in VERIFIED_CHANNELS


def source_key(request: HttpRequest) -> str:
    return salted("source", client_ip(request))


def device_token(request: HttpRequest) -> str:
    """The device's voting token from its cookie, or a new one (the view sets it
    with `remember_device`)."""
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    if 20 <= len(token) <= 64 and token.isascii() and token.isalnum():
        return token
    made: str = getattr(request, "_voter_token", "") or secrets.token_hex(16)
    request._voter_token = made  # type: ignore[attr-defined]
    return made


def device_voter(request: HttpRequest, *, channel: str) -> Voter:
    """A browser's voice. Without the cookie (a browser that refuses cookies, a
    first visit straight to the POST) the device is its address and browser."""
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    if token and token == device_token(request):
        key = salted("device", token)
    else:
        agent = request.META.get("HTTP_USER_AGENT", "")[:300]
        key = salted("device-fallback", f"{client_ip(request)}|{agent}")
    return Voter(key=key, source=source_key(request), channel=channel)


def remember_device(request: HttpRequest, response: HttpResponse) -> None:
    if request.COOKIES.get(DEVICE_COOKIE) != device_token(request):
        response.set_cookie(
            DEVICE_COOKIE,
            device_token(request),
            max_age=DEVICE_COOKIE_SECONDS,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )


def line_voter(line_user_id: str, *, source: str, channel: str) -> Voter:
    return Voter(key=salted("line", line_user_id), source=source, channel=channel)


def citizen_voter(user_id: int, *, source: str, channel: str) -> Voter:
    return Voter(key=salted("citizen", str(user_id)), source=source, channel=channel)


def ticket_voter(*, ticket_id: int, citizen_id: int | None, source: str) -> Voter:
    """The person a served ticket was for: the signed-in citizen who took it
    (one voice with their other ways of voting), else the ticket itself."""
    if citizen_id is not None:
        return citizen_voter(citizen_id, source=source, channel=VoteChannel.TICKET)
    return Voter(
        key=salted("ticket", str(ticket_id)), source=source, channel=VoteChannel.TICKET
    )
