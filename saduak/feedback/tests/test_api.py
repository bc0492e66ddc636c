import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from saduak.feedback.models import OfficeDayHappiness, Vote
from saduak.feedback.tests.conftest import NOW

DEVICE = "device-0123456789abcdef"


def post(payload, **headers):
    return Client().post(
        "/api/v1/happiness/votes",
        json.dumps(payload),
        content_type="application/json",
        **headers,
    )


@pytest.mark.django_db
def test_an_app_votes_and_a_second_vote_replaces_the_first(office):
    first = post({"office": office.code, "score": 3, "device_id": DEVICE})
    assert first.status_code == 201 and first.json()["status"] == "counted"
    second = post(
        {"office": office.code, "score": 5, "device_id": DEVICE, "counter": 1}
    )
    assert second.json() == {
        "id": first.json()["id"],
        "status": "counted",
        "replaced": True,
    }
    assert Vote.objects.get().counter.number == 1


@pytest.mark.parametrize(
    ("payload", "status", "param"),
    [
        ({"score": 6}, 400, "score"),
        ({"score": 0}, 400, "score"),
        ({"score": "x"}, 400, "score"),
        ({"device_id": "short"}, 400, "device_id"),
        ({"comment": "ก" * 1001}, 400, "comment"),
        ({"counter": 99}, 400, "counter"),
        ({"service": "nothing"}, 400, "service"),
        ({"office": "nowhere"}, 404, None),
    ],
)
@pytest.mark.django_db
def test_bad_votes_get_a_precise_problem_and_store_nothing(
    office, payload, status, param
):
    body = {"office": office.code, "score": 4, "device_id": DEVICE, **payload}
    response = post(body)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    if param:
        assert param in [
            p["name"].split(".")[-1] for p in response.json()["invalid_params"]
        ]
    assert not Vote.objects.exists()


@pytest.mark.django_db
def test_the_ranking_is_open_data(office, cast):
    cast(office, 5, now=NOW)
    response = Client().get("/api/v1/happiness/ranking?start=2026-11-01&end=2026-11-30")
    assert response.status_code == 200
    data = response.json()
    assert data["national"]["votes"] == 1 and "licence" in data
    row = next(row for row in data["districts"] if row["district"] == "5001")
    assert row["rank"] == 1 and row["index"]["distribution"] == [0, 0, 0, 0, 1]
    reversed_period = Client().get(
        "/api/v1/happiness/ranking?start=2026-11-30&end=2026-11-01"
    )
    assert reversed_period.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_votes_of_one_device_count_once(office):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is run on PostgreSQL")

    def send(score):
        from django.db import connections

        try:
            return post(
                {"office": office.code, "score": score % 5 + 1, "device_id": DEVICE}
            ).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(send, range(20)))
    assert statuses == [201] * 20
    vote = Vote.objects.get()
    assert vote.times_cast == 20
    day = OfficeDayHappiness.objects.get()
    assert sum(getattr(day, f"votes_{n}") for n in range(1, 6)) == 1
    assert getattr(day, f"votes_{vote.score}") == 1


@pytest.mark.django_db
def test_a_vote_for_a_known_office_does_not_read_the_office_again(office):
    from django.test.utils import CaptureQueriesContext

    post({"office": office.code, "score": 3, "device_id": DEVICE})
    with CaptureQueriesContext(connection) as seen:
        response = post({"office": office.code, "score": 4, "device_id": DEVICE + "x"})
    assert response.status_code == 201
    assert not [q for q in seen.captured_queries if "areas_office" in q["sql"]]
    assert Vote.objects.count() == 2
