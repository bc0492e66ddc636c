"""Who is voting, from a request: a signed-in citizen is one voice wherever they
vote from; anyone else is their device."""

from django.http import HttpRequest
from django.utils.translation import gettext as _

from saduak.core.errors import InvalidInput
from saduak.feedback.choices import VoteChannel
from saduak.feedback.keys import (
    Voter,
    citizen_voter,
    device_voter,
    salted,
    source_key,
)


def page_voter(request: HttpRequest) -> Voter:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return citizen_voter(
            user.pk, source=source_key(request), channel=VoteChannel.PORTAL
        )
    return device_voter(request, channel=VoteChannel.QR)


def api_voter(request: HttpRequest, device_id: str) -> Voter:
    """The device id an app keeps (never trusted alone: the network's limits and
    the burst checks still apply). Not the browser's session: a page elsewhere
    could otherwise vote in a signed-in citizen's name without CSRF."""
    device_id = device_id.strip()
    if not (20 <= len(device_id) <= 64 and device_id.replace("-", "").isalnum()):
        raise InvalidInput(
            _("Send device_id: 20 to 64 letters, digits or dashes kept by the app."),
            field="device_id",
        )
    return Voter(
        key=salted("app-device", device_id),
        source=source_key(request),
        channel=VoteChannel.API,
    )
