"""The official account's webhook: LINE's servers post chat events here. Only a
body signed with our channel secret is read; each event is answered, and LINE
gets its 200 whatever becomes of a reply (it would otherwise redeliver events
that were handled: votes would be idempotent, the replies not). The replies are
sent by the worker (send_line_replies), so a slow or failing LINE never holds
this request."""

import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhook import WebhookParser

from saduak.feedback.line.chat import replies_to
from saduak.feedback.line.replies import replies_to_json
from saduak.feedback.tasks import send_line_replies

logger = logging.getLogger(__name__)


def _refused(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail}, status=status)


@csrf_exempt  # LINE signs the body instead
@require_POST
def webhook(request: HttpRequest) -> JsonResponse:
    secret = getattr(settings, "LINE_CHANNEL_SECRET", "")
    if not secret:
        # An empty secret would "verify" anyone's signature made with it.
        logger.error("LINE webhook called but LINE_CHANNEL_SECRET is empty")
        return _refused(
            503,
            "line-secret-missing",
            "The webhook is not configured: LINE_CHANNEL_SECRET is empty.",
        )
    signature = request.headers.get("X-Line-Signature", "")
    try:
        body = request.body.decode("utf-8")
    except UnicodeDecodeError:
        body = None
    if not signature or body is None:
        return _refused(
            400, "line-signature-invalid", "X-Line-Signature is missing or wrong."
        )
    try:
        events = WebhookParser(secret).parse(body, signature)
    except InvalidSignatureError:
        return _refused(
            400, "line-signature-invalid", "X-Line-Signature is missing or wrong."
        )
    except (ValueError, KeyError, TypeError):  # pydantic's errors are ValueErrors
        # Signed by LINE but not a webhook body we can read.
        return _refused(400, "line-body-invalid", "The body is not a LINE webhook.")
    for event in events:
        replies = replies_to(event)
        reply_token = getattr(event, "reply_token", None)
        if not replies or not reply_token:
            continue
        # The event's work is committed (each service commits its own); a
        # broker that is down loses the reply (logged), never the event's
        # work nor LINE's 200.
        try:
            send_line_replies.delay(reply_token, replies_to_json(replies))
        except Exception:
            logger.exception("LINE reply not queued: the broker is unavailable")
    return JsonResponse({"ok": True})
