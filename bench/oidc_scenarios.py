"""Issue 20: the code exchange plain against private_key_jwt + DPoP in the same run,
and the guessing limit across every page that checks a password.

`token_exchange_plain`: a confidential client authenticating with
client_secret_basic and receiving Bearer tokens. `token_exchange_pkjwt_dpop`: a
client registered with `token_endpoint_auth_method=private_key_jwt` and
`dpop_bound_access_tokens`, sending a fresh ES256 client assertion (RFC 7523) in
the body and a fresh DPoP proof (RFC 9449) in the header of every request, both
signed with joserfc by the load generator as the request is sent (signing is in
the client's latency: about 0.1 ms). Both mint the same kind of codes the same
way (django-oauth-toolkit Grant rows with a PartnerSignIn each, as the
authorization endpoint makes them), each code is sent once, and the second
reports its throughput as a ratio of the first's (`rps_vs_plain`). Run them
together: `--scenarios token_exchange_plain,token_exchange_pkjwt_dpop`.

`sign_in_guessing_everywhere`: one person, wrong passwords spread over the Thai
and English sign-in and the pages that ask a signed-in person for their password
again (second-factor removal, closing the digital ID), from 50 addresses;
counts the answers that compared a password (at most five) and tries the right
password afterwards (refused while locked). The admin's change-password form is
left out here (the bench's production settings ask staff for a second factor
first); the test `saduak/accounts/tests/test_lockout_everywhere.py` covers it.
"""

import base64
import hashlib
import http.client
import json
import re
import secrets
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.identity_scenarios import SIGN_IN_PASSWORD, _make_sign_in_user
from bench.loadgen import LoadResult, RequestSpec
from bench.scenarios import Prepared, Scenario, SetupContext, register

TOKEN_PATH = "/o/token/"
REDIRECT_URI = "https://agency.bench.example/callback"
CODES = 20_000
PLAIN = "token_exchange_plain"
PKJWT_DPOP = "token_exchange_pkjwt_dpop"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

# Run with `manage.py shell -c` on the bench database: a citizen with a Saduak
# session, a partner with one sign-in client registered as PARAMETERS says, and
# single-use codes minted as django-oauth-toolkit Grant rows, each with the
# PartnerSignIn the authorization endpoint records for it (issue 20). Prints the
# number of codes.
MINT_SCRIPT = """
import hashlib, json
from datetime import timedelta
from django.utils import timezone
from oauth2_provider.models import Application, Grant
from saduak.accounts.models import User
from saduak.core.personal_id import with_check_digit
from saduak.identity.models import Partner, PartnerClient, SignInSession
from saduak.identity.oidc.models import PartnerSignIn

given = json.loads(PARAMETERS)
user, _ = User.objects.get_or_create(
    personal_id=with_check_digit("399999999980"),
    defaults={"first_name": "ทดสอบ", "last_name": "โหลด"},
)
session = SignInSession.objects.create(
    user=user, session_key=given["seed"][:32], user_agent="bench", assurance_level=1
)
partner = Partner.objects.create(
    name_th="หน่วยงานทดสอบโหลด " + given["seed"][:6], name_en="Bench agency",
    kind="agency", purpose_th="ทดสอบประสิทธิภาพ", allowed_scopes="openid profile",
)
application = Application.objects.create(
    name="bench " + given["method"], client_id=given["client_id"],
    client_secret=given["secret"], client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris=given["redirect_uri"], algorithm=Application.RS256_ALGORITHM,
)
PartnerClient.objects.create(
    partner=partner, application=application,
    token_endpoint_auth_method=given["method"], jwks=given["jwks"],
    dpop_bound_access_tokens=given["dpop"],
)
now = timezone.now()
expires = now + timedelta(hours=1)
claims = json.dumps({"saduak": {"aal": 1}})
codes = [f"{given['seed']}{n:06d}" for n in range(given["count"])]
Grant.objects.bulk_create(
    (
        Grant(
            application=application, user=user, code=code, expires=expires,
            redirect_uri=given["redirect_uri"], scope="openid profile",
            code_challenge=given["challenge"], code_challenge_method="S256",
            claims=claims,
        )
        for code in codes
    ),
    batch_size=2000,
)
PartnerSignIn.objects.bulk_create(
    (
        PartnerSignIn(
            application=application, user=user, session=session, assurance_level=1,
            auth_time=now, code_hash=hashlib.sha256(code.encode()).hexdigest(),
        )
        for code in codes
    ),
    batch_size=2000,
)
print(Grant.objects.filter(application=application).count())
"""


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        .rstrip(b"=")
        .decode()
    )
    return verifier, challenge


def _mint(
    context: SetupContext,
    *,
    method: str,
    client_id: str,
    secret: str,
    challenge: str,
    jwks: dict[str, Any],
    dpop: bool,
    count: int,
) -> list[str]:
    # Codes are a random prefix and a serial number, so the script can make the
    # same ones without passing thousands of them on its command line.
    seed = secrets.token_urlsafe(24)
    parameters = {
        "method": method,
        "client_id": client_id,
        "secret": secret,
        "challenge": challenge,
        "redirect_uri": REDIRECT_URI,
        "seed": seed,
        "count": count,
        "jwks": jwks,
        "dpop": dpop,
    }
    script = f"PARAMETERS = {json.dumps(json.dumps(parameters))}\n{MINT_SCRIPT}"
    output = context.manage("shell", "--no-startup", "--no-imports", "-c", script)
    minted = output.strip().splitlines()[-1] if output.strip() else ""
    if minted != str(count):
        raise RuntimeError(f"{method}: expected {count} codes, got {minted!r}")
    return [f"{seed}{n:06d}" for n in range(count)]


def _exchange_body(code: str, verifier: str, **extra: str) -> bytes:
    return urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
            **extra,
        }
    ).encode()


def _post(
    context: SetupContext, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, dict[str, Any]]:
    url = urlsplit(context.base_url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        )
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    try:
        document = json.loads(raw)
    except ValueError:
        document = {}
    return response.status, document if isinstance(document, dict) else {}


def _rps(load: LoadResult) -> float:
    return len(load.latencies_ms) / load.elapsed_s if load.elapsed_s else 0.0


# --- the plain exchange ---------------------------------------------------------------
def plain_setup(context: SetupContext) -> Prepared:
    client_id, secret = secrets.token_hex(20), secrets.token_hex(32)
    verifier, challenge = _pkce()
    codes = _mint(
        context,
        method="client_secret_basic",
        client_id=client_id,
        secret=secret,
        challenge=challenge,
        jwks={},
        dpop=False,
        count=CODES + 1,
    )
    spare = codes.pop()
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()

    def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
        status, answer = _post(
            context,
            TOKEN_PATH,
            _exchange_body(spare, verifier),
            {"Authorization": f"Basic {basic}"},
        )
        return {
            "rps": round(_rps(load), 1),
            "one_more_exchange": status,
            "token_type": answer.get("token_type"),
        }

    return Prepared(
        headers={"Authorization": f"Basic {basic}"},
        requests=[
            RequestSpec(
                TOKEN_PATH,
                method="POST",
                body=_exchange_body(code, verifier),
                content_type="application/x-www-form-urlencoded",
            )
            for code in codes
        ],
        once=True,
        verify=verify,
    )


# --- private_key_jwt + DPoP -------------------------------------------------------------
class SignedExchange:
    """One code exchange whose client assertion and DPoP proof are signed when the
    load generator sends it (both are single-use and short-lived, so they cannot
    be made in advance). Duck-types RequestSpec for bench.loadgen: it reads
    `headers` first, then `body`, once each per request."""

    method = "POST"
    content_type = "application/x-www-form-urlencoded"
    expect_status = 0

    def __init__(
        self, *, path: str, url: str, client_id: str, key: dict[str, Any], form: bytes
    ) -> None:
        self.path = path
        self.url = url  # the token endpoint's address: htu and the assertion's aud
        self.client_id = client_id
        self.key = key  # private JWK (a dict, so the spec pickles)
        self.form = form
        self._body = form

    def succeeded(self, status: int) -> bool:
        return 200 <= status < 300

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        assertion, proof = signed_pair(self.key, self.client_id, self.url)
        self._body = (
            self.form
            + b"&"
            + urlencode(
                {"client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion}
            ).encode()
        )
        return (("DPoP", proof),)

    @property
    def body(self) -> bytes:
        return self._body


_KEYS: dict[str, Any] = {}


def _key(jwk: dict[str, Any]) -> Any:
    from joserfc.jwk import ECKey

    kid = jwk["kid"]
    if kid not in _KEYS:
        _KEYS[kid] = ECKey.import_key(jwk)
    return _KEYS[kid]


def _public(key: Any) -> dict[str, str]:
    """The public key alone, as a DPoP proof's `jwk` header carries it."""
    public = key.as_dict(private=False)
    return {name: public[name] for name in ("kty", "crv", "x", "y")}


def signed_pair(jwk: dict[str, Any], client_id: str, url: str) -> tuple[str, str]:
    """A client assertion (private_key_jwt, RFC 7523 §3) and a DPoP proof (RFC 9449
    §4.2) for one POST to `url`, both ES256 with the same key, signed by joserfc."""
    from joserfc import jwt

    key = _key(jwk)
    now = int(time.time())
    assertion = jwt.encode(
        {"alg": "ES256", "kid": jwk["kid"], "typ": "JWT"},
        {
            "iss": client_id,
            "sub": client_id,
            "aud": url,
            "iat": now,
            "exp": now + 60,
            "jti": secrets.token_urlsafe(16),
        },
        key,
    )
    proof = jwt.encode(
        {"alg": "ES256", "typ": "dpop+jwt", "jwk": _public(key)},
        {"htm": "POST", "htu": url, "iat": now, "jti": secrets.token_urlsafe(16)},
        key,
    )
    return assertion, proof


def new_client_key() -> tuple[dict[str, Any], dict[str, Any]]:
    """A fresh P-256 key: (the private JWK, the public JWK Set to register)."""
    from joserfc.jwk import ECKey

    key = ECKey.generate_key("P-256")
    private = key.as_dict(private=True)
    kid = key.thumbprint()
    private.update({"kid": kid, "alg": "ES256", "use": "sig"})
    public = key.as_dict(private=False)
    public.update({"kid": kid, "alg": "ES256", "use": "sig"})
    return private, {"keys": [public]}


def pkjwt_dpop_setup(context: SetupContext) -> Prepared:
    client_id = secrets.token_hex(20)
    verifier, challenge = _pkce()
    private, jwks = new_client_key()
    codes = _mint(
        context,
        method="private_key_jwt",
        client_id=client_id,
        secret=secrets.token_hex(32),
        challenge=challenge,
        jwks=jwks,
        dpop=True,
        count=CODES + 1,
    )
    spare = codes.pop()
    url = context.base_url.rstrip("/") + TOKEN_PATH
    requests = [
        SignedExchange(
            path=TOKEN_PATH,
            url=url,
            client_id=client_id,
            key=private,
            form=_exchange_body(code, verifier),
        )
        for code in codes
    ]

    def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
        one = SignedExchange(
            path=TOKEN_PATH,
            url=url,
            client_id=client_id,
            key=private,
            form=_exchange_body(spare, verifier),
        )
        headers = dict(one.headers)
        status, answer = _post(context, TOKEN_PATH, one.body, headers)
        rps = _rps(load)
        plain = context.results.get(PLAIN)
        return {
            "rps": round(rps, 1),
            "one_more_exchange": status,
            "token_type": answer.get("token_type"),
            "rps_vs_plain": round(rps / plain.rps, 3)
            if plain is not None and plain.rps
            else None,
        }

    return Prepared(
        requests=requests,  # type: ignore[arg-type]  # duck-typed RequestSpec
        once=True,
        verify=verify,
    )


# --- guessing over every page that checks a password ------------------------------------
GUESSES = 300
GUESS_ADDRESSES = 50


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            cookie, _, content = pair.partition("=")
            found[cookie.strip()] = content
    return found


def _page(
    context: SetupContext, path: str, cookies: dict[str, str]
) -> tuple[str, dict[str, str]]:
    url = urlsplit(context.base_url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
    conn.request(
        "GET",
        path,
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
    )
    response = conn.getresponse()
    page = response.read().decode()
    conn.close()
    return page, {**cookies, **_cookies(response)}


def _form_token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if found is None:
        raise RuntimeError("sign_in_guessing_everywhere: no CSRF token on the page")
    return found.group(1)


def _signed_in(context: SetupContext, personal_id: str) -> dict[str, str]:
    """Cookies of a session signed in as the person (the right password, checked
    once, gives its guess back)."""
    page, cookies = _page(context, "/accounts/login/", {})
    url = urlsplit(context.base_url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
    conn.request(
        "POST",
        "/accounts/login/",
        body=urlencode(
            {
                "username": personal_id,
                "password": SIGN_IN_PASSWORD,
                "csrfmiddlewaretoken": _form_token(page),
            }
        ),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 302:
        raise RuntimeError(f"sign_in_guessing_everywhere: sign-in {response.status}")
    return {**cookies, **_cookies(response)}


def guessing_everywhere_setup(context: SetupContext) -> Prepared:
    made = _make_sign_in_user(context, "390000000003")
    personal_id = made["personal_id"]
    session = _signed_in(context, personal_id)
    close_page, session = _page(context, "/account/close/", session)
    signed_token = _form_token(close_page)
    anonymous_page, anonymous = _page(context, "/accounts/login/", {})
    anonymous_token = _form_token(anonymous_page)

    def cookie_header(cookies: dict[str, str]) -> tuple[str, str]:
        return ("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))

    def guess(number: int) -> RequestSpec:
        password = f"guess {number}"
        where = number % 4
        if where in (0, 1):
            path = "/accounts/login/" if where == 0 else "/en/accounts/login/"
            form = {"username": personal_id, "password": password}
            cookies, token = anonymous, anonymous_token
        elif where == 2:
            path, form = "/account/close/", {"understood": "on", "password": password}
            cookies, token = session, signed_token
        else:
            path, form = (
                "/account/security/",
                {"action": "disable", "password": password},
            )
            cookies, token = session, signed_token
        return RequestSpec(
            path,
            method="POST",
            body=urlencode({**form, "csrfmiddlewaretoken": token}).encode(),
            content_type="application/x-www-form-urlencoded",
            headers=(
                cookie_header(cookies),
                ("X-Forwarded-For", f"198.51.100.{number % GUESS_ADDRESSES}"),
                ("User-Agent", f"guesser/{number}"),
            ),
            expect_status=429,
        )

    def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
        status, _ = _post(
            context,
            "/accounts/login/",
            urlencode(
                {
                    "username": personal_id,
                    "password": SIGN_IN_PASSWORD,
                    "csrfmiddlewaretoken": anonymous_token,
                }
            ).encode(),
            {"Cookie": cookie_header(anonymous)[1]},
        )
        # A wrong password compared is answered with its form again: 200 on the
        # sign-in page, 400 on the pages of a signed-in person; 429 is the lock.
        compared = load.statuses.get(200, 0) + load.statuses.get(400, 0)
        return {
            "answers": {str(s): n for s, n in sorted(load.statuses.items())},
            "answered_wrong_password": compared,
            "right_password_after": status,
            "at_most_five": compared <= 5 and status == 429,
        }

    return Prepared(
        requests=[guess(number) for number in range(GUESSES)],
        once=True,
        warmup_s=0,
        duration_s=120,
        timeout_s=60,
        verify=verify,
    )


register(
    Scenario(
        name=PLAIN,
        paths=lambda: [TOKEN_PATH],
        setup=plain_setup,
        description="code exchange, client_secret_basic, Bearer (each code once)",
    )
)
register(
    Scenario(
        name=PKJWT_DPOP,
        paths=lambda: [TOKEN_PATH],
        setup=pkjwt_dpop_setup,
        description="code exchange, private_key_jwt + DPoP, ES256 (each code once); "
        "rps_vs_plain against token_exchange_plain of the same run",
    )
)
register(
    Scenario(
        name="sign_in_guessing_everywhere",
        paths=lambda: [],
        setup=guessing_everywhere_setup,
        description="300 wrong passwords for one personal ID over the sign-in (th, en), "
        "closing the ID and removing the second factor, from 50 addresses",
    )
)
