"""Redis down (refusing connections): the cache degrades so pages still serve,
the counters say they cannot count, and each limit does what it chose
(docs/operations.md, "When a part fails"): sign-in guesses fail closed, the
booking, open311, identity-check and anonymous-vote limits let requests through
(the identity checks' daily quota is counted from the access log instead)."""

from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache, caches
from django.test import RequestFactory

from saduak.accounts.lockout import SignInPaused, password_recheck
from saduak.complaints.open311.auth import open311_key_limit
from saduak.core import cache as degrading_cache
from saduak.core.admission import admit
from saduak.core.cache import cache_available
from saduak.core.counters import CounterUnavailable, count_up, count_up_many
from saduak.feedback.form_tokens import form_token_make, form_token_use
from saduak.identity.data_access import partner_check_record
from saduak.identity.identity_check import QuotaExceeded, _check_limits
from saduak.identity.models import AccessChannel
from saduak.identity.tests.oidc_helpers import make_partner

# Nothing listens on port 1: every connection is refused at once.
REDIS_DOWN = {
    "default": {
        "BACKEND": "saduak.core.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "KEY_PREFIX": "saduak-test",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = REDIS_DOWN
    yield caches["default"]


def test_cache_reads_are_misses_and_writes_do_nothing(redis_down):
    redis_down.set("page", "kept")
    assert redis_down.get("page") is None
    assert redis_down.get("page", "default") == "default"
    assert redis_down.get_many(["a", "b"]) == {}
    assert redis_down.add("first", 1) is False
    assert redis_down.get_or_set("worked-out", lambda: 42) == 42
    assert redis_down.delete("page") is False
    with pytest.raises(ValueError):
        redis_down.incr("count")
    assert not cache_available()


def test_the_outage_is_logged_once_not_per_call(redis_down, monkeypatch):
    # Every call tries Redis again (no pause), yet one warning is written.
    monkeypatch.setattr(degrading_cache, "CACHE_DOWN_RETRY_SECONDS", 0)
    warnings: list[str] = []
    monkeypatch.setattr(
        degrading_cache.logger,
        "warning",
        lambda message, *args: warnings.append(message % args),
    )
    for _ in range(20):
        redis_down.get("page")
        redis_down.set("page", 1)
    assert len(warnings) == 1
    assert "cache unavailable" in warnings[0]


def test_after_a_failure_redis_is_not_asked_for_a_moment(redis_down, monkeypatch):
    redis_down.get("page")
    asked = []
    monkeypatch.setattr(
        degrading_cache.DjangoRedisCache, "get", lambda *a, **k: asked.append(1)
    )
    assert redis_down.get("page", "miss") == "miss"
    assert asked == []


def test_the_counters_say_they_cannot_count(redis_down):
    with pytest.raises(CounterUnavailable):
        count_up("limit", timeout=60)
    with pytest.raises(CounterUnavailable):
        count_up_many([("a", 60, None), ("b", 60, None)])


@pytest.mark.django_db
def test_pages_still_serve(redis_down, client):
    assert client.get("/en/").status_code == 200
    assert client.get("/healthz/ping").status_code == 200


# --- sign-in guesses: fail closed --------------------------------------------------
@pytest.mark.django_db
def test_sign_in_is_paused_and_not_counted_as_a_wrong_password(redis_down, citizen):
    from django.test import Client

    client = Client(raise_request_exception=False)
    response = client.post(
        "/en/accounts/login/",
        {"username": citizen.personal_id, "password": "correct horse battery"},
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Sign-in is paused for a moment. Try again in a minute." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()


@pytest.mark.django_db
def test_a_password_asked_again_is_paused_too(redis_down, rf, citizen):
    request = rf.post("/")
    with pytest.raises(SignInPaused) as paused:
        password_recheck(request=request, user=citizen, password="anything")
    assert paused.value.status == 503
    assert paused.value.extra["retry_after"] == 60


# --- the other limits: degrade ------------------------------------------------------
def test_booking_limits_let_requests_through(redis_down, settings):
    settings.BOOKING_REQUESTS_PER_ADDRESS_PER_MINUTE = 0
    request = RequestFactory().post("/appointments/")
    admit(request)  # no TooManyRequests though the limit is 0


def test_open311_key_rate_lets_filings_through(redis_down, settings):
    settings.OPEN311_POSTS_PER_SECOND = 0
    open311_key_limit(SimpleNamespace(pk=1))


@pytest.mark.django_db
def test_the_identity_check_quota_is_counted_from_the_access_log(redis_down):
    partner = make_partner(identity_checks_per_day=2)
    _check_limits(partner)  # none used today
    for _ in range(2):
        partner_check_record(
            partner=partner,
            personal_id="1101700203451",
            channel=AccessChannel.IDENTITY_CHECK,
            data_items=["name"],
        )
    with pytest.raises(QuotaExceeded):
        _check_limits(partner)


def test_a_vote_form_is_taken_when_it_cannot_be_marked_used(redis_down):
    token = form_token_make(office_id=7)
    form_token_use(token, office_id=7)
    form_token_use(token, office_id=7)


def test_with_redis_up_a_vote_form_is_still_taken_once():
    from saduak.core.errors import Conflict

    token = form_token_make(office_id=7)
    form_token_use(token, office_id=7)
    with pytest.raises(Conflict):
        form_token_use(token, office_id=7)
    assert cache is not None
