"""Pages read through a real "replica" alias: the test settings' mirror of the
test database (config/settings/test.py), on SQLite and on PostgreSQL.

Django (5.2) makes a mirror a second connection to the same database, and a
TestCase opens its rolled-back transaction on every alias it may use, the
mirror's too: on PostgreSQL the mirror's transaction then sees none of the
test's rows, and on SQLite (transactions BEGIN IMMEDIATE) the second BEGIN
waits for the first's write lock until "database is locked". So every test
here is transactional (`transaction=True`: nothing wraps the connections, rows
are committed, tables emptied afterwards), which is also how a real replica
behaves: it sees committed rows only (the first test shows it)."""

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connections, transaction
from django.test import Client

from saduak.accounts.choices import Role
from saduak.areas.models import Office, Province
from saduak.core import db_router, replica
from saduak.core.db_router import FRESHNESS_HEADER, PIN_COOKIE, SOURCE_HEADER
from saduak.core.memo import clear_all_memos
from saduak.core.replica import UP, ReplicaState

BOTH = ["default", "replica"]
NOTE_EN = "Data as of"
NOTE_TH = "ข้อมูล ณ"


@pytest.fixture
def replica_on(settings: Any) -> None:
    settings.REPLICA_READS = True


def _forget_caches() -> None:
    """Each request then reads the database, not a page or a memo."""
    cache.clear()
    clear_all_memos()


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_mirror_sees_only_committed_rows():
    with transaction.atomic():
        Province.objects.create(code="96", name_th="นราธิวาส", name_en="Narathiwat")
        assert Province.objects.using("default").filter(code="96").exists()
        assert not Province.objects.using("replica").filter(code="96").exists()
    assert Province.objects.using("replica").filter(code="96").exists()


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_mirror_is_up_and_never_behind(replica_on):
    # A server not in recovery (PostgreSQL) or another connection to the same
    # file (SQLite) is never behind.
    state = replica.replica_state()
    assert (state.status, state.lag_seconds) == (UP, 0.0)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_ranking_page_reads_from_the_replica_and_says_how_fresh(
    replica_on, small_map
):
    page = Client().get("/en/happiness/")
    assert page.status_code == 200
    assert page[SOURCE_HEADER] == "replica"
    assert int(page[FRESHNESS_HEADER]) >= 1
    text = page.content.decode()
    assert NOTE_EN in text and "seconds behind" in text
    # The districts come from committed rows, read through the replica.
    assert "Mueang Chiang Mai" in text
    _forget_caches()
    thai = Client().get("/happiness/")
    assert NOTE_TH in thai.content.decode()


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_decorated_public_pages_and_open_data_render_from_the_replica(
    replica_on, small_map
):
    for address in (
        "/en/happiness/p/50/",
        "/en/happiness/d/5001/",
        "/en/happiness/data.json",
        "/en/happiness/data.csv",
        "/en/complaints/figures/",
        "/en/complaints/figures/p/50/",
        "/en/complaints/figures/d/5001/",
        "/en/complaints/figures/data.json",
        "/api/v1/happiness/ranking",
    ):
        _forget_caches()
        answer = Client().get(address)
        assert answer.status_code == 200, address
        assert answer[SOURCE_HEADER] == "replica", address


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_staff_dashboards_read_from_the_replica_with_the_person_from_the_primary(
    replica_on, make_staff, client_for
):
    officer = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    client = client_for(officer)
    for address in (
        "/en/staff/complaints/reports/",
        "/en/staff/happiness/",
    ):
        _forget_caches()
        page = client.get(address)
        assert page.status_code == 200, address
        assert page[SOURCE_HEADER] == "replica", address
        assert NOTE_EN in page.content.decode()


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_voter_reads_the_ranking_from_the_primary_right_after_voting(
    replica_on, small_map
):
    voter = Client()
    vote = voter.post(
        "/api/v1/happiness/votes",
        json.dumps(
            {
                "office": Office.objects.get(code="reg-5001").code,
                "score": 5,
                "device_id": "device-0123456789abcdef",
            }
        ),
        content_type="application/json",
    )
    assert vote.status_code == 201
    assert PIN_COOKIE in vote.cookies
    _forget_caches()
    after = voter.get("/api/v1/happiness/ranking")
    assert after.status_code == 200 and SOURCE_HEADER not in after
    _forget_caches()
    page = voter.get("/en/happiness/")
    assert SOURCE_HEADER not in page and NOTE_EN not in page.content.decode()
    _forget_caches()
    someone_else = Client().get("/api/v1/happiness/ranking")
    assert someone_else[SOURCE_HEADER] == "replica"


@pytest.fixture
def broken_replica(monkeypatch: pytest.MonkeyPatch, replica_on) -> Any:
    """The replica believed up, but its server gone: every connection fails."""
    monkeypatch.setattr(
        db_router, "replica_state", lambda: ReplicaState(UP, 0.0, _now())
    )
    mirror = connections["replica"]
    mirror.close()
    if mirror.vendor == "postgresql":
        monkeypatch.setitem(mirror.settings_dict, "PORT", "1")
        monkeypatch.setitem(mirror.settings_dict, "HOST", "127.0.0.1")
    else:
        monkeypatch.setitem(
            mirror.settings_dict, "NAME", "/nonexistent-folder/replica.sqlite3"
        )
    yield
    mirror.close()


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_page_whose_replica_dies_is_served_from_the_primary(
    broken_replica, small_map
):
    page = Client().get("/en/happiness/")
    assert page.status_code == 200
    assert SOURCE_HEADER not in page
    assert NOTE_EN not in page.content.decode()
    assert "Mueang Chiang Mai" in page.content.decode()
    remembered = replica._state.get(replica.REPLICA_ALIAS)
    assert remembered is not None and remembered.status == replica.DOWN


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_an_api_read_whose_replica_dies_is_answered_from_the_primary(
    broken_replica, small_map
):
    # The API turns a failed query into its own 500 instead of raising it.
    answer = Client().get("/api/v1/happiness/ranking")
    assert answer.status_code == 200
    assert SOURCE_HEADER not in answer
    assert {row["district"] for row in answer.json()["districts"]} >= {"5001"}
