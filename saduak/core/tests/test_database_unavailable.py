"""The database out of reach (PostgreSQL restarting, PgBouncer gone): a request
answers 503 with Retry-After and a page or problem+json, never a server error;
nothing of its work is kept, and a retry with its Idempotency-Key is carried out
once the database is back."""

import psycopg
import pytest
from django.db import InterfaceError, OperationalError
from django.db.models import QuerySet

from saduak.accounts.choices import Role
from saduak.core import views as core_views
from saduak.core.models import IdempotencyRecord
from saduak.core.outages import database_unavailable
from saduak.identity.models import Partner
from saduak.identity.oidc import services as partner_services

BODY = {"name_th": "ธนาคาร", "kind": "bank", "purpose_th": "เปิดบัญชี"}


def lost_connection() -> OperationalError:
    """What Django raises when PostgreSQL goes away under a query."""
    error = OperationalError("server closed the connection unexpectedly")
    error.__cause__ = psycopg.OperationalError(
        "server closed the connection unexpectedly"
    )
    return error


def query_error(sqlstate_class: type[psycopg.Error]) -> OperationalError:
    error = OperationalError("canceling statement due to statement timeout")
    error.__cause__ = sqlstate_class("canceling statement due to statement timeout")
    return error


def test_a_lost_or_refused_connection_counts_as_the_database_unavailable():
    assert database_unavailable(lost_connection())
    assert database_unavailable(InterfaceError("connection already closed"))
    assert database_unavailable(OperationalError("database is locked"))
    shutdown = OperationalError("terminating connection due to administrator command")
    shutdown.__cause__ = psycopg.errors.AdminShutdown("terminating connection")
    assert database_unavailable(shutdown)
    pooler = OperationalError("no more connections allowed (max_client_conn)")
    pooler.__cause__ = psycopg.errors.ProtocolViolation("no more connections")
    assert database_unavailable(pooler)


def test_an_error_of_the_query_itself_is_not_the_database_unavailable():
    assert not database_unavailable(query_error(psycopg.errors.QueryCanceled))
    assert not database_unavailable(OperationalError("no such table: nothing"))
    assert not database_unavailable(RuntimeError("server closed the connection"))


def test_a_page_that_cannot_reach_the_database_answers_503_with_a_clear_page(
    client, monkeypatch
):
    def unreachable(*args, **kwargs):
        raise lost_connection()

    monkeypatch.setattr(core_views, "render", unreachable)
    response = client.get("/en/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "cannot reach its database" in page
    assert "ลองใหม่" in page
    assert "Traceback" not in page


def test_the_thai_page_says_it_in_thai(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise lost_connection()

    monkeypatch.setattr(core_views, "render", unreachable)
    response = client.get("/")
    assert response.status_code == 503
    assert "cannot reach its database" not in response.content.decode()


def test_a_query_error_stays_a_server_error(client, monkeypatch):
    def broken(*args, **kwargs):
        raise query_error(psycopg.errors.QueryCanceled)

    monkeypatch.setattr(core_views, "render", broken)
    client.raise_request_exception = False
    assert client.get("/en/").status_code == 500


@pytest.fixture
def hq(make_staff, client_for):
    api = client_for(make_staff(Role.HQ_ADMIN, "hq"))
    api.raise_request_exception = False
    return api


def post(api, key="", body=BODY):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(
        "/api/v1/identity/partners", body, content_type="application/json", **headers
    )


def fail_once(monkeypatch, target, name, *, after_work: bool = False):
    """Makes target.name raise a lost connection the first time it is called
    (after doing its work when after_work: the database gone mid-request)."""
    real = getattr(target, name)
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            if after_work:
                real(*args, **kwargs)
            raise lost_connection()
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, flaky)


@pytest.mark.django_db
def test_the_api_answers_problem_json_database_unavailable(hq, monkeypatch):
    fail_once(monkeypatch, partner_services, "partner_create")
    response = post(hq)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "database-unavailable"


@pytest.mark.django_db
def test_a_request_cut_off_mid_way_keeps_nothing_and_its_retry_is_done_once(
    hq, monkeypatch
):
    fail_once(monkeypatch, partner_services, "partner_create", after_work=True)
    cut_off = post(hq, "retry-key")
    assert cut_off.status_code == 503
    assert not Partner.objects.exists()
    assert not IdempotencyRecord.objects.filter(key="retry-key").exists()
    retried = post(hq, "retry-key")
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried
    again = post(hq, "retry-key")
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == retried.json()
    assert Partner.objects.count() == 1


@pytest.mark.django_db
def test_the_database_lost_between_the_work_and_its_kept_answer_keeps_neither(
    hq, monkeypatch
):
    real_update = QuerySet.update
    failures = []

    def update(self, **kwargs):
        if self.model is IdempotencyRecord and not failures:
            failures.append(1)
            raise lost_connection()
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update)
    response = post(hq, "between-key")
    assert failures and response.status_code == 503
    assert response.json()["code"] == "database-unavailable"
    assert not Partner.objects.exists()
    assert post(hq, "between-key").status_code == 201
    assert Partner.objects.count() == 1


@pytest.mark.django_db
def test_a_middleware_that_cannot_reach_the_database_answers_503_too(
    hq, monkeypatch
):
    fail_once(monkeypatch, IdempotencyRecord.objects, "create")
    response = post(hq, "middleware-key")
    assert response.status_code == 503
    assert response.json()["code"] == "database-unavailable"
    assert post(hq, "middleware-key").status_code == 201
