"""Logout (issue 20, hole 3) and OIDC Back-Channel Logout 1.0: RP-initiated logout
acts only on the session in the browser and answers every partner's valid hint;
the end of a Saduak session (however it ends) ends the partners' sign-ins made in
it, revokes their tokens and sends each partner with a back-channel address a
logout token, delivered after commit with retries (backchannel.py)."""

import secrets
import time
import uuid
from datetime import timedelta
from urllib.parse import parse_qs

import httpx
import pytest
from django.test import Client
from django.utils import timezone
from joserfc import jwt as rfc_jwt
from joserfc.jwk import KeySet
from oauth2_provider.models import AccessToken, IDToken, RefreshToken

from saduak.identity import services
from saduak.identity.middleware import SESSION_ID_KEY
from saduak.identity.models import PartnerClient, SignInSession
from saduak.identity.oidc import backchannel
from saduak.identity.oidc.claims import pairwise_subject
from saduak.identity.oidc.keys import new_private_key_pem
from saduak.identity.oidc.models import (
    AccessTokenBinding,
    BackchannelLogout,
    PartnerSignIn,
    RefreshTokenBinding,
)
from saduak.identity.oidc.sign_ins import session_sid
from saduak.identity.oidc.signing import sign_jwt
from saduak.identity.oidc.tasks import requeue_stale_backchannel_logouts
from saduak.identity.tests.oidc_helpers import (
    POST_LOGOUT_URI,
    hidden_fields,
    make_client,
    make_partner,
    oidc_test_keys,  # noqa: F401
)

pytestmark = pytest.mark.django_db

ISSUER = "http://testserver/o"
BACKCHANNEL_URI = "https://agency.example.go.th/backchannel-logout"
EVENT = "http://schemas.openid.net/event/backchannel-logout"


# --- Fixtures ------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def issuer_of_workers(settings):
    # A worker has no request: logout tokens name SITE_URL + /o (or OIDC_ISSUER).
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def received(monkeypatch):
    """What partners' back-channel endpoints received; they answer `answers` in turn
    (200 when empty)."""
    log: list[httpx.Request] = []
    answers: list[object] = []

    def handler(request: httpx.Request) -> httpx.Response:
        log.append(request)
        answer = answers.pop(0) if answers else 200
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(int(answer))  # type: ignore[call-overload]

    monkeypatch.setattr(backchannel, "transport", httpx.MockTransport(handler))
    log_answers = (log, answers)
    return log_answers


def signed_in_browser(user) -> tuple[Client, SignInSession]:
    """A browser signed in as `user`, with its Saduak session recorded as a real
    sign-in records it."""
    browser = Client()
    browser.force_login(user)
    record = SignInSession.objects.create(
        user=user, session_key=browser.session.session_key or ""
    )
    session = browser.session
    session[SESSION_ID_KEY] = record.pk
    session["saduak_aal"] = 1
    session.save()
    return browser, record


def partner_app(name: str, *, backchannel_uri: str = ""):
    partner = make_partner(name_en=name, name_th=name)
    application, _secret = make_client(partner)
    if backchannel_uri:
        PartnerClient.objects.filter(application=application).update(
            backchannel_logout_uri=backchannel_uri
        )
    return partner, application


def sign_in_with_tokens(application, user, session):
    """A partner sign-in as the authorization endpoint records it (helper authz
    writes these at code issuance), with an ID, access and refresh token bound to
    it as the token endpoint binds them."""
    now = timezone.now()
    sign_in = PartnerSignIn.objects.create(
        application=application,
        user=user,
        session=session,
        auth_time=now,
        code_hash=secrets.token_hex(32),
        code_used_at=now,
    )
    id_token = IDToken.objects.create(
        user=user,
        application=application,
        jti=uuid.uuid4(),
        expires=now + timedelta(minutes=5),
        scope="openid",
    )
    access = AccessToken.objects.create(
        user=user,
        application=application,
        token=secrets.token_urlsafe(32),
        expires=now + timedelta(minutes=5),
        scope="openid",
        id_token=id_token,
    )
    refresh = RefreshToken.objects.create(
        user=user,
        application=application,
        token=secrets.token_urlsafe(32),
        access_token=access,
    )
    AccessTokenBinding.objects.create(access_token=access, sign_in=sign_in)
    RefreshTokenBinding.objects.create(refresh_token=refresh, sign_in=sign_in)
    return sign_in


def hint_for(application, partner, user, *, session=None, expired=False, **extra):
    """An ID token as Saduak signs them (its own key), given back as a hint."""
    now = int(time.time()) - (3600 if expired else 0)
    claims = {
        "iss": ISSUER,
        "aud": application.client_id,
        "sub": pairwise_subject(user=user, partner=partner),
        "iat": now,
        "exp": now + 300,
        "auth_time": now,
        "jti": str(uuid.uuid4()),
    }
    if session is not None:
        claims["sid"] = session_sid(session)
    claims.update(extra)
    return sign_jwt(claims)


def tokens_alive(sign_in) -> bool:
    return AccessTokenBinding.objects.filter(sign_in=sign_in).exists()


def is_signed_in(browser: Client) -> bool:
    return "_auth_user_id" in browser.session


# --- Hole 3: RP-initiated logout acts only with the person's own session ------------
def test_a_server_side_get_with_a_hint_and_no_session_revokes_nothing(
    citizen, received, django_capture_on_commit_callbacks
):
    partner, application = partner_app("Revenue", backchannel_uri=BACKCHANNEL_URI)
    browser, record = signed_in_browser(citizen)
    sign_in = sign_in_with_tokens(application, citizen, record)
    hint = hint_for(application, partner, citizen, session=record)

    with django_capture_on_commit_callbacks(execute=True):
        response = Client().get(
            "/o/logout/",
            {
                "id_token_hint": hint,
                "post_logout_redirect_uri": POST_LOGOUT_URI,
                "state": "s1",
            },
        )

    assert response.status_code == 302
    assert response["Location"] == f"{POST_LOGOUT_URI}?state=s1"
    assert AccessToken.objects.filter(user=citizen).count() == 1
    assert IDToken.objects.filter(user=citizen).count() == 1
    assert RefreshToken.objects.filter(user=citizen, revoked__isnull=True).count() == 1
    sign_in.refresh_from_db()
    record.refresh_from_db()
    assert sign_in.ended_at is None and record.ended_at is None
    assert is_signed_in(browser)
    assert not BackchannelLogout.objects.exists()
    assert received[0] == []


def test_without_a_session_and_without_an_address_the_person_is_told_they_are_out(
    citizen,
):
    partner, application = partner_app("Revenue")
    _browser, record = signed_in_browser(citizen)
    hint = hint_for(application, partner, citizen, session=record)
    response = Client().get("/o/logout/", {"id_token_hint": hint})
    assert response.status_code == 200
    assert (
        "คุณออกจากระบบสะดวกแล้ว" in response.content.decode()
    )  # "You are signed out of Saduak"
    record.refresh_from_db()
    assert record.ended_at is None


def test_after_signing_out_through_one_partner_another_partners_hint_is_handled(
    citizen, received, django_capture_on_commit_callbacks
):
    revenue, revenue_app = partner_app("Revenue")
    labour, labour_app = partner_app("Labour")
    browser, record = signed_in_browser(citizen)
    sign_in_with_tokens(revenue_app, citizen, record)
    sign_in_with_tokens(labour_app, citizen, record)
    revenue_hint = hint_for(revenue_app, revenue, citizen, session=record)
    labour_hint = hint_for(labour_app, labour, citizen, session=record)

    with django_capture_on_commit_callbacks(execute=True):
        first = browser.get("/o/logout/", {"id_token_hint": revenue_hint})
    assert first.status_code == 302
    assert not is_signed_in(browser)
    # Both partners' tokens of that session ended: the ID token of Labour too.
    assert not IDToken.objects.filter(user=citizen).exists()

    second = browser.get(
        "/o/logout/",
        {
            "id_token_hint": labour_hint,
            "post_logout_redirect_uri": POST_LOGOUT_URI,
            "state": "labour-state",
        },
    )
    assert second.status_code == 302
    assert second["Location"] == f"{POST_LOGOUT_URI}?state=labour-state"


def test_an_expired_hint_of_an_ended_sign_in_is_still_handled(citizen):
    partner, application = partner_app("Revenue")
    hint = hint_for(application, partner, citizen, expired=True)
    response = Client().get(
        "/o/logout/",
        {"id_token_hint": hint, "post_logout_redirect_uri": POST_LOGOUT_URI},
    )
    assert response.status_code == 302
    assert response["Location"] == POST_LOGOUT_URI


def test_the_persons_hint_of_this_session_signs_out_at_once_and_ends_the_session(
    citizen, received, django_capture_on_commit_callbacks
):
    partner, application = partner_app("Revenue", backchannel_uri=BACKCHANNEL_URI)
    browser, record = signed_in_browser(citizen)
    sign_in = sign_in_with_tokens(application, citizen, record)
    _other_browser, other_record = signed_in_browser(citizen)
    other_sign_in = sign_in_with_tokens(application, citizen, other_record)

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.get(
            "/o/logout/",
            {
                "id_token_hint": hint_for(
                    application, partner, citizen, session=record
                ),
                "post_logout_redirect_uri": POST_LOGOUT_URI,
                "state": "bye",
            },
        )

    assert response["Location"] == f"{POST_LOGOUT_URI}?state=bye"
    assert not is_signed_in(browser)
    record.refresh_from_db()
    sign_in.refresh_from_db()
    other_sign_in.refresh_from_db()
    assert record.ended_at is not None
    assert sign_in.ended_at is not None and not tokens_alive(sign_in)
    # The person's other browser keeps its session and its partner's tokens.
    assert other_sign_in.ended_at is None and tokens_alive(other_sign_in)
    assert len(received[0]) == 1


def test_a_hint_of_another_session_or_person_asks_first(citizen, make_user):
    partner, application = partner_app("Revenue")
    browser, record = signed_in_browser(citizen)
    _old_browser, old_record = signed_in_browser(citizen)
    someone_else = make_user(first_name="บุญมี", last_name="มีสุข")
    for hint in (
        hint_for(application, partner, citizen, session=old_record),
        hint_for(application, partner, someone_else),
    ):
        response = browser.get("/o/logout/", {"id_token_hint": hint})
        assert response.status_code == 200
        assert "Sign out of Saduak?" in response.content.decode() or (
            "ออกจากระบบ" in response.content.decode()
        )
        assert is_signed_in(browser)
    page = browser.get(
        "/o/logout/",
        {
            "id_token_hint": hint_for(application, partner, someone_else),
            "post_logout_redirect_uri": POST_LOGOUT_URI,
        },
    ).content.decode()
    confirmed = browser.post("/o/logout/", hidden_fields(page) | {"allow": "on"})
    assert confirmed["Location"] == POST_LOGOUT_URI
    assert not is_signed_in(browser)
    record.refresh_from_db()
    assert record.ended_at is not None


@pytest.mark.parametrize(
    "bad",
    ["not-a-jwt", "forged", "logout-token", "other-issuer"],
)
def test_a_bad_hint_is_refused_on_a_page_and_changes_nothing(citizen, bad):
    partner, application = partner_app("Revenue")
    browser, record = signed_in_browser(citizen)
    if bad == "not-a-jwt":
        hint = "abc.def.ghi"
    elif bad == "forged":
        from jwcrypto import jwk, jwt

        key = jwk.JWK.from_pem(new_private_key_pem().encode())
        forged = jwt.JWT(
            header={"alg": "RS256", "kid": key.thumbprint()},
            claims={
                "iss": ISSUER,
                "aud": application.client_id,
                "sub": pairwise_subject(user=citizen, partner=partner),
            },
        )
        forged.make_signed_token(key)
        hint = forged.serialize()
    elif bad == "logout-token":
        hint = hint_for(application, partner, citizen, events={EVENT: {}})
    else:
        hint = hint_for(application, partner, citizen, iss="https://evil.example/o")
    response = browser.get(
        "/o/logout/",
        {"id_token_hint": hint, "post_logout_redirect_uri": POST_LOGOUT_URI},
    )
    assert response.status_code == 400
    assert "Location" not in response
    assert is_signed_in(browser)


def test_an_unknown_client_id_or_a_mismatched_one_is_refused_not_a_500(citizen):
    partner, application = partner_app("Revenue")
    _other_partner, other_application = partner_app("Labour")
    browser, _record = signed_in_browser(citizen)
    unknown = browser.get(
        "/o/logout/",
        {"client_id": "nobody", "post_logout_redirect_uri": POST_LOGOUT_URI},
    )
    assert unknown.status_code == 400
    mismatch = browser.get(
        "/o/logout/",
        {
            "id_token_hint": hint_for(application, partner, citizen),
            "client_id": other_application.client_id,
        },
    )
    assert mismatch.status_code == 400
    assert is_signed_in(browser)


@pytest.mark.parametrize(
    "asked", ["http://127.0.0.1:9999/signed-out", "http://127.0.0.1/signed-out"]
)
def test_a_loopback_post_logout_address_on_another_port_is_refused(citizen, asked):
    """Exact matching, as at the authorization and token endpoints (issue 20, hole
    4): django-oauth-toolkit alone lets a loopback address use any port."""
    partner = make_partner(name_en="Loopback", name_th="Loopback")
    application, _secret = make_client(
        partner, post_logout_uri="http://127.0.0.1:8765/signed-out"
    )
    browser, _record = signed_in_browser(citizen)
    response = browser.get(
        "/o/logout/",
        {
            "id_token_hint": hint_for(application, partner, citizen),
            "post_logout_redirect_uri": asked,
        },
    )
    assert response.status_code == 400
    assert "Location" not in response
    assert is_signed_in(browser)
    registered = browser.get(
        "/o/logout/",
        {
            "id_token_hint": hint_for(application, partner, citizen),
            "post_logout_redirect_uri": "http://127.0.0.1:8765/signed-out",
            "state": "s",
        },
    )
    assert registered.status_code == 302
    assert registered["Location"] == "http://127.0.0.1:8765/signed-out?state=s"


# --- Back-channel logout: every way a session ends ----------------------------------
def verified_logout_token(request: httpx.Request, client: Client) -> dict:
    """The logout token a partner received, checked as a partner's library would
    (joserfc, with the keys from Saduak's JWKS)."""
    assert request.method == "POST"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = parse_qs(request.content.decode())
    keys = KeySet.import_key_set(client.get("/o/.well-known/jwks.json").json())
    token = rfc_jwt.decode(form["logout_token"][0], keys, algorithms=["RS256"])
    assert token.header["typ"] == "logout+jwt"
    return dict(token.claims)


def test_saduaks_own_sign_out_tells_every_partner_of_the_session(
    citizen, received, django_capture_on_commit_callbacks
):
    revenue, revenue_app = partner_app("Revenue", backchannel_uri=BACKCHANNEL_URI)
    labour, labour_app = partner_app(
        "Labour", backchannel_uri="https://labour.example.go.th/bc"
    )
    _quiet, quiet_app = partner_app("Quiet")  # no back-channel address
    browser, record = signed_in_browser(citizen)
    sign_ins = [
        sign_in_with_tokens(app, citizen, record)
        for app in (revenue_app, labour_app, quiet_app, revenue_app)
    ]

    with django_capture_on_commit_callbacks(execute=True):
        browser.post("/accounts/logout/")

    record.refresh_from_db()
    assert record.ended_at is not None
    for sign_in in sign_ins:
        sign_in.refresh_from_db()
        assert sign_in.ended_at is not None and not tokens_alive(sign_in)
    log, _answers = received
    assert sorted(str(r.url) for r in log) == sorted(
        [BACKCHANNEL_URI, "https://labour.example.go.th/bc"]
    )  # one token per client, even with two sign-ins of Revenue
    by_audience = {
        claims["aud"]: claims
        for claims in (verified_logout_token(r, Client()) for r in log)
    }
    claims = by_audience[revenue_app.client_id]
    assert (
        claims["iss"]
        == ISSUER
        == Client().get("/o/.well-known/openid-configuration").json()["issuer"]
    )
    assert claims["sub"] == pairwise_subject(user=citizen, partner=revenue)
    assert claims["sid"] == session_sid(record)
    assert claims["events"] == {EVENT: {}}
    assert "nonce" not in claims
    assert 0 < claims["exp"] - claims["iat"] <= 120
    assert by_audience[labour_app.client_id]["sub"] == pairwise_subject(
        user=citizen, partner=labour
    )
    assert by_audience[labour_app.client_id]["jti"] != claims["jti"]
    assert set(BackchannelLogout.objects.values_list("status", flat=True)) == {"sent"}


def test_ending_a_session_from_the_sessions_page_tells_its_partners(
    citizen, received, django_capture_on_commit_callbacks
):
    _partner, application = partner_app("Revenue", backchannel_uri=BACKCHANNEL_URI)
    browser, _record = signed_in_browser(citizen)
    _phone, phone_record = signed_in_browser(citizen)
    phone_sign_in = sign_in_with_tokens(application, citizen, phone_record)

    with django_capture_on_commit_callbacks(execute=True):
        browser.post(f"/account/sessions/{phone_record.public_id}/end/")

    phone_sign_in.refresh_from_db()
    assert phone_sign_in.ended_at is not None and not tokens_alive(phone_sign_in)
    assert len(received[0]) == 1
    assert is_signed_in(browser)


def test_ending_every_session_tells_the_partners_of_each(
    citizen, received, django_capture_on_commit_callbacks
):
    _partner, application = partner_app("Revenue", backchannel_uri=BACKCHANNEL_URI)
    records = [signed_in_browser(citizen)[1] for _ in range(2)]
    for record in records:
        sign_in_with_tokens(application, citizen, record)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sessions_end_all(user=citizen, actor=citizen) == 2
    sids = sorted(verified_logout_token(r, Client())["sid"] for r in received[0])
    assert sids == sorted(session_sid(record) for record in records)
    assert not PartnerSignIn.objects.filter(ended_at__isnull=True).exists()


def test_a_rolled_back_session_end_leaves_no_logout_token(citizen, received):
    from django.db import transaction

    _partner, application = partner_app("Revenue", backchannel_uri=BACKCHANNEL_URI)
    _browser, record = signed_in_browser(citizen)
    sign_in = sign_in_with_tokens(application, citizen, record)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.sessions_end_all(user=citizen, actor=citizen)
        raise RuntimeError
    assert not BackchannelLogout.objects.exists()
    sign_in.refresh_from_db()
    assert sign_in.ended_at is None and tokens_alive(sign_in)


# --- Delivery -----------------------------------------------------------------------
def queued_row(citizen, *, uri=BACKCHANNEL_URI) -> BackchannelLogout:
    _partner, application = partner_app("Revenue", backchannel_uri=uri)
    return BackchannelLogout.objects.create(
        application=application, user=citizen, sid="s" * 32
    )


def test_a_transient_failure_is_retried_with_backoff_then_fails(
    citizen, received, settings
):
    settings.OIDC_BACKCHANNEL_LOGOUT_ATTEMPTS = 3
    row = queued_row(citizen)
    log, answers = received
    answers.extend([503, httpx.ConnectTimeout("slow"), 500])

    outcome = backchannel.backchannel_logout_deliver(pk=row.pk)
    row.refresh_from_db()
    assert outcome.retry_in == 60 and row.status == "queued" and row.attempts == 1
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=50)
    # Not due yet: nothing is sent.
    assert backchannel.backchannel_logout_deliver(pk=row.pk).status == "queued"
    assert len(log) == 1

    BackchannelLogout.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert backchannel.backchannel_logout_deliver(pk=row.pk).retry_in == 120
    BackchannelLogout.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert backchannel.backchannel_logout_deliver(pk=row.pk).status == "failed"
    row.refresh_from_db()
    assert row.attempts == 3 and row.last_error == "HTTP 500"
    assert len(log) == 3


@pytest.mark.parametrize("status", [302, 400, 404])
def test_a_redirect_or_a_refusal_fails_at_once_and_is_never_followed(
    citizen, received, status
):
    row = queued_row(citizen)
    log, answers = received
    answers.append(
        httpx.Response(status, headers={"Location": "https://elsewhere.example/"})
    )
    assert backchannel.backchannel_logout_deliver(pk=row.pk).status == "failed"
    assert [str(r.url) for r in log] == [BACKCHANNEL_URI]


def test_plain_http_is_refused_except_to_this_machine(citizen, received, settings):
    settings.OIDC_ALLOW_HTTP_LOCALHOST = True
    far = queued_row(citizen, uri="http://agency.example.go.th/bc")
    assert backchannel.backchannel_logout_deliver(pk=far.pk).status == "failed"
    near = queued_row(citizen, uri="http://127.0.0.1:9999/bc")
    assert backchannel.backchannel_logout_deliver(pk=near.pk).status == "sent"
    settings.OIDC_ALLOW_HTTP_LOCALHOST = False
    again = queued_row(citizen, uri="http://127.0.0.1:9999/bc")
    assert backchannel.backchannel_logout_deliver(pk=again.pk).status == "failed"
    assert len(received[0]) == 1


def test_a_row_held_by_another_worker_or_already_sent_is_not_sent_again(
    citizen, received
):
    row = queued_row(citizen)
    assert backchannel.backchannel_logout_deliver(pk=row.pk).status == "sent"
    assert backchannel.backchannel_logout_deliver(pk=row.pk).status == "sent"
    held = queued_row(citizen)
    BackchannelLogout.objects.filter(pk=held.pk).update(
        next_attempt_at=timezone.now() + timedelta(seconds=40)
    )
    assert backchannel.backchannel_logout_deliver(pk=held.pk).status == "queued"
    assert len(received[0]) == 1


def test_the_requeue_job_hands_over_stale_rows_only(citizen, received):
    fresh = queued_row(citizen)
    stale = queued_row(citizen)
    BackchannelLogout.objects.filter(pk=stale.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=5)
    )
    assert requeue_stale_backchannel_logouts() == 1  # eager: delivered at once
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == "sent" and fresh.status == "queued"


def test_discovery_says_back_channel_logout_is_supported(client):
    document = client.get("/o/.well-known/openid-configuration").json()
    assert document["backchannel_logout_supported"] is True
    assert document["backchannel_logout_session_supported"] is True
    assert document["end_session_endpoint"] == "http://testserver/o/logout/"


def test_the_requeue_job_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "saduak.identity.oidc.tasks.requeue_stale_backchannel_logouts" in tasks


def test_dots_logout_view_still_calls_the_methods_we_replace():
    """PartnerLogoutView replaces django-oauth-toolkit's public
    `validate_logout_request` and `do_logout`; its `get` and `form_valid` must
    still reach them (else the old revoke-everything logout would come back)."""
    import inspect

    from oauth2_provider.views.oidc import RPInitiatedLogoutView

    from saduak.identity.oidc.views import PartnerLogoutView

    for caller in (RPInitiatedLogoutView.get, RPInitiatedLogoutView.form_valid):
        source = inspect.getsource(caller)
        assert "self.validate_logout_request(" in source
        assert "self.do_logout(" in source
    for name in ("validate_logout_request", "do_logout"):
        ours = inspect.signature(getattr(PartnerLogoutView, name)).parameters
        dots = inspect.signature(getattr(RPInitiatedLogoutView, name)).parameters
        assert list(ours) == list(dots)
