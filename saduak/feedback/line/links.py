"""Links printed on posters and counter cards that start a vote in LINE."""

from urllib.parse import quote, urlencode

from django.conf import settings

from saduak.areas.models import Office


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
