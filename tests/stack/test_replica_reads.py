"""Reads scale out, through nginx: the ranking is read from the streaming
replica, a person who has just changed something reads the primary, and with
the replica stopped the same page still answers, from the primary."""

import itertools
from datetime import date, timedelta

from deploy.stack import Stack

from .conftest import CITIZEN, sign_in
from .support import https_client, wait_until

RANKING = "/api/v1/happiness/ranking"
# Each request asks a period not asked before, so that its counts are read from
# the database and not from the ranking's cache.
_ends = itertools.count(1)


def _ranking(http) -> str | None:
    end = date(2026, 10, 1) + timedelta(days=next(_ends))
    answer = http.get(RANKING, params={"start": "2025-10-01", "end": str(end)})
    assert answer.status_code == 200, answer.text[:300]
    return answer.headers.get("X-Data-Source")


def test_the_ranking_is_read_from_the_replica_and_says_how_fresh(stack: Stack):
    with https_client(stack) as http:
        assert wait_until(lambda: _ranking(http) == "replica", timeout=30)
        answer = http.get(RANKING, params={"start": "2025-10-01", "end": "2026-09-30"})
        if answer.headers.get("X-Data-Source") == "replica":
            assert int(answer.headers["X-Data-Freshness-Seconds"]) >= 1


def test_a_person_who_has_just_signed_in_reads_the_primary(stack: Stack):
    signed_in = sign_in(stack, CITIZEN)
    try:
        # The sign-in was a POST answered 302: the pin cookie keeps this browser
        # on the primary for REPLICA_PIN_SECONDS.
        assert signed_in.http.cookies.get("saduak_primary")
        assert _ranking(signed_in.http) is None
    finally:
        signed_in.http.close()


def test_with_the_replica_stopped_the_page_answers_from_the_primary(stack: Stack):
    stack.component_stop("postgres-replica")
    try:
        with https_client(stack) as http:
            # Each app process finds the replica gone (or already knows it):
            # every answer is a 200, none read from the replica after the first.
            sources = [_ranking(http) for _ in range(6)]
            assert sources[-1] is None
    finally:
        stack.component_start("postgres-replica")
    with https_client(stack) as http:
        assert wait_until(lambda: _ranking(http) == "replica", timeout=60, step=2)
