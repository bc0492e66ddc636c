"""The SMS gateway's delivery-report webhook.

The gateway POSTs JSON {"message_id" (or "id"), "status": "delivered" | "failed",
"error": optional text, "timestamp": optional ISO 8601 with offset}, signed with
X-Signature: the hex HMAC-SHA256 of the raw body under SMS_DELIVERY_REPORT_SECRET
(a "sha256=" prefix is allowed). Answers 200 with the notification's status, 403 for
a bad signature, 400 for a body it cannot read, 404 for an unknown message. Reports
may repeat: the same report twice changes nothing."""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saduak.core.errors import NotFound
from saduak.notifications.choices import NotificationChannel
from saduak.notifications.services import (
    notification_mark_delivered,
    notification_mark_failed,
)

REPORT_STATUSES = frozenset({"delivered", "failed"})


@dataclass(frozen=True)
class DeliveryReport:
    message_id: str
    delivered: bool
    error: str
    at: datetime | None


def signature_valid(*, secret: str, body: bytes, signature: str) -> bool:
    if not secret or not signature:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    signature = signature.strip().removeprefix("sha256=").lower()
    return hmac.compare_digest(expected, signature)


def parse_report(body: bytes) -> DeliveryReport:
    """The report in `body`, or ValueError saying what is wrong with it."""
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("The report must be a JSON object.")
    message_id = data.get("message_id") or data.get("id")
    if not isinstance(message_id, str | int) or isinstance(message_id, bool):
        raise ValueError("The report needs a message_id.")
    status = data.get("status")
    if status not in REPORT_STATUSES:
        raise ValueError("status must be 'delivered' or 'failed'.")
    error = data.get("error") or ""
    if not isinstance(error, str):
        raise ValueError("error must be text.")
    at = None
    if data.get("timestamp") is not None:
        at = parse_datetime(str(data["timestamp"]))
        if at is None or at.tzinfo is None:
            raise ValueError("timestamp must be ISO 8601 with a UTC offset.")
    return DeliveryReport(str(message_id), status == "delivered", error[:1000], at)


@csrf_exempt
@require_POST
def sms_delivery_report(request: HttpRequest) -> JsonResponse:
    secret = getattr(settings, "SMS_DELIVERY_REPORT_SECRET", "")
    signature = request.headers.get("X-Signature", "")
    if not signature_valid(secret=secret, body=request.body, signature=signature):
        return JsonResponse({"detail": "Bad or missing signature."}, status=403)
    try:
        report = parse_report(request.body)
    except ValueError as error:
        return JsonResponse({"detail": f"Unreadable report: {error}"}, status=400)
    try:
        if report.delivered:
            notification = notification_mark_delivered(
                channel=NotificationChannel.SMS,
                provider_message_id=report.message_id,
                delivered_at=report.at,
            )
        else:
            notification = notification_mark_failed(
                channel=NotificationChannel.SMS,
                provider_message_id=report.message_id,
                error=report.error,
                failed_at=report.at,
            )
    except NotFound:
        return JsonResponse({"detail": "Unknown message_id."}, status=404)
    return JsonResponse({"status": notification.status})
