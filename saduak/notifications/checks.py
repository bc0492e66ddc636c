"""Deploy checks: a channel switched to a real provider without its settings would
leave every notification on that channel queued."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def channel_settings_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    sms_backend = getattr(settings, "SMS_BACKEND", "console")
    if sms_backend not in ("console", "http"):
        errors.append(
            Error("SMS_BACKEND must be 'console' or 'http'.", id="notifications.E001")
        )
    if sms_backend == "http" and not getattr(settings, "SMS_GATEWAY_URL", ""):
        errors.append(
            Error(
                "SMS_BACKEND is 'http' but SMS_GATEWAY_URL is empty.",
                id="notifications.E002",
            )
        )
    line_backend = getattr(settings, "LINE_BACKEND", "console")
    if line_backend not in ("console", "line"):
        errors.append(
            Error("LINE_BACKEND must be 'console' or 'line'.", id="notifications.E003")
        )
    if line_backend == "line" and not getattr(
        settings, "LINE_CHANNEL_ACCESS_TOKEN", ""
    ):
        errors.append(
            Error(
                "LINE_BACKEND is 'line' but LINE_CHANNEL_ACCESS_TOKEN is empty.",
                id="notifications.E004",
            )
        )
    return errors
