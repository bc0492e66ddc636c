"""What every channel adapter promises: `send` one saved notification, return what
the provider said, or raise a ChannelError saying whether trying again could help."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from saduak.notifications.models import Notification


@dataclass(frozen=True)
class SendResult:
    """`delivered` is true when the provider has put the message in front of the
    person (a LINE push); otherwise it is only sent until a delivery report says
    more."""

    provider_message_id: str
    delivered: bool = False
    response_summary: str = ""


class ChannelError(Exception):
    """A send that did not happen. `permanent` errors (a refused address, a 4xx
    answer) fail the notification at once; transient ones are retried."""

    permanent = False

    def __init__(self, message: str, *, response_summary: str = "") -> None:
        super().__init__(message)
        self.response_summary = response_summary


class TransientChannelError(ChannelError):
    permanent = False


class PermanentChannelError(ChannelError):
    permanent = True


class Channel(Protocol):
    def send(self, notification: "Notification") -> SendResult: ...


def summarise(text: str, limit: int = 500) -> str:
    """Provider answers are kept short in the log."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
