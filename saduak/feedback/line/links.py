"""Links printed on posters and counter cards that start a vote in LINE, and
the complaint form's link the chat answers "ร้องเรียน" with."""

from urllib.parse import quote, urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from saduak.areas.models import Office
from saduak.core.links import absolute_url


def line_vote_text(office: Office, counter: int | None = None) -> str:
    """The chat message the link pre-fills; the webhook reads it back
    (saduak.feedback.line.commands.vote_asked)."""
    text = f"ประเมิน {office.code}"
    return f"{text} ช่อง {counter}" if counter is not None else text


def line_vote_link(office: Office, counter: int | None = None) -> str:
    """Opens the chat with the official account (adding it as a friend first if
    need be) with the vote message typed in, ready to send:
    https://line.me/R/oaMessage/{LINE_OFFICIAL_ACCOUNT}/?{percent-encoded text}."""
    # "@" may stand in a path segment (RFC 3986), as in LINE's own examples.
    account = quote(settings.LINE_OFFICIAL_ACCOUNT, safe="@")
    return (
        f"https://line.me/R/oaMessage/{account}/"
        f"?{quote(line_vote_text(office, counter), safe='')}"
    )


def liff_vote_link(office: Office, counter: int | None = None) -> str:
    """Opens the LIFF vote page in LINE for the office; "" while no LIFF app is
    configured (LINE_LIFF_ID)."""
    if not settings.LINE_LIFF_ID:
        return ""
    query: dict[str, str | int] = {"office": office.code}
    if counter is not None:
        query["counter"] = counter
    return f"https://liff.line.me/{settings.LINE_LIFF_ID}?{urlencode(query)}"


def complaint_form_link() -> str:
    """The complaint form: in LINE (the LIFF app COMPLAINTS_LIFF_ID) when one is
    configured, else the form on the site. Built from settings and the URL's
    name: feedback does not import complaints (docs/layout.md 8.7)."""
    if settings.COMPLAINTS_LIFF_ID:
        return f"https://liff.line.me/{settings.COMPLAINTS_LIFF_ID}"
    # Thai pages have no prefix; the chat has no language to choose another by.
    with translation.override("th"):
        return absolute_url(reverse("complaints:file"))
