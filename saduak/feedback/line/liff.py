"""The vote page inside LINE (LIFF). The LIFF SDK gives the page the person's
LINE Login ID token; the server has it verified and counts the vote as that LINE
user's, the same voice as in the chat with the official account. A user id the
phone sends is never trusted, and without a verified token nothing is stored."""

from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from saduak.areas.models import Office
from saduak.core.errors import DomainError, InvalidInput
from saduak.core.forms import add_domain_error
from saduak.feedback.choices import VoteChannel
from saduak.feedback.form_tokens import form_token_make, form_token_use
from saduak.feedback.forms import VoteForm
from saduak.feedback.keys import line_voter, source_key
from saduak.feedback.line.id_tokens import line_id_token_verifier, token_missing
from saduak.feedback.lookups import vote_targets
from saduak.feedback.selectors.offices import office_for_vote, office_services
from saduak.feedback.services.votes import vote_cast

# What the LIFF SDK itself reaches, on this page only: LINE's API (liff.init
# checks the app and the login there), its translations, and the scripts it adds
# inside the LINE app. Every other page keeps the site's policy.
LIFF_SOURCES = {
    "connect-src": ("https://api.line.me", "https://liffsdk.line-scdn.net"),
    "script-src": ("https://static.line-scdn.net",),
}


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
    services = office_services(office)
    status = 200
    id_token = ""
    if request.method == "POST":
        form = VoteForm(request.POST, services=services)
        id_token = request.POST.get("id_token", "").strip()
        if form.is_valid():
            try:
                return _cast(request, office, form, counter, id_token)
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status
        else:
            status = 400
        # The answers and errors stay; a fresh token lets the person send again.
        fresh = request.POST.copy()
        fresh["form_token"] = form_token_make(office_id=office.pk)
        form.data = fresh
    else:
        form = VoteForm(
            initial={"form_token": form_token_make(office_id=office.pk)},
            services=services,
        )
    return _page(
        request,
        {
            **context,
            "office": office,
            "form": form,
            "form_action": _page_url(office.code, counter),
            # Only the console's typed token is shown back; a real one is not.
            "typed_token": id_token if context["console_login"] else "",
        },
        status=status,
    )


def _cast(
    request: HttpRequest,
    office: Office,
    form: VoteForm,
    counter: int | None,
    id_token: str,
) -> HttpResponse:
    if form.cleaned_data["website"]:  # the field people never see
        raise InvalidInput(
            _("Your vote could not be accepted. Reload the page and try again."),
            code="honeypot",
        )
    if not id_token:
        raise token_missing()
    identity = line_id_token_verifier().verify(id_token)
    form_token_use(form.cleaned_data["form_token"], office_id=office.pk)
    counter_object, service = vote_targets(
        office=office,
        counter_number=counter,
        service_code=form.cleaned_data["service"],
    )
    outcome = vote_cast(
        office=office,
        score=form.cleaned_data["score"],
        voter=line_voter(
            identity.user_id, source=source_key(request), channel=VoteChannel.LIFF
        ),
        counter=counter_object,
        service=service,
        comment=form.cleaned_data["comment"],
    )
    # "Change your vote" on the thank-you page leads back here: the QR page
    # would count the phone, another voice than the LINE account.
    query = "?via=liff" + ("&replaced=1" if outcome.replaced else "")
    response = redirect(reverse("feedback:thanks", args=[office.code]) + query)
    response.status_code = 303  # see other: a reload does not send the vote again
    return response


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
