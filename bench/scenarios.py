"""The scenario registry. A scenario is a name, the request paths its clients cycle
through, and an optional setup run against the live server before it is measured.

Add one with `register(Scenario(...))` in this module (or in a module imported here).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from bench.loadgen import LoadResult, RequestSpec

BASELINE = "ping"
PING_PATH = "/healthz/ping"


@dataclass(frozen=True)
class SetupContext:
    """What a scenario's setup may use: the server's address, `manage.py` with
    the server's environment (same database), and the results of the scenarios
    measured before it in this run."""

    base_url: str
    manage: Callable[..., str]
    env: Mapping[str, str] = field(default_factory=dict)
    results: Mapping[str, Any] = field(default_factory=dict)


# Checks a scenario runs on what its load saw (and the database), for the report.
Verify = Callable[[SetupContext, LoadResult], dict[str, Any]]


@dataclass(frozen=True)
class Prepared:
    """What a setup hands to the load: headers for every request (a token, a
    cookie) and, for scenarios that POST, the requests themselves; and, where a
    scenario needs them, its own number of clients, pace, timeout, duration and
    a check of the outcome."""

    headers: Mapping[str, str] = field(default_factory=dict)
    requests: list[RequestSpec] = field(default_factory=list)
    once: bool = False
    concurrency: int | None = None
    rate_per_s: float = 0.0
    timeout_s: float | None = None
    duration_s: float | None = None
    warmup_s: float | None = None
    keep_samples: bool = False
    verify: Verify | None = None


# A setup may return extra request headers (a session cookie, a token) for its load,
# or a Prepared with requests to send.
Setup = Callable[[SetupContext], "Mapping[str, str] | Prepared | None"]


@dataclass(frozen=True)
class Scenario:
    name: str
    paths: Callable[[], list[str]]
    setup: Setup | None = None
    description: str = ""


SCENARIOS: dict[str, Scenario] = {}


def register(scenario: Scenario) -> Scenario:
    if scenario.name in SCENARIOS:
        raise ValueError(f"scenario {scenario.name!r} is already registered")
    SCENARIOS[scenario.name] = scenario
    return scenario


def resolve(names: list[str]) -> list[Scenario]:
    """The scenarios to run, in order, with the baseline first exactly once."""
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        known = ", ".join(sorted(SCENARIOS))
        raise ValueError(f"unknown scenario(s) {', '.join(unknown)}; known: {known}")
    ordered = [BASELINE, *(name for name in names if name != BASELINE)]
    return [SCENARIOS[name] for name in dict.fromkeys(ordered)]


AREA_TERMS = ["เชียง", "Mueang", "บาง", "Khon", "สุ", "นคร", "Bang", "ลำ"]


def area_search_paths() -> list[str]:
    return [f"/api/v1/areas/search?{urlencode({'q': term})}" for term in AREA_TERMS]


register(
    Scenario(
        name=BASELINE,
        paths=lambda: [PING_PATH],
        description="trivial endpoint; every other scenario is compared with it",
    )
)
register(
    Scenario(
        name="area_search",
        paths=area_search_paths,
        description="area search by Thai and English name fragments (JSON API)",
    )
)


# --- OIDC: the token endpoint exchanging authorization codes -------------------------
TOKEN_PATH = "/o/token/"
TOKEN_EXCHANGE_CODES = 20_000
TOKEN_EXCHANGE_REDIRECT_URI = "https://agency.bench.example/callback"

# Run with `manage.py shell -c` on the bench database: a citizen, a partner with a
# confidential sign-in client, and single-use authorization codes minted directly as
# django-oauth-toolkit Grant rows (what the consent screen would have made), all
# bound to one PKCE verifier and signed in at assurance level 1.
TOKEN_EXCHANGE_SCRIPT = """
import json
from datetime import timedelta
from django.utils import timezone
from oauth2_provider.models import Application, Grant
from saduak.accounts.models import User
from saduak.core.personal_id import with_check_digit
from saduak.identity.models import Partner, PartnerClient

given = json.loads(PARAMETERS)
user = User.objects.create_user(
    with_check_digit("399999999990"), None, first_name="ทดสอบ", last_name="โหลด"
)
partner = Partner.objects.create(
    name_th="หน่วยงานทดสอบโหลด", name_en="Bench agency", kind="agency",
    purpose_th="ทดสอบประสิทธิภาพ", allowed_scopes="openid profile",
)
application = Application.objects.create(
    name="bench", client_id=given["client_id"], client_secret=given["secret"],
    client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris=given["redirect_uri"], algorithm=Application.RS256_ALGORITHM,
)
PartnerClient.objects.create(partner=partner, application=application)
expires = timezone.now() + timedelta(hours=1)
claims = json.dumps({"saduak": {"aal": 1}})
Grant.objects.bulk_create(
    (
        Grant(
            application=application, user=user, code=code, expires=expires,
            redirect_uri=given["redirect_uri"], scope="openid profile",
            code_challenge=given["challenge"], code_challenge_method="S256",
            claims=claims,
        )
        for code in (f"{given['seed']}{n:06d}" for n in range(given["count"]))
    ),
    batch_size=2000,
)
print(Grant.objects.count())
"""


def token_exchange_setup(context: SetupContext) -> Prepared:
    """Mints the codes, then hands the load one POST per code; each is sent once."""
    import base64
    import hashlib
    import json
    import secrets

    client_id, secret = secrets.token_hex(20), secrets.token_hex(32)
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        .rstrip(b"=")
        .decode()
    )
    # Codes are a random prefix and a serial number, so the script can make the
    # same ones without passing thousands of them on its command line.
    seed = secrets.token_urlsafe(18)
    codes = [f"{seed}{n:06d}" for n in range(TOKEN_EXCHANGE_CODES)]
    parameters = {
        "client_id": client_id,
        "secret": secret,
        "challenge": challenge,
        "redirect_uri": TOKEN_EXCHANGE_REDIRECT_URI,
        "seed": seed,
        "count": TOKEN_EXCHANGE_CODES,
    }
    script = (
        f"PARAMETERS = {json.dumps(json.dumps(parameters))}\n{TOKEN_EXCHANGE_SCRIPT}"
    )
    output = context.manage("shell", "--no-startup", "--no-imports", "-c", script)
    minted = output.strip().splitlines()[-1] if output.strip() else ""
    if minted != str(TOKEN_EXCHANGE_CODES):
        raise RuntimeError(
            f"token_exchange: expected {TOKEN_EXCHANGE_CODES} codes, got {minted!r}"
        )
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return Prepared(
        headers={"Authorization": f"Basic {basic}"},
        requests=[
            RequestSpec(
                TOKEN_PATH,
                method="POST",
                body=urlencode(
                    {
                        "grant_type": "authorization_code",
                        "code": code,
                        "redirect_uri": TOKEN_EXCHANGE_REDIRECT_URI,
                        "code_verifier": verifier,
                    }
                ).encode(),
                content_type="application/x-www-form-urlencoded",
            )
            for code in codes
        ],
        once=True,
    )


register(
    Scenario(
        name="token_exchange",
        paths=lambda: [TOKEN_PATH],
        setup=token_exchange_setup,
        description="OIDC token endpoint: authorization code + PKCE exchanged for "
        "an ID token and access token (each code once)",
    )
)
