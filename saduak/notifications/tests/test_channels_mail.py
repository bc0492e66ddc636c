import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from saduak.notifications.channels import (
    PermanentChannelError,
    TransientChannelError,
)
from saduak.notifications.channels.mail import EmailChannel
from saduak.notifications.models import Notification

MODULE = "saduak.notifications.tests.test_channels_mail"


class RefusingBackend(BaseEmailBackend):
    error: Exception = smtplib.SMTPRecipientsRefused(
        {"nobody@example.org": (550, b"5.1.1 No such user")}
    )

    def send_messages(self, email_messages):
        raise self.error


class DeferringBackend(RefusingBackend):
    error = smtplib.SMTPRecipientsRefused(
        {"nobody@example.org": (450, b"4.2.1 Mailbox busy")}
    )


class AuthFailingBackend(RefusingBackend):
    error = smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials")


class DisconnectingBackend(RefusingBackend):
    error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class UnreachableBackend(RefusingBackend):
    error = ConnectionRefusedError(111, "Connection refused")


def notification():
    return Notification(
        address="nobody@example.org",
        subject="Welcome to Saduak",
        body="Hello",
        language="en",
    )


def test_an_e_mail_is_sent_through_the_configured_backend(settings):
    settings.DEFAULT_FROM_EMAIL = "Saduak <no-reply@saduak.example>"

    result = EmailChannel().send(notification())

    [message] = mail.outbox
    assert message.from_email == "Saduak <no-reply@saduak.example>"
    assert message.to == ["nobody@example.org"]
    assert message.subject == "Welcome to Saduak"
    assert message.body == "Hello"
    assert message.extra_headers["Content-Language"] == "en"
    assert result.provider_message_id == message.extra_headers["Message-ID"]
    assert result.provider_message_id.endswith("@saduak.example>")
    assert not result.delivered


@pytest.mark.parametrize(
    "backend,error",
    [
        ("RefusingBackend", PermanentChannelError),
        ("AuthFailingBackend", PermanentChannelError),
        ("DeferringBackend", TransientChannelError),
        ("DisconnectingBackend", TransientChannelError),
        ("UnreachableBackend", TransientChannelError),
    ],
)
def test_smtp_refusals_are_permanent_and_delays_are_transient(settings, backend, error):
    settings.EMAIL_BACKEND = f"{MODULE}.{backend}"

    with pytest.raises(error):
        EmailChannel().send(notification())
