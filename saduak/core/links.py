"""Links to this site in messages that leave it (SMS, LINE, e-mail)."""

from django.conf import settings


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path
