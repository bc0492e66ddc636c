"""Offices of the small map and a way to cast votes as distinct voters."""

from collections.abc import Callable
from datetime import datetime
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from saduak.areas.models import Office
from saduak.feedback.choices import VoteChannel
from saduak.feedback.keys import Voter
from saduak.feedback.services.votes import VoteOutcome, vote_cast

BANGKOK = ZoneInfo("Asia/Bangkok")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=BANGKOK)

_voters = count(1)


@pytest.fixture
def office(small_map: None) -> Office:
    return Office.objects.get(code="reg-5001")


@pytest.fixture
def other_office(small_map: None) -> Office:
    return Office.objects.get(code="do-5002")


def voter(name: str = "", *, source: str = "") -> Voter:
    name = name or f"voter-{next(_voters)}"
    return Voter(
        key=f"key-{name}", source=source or f"net-{name}", channel=VoteChannel.QR
    )


def verified_voter(name: str = "", *, source: str = "") -> Voter:
    """A LINE user: a verified voter, never held nor limited by network."""
    name = name or f"line-{next(_voters)}"
    return Voter(
        key=f"key-{name}", source=source or "carrier", channel=VoteChannel.LINE_CHAT
    )


@pytest.fixture
def cast() -> Callable[..., VoteOutcome]:
    """Casts a vote as a new voter unless one is given."""

    def make(office: Office, score: int, *, by: Voter | None = None, **extra: object):
        return vote_cast(office=office, score=score, voter=by or voter(), **extra)  # type: ignore[arg-type]

    return make
