"""Channel adapters, chosen by settings: SMS_BACKEND ("console" or "http"),
LINE_BACKEND ("console" or "line"); e-mail always goes through EMAIL_BACKEND."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from saduak.notifications.channels.base import (
    Channel,
    ChannelError,
    PermanentChannelError,
    SendResult,
    TransientChannelError,
)
from saduak.notifications.channels.line import ConsoleLineChannel, LineMessagingChannel
from saduak.notifications.channels.mail import EmailChannel
from saduak.notifications.channels.sms import ConsoleSmsChannel, HttpSmsGatewayChannel
from saduak.notifications.choices import NotificationChannel

__all__ = [
    "Channel",
    "ChannelError",
    "PermanentChannelError",
    "SendResult",
    "TransientChannelError",
    "channel_for",
]


def channel_for(channel: str) -> Channel:
    """The adapter that sends on `channel` under the current settings."""
    if channel == NotificationChannel.EMAIL:
        return EmailChannel()
    if channel == NotificationChannel.SMS:
        backend = getattr(settings, "SMS_BACKEND", "console")
        if backend == "console":
            return ConsoleSmsChannel()
        if backend == "http":
            return HttpSmsGatewayChannel.from_settings()
        raise ImproperlyConfigured(
            f"SMS_BACKEND must be 'console' or 'http', not {backend!r}."
        )
    if channel == NotificationChannel.LINE:
        backend = getattr(settings, "LINE_BACKEND", "console")
        if backend == "console":
            return ConsoleLineChannel()
        if backend == "line":
            return LineMessagingChannel.from_settings()
        raise ImproperlyConfigured(
            f"LINE_BACKEND must be 'console' or 'line', not {backend!r}."
        )
    raise ImproperlyConfigured(f"No adapter for notification channel {channel!r}.")
