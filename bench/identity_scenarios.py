"""Digital ID scenarios: the partners' identity check, and sign-in (bounded by
password hashing by design)."""

import http.client
import json
import re
from urllib.parse import urlencode, urlsplit

from bench.loadgen import RequestSpec
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
personal_id = with_check_digit("390000000001")
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


def sign_in_setup(context: SetupContext) -> Prepared:
    made = _last_json_line(
        context.manage(
            "shell", "-c", MAKE_SIGN_IN_USER.format(password=SIGN_IN_PASSWORD)
        )
    )
    assert isinstance(made, dict)
    print(f"[bench] sign_in: one password hash takes {made['hash_ms']:.1f} ms (Argon2)")
    # A CSRF cookie and token from the sign-in page, shared by every request.
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
    body = urlencode(
        {
            "username": made["personal_id"],
            "password": SIGN_IN_PASSWORD,
            "csrfmiddlewaretoken": token,
        }
    ).encode()
    request = RequestSpec(
        "/accounts/login/",
        method="POST",
        body=body,
        content_type="application/x-www-form-urlencoded",
        headers=(("Cookie", f"csrftoken={cookie}"),),
        expect_status=302,
    )
    return Prepared(requests=[request])


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
