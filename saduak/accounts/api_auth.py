"""API authentication: the browser's session (with CSRF on writes) or a bearer token
for machines."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from saduak.accounts.models import ApiToken, hash_token


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        record = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token))
            .first()
        )
        if record is None or not record.is_usable() or not record.user.is_active:
            return None
        # Touch at most once a minute: a token used by a busy machine should not
        # turn every read into a write.
        now = timezone.now()
        if (
            record.last_used_at is None
            or (now - record.last_used_at).total_seconds() > 60
        ):
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = record.user
        return record.user


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and not user.is_active:
            return None
        return user


STAFF_OR_MACHINE = [BearerTokenAuth(), ActiveSessionAuth()]
