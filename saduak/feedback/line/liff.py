"""The vote page inside LINE (LIFF). The LIFF SDK gives the page the person's
LINE Login ID token; the server has it verified and counts the vote as that LINE
user's, the same voice as in the chat with the official account. A user id the
phone sends is never trusted, and without a verified token nothing is stored."""

from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from saduak.core.errors import InvalidInput
from saduak.feedback.choices import VoteChannel
from saduak.feedback.keys import Voter, line_voter, source_key
from saduak.feedback.selectors.offices import office_for_vote
from saduak.feedback.views.ballot import ballot_take
from saduak.identity.line_login import TOKEN_MISSING_CODE, line_id_token_verifier

# What the LIFF SDK itself reaches, on this page only: LINE's API (liff.init
# checks the app and the login there), its translations, and the scripts it adds
# inside the LINE app. Every other page keeps the site's policy.
LIFF_SOURCES = {
    "connect-src": ("https://api.line.me", "https://liffsdk.line-scdn.net"),
    "script-src": ("https://static.line-scdn.net",),
}


def token_missing() -> InvalidInput:
    return InvalidInput(
        _(
            "Open this page from the LINE app: we could not confirm your LINE "
            "sign-in, so the vote was not recorded."
        ),
        code=TOKEN_MISSING_CODE,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def liff_vote(request: HttpRequest) -> HttpResponse:
    code, counter = _office_asked(request)
    context: dict[str, object] = {
        "liff_id": settings.LINE_LIFF_ID,
        "console_login": settings.LINE_LOGIN_BACKEND == "console",
        "counter": counter,
    }
    if not code:
        return _page(request, {**context, "office": None}, status=400)
    office = office_for_vote(code)
    id_token = request.POST.get("id_token", "").strip()

    def verified_line_user() -> Voter:
        if not id_token:
            raise token_missing()
        identity = line_id_token_verifier().verify(id_token)
        return line_voter(
            identity.user_id, source=source_key(request), channel=VoteChannel.LIFF
        )

    # "Change your vote" on the thank-you page leads back here: the QR page
    # would count the phone, another voice than the LINE account.
    taken = ballot_take(
        request, office=office, counter=counter, voter=verified_line_user, via="liff"
    )
    if isinstance(taken, HttpResponse):
        return taken
    return _page(
        request,
        {
            **context,
            "office": office,
            "form": taken.form,
            "form_action": _page_url(office.code, counter),
            # Only the console's typed token is shown back; a real one is not.
            "typed_token": id_token if context["console_login"] else "",
        },
        status=taken.status,
    )


def _office_asked(request: HttpRequest) -> tuple[str, int | None]:
    """The office code and counter the LIFF URL carries. On LINE's first
    redirect they are still inside `liff.state` ("?office=do-1001"), which
    liff.init() unpacks with a second redirect: the page reads both."""
    query = request.GET
    if "office" not in query and "liff.state" in query:
        state = urlsplit(query["liff.state"])
        unpacked = parse_qs(state.query)
        code = (unpacked.get("office") or [""])[0]
        counter_text = (unpacked.get("counter") or [""])[0]
    else:
        code = query.get("office", "")
        counter_text = query.get("counter", "")
    code = code.strip()[:32]
    counter_text = counter_text.strip()
    counter = (
        int(counter_text)
        if counter_text.isascii() and counter_text.isdigit() and len(counter_text) < 5
        else None
    )
    return code, counter


def _page_url(code: str, counter: int | None) -> str:
    query: dict[str, str | int] = {"office": code}
    if counter is not None:
        query["counter"] = counter
    return f"{reverse('feedback-line:liff')}?{urlencode(query)}"


def _page(
    request: HttpRequest, context: dict[str, object], *, status: int
) -> HttpResponse:
    response = render(request, "feedback/liff.html", context, status=status)
    if context["liff_id"]:
        response["Content-Security-Policy"] = liff_content_security_policy()
    return response


def liff_content_security_policy() -> str:
    """The site's policy with the LIFF SDK's sources added."""
    directives: dict[str, list[str]] = {}
    for directive in settings.CONTENT_SECURITY_POLICY.split(";"):
        parts = directive.split()
        if parts:
            directives[parts[0]] = parts[1:]
    for name, extra in LIFF_SOURCES.items():
        sources = directives.setdefault(name, ["'self'"])
        sources += [source for source in extra if source not in sources]
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())
