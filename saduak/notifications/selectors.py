"""Reads of notifications: a person's own, and the delivery log for staff."""

from django.db.models import Prefetch, QuerySet

from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.core.errors import PermissionDeniedError
from saduak.notifications.models import DeliveryAttempt, Notification


def notification_list_for_user(*, user: User) -> QuerySet[Notification]:
    """The notifications sent to a person, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def can_read_delivery_log(user: User) -> bool:
    # The log holds every citizen's addresses and messages, and is tied to no
    # office, so only staff who reach everything (HQ administrators, auditors) read it.
    return user.is_superuser or read_reach(user).everything


def notification_delivery_log(
    *,
    viewer: User,
    status: str | None = None,
    channel: str | None = None,
    recipient: User | None = None,
) -> QuerySet[Notification]:
    """Notifications with their recipients and delivery attempts, newest first,
    optionally filtered. Raises PermissionDeniedError unless `viewer` may read the
    log. Showing it is a read of personal data: the caller writes the audit event."""
    if not can_read_delivery_log(viewer):
        raise PermissionDeniedError()
    notifications = Notification.objects.select_related("recipient").prefetch_related(
        Prefetch(
            "delivery_attempts",
            queryset=DeliveryAttempt.objects.order_by("attempted_at", "id"),
        )
    )
    if status:
        notifications = notifications.filter(status=status)
    if channel:
        notifications = notifications.filter(channel=channel)
    if recipient is not None:
        notifications = notifications.filter(recipient=recipient)
    return notifications.order_by("-created_at", "-id")
