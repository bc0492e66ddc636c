"""Digital ID scenarios: the partners' identity check, and sign-in (bounded by
password hashing by design)."""

import http.client
import json
import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.loadgen import LoadResult, RequestSpec
from bench.scenarios import Prepared, Scenario, SetupContext, register

PARTNERS = 20
SIGN_IN_PASSWORD = "bench sign-in phrase 2569"

# Runs inside `manage.py shell` against the bench database: partners allowed to check
# identities, each with a client-credentials token; prints the tokens as JSON.
MAKE_PARTNER_TOKENS = """
import json, secrets
from datetime import timedelta
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application
from saduak.identity.models import Partner, PartnerClient
tokens = []
for number in range({count}):
    partner = Partner.objects.create(
        name_th=f"หน่วยงานทดสอบ {{number}}", kind="agency", purpose_th="ทดสอบ",
        may_check_identity=True, identity_checks_per_day=10_000_000,
    )
    application = Application.objects.create(
        name=f"bench {{number}}", client_type="confidential",
        authorization_grant_type="client-credentials",
    )
    PartnerClient.objects.create(partner=partner, application=application)
    raw = secrets.token_urlsafe(30)
    AccessToken.objects.create(
        application=application, token=raw, scope="identity_check",
        expires=timezone.now() + timedelta(hours=2),
    )
    tokens.append(raw)
print(json.dumps(tokens))
"""

MAKE_SIGN_IN_USER = """
import json, time
from django.contrib.auth.hashers import make_password
from saduak.accounts.models import User
from saduak.core.personal_id import with_check_digit
personal_id = with_check_digit("{stem}")
User.objects.filter(personal_id=personal_id).delete()
User.objects.create_user(personal_id, "{password}", first_name="ทดสอบ", last_name="โหลด")
started = time.perf_counter()
for _ in range(5):
    make_password("{password}")
print(json.dumps({{"personal_id": personal_id,
                  "hash_ms": (time.perf_counter() - started) * 1000 / 5}}))
"""


def _last_json_line(output: str) -> object:
    return json.loads(output.strip().splitlines()[-1])


def identity_check_setup(context: SetupContext) -> Prepared:
    tokens = _last_json_line(
        context.manage("shell", "-c", MAKE_PARTNER_TOKENS.format(count=PARTNERS))
    )
    assert isinstance(tokens, list)
    people = [
        {
            "personal_id": "1100000000016",
            "first_name": "สมศรี",
            "last_name": "ใจดี",
            "birth_date": "1985-03-14",
        },
        {
            "personal_id": "1100000000083",
            "first_name": "บุญมี",
            "last_name": "มีสุข",
            "birth_date": "1952-07-01",
        },
        {
            "personal_id": "1100000000024",
            "first_name": "ไม่มี",
            "last_name": "ในทะเบียน",
            "birth_date": "1990-01-01",
        },
    ]
    requests = [
        RequestSpec(
            "/api/v1/identity/checks",
            method="POST",
            body=json.dumps(person, ensure_ascii=False).encode(),
            content_type="application/json",
            headers=(("Authorization", f"Bearer {token}"),),
        )
        for token in tokens
        for person in people
    ]
    return Prepared(requests=requests)


def _sign_in_form(context: SetupContext) -> tuple[str, str]:
    """A CSRF cookie and token from the sign-in page."""
    url = urlsplit(context.base_url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = re.search(
        r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")
    ).group(1)  # type: ignore[union-attr]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    conn.close()
    return cookie, token


def _sign_in_request(
    personal_id: str,
    password: str,
    cookie: str,
    token: str,
    *,
    headers: tuple[tuple[str, str], ...] = (),
    expect_status: int = 302,
) -> RequestSpec:
    body = urlencode(
        {"username": personal_id, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    return RequestSpec(
        "/accounts/login/",
        method="POST",
        body=body,
        content_type="application/x-www-form-urlencoded",
        headers=(("Cookie", f"csrftoken={cookie}"), *headers),
        expect_status=expect_status,
    )


def _make_sign_in_user(context: SetupContext, personal_id_stem: str) -> dict[str, Any]:
    made = _last_json_line(
        context.manage(
            "shell",
            "-c",
            MAKE_SIGN_IN_USER.format(password=SIGN_IN_PASSWORD, stem=personal_id_stem),
        )
    )
    assert isinstance(made, dict)
    return made


def sign_in_setup(context: SetupContext) -> Prepared:
    made = _make_sign_in_user(context, "390000000001")
    print(f"[bench] sign_in: one password hash takes {made['hash_ms']:.1f} ms (Argon2)")
    cookie, token = _sign_in_form(context)
    request = _sign_in_request(made["personal_id"], SIGN_IN_PASSWORD, cookie, token)
    return Prepared(requests=[request])


# --- Guessing one person's password from many addresses and browsers ---------------
GUESSES = 1000
GUESS_ADDRESSES = 50


def sign_in_guessing_setup(context: SetupContext) -> Prepared:
    made = _make_sign_in_user(context, "390000000002")
    personal_id = made["personal_id"]
    cookie, token = _sign_in_form(context)
    guesses = [
        _sign_in_request(
            personal_id,
            f"guess {number}",
            cookie,
            token,
            # The server trusts one proxy hop (TRUSTED_PROXIES=1 in the bench), so
            # each guess comes from one of 50 addresses, each in its own browser.
            headers=(
                ("X-Forwarded-For", f"198.51.100.{number % GUESS_ADDRESSES}"),
                ("User-Agent", f"guesser/{number}"),
            ),
            expect_status=429,
        )
        for number in range(GUESSES)
    ]

    def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
        url = urlsplit(context.base_url)
        conn = http.client.HTTPConnection(
            url.hostname or "127.0.0.1", url.port, timeout=10
        )
        right = _sign_in_request(personal_id, SIGN_IN_PASSWORD, cookie, token)
        conn.request(
            "POST",
            right.path,
            body=right.body,
            headers={"Content-Type": right.content_type, **dict(right.headers)},
        )
        right_status = conn.getresponse().status
        conn.close()
        # A guess compared and found wrong is answered with the sign-in form
        # again (200), except the one that reaches the limit, which already gets
        # the lockout (429) like every refused guess after it.
        answered_wrong = load.statuses.get(200, 0)
        return {
            "answers": {str(s): n for s, n in sorted(load.statuses.items())},
            "answered_wrong_password": answered_wrong,
            "right_password_after": right_status,
            "locked_within_five": answered_wrong < 5 and right_status == 429,
        }

    return Prepared(
        requests=guesses,
        once=True,
        warmup_s=0,
        duration_s=120,
        timeout_s=60,
        verify=verify,
    )


register(
    Scenario(
        name="identity_check",
        paths=lambda: [],
        setup=identity_check_setup,
        description="partners' identity check (POST JSON, OAuth client-credentials token)",
    )
)
register(
    Scenario(
        name="sign_in",
        paths=lambda: [],
        setup=sign_in_setup,
        description="sign-in with personal ID and password (Argon2 by design)",
    )
)
register(
    Scenario(
        name="sign_in_guessing",
        paths=lambda: [],
        setup=sign_in_guessing_setup,
        description="1,000 wrong passwords for one personal ID from 50 addresses",
    )
)
