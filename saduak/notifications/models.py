"""Notifications and their delivery log. A notification is rendered and saved before
anything is sent, so the log shows exactly what each person was sent, in which
language, and what every delivery attempt returned. The table is also the outbox:
a notice is saved in the transaction of the change it tells of, and a queued row
that was never handed to a worker is picked up by the requeue job."""

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from saduak.notifications.choices import NotificationChannel, NotificationStatus


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=NotificationChannel.choices
    )
    address = models.CharField(
        _("address"),
        max_length=254,
        help_text=_("The mobile number, e-mail address or LINE user ID sent to."),
    )
    language = models.CharField(_("language"), max_length=8)
    template_key = models.CharField(_("template"), max_length=100)
    context = models.JSONField(
        _("template context"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    subject = models.TextField(_("subject"), blank=True)
    body = models.TextField(_("message"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=NotificationStatus.choices,
        default=NotificationStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    provider_message_id = models.CharField(
        _("provider message ID"), max_length=255, blank=True, default=""
    )
    last_error = models.TextField(_("last error"), blank=True)
    # Sent as LINE's X-Line-Retry-Key, so a retried push is never shown twice.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # A delivery in progress holds this lease instead of a row lock, so no database
    # lock is held while a gateway is called; a crashed worker's lease runs out.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    # The earliest time notifications_requeue_stale may hand a queued row to the
    # broker (again); empty until then, when created_at plus the grace period
    # counts. Bounds how often one row is re-queued.
    requeue_after = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="notification_status"),
            models.Index(
                fields=["provider_message_id"], name="notification_provider_id"
            ),
            models.Index(
                fields=["recipient", "-created_at"], name="notification_recipient"
            ),
        ]

    def __str__(self) -> str:
        # No address or body here: this label is copied into audit events and logs.
        return f"{self.template_key} ({self.channel}) #{self.pk}"


class DeliveryAttempt(models.Model):
    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="delivery_attempts",
    )
    attempted_at = models.DateTimeField(_("attempted"), auto_now_add=True)
    succeeded = models.BooleanField(_("succeeded"))
    permanent_failure = models.BooleanField(_("permanent failure"), default=False)
    error = models.TextField(_("error"), blank=True)
    provider_response = models.TextField(_("provider response"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"{self.notification_id} @ {self.attempted_at:%Y-%m-%d %H:%M:%S}"
