"""The database router's decisions (saduak/core/db_router.py) and the replica's
health (saduak/core/replica.py), without touching the replica: its state is
given. The tests that read through a real replica alias are in
test_db_router_replica.py."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from saduak.accounts.models import ApiToken, User
from saduak.areas.models import Province
from saduak.core import db_router, replica
from saduak.core.db_router import (
    FRESHNESS_HEADER,
    PIN_COOKIE,
    SOURCE_HEADER,
    PrimaryReplicaRouter,
    ReplicaPinMiddleware,
    pin_to_primary,
    pinned_to_primary,
    replica_reads,
)
from saduak.core.replica import DOWN, LAGGING, UP, ReplicaState
from saduak.feedback.models import DistrictDayHappiness

router = PrimaryReplicaRouter()


def _request(method: str = "get", **cookies: str) -> HttpRequest:
    request = getattr(RequestFactory(), method)("/")
    request.COOKIES.update(cookies)
    request.user = AnonymousUser()
    return request


@replica_reads
def _where_reads_go(request: HttpRequest) -> HttpResponse:
    """A replica page that says where its rollup and its person reads go."""
    return HttpResponse(
        f"{router.db_for_read(DistrictDayHappiness)} {router.db_for_read(User)}"
    )


@pytest.fixture
def replica_on(settings: Any) -> None:
    settings.REPLICA_READS = True


@pytest.fixture
def replica_is(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Sets what this process believes of the replica."""

    def set_state(status: str, lag: float | None = 0.0) -> None:
        monkeypatch.setattr(
            db_router,
            "replica_state",
            lambda: ReplicaState(status, lag, timezone.now()),
        )

    yield set_state


def test_outside_a_replica_page_every_read_goes_to_the_primary(replica_on, replica_is):
    replica_is(UP)
    assert router.db_for_read(DistrictDayHappiness) == DEFAULT_DB_ALIAS
    assert router.db_for_write(DistrictDayHappiness) == DEFAULT_DB_ALIAS


def test_with_replica_reads_off_a_replica_page_reads_from_the_primary(replica_is):
    # The test settings' default, as a deployment without DATABASE_REPLICA_URL.
    replica_is(UP)
    assert _where_reads_go(_request()).content == b"default default"


def test_a_replica_page_reads_rollups_from_a_healthy_replica(replica_on, replica_is):
    replica_is(UP, 2.0)
    response = _where_reads_go(_request())
    assert response.content == b"replica default"
    assert response[SOURCE_HEADER] == "replica"
    assert int(response[FRESHNESS_HEADER]) >= 2


def test_people_sessions_and_tokens_are_read_from_the_primary_on_a_replica_page(
    replica_on, replica_is
):
    replica_is(UP)

    @replica_reads
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(
            " ".join(
                router.db_for_read(model)
                for model in (User, ApiToken, Province, DistrictDayHappiness)
            )
        )

    assert view(_request()).content == b"default default replica replica"


@pytest.mark.parametrize("status", [DOWN, LAGGING])
def test_a_replica_that_is_down_or_too_far_behind_is_not_read(
    replica_on, replica_is, status
):
    replica_is(status, None if status == DOWN else 45.0)
    response = _where_reads_go(_request())
    assert response.content == b"default default"
    assert SOURCE_HEADER not in response


def test_writes_and_migrations_go_to_the_primary_only():
    assert router.db_for_write(DistrictDayHappiness) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "feedback") is True
    assert router.allow_migrate("replica", "feedback") is False


def test_objects_read_from_either_database_may_be_related():
    from_replica, from_primary = Province(code="10"), Province(code="50")
    from_replica._state.db, from_primary._state.db = "replica", DEFAULT_DB_ALIAS
    assert router.allow_relation(from_replica, from_primary) is True
    from_primary._state.db = "elsewhere"
    assert router.allow_relation(from_replica, from_primary) is False


# --- The replica's health, measured at most every few seconds -------------------------
@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch, replica_on) -> list[float | None]:
    """The lags the replica will answer, one per measurement (None: unreachable);
    what is left shows how many measurements were made."""
    answers: list[float | None] = []
    monkeypatch.setattr(replica, "_lag_seconds", lambda: answers.pop(0))
    return answers


def test_the_lag_is_measured_once_per_check_interval(measured, settings):
    measured.extend([3.0, 50.0])
    first = replica.replica_state()
    again = replica.replica_state()
    assert (first.status, first.lag_seconds) == (UP, 3.0)
    assert again is first and measured == [50.0]
    with time_machine.travel(timedelta(seconds=replica.CHECK_SECONDS + 1)):
        later = replica.replica_state()
    assert (later.status, later.lag_seconds) == (LAGGING, 50.0)


def test_a_lag_past_the_limit_is_lagging_and_at_the_limit_is_up(measured, settings):
    settings.REPLICA_MAX_LAG_SECONDS = 10
    measured.extend([10.0, 10.5])
    assert replica.replica_state().status == UP
    replica._state.clear()
    assert replica.replica_state().status == LAGGING


def test_an_unreachable_replica_is_left_alone_for_a_while(measured):
    measured.extend([None, 1.0])
    assert replica.replica_state().status == DOWN
    with time_machine.travel(timedelta(seconds=replica.CHECK_SECONDS + 1)):
        assert replica.replica_state().status == DOWN
    assert measured == [1.0]
    with time_machine.travel(timedelta(seconds=replica.DOWN_SECONDS + 1)):
        assert replica.replica_state().status == UP


def test_a_replica_marked_down_mid_request_is_not_measured_until_later(measured):
    measured.append(0.0)
    replica.replica_mark_down(RuntimeError("gone"))
    assert replica.replica_state().status == DOWN
    assert measured == [0.0]


def test_without_a_replica_the_state_is_off_and_nothing_is_measured(measured, settings):
    settings.REPLICA_READS = False
    assert replica.replica_state().status == replica.OFF
    assert measured == []


def test_data_as_of_is_the_measurement_less_the_lag():
    now = timezone.now()
    state = ReplicaState(UP, 12.0, now)
    assert state.data_as_of() == now - timedelta(seconds=12)


# --- Reading one's own writes --------------------------------------------------------
def _through_pin_middleware(request: HttpRequest, status: int) -> HttpResponse:
    return ReplicaPinMiddleware(lambda _request: HttpResponse(status=status))(request)


@pytest.mark.parametrize(
    ("method", "status", "pinned"),
    [
        ("post", 201, True),
        ("post", 302, True),
        ("delete", 204, True),
        ("post", 400, False),
        ("post", 503, False),
        ("get", 200, False),
    ],
)
def test_a_change_that_succeeded_sets_the_pin_cookie(
    replica_on, method, status, pinned
):
    response = _through_pin_middleware(_request(method), status)
    assert (PIN_COOKIE in response.cookies) is pinned


def test_no_pin_cookie_when_no_replica_is_used():
    response = _through_pin_middleware(_request("post"), 201)
    assert PIN_COOKIE not in response.cookies


def test_the_pin_cookie_keeps_reads_on_the_primary_for_the_pin_seconds(
    replica_on, replica_is, settings
):
    replica_is(UP)
    cookie = _through_pin_middleware(_request("post"), 201).cookies[PIN_COOKIE]
    assert cookie["max-age"] == settings.REPLICA_PIN_SECONDS
    assert cookie["httponly"] is True
    pinned = _request(**{PIN_COOKIE: cookie.value})
    assert pinned_to_primary(pinned)
    assert _where_reads_go(pinned).content == b"default default"
    with time_machine.travel(timedelta(seconds=settings.REPLICA_PIN_SECONDS + 1)):
        later = _request(**{PIN_COOKIE: cookie.value})
        assert not pinned_to_primary(later)
        assert _where_reads_go(later).content == b"replica default"


def test_a_forged_pin_cookie_is_ignored(replica_on):
    assert not pinned_to_primary(_request(**{PIN_COOKIE: "1"}))


@pytest.mark.django_db
def test_a_signed_in_person_without_cookies_is_pinned_by_the_shared_cache(
    replica_on, replica_is, make_user
):
    # An API client with a bearer token keeps no cookies.
    replica_is(UP)
    person = make_user()
    request = _request("post")
    request.user = person
    pin_to_primary(request, HttpResponse())
    reading = _request()
    reading.user = person
    assert pinned_to_primary(reading)
    assert _where_reads_go(reading).content == b"default default"
    cache.clear()
    assert _where_reads_go(reading).content == b"replica default"


@pytest.mark.django_db
def test_the_shared_cache_down_means_the_primary_for_a_signed_in_person(
    replica_on, monkeypatch, make_user
):
    def broken(*args: object, **kwargs: object) -> None:
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", broken)
    request = _request()
    request.user = make_user()
    assert pinned_to_primary(request)


# --- Falling back when the replica fails in the middle of a request -----------------
def test_a_view_whose_replica_query_fails_is_run_again_on_the_primary(
    replica_on, replica_is, monkeypatch
):
    replica_is(UP)
    # Restored afterwards: the thread's replica connection outlives the test.
    monkeypatch.setattr(connections["replica"], "errors_occurred", False)
    failures = iter([True])
    seen: list[str] = []
    marked: list[object] = []
    monkeypatch.setattr(db_router, "replica_mark_down", lambda *a: marked.append(a))

    @replica_reads
    def view(request: HttpRequest) -> HttpResponse:
        alias = router.db_for_read(DistrictDayHappiness)
        seen.append(alias)
        if alias == "replica" and next(failures, False):
            connections["replica"].errors_occurred = True
            raise replica_failure
        return HttpResponse(alias)

    replica_failure = OperationalError("server closed the connection")
    response = view(_request())
    assert response.content == b"default"
    assert seen == ["replica", "default"]
    assert len(marked) == 1
    assert SOURCE_HEADER not in response


def test_an_error_of_the_primary_on_a_replica_page_is_not_retried(
    replica_on, replica_is
):
    replica_is(DOWN, None)
    calls: list[int] = []

    @replica_reads
    def view(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        router.db_for_read(DistrictDayHappiness)
        raise OperationalError("the primary is down")

    with pytest.raises(OperationalError):
        view(_request())
    assert calls == [1]
