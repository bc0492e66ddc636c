"""Pages that run inside LINE (LIFF apps: the happiness vote, the complaint
form) load the LIFF SDK, which itself reaches LINE. Those pages, and only
they, send the site's Content-Security-Policy with LINE's sources added
(docs/feedback-line.md, "The LIFF SDK and the Content-Security-Policy")."""

from django.conf import settings
from django.http import HttpResponse

# What the LIFF SDK itself reaches: LINE's API (liff.init checks the app and
# the login there), its translations, and the scripts it adds inside the LINE
# app. Every other page keeps the site's policy.
LIFF_SOURCES = {
    "connect-src": ("https://api.line.me", "https://liffsdk.line-scdn.net"),
    "script-src": ("https://static.line-scdn.net",),
}


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


def allow_liff_sdk(response: HttpResponse) -> HttpResponse:
    """Gives a LIFF page's response the policy the SDK needs."""
    response["Content-Security-Policy"] = liff_content_security_policy()
    return response
