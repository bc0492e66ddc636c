"""The waiting room's contract: the same tests against the room in memory (the
Python `step`) and on Redis (the Lua script), on 127.0.0.1:6379 db 3 (or
SADUAK_TEST_REDIS_URL); the Redis half is skipped where Redis does not answer."""

import logging
import os
import uuid

import pytest
import redis
from django.core import signing
from django.test import override_settings

from saduak.core import waiting_room
from saduak.core.waiting_room import (
    EARLY,
    IN,
    WAIT,
    MemoryBackend,
    RedisBackend,
    Ticket,
    WaitingRoom,
    admission_sign,
    admission_valid,
    control_rate,
    p95,
    ticket_read,
    ticket_sign,
)

REDIS_URL = os.environ.get("SADUAK_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
START = 1_800_000_000_000  # ms


def redis_client():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    return client


@pytest.fixture(params=["memory", "redis"])
def backend(request):
    if request.param == "memory":
        yield MemoryBackend()
        return
    client = redis_client()
    prefix = f"test-wr-{uuid.uuid4().hex[:8]}"
    yield RedisBackend(client, prefix=prefix)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += int(seconds * 1000)


def room_on(backend, *, rate=2, name="booking"):
    """A room admitting `rate` people a second (burst 250 ms of it, at least one)
    whose controller never runs (no durations, no turn)."""
    clock = Clock()
    return WaitingRoom(name, backend=backend, ceiling=lambda: rate, clock=clock), clock


def arrive(room, ticket=None):
    return room.backend.visit(
        room.name,
        now_ms=room.clock(),
        ceiling_milli=room.ceiling_milli(),
        burst_ms=250,
        ticket=ticket,
        score=waiting_room.secrets.randbits(52) / 2**52,
        durations=[],
        keep=100,
    )


def test_at_rest_an_arrival_goes_straight_through_without_a_place(backend):
    room, _ = room_on(backend, rate=8)  # a burst of two
    first, second = arrive(room), arrive(room)
    assert (first.outcome, first.place) == (IN, 0)
    assert (second.outcome, second.place) == (IN, 0)
    third = arrive(room)
    assert (third.outcome, third.place, third.ahead) == (WAIT, 1, 0)


def test_places_are_given_in_order_of_arrival_and_admitted_in_that_order(backend):
    room, clock = room_on(backend, rate=2)
    assert arrive(room).outcome == IN  # the burst of one
    places = [arrive(room) for _ in range(5)]
    assert [visit.place for visit in places] == [1, 2, 3, 4, 5]
    assert [visit.ahead for visit in places] == [0, 1, 2, 3, 4]
    clock.advance(1)  # two admitted: places 1 and 2
    answers = {
        visit.place: arrive(room, visit.ticket("booking")).outcome
        for visit in reversed(places)
    }
    assert answers == {5: WAIT, 4: WAIT, 3: WAIT, 2: IN, 1: IN}


def test_a_new_arrival_never_passes_people_waiting(backend):
    room, clock = room_on(backend, rate=2)
    arrive(room)
    waiting = arrive(room)
    clock.advance(0.5)  # budget for one person: it goes to place 1, not to the new one
    newcomer = arrive(room)
    assert newcomer.outcome == WAIT and newcomer.place == 2
    assert arrive(room, waiting.ticket("booking")).outcome == IN


def test_the_head_moves_at_the_admission_rate(backend):
    room, clock = room_on(backend, rate=3)
    arrive(room)
    tickets = [arrive(room).ticket("booking") for _ in range(40)]
    for _ in range(10):
        clock.advance(1)
        arrive(room, tickets[-1])
    status = room.status()
    assert status["head"] == 30  # 3 a second for 10 seconds, the burst already used
    assert status["waiting"] == 10
    assert status["rate"] == 3


def test_after_a_quiet_moment_only_a_small_burst_gets_in_at_once(backend):
    room, clock = room_on(backend, rate=20)  # a burst of five
    clock.advance(3600)
    answers = [arrive(room).outcome for _ in range(8)]
    assert answers == [IN] * 5 + [WAIT] * 3


def test_the_expected_wait_is_the_people_ahead_at_the_current_rate(backend):
    room, _ = room_on(backend, rate=2)
    arrive(room)
    for _ in range(9):
        arrive(room)
    tenth = arrive(room)
    assert tenth.place == 10 and tenth.ahead == 9
    assert tenth.wait_seconds(START) == 5
    assert tenth.refresh_seconds(START) == 5
    room_slow, _ = room_on(backend, rate=1, name="slow")
    arrive(room_slow)
    for _ in range(500):
        last = arrive(room_slow)
    assert last.wait_seconds(START) == 500
    assert last.refresh_seconds(START) == 60  # long waits cost one request a minute


def test_a_lower_controlled_rate_is_used_and_the_operators_ceiling_caps_it(backend):
    room, clock = room_on(backend, rate=10)
    backend.update("booking", rate=4000)  # the controller's 4 a second
    arrive(room)
    assert arrive(room).rate == 4
    lower, _ = room_on(backend, rate=2)  # the operator lowered the ceiling to 2
    lower.clock = clock
    assert arrive(lower).rate == 2


def test_before_an_announced_opening_arrivals_get_entries_in_a_draw(backend):
    room, clock = room_on(backend, rate=1)
    room.open_at(START + 60_000)
    entries = [arrive(room) for _ in range(40)]
    assert {visit.outcome for visit in entries} == {EARLY}
    assert [visit.place for visit in entries] == list(range(1, 41))
    assert entries[0].wait_seconds(START) == 60
    again = arrive(room, entries[3].ticket("booking"))
    assert (again.outcome, again.place) == (EARLY, 4)  # the same entry, no new one

    clock.advance(60)
    places = [arrive(room, visit.ticket("booking")).place for visit in entries]
    assert sorted(places) == list(range(1, 41))  # everyone has a place
    assert places != list(range(1, 41))  # drawn, not in order of arrival
    assert [arrive(room, visit.ticket("booking")).place for visit in entries] == places
    late = arrive(room)
    assert (late.outcome, late.place) == (WAIT, 41)  # after the opening: in order
    first_drawn = entries[places.index(1)]
    assert arrive(room, first_drawn.ticket("booking")).outcome == IN  # the burst


def test_a_new_opening_starts_a_new_draw(backend):
    room, clock = room_on(backend, rate=1)
    room.open_at(START + 10_000)
    old = arrive(room)
    room.open_at(START + 20_000)
    renewed = arrive(room, old.ticket("booking"))
    assert renewed.outcome == EARLY and renewed.opening_ms == START + 20_000
    assert renewed.place == 1  # a new entry in the new draw


def test_a_ticket_of_a_room_whose_state_was_lost_counts_as_a_new_arrival(backend):
    room, _ = room_on(backend, rate=1)
    arrive(room)
    kept = [arrive(room) for _ in range(3)][-1]
    room.reset()
    arrive(room)  # at rest again: through
    again = arrive(room, kept.ticket("booking"))
    assert again.outcome == WAIT and again.place == 1 and again.epoch != kept.epoch


def test_durations_are_kept_newest_first_and_trimmed(backend):
    room, _ = room_on(backend)
    backend.durations_add("booking", [5, 6, 7], keep=4)
    backend.durations_add("booking", [8, 9], keep=4)
    assert backend.state("booking")["durations"] == [9, 8, 7, 6]
    assert backend.durations_take("booking", minimum=5) == []
    assert sorted(backend.durations_take("booking", minimum=4)) == [6, 7, 8, 9]
    assert backend.state("booking")["durations"] == []


@override_settings(
    WAITING_ROOM_MIN_SAMPLES=3,
    WAITING_ROOM_TARGET_P95_MS=100,
    WAITING_ROOM_MIN_RATE=2,
    WAITING_ROOM_CONTROL_SECONDS=5,
)
def test_the_controller_lowers_the_rate_once_per_round_over_all_servers(backend):
    room, _ = room_on(backend, rate=20)
    other_server, _ = room_on(backend, rate=20)
    backend.durations_add("booking", [400, 300, 500, 450], keep=100)
    # p95 500 ms, 5x the target: 4x lower at once (the most in one round).
    assert room.maybe_control(waiting=10) == 5000
    waiting_room._control_turns().clear()  # as if another process's turn had come
    assert other_server.maybe_control(waiting=10) is None  # the lock is held
    assert room.status()["rate"] == 5


def test_the_rate_comes_down_on_slow_answers_and_up_slowly_while_people_wait():
    common = {"ceiling_milli": 50_000, "floor_milli": 5_000, "target_ms": 500}
    # In proportion (40 x 500 / 900 = 22.2), at least a quarter, at most 4x lower.
    assert control_rate(rate_milli=40_000, p95_ms=900, waiting=100, **common) == 22_222
    assert control_rate(rate_milli=40_000, p95_ms=550, waiting=100, **common) == 30_000
    assert control_rate(rate_milli=40_000, p95_ms=6000, waiting=100, **common) == 10_000
    assert control_rate(rate_milli=40_000, p95_ms=300, waiting=100, **common) == 44_000
    assert control_rate(rate_milli=5_000, p95_ms=300, waiting=100, **common) == 6_000
    assert control_rate(rate_milli=40_000, p95_ms=300, waiting=0, **common) == 40_000
    assert control_rate(rate_milli=40_000, p95_ms=450, waiting=9, **common) == 40_000
    assert control_rate(rate_milli=49_000, p95_ms=300, waiting=9, **common) == 50_000
    assert control_rate(rate_milli=6_000, p95_ms=5_000, waiting=9, **common) == 5_000
    assert control_rate(rate_milli=0, p95_ms=None, waiting=0, **common) == 50_000
    assert p95([]) is None
    assert p95(list(range(1, 101))) == 95


# --- Signatures ------------------------------------------------------------------------


def test_a_signed_ticket_reads_back_in_its_own_room_only():
    ticket = Ticket("booking", "e1", "place", 42)
    token = ticket_sign(ticket)
    assert ticket_read(token, room="booking") == ticket
    assert ticket_read(token, room="vaccines") is None
    assert (
        ticket_read(ticket_sign(Ticket("vaccines", "e1", "place", 1)), room="booking")
        is None
    )


def test_a_forged_or_altered_ticket_is_refused():
    token = ticket_sign(Ticket("booking", "e1", "place", 4200))
    payload, signature = token.rsplit(":", 1)
    forged = signing.dumps(["booking", "e1", "place", 1, 0], salt="guessed")
    assert ticket_read(forged, room="booking") is None
    assert ticket_read(payload + ":" + "A" * len(signature), room="booking") is None
    assert ticket_read("not a token", room="booking") is None
    admission = admission_sign(room="booking", place=1)
    assert ticket_read(admission, room="booking") is None  # not a ticket


def test_an_admission_token_lets_its_holder_in_for_a_while_in_its_room(monkeypatch):
    token = admission_sign(room="booking", place=3)
    assert admission_valid(token, room="booking")
    assert not admission_valid(token, room="vaccines")
    assert not admission_valid(
        ticket_sign(Ticket("booking", "e", "place", 1)), room="booking"
    )
    assert not admission_valid(token[:-2] + "xx", room="booking")
    real_time = signing.time.time
    with override_settings(WAITING_ROOM_ADMISSION_SECONDS=600):
        monkeypatch.setattr(signing.time, "time", lambda: real_time() + 601)
        assert not admission_valid(token, room="booking")  # expired


def test_a_ticket_expires_after_the_hours_a_place_is_kept(monkeypatch):
    token = ticket_sign(Ticket("booking", "e1", "place", 1))
    real_time = signing.time.time
    with override_settings(WAITING_ROOM_TICKET_HOURS=12):
        monkeypatch.setattr(signing.time, "time", lambda: real_time() + 11 * 3600)
        assert ticket_read(token, room="booking") is not None
        monkeypatch.setattr(signing.time, "time", lambda: real_time() + 13 * 3600)
        assert ticket_read(token, room="booking") is None


# --- Redis down --------------------------------------------------------------------


@override_settings(WAITING_ROOM_FALLBACK_PER_SECOND=4)
def test_with_redis_down_each_process_admits_on_its_own_at_the_fallback_rate(caplog):
    down = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    room = WaitingRoom("booking", backend=RedisBackend(down), ceiling=lambda: 1000)
    with caplog.at_level(logging.WARNING, logger="saduak.core.waiting_room"):
        answers = [room.visit(None) for _ in range(5)]
    assert [visit.outcome for visit in answers] == [IN, WAIT, WAIT, WAIT, WAIT]
    assert answers[1].rate == 4  # the process's own limit, not the shared 1000
    assert "Redis does not answer" in caplog.text
    room.record(120)  # durations are dropped, not an error
    assert room.maybe_control(waiting=3) is None


def test_admitted_durations_travel_with_the_next_visit(backend):
    room, _ = room_on(backend, rate=100)
    room.record(120)
    room.record(80)
    assert backend.state("booking")["durations"] == []  # nothing sent on its own
    room.visit(None)
    assert sorted(backend.state("booking")["durations"]) == [80, 120]


def test_at_rest_an_arrival_costs_one_redis_call(monkeypatch):
    client = redis_client()
    backend = RedisBackend(client, prefix=f"test-wr-{uuid.uuid4().hex[:8]}")
    room = WaitingRoom("booking", backend=backend, ceiling=lambda: 100)
    room.visit(None)  # loads the script into Redis (once per Redis)
    room.record(50)
    sent = []
    original = client.execute_command

    def counted(*args, **options):
        sent.append(args[0])
        return original(*args, **options)

    monkeypatch.setattr(client, "execute_command", counted)
    assert room.visit(None).outcome == IN
    assert sent == ["EVALSHA"]  # the duration travels with it
    assert backend.state("booking")["durations"] == [50]
    backend.reset("booking")


def test_a_rate_at_the_ceiling_follows_the_ceiling_when_the_operator_raises_it(
    backend,
):
    ceiling = [40]
    clock = Clock()
    room = WaitingRoom(
        "booking", backend=backend, ceiling=lambda: ceiling[0], clock=clock
    )
    backend.durations_add("booking", [100] * 30, keep=100)  # fast: no reason to lower
    assert room.maybe_control(waiting=10) == 40_000
    ceiling[0] = 100_000  # `admission_rate --reset` back to the setting
    assert arrive(room).rate == 100_000
    assert room.status()["rate"] == 100_000


def test_releasing_the_room_forgets_the_controlled_rate_and_its_durations(backend):
    room, _ = room_on(backend, rate=40)
    backend.update("booking", rate=5000)  # the controller's 5 a second
    backend.durations_add("booking", [4000] * 30, keep=100)
    assert arrive(room).rate == 5
    room.release()
    assert arrive(room).rate == 40
    assert backend.state("booking")["durations"] == []


def test_the_operators_new_admission_rate_releases_the_room_at_once(settings):
    from saduak.core.admission import admission_rate_set

    settings.BOOKING_ADMISSIONS_PER_SECOND = 40
    room = waiting_room.booking_room()
    room.reset()
    room.backend.update("booking", rate=5000)
    assert room.status()["rate"] == 5
    admission_rate_set(None)
    assert room.status()["rate"] == 40
    room.reset()


def test_a_retry_after_is_spread_around_its_value_within_the_share():
    seen = {waiting_room.spread(10, share=0.2, draw=lambda n, k=k: k) for k in range(5)}
    assert seen == {8, 9, 10, 11, 12}
    lowest = waiting_room.spread(5, share=0.2, draw=lambda n: 0)
    highest = waiting_room.spread(5, share=0.2, draw=lambda n: n - 1)
    assert (lowest, highest) == (4, 6)  # at least a second either way
    assert waiting_room.spread(1, share=0.2, draw=lambda n: 0) == 1  # never under 1
    assert waiting_room.spread(7, share=0, draw=lambda n: 0) == 7


def test_the_proxys_stamp_gives_the_time_since_it_received_the_request():
    now = 1_800_000_000_000
    assert waiting_room.queued_ms("t=1800000000.000", now_ms=now + 2500) == 2500
    assert waiting_room.queued_ms("t=1799999997.250", now_ms=now) == 2750
    assert waiting_room.queued_ms("1800000000.5", now_ms=now + 500) == 0
    # Clocks a little apart: no negative time. Nonsense: no figure at all.
    assert waiting_room.queued_ms("t=1800000000.400", now_ms=now) == 0
    for nonsense in ("", "t=", "t=abc", "t=nan", "t=inf", "t=" + "9" * 30, "t=0"):
        assert waiting_room.queued_ms(nonsense, now_ms=now) is None
    assert waiting_room.queued_ms("t=1800000005.000", now_ms=now) is None  # future
    assert waiting_room.queued_ms("t=1799999000.000", now_ms=now) is None  # too old
