"""Writes for notifications: create one (render, save, queue), make one delivery
attempt, and record what a provider's delivery report says.

The notification table is the outbox: a service writes its notification rows in
the same transaction as its business change, delivery is queued after commit,
and `notifications_requeue_stale` hands over whatever a crash left behind
(docs/operations.md, section 5, "How a notification gets out")."""

import json
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.audit.services import audit_record
from saduak.core.errors import InvalidInput, NotFound
from saduak.notifications.addresses import check_channel, clean_address
from saduak.notifications.channels import (
    ChannelError,
    SendResult,
    TransientChannelError,
    channel_for,
)
from saduak.notifications.choices import NotificationChannel, NotificationStatus
from saduak.notifications.models import DeliveryAttempt, Notification
from saduak.notifications.templates import RenderedMessage, render_message

logger = logging.getLogger(__name__)


def claim_seconds() -> int:
    """The lease a delivery takes on a notification (NOTIFICATION_CLAIM_SECONDS):
    longer than any adapter's timeout, so a live send is never taken over."""
    return int(getattr(settings, "NOTIFICATION_CLAIM_SECONDS", 300))


BACKOFF_BASE_SECONDS = 30
# The order notification_notify_user tries: LINE is where Thai citizens are, and
# SMS costs money per message.
CHANNELS_BY_PREFERENCE = (
    NotificationChannel.LINE,
    NotificationChannel.SMS,
    NotificationChannel.EMAIL,
)
_USER_ADDRESS_FIELD: dict[str, str] = {
    NotificationChannel.SMS: "phone",
    NotificationChannel.EMAIL: "email",
    NotificationChannel.LINE: "line_user_id",
}


@dataclass(frozen=True)
class DeliveryOutcome:
    """What one delivery run left behind. `retry_in` (seconds) is set when the task
    should run again; `busy` when another worker holds the notification."""

    status: str
    retry_in: int | None = None
    busy: bool = False


def notification_send(
    *,
    recipient: User | None = None,
    address: str | None = None,
    channel: str,
    template_key: str,
    context: Mapping[str, Any],
    language: str | None = None,
    actor: User | None = None,
) -> Notification:
    """Renders a template for one address, saves it as queued and, after commit,
    queues `deliver_notification`.

    The address is `address`, else the recipient's address for the channel; the
    language is `language`, else the recipient's preferred one, else LANGUAGE_CODE.
    Raises InvalidInput, saving nothing, for a bad channel, address, language,
    template key or context. With `actor` (a person sending a message) writes the
    audit event `notification.send`.
    """
    channel = check_channel(channel)
    if address is None:
        address = _recipient_address(recipient, channel)
    address = clean_address(channel=channel, address=address)
    if language is None:
        preferred = recipient.preferred_language if recipient is not None else ""
        language = preferred or settings.LANGUAGE_CODE
    message = render_message(
        template_key=template_key, channel=channel, language=language, context=context
    )
    with transaction.atomic():
        notification = _save_queued(
            recipient=recipient,
            channel=channel,
            address=address,
            language=language,
            template_key=template_key,
            context=context,
            message=message,
        )
        if actor is not None:
            audit_record(
                actor=actor,
                action="notification.send",
                target=notification,
                after={"channel": channel, "template_key": template_key},
            )
    return notification


def _save_queued(
    *,
    recipient: User | None,
    channel: str,
    address: str,
    language: str,
    template_key: str,
    context: Mapping[str, Any],
    message: RenderedMessage,
) -> Notification:
    """The outbox write: the queued row, in the caller's transaction, and its
    delivery queued after that transaction commits."""
    notification = Notification.objects.create(
        recipient=recipient,
        channel=channel,
        address=address,
        language=language,
        template_key=template_key,
        context=dict(context),
        subject=message.subject,
        body=message.body,
    )
    # robust: a broker that is down must not turn a committed business change into
    # an error for the caller; notifications_requeue_stale picks the row up later.
    notification_id = notification.pk
    transaction.on_commit(lambda: _queue_delivery(notification_id), robust=True)
    return notification


def notification_notify_user(
    *,
    user: User,
    template_key: str,
    context: Mapping[str, Any],
    channels: Sequence[str] | None = None,
) -> list[Notification]:
    """Tells a person of a change, in their preferred language, on each channel
    they can be reached on: LINE (line_user_id), SMS (phone), e-mail (email), or
    only on those of `channels`. Call it inside the transaction of the change
    (the outbox), never from `transaction.on_commit`.

    A channel whose stored address is empty or invalid is skipped, so a person may
    get none. Never raises for the message itself: one that cannot be rendered (an
    unknown template, a missing context value, a broken template) is saved as a
    failed notification and logged, so the change it tells of still commits.
    No audit event of its own.
    """
    if channels is None:
        channels = CHANNELS_BY_PREFERENCE
    wanted = [check_channel(channel) for channel in channels]
    reachable = [
        (channel, address)
        for channel in wanted
        if (address := _usable_address(user, channel)) is not None
    ]
    if not reachable:
        logger.info("User %s cannot be reached on %s.", user.pk, wanted)
    language = user.preferred_language or settings.LANGUAGE_CODE
    with transaction.atomic(savepoint=False):
        return [
            _notify(
                recipient=user,
                address=address,
                channel=channel,
                template_key=template_key,
                context=context,
                language=language,
            )
            for channel, address in reachable
        ]


def notification_notify_users(
    *,
    messages: Sequence[tuple[User, str, Mapping[str, Any]]],
    channels: Sequence[str] | None = None,
) -> list[Notification]:
    """`notification_notify_user` for many people at once (a request sent
    to every district office): each (user, template key, context) is
    rendered as that function does, on each channel the person can be
    reached on, failures kept as failed rows; the rows are written with
    bulk INSERTs in the caller's transaction and their delivery queued
    after it commits in one callback (a broker that is down leaves the rest
    queued for `notifications_requeue_stale`). No audit event of its own."""
    wanted = [
        check_channel(channel) for channel in (channels or CHANNELS_BY_PREFERENCE)
    ]
    rows: list[Notification] = []
    # Many people are often told the same thing: render each text once.
    rendered: dict[tuple[str, str, str, str], RenderedMessage] = {}
    for user, template_key, context in messages:
        language = user.preferred_language or settings.LANGUAGE_CODE
        for channel in wanted:
            address = _usable_address(user, channel)
            if address is None:
                continue
            try:
                same = (
                    template_key,
                    channel,
                    language,
                    json.dumps(context, cls=DjangoJSONEncoder, sort_keys=True),
                )
                message = rendered.get(same) or render_message(
                    template_key=template_key,
                    channel=channel,
                    language=language,
                    context=context,
                )
                rendered[same] = message
            except Exception as error:  # any template problem, by design
                rows.append(
                    _unsendable_row(
                        recipient=user,
                        channel=channel,
                        address=address,
                        language=language,
                        template_key=template_key,
                        context=context,
                        error=error,
                    )
                )
                continue
            rows.append(
                Notification(
                    recipient=user,
                    channel=channel,
                    address=address,
                    language=language,
                    template_key=template_key,
                    context=dict(context),
                    subject=message.subject,
                    body=message.body,
                )
            )
    with transaction.atomic(savepoint=False):
        created = Notification.objects.bulk_create(rows, batch_size=500)
    queued = [row.pk for row in created if row.status == NotificationStatus.QUEUED]
    if queued:
        transaction.on_commit(lambda: _queue_deliveries(queued), robust=True)
    return created


def _queue_deliveries(notification_ids: Sequence[int]) -> None:
    for notification_id in notification_ids:
        _queue_delivery(notification_id)


def notification_notify_address(
    *,
    address: str,
    channel: str,
    template_key: str,
    context: Mapping[str, Any],
    language: str | None = None,
) -> Notification:
    """Tells someone known only by an address (a caller's telephone) of a change.
    Like `notification_notify_user`, call it inside the transaction of the change;
    it never raises for the message: an address or a template that does not work
    is saved as a failed notification and logged."""
    with transaction.atomic(savepoint=False):
        return _notify(
            recipient=None,
            address=address,
            channel=check_channel(channel),
            template_key=template_key,
            context=context,
            language=language or settings.LANGUAGE_CODE,
        )


def _notify(
    *,
    recipient: User | None,
    address: str,
    channel: str,
    template_key: str,
    context: Mapping[str, Any],
    language: str,
) -> Notification:
    """The guarded outbox write of a system notice: rendering happens here, inside
    the caller's transaction, but touches no database, so its failure is caught
    before anything is written and becomes a failed row instead of an error."""
    try:
        cleaned = clean_address(channel=channel, address=address)
        message = render_message(
            template_key=template_key,
            channel=channel,
            language=language,
            context=context,
        )
    except Exception as error:  # any template or address problem, by design
        return _save_unsendable(
            recipient=recipient,
            channel=channel,
            address=address,
            language=language,
            template_key=template_key,
            context=context,
            error=error,
        )
    return _save_queued(
        recipient=recipient,
        channel=channel,
        address=cleaned,
        language=language,
        template_key=template_key,
        context=context,
        message=message,
    )


def _unsendable_row(
    *,
    recipient: User | None,
    channel: str,
    address: str,
    language: str,
    template_key: str,
    context: Mapping[str, Any],
    error: Exception,
) -> Notification:
    reason = f"Not rendered: {type(error).__name__}: {error}"
    logger.error(
        "Notification %s (%s) for user %s could not be rendered and is failed: %s",
        template_key,
        channel,
        recipient.pk if recipient is not None else None,
        reason,
        exc_info=not isinstance(error, InvalidInput),
    )
    return Notification(
        recipient=recipient,
        channel=channel,
        address=str(address or "")[:254],
        language=str(language)[:8],
        template_key=str(template_key)[:100],
        context=_storable(context),
        body="",
        status=NotificationStatus.FAILED,
        last_error=reason,
        failed_at=timezone.now(),
    )


def _save_unsendable(
    *,
    recipient: User | None,
    channel: str,
    address: str,
    language: str,
    template_key: str,
    context: Mapping[str, Any],
    error: Exception,
) -> Notification:
    row = _unsendable_row(
        recipient=recipient,
        channel=channel,
        address=address,
        language=language,
        template_key=template_key,
        context=context,
        error=error,
    )
    row.save()
    return row


def _storable(context: Any) -> dict[str, Any]:
    """The context as far as it can be kept in a JSON column: values that do not
    serialise are kept as their text, a context that is not a mapping is dropped."""
    if not isinstance(context, Mapping):
        return {}
    try:
        json.dumps(context, cls=DjangoJSONEncoder)
    except (TypeError, ValueError):
        return {str(key): str(value) for key, value in context.items()}
    return dict(context)


def notification_deliver(*, notification_id: int) -> DeliveryOutcome:
    """Makes one delivery attempt of a queued notification and records it.

    Claims the notification under a row lock with a lease
    (NOTIFICATION_CLAIM_SECONDS), so two workers never send it at once and a
    sent, delivered or failed one is never sent again; the provider is called
    outside any transaction. A worker that dies mid-send leaves the lease to run
    out; then the redelivered task (late acknowledgement) or the requeue job
    sends it again with the same idempotency key, which the gateway uses to drop
    a duplicate. Writes a DeliveryAttempt.
    A transient error leaves it queued with `retry_in` = 2**attempts * 30 seconds
    until NOTIFICATION_MAX_ATTEMPTS are used; then, or on a permanent error, it is
    failed. Raises NotFound for an unknown id. No audit event.
    """
    claimed = _claim(notification_id)
    if isinstance(claimed, DeliveryOutcome):
        return claimed
    try:
        result = channel_for(claimed.channel).send(claimed)
    except ChannelError as error:
        return _record_failure(claimed, error)
    except Exception as error:  # an adapter's own bug or a library error: retry later
        logger.exception("Channel %s raised unexpectedly", claimed.channel)
        return _record_failure(
            claimed, TransientChannelError(f"{type(error).__name__}: {error}")
        )
    return _record_success(claimed, result)


def notification_mark_delivered(
    *, channel: str, provider_message_id: str, delivered_at: datetime | None = None
) -> Notification:
    """Records a provider's report that the message reached the person.

    Idempotent. A later report of delivery overrides an earlier failure: the
    carrier's final word wins. Raises NotFound when no notification on `channel`
    has that provider id. No audit event: a provider, not a person, reports it.
    """
    with transaction.atomic():
        notification = _locked_by_provider_id(channel, provider_message_id)
        if notification.status != NotificationStatus.DELIVERED:
            notification.status = NotificationStatus.DELIVERED
            notification.delivered_at = delivered_at or timezone.now()
            notification.save(update_fields=["status", "delivered_at"])
    return notification


def notification_mark_failed(
    *,
    channel: str,
    provider_message_id: str,
    error: str = "",
    failed_at: datetime | None = None,
) -> Notification:
    """Records a provider's report that the message could not be delivered.

    Idempotent; a delivered notification stays delivered. Raises NotFound when no
    notification on `channel` has that provider id. No audit event.
    """
    with transaction.atomic():
        notification = _locked_by_provider_id(channel, provider_message_id)
        if notification.status not in (
            NotificationStatus.DELIVERED,
            NotificationStatus.FAILED,
        ):
            notification.status = NotificationStatus.FAILED
            notification.failed_at = failed_at or timezone.now()
            notification.last_error = error or "Reported undelivered by the provider."
            notification.save(update_fields=["status", "failed_at", "last_error"])
    return notification


def _queue_delivery(notification_id: int) -> None:
    from saduak.notifications.tasks import deliver_notification

    deliver_notification.delay(notification_id)


def _recipient_address(recipient: User | None, channel: str) -> str:
    if recipient is None:
        raise InvalidInput(
            _("Give the person or the address to send the notification to."),
            code="no-address",
            field="address",
        )
    address = getattr(recipient, _USER_ADDRESS_FIELD[channel]) or ""
    if not address:
        raise InvalidInput(
            _("This person has no address for %(channel)s.")
            % {"channel": NotificationChannel(channel).label},
            code="no-address",
            field="address",
        )
    return address


def _usable_address(user: User, channel: str) -> str | None:
    address = getattr(user, _USER_ADDRESS_FIELD[channel]) or ""
    if not address:
        return None
    try:
        return clean_address(channel=channel, address=address)
    except InvalidInput:
        logger.warning("User %s has an invalid %s address; skipped.", user.pk, channel)
        return None


def _claim(notification_id: int) -> Notification | DeliveryOutcome:
    now = timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().filter(pk=notification_id).first()
        )
        if notification is None:
            raise NotFound(code="notification-not-found")
        if notification.status != NotificationStatus.QUEUED:
            return DeliveryOutcome(status=notification.status)
        if notification.claimed_until is not None and notification.claimed_until > now:
            wait = math.ceil((notification.claimed_until - now).total_seconds())
            return DeliveryOutcome(status=notification.status, retry_in=wait, busy=True)
        notification.attempts += 1
        notification.claimed_until = now + timedelta(seconds=claim_seconds())
        notification.save(update_fields=["attempts", "claimed_until"])
    return notification


def _record_success(claimed: Notification, result: SendResult) -> DeliveryOutcome:
    now = timezone.now()
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=claimed.pk)
        DeliveryAttempt.objects.create(
            notification=notification,
            succeeded=True,
            provider_response=result.response_summary,
        )
        if notification.status != NotificationStatus.QUEUED:
            # Only after a lease ran out under a stalled worker.
            logger.warning("Notification %s was sent twice.", notification.pk)
            return DeliveryOutcome(status=notification.status)
        notification.provider_message_id = result.provider_message_id
        notification.sent_at = now
        notification.last_error = ""
        notification.claimed_until = None
        fields = ["provider_message_id", "sent_at", "last_error", "claimed_until"]
        if result.delivered:
            notification.status = NotificationStatus.DELIVERED
            notification.delivered_at = now
            fields += ["status", "delivered_at"]
        else:
            notification.status = NotificationStatus.SENT
            fields += ["status"]
        notification.save(update_fields=fields)
    return DeliveryOutcome(status=notification.status)


def _record_failure(claimed: Notification, error: ChannelError) -> DeliveryOutcome:
    max_attempts = getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 5)
    give_up = error.permanent or claimed.attempts >= max_attempts
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=claimed.pk)
        DeliveryAttempt.objects.create(
            notification=notification,
            succeeded=False,
            permanent_failure=error.permanent,
            error=str(error),
            provider_response=error.response_summary,
        )
        notification.last_error = str(error)
        notification.claimed_until = None
        # Celery retries it after the back-off; the requeue job only after that.
        notification.requeue_after = timezone.now() + _backoff(notification.attempts)
        fields = ["last_error", "claimed_until", "requeue_after"]
        if give_up and notification.status == NotificationStatus.QUEUED:
            notification.status = NotificationStatus.FAILED
            notification.failed_at = timezone.now()
            fields += ["status", "failed_at"]
        notification.save(update_fields=fields)
    if give_up:
        logger.warning(
            "Notification %s failed after %s attempts: %s",
            notification.pk,
            notification.attempts,
            error,
        )
        return DeliveryOutcome(status=notification.status)
    return DeliveryOutcome(
        status=notification.status,
        retry_in=2**notification.attempts * BACKOFF_BASE_SECONDS,
    )


def _locked_by_provider_id(channel: str, provider_message_id: str) -> Notification:
    notification = None
    if provider_message_id:
        notification = (
            Notification.objects.select_for_update()
            .filter(channel=channel, provider_message_id=provider_message_id)
            .order_by("-id")
            .first()
        )
    if notification is None:
        raise NotFound(
            _("No notification has that provider message ID."),
            code="notification-not-found",
        )
    return notification


def requeue_grace() -> timedelta:
    """How long a queued notification nobody has claimed is left to the delivery
    queued after its commit before the requeue job hands it over itself."""
    return timedelta(
        seconds=getattr(settings, "NOTIFICATION_REQUEUE_GRACE_SECONDS", 60)
    )


def notifications_requeue_stale(*, limit: int = 500) -> int:
    """Hands to the broker again the queued notifications nobody is delivering:
    committed but never handed over (the process died after commit, the broker was
    down) once older than the grace period, and those past their back-off after a
    transient failure with no retry scheduled (eager mode, a lost worker).

    Bounded: at most `limit` rows a run, the oldest first, and each row at most once
    per grace period or back-off (`requeue_after`, moved on with a conditional
    UPDATE, so two runs never hand over one row twice). A requeue that races the
    delivery queued at commit is harmless: delivery claims the row under a lease
    and never sends a row that left the queue. Returns how many were queued."""
    now = timezone.now()
    grace = requeue_grace()
    due = Q(requeue_after__isnull=True, created_at__lte=now - grace) | Q(
        requeue_after__lte=now
    )
    waiting = (
        Notification.objects.filter(due, status=NotificationStatus.QUEUED)
        .exclude(claimed_until__gt=now)
        .order_by("created_at", "id")
        .values_list("pk", "attempts", "requeue_after")[:limit]
    )
    queued = 0
    for pk, attempts, requeue_after in list(waiting):
        wait = max(grace, _backoff(attempts))
        taken = Notification.objects.filter(
            pk=pk, status=NotificationStatus.QUEUED, requeue_after=requeue_after
        ).update(requeue_after=now + wait)
        if not taken:  # another run, or a delivery, got there first
            continue
        try:
            _queue_delivery(pk)
        except Exception:  # the broker is down: leave the rest for the next run
            logger.exception("Requeueing notification %s failed.", pk)
            Notification.objects.filter(pk=pk).update(requeue_after=requeue_after)
            break
        queued += 1
    return queued


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=2**attempts * BACKOFF_BASE_SECONDS) if attempts else ZERO


ZERO = timedelta(0)
