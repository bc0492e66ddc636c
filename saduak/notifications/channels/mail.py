"""E-mail through Django's mail framework, so EMAIL_BACKEND decides how it leaves
(SMTP in production, the console or memory elsewhere). An accepted e-mail is only
sent: mail servers give no delivery report."""

import smtplib
from email.utils import parseaddr
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage

from saduak.notifications.channels.base import (
    ChannelError,
    PermanentChannelError,
    SendResult,
    TransientChannelError,
)

if TYPE_CHECKING:
    from saduak.notifications.models import Notification


class EmailChannel:
    def send(self, notification: "Notification") -> SendResult:
        from_email = settings.DEFAULT_FROM_EMAIL
        # The sender's domain names the message, so no DNS lookup is needed.
        domain = parseaddr(from_email)[1].rpartition("@")[2] or None
        # One Message-ID per notification: a message sent again after a worker
        # died mid-send is the same message to the mail servers and readers.
        message_id = f"<{notification.idempotency_key}@{domain or 'saduak.local'}>"
        message = EmailMessage(
            subject=notification.subject,
            body=notification.body,
            from_email=from_email,
            to=[notification.address],
            headers={
                "Message-ID": message_id,
                "Content-Language": notification.language,
            },
        )
        try:
            accepted = message.send(fail_silently=False)
        except smtplib.SMTPException as error:
            raise _classify(error) from error
        except OSError as error:
            raise TransientChannelError(
                f"Mail server unreachable: {type(error).__name__}: {error}"
            ) from error
        if not accepted:
            raise PermanentChannelError("The mail backend accepted no recipient.")
        return SendResult(provider_message_id=message_id, response_summary="accepted")


def _classify(error: smtplib.SMTPException) -> ChannelError:
    """5xx SMTP answers are refusals; 4xx answers and dropped connections pass."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            return PermanentChannelError(f"Mail server refused the address: {codes}")
        return TransientChannelError(f"Mail server deferred the address: {codes}")
    if isinstance(error, smtplib.SMTPResponseException):
        message = f"Mail server answered {error.smtp_code}: {error.smtp_error!r}"
        if error.smtp_code >= 500:
            return PermanentChannelError(message)
        return TransientChannelError(message)
    return TransientChannelError(f"Mail server error: {type(error).__name__}: {error}")
