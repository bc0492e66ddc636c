"""The stack bench's driver logic on tiny inputs, without the stack: CPU and WAL
arithmetic, the open-loop scheduler, the out-of-order and refresh-cost checks."""

import base64
import threading

import pytest

from bench.loadgen import RequestSpec
from bench.stack_scenarios import (
    ADMITTED,
    FAILED,
    WAIT,
    Attempt,
    OpenLoop,
    Person,
    _inversions,
    arrivals,
    cpu_delta,
    cpu_shares,
    lsn_bytes,
    offered_rates,
    out_of_order,
    parse,
    refresh_cost,
    scale_ratios,
    token_place,
)

REQUEST = RequestSpec("/api/v1/appointments/bookings", method="POST")


def person(number: int, *attempts: Attempt, place: int | None = None) -> Person:
    found = Person(number, 0.0, REQUEST, attempts=list(attempts))
    found.admitted_place = place
    return found


def test_a_process_born_during_the_window_counts_whole_and_one_gone_is_lost() -> None:
    before = {10: 100, 11: 50}
    after = {10: 130, 12: 7}
    assert cpu_delta(before, after) == 30 + 7


def test_an_lsn_is_read_as_a_byte_position() -> None:
    assert lsn_bytes("0/10") == 16
    assert lsn_bytes("1/0") == 1 << 32
    assert lsn_bytes("16/B374D848\n") - lsn_bytes("16/B374D000") == 0x848


def test_cpu_shares_split_the_measured_total() -> None:
    assert cpu_shares({"gunicorn": 3.0, "nginx": 1.0}) == {
        "gunicorn": 0.75,
        "nginx": 0.25,
    }
    assert cpu_shares({"gunicorn": 0.0}) == {}


def test_the_place_is_read_from_an_admission_token() -> None:
    # Django's signing.dumps uncompressed: base64 JSON, timestamp, signature.
    payload = base64.urlsafe_b64encode(b'["admitted","booking",42]').rstrip(b"=")
    assert token_place(f"{payload.decode()}:1tZ9cQ:signature") == 42
    assert token_place("not a token") is None


def test_the_place_is_read_from_the_waiting_rooms_own_token() -> None:
    from django.conf import settings

    if not settings.configured:
        pytest.skip("needs Django's settings (the normal test setup)")
    from saduak.core.waiting_room import admission_sign

    assert token_place(admission_sign(room="booking", place=7)) == 7


def test_a_person_told_to_wait_after_a_later_place_was_admitted_is_out_of_order() -> (
    None
):
    later = person(2, Attempt(0.0, 1.0, 201, ADMITTED, place=2), place=2)
    passed_over = person(
        1,
        Attempt(0.0, 0.1, 429, WAIT, place=1, retry_after=5),
        Attempt(1.5, 1.6, 429, WAIT, place=1, retry_after=5),
    )
    found = out_of_order([later, passed_over])
    assert found.passed_over_people == 1
    assert found.late_waits == 1
    assert found.examples[0]["later_place_admitted"] == 2


def test_a_wait_sent_before_the_later_admission_was_answered_is_not_counted() -> None:
    later = person(2, Attempt(0.0, 1.0, 201, ADMITTED, place=2), place=2)
    earlier = person(
        1,
        Attempt(0.9, 1.2, 429, WAIT, place=1, retry_after=5),
        Attempt(6.2, 6.3, 201, ADMITTED, place=1),
        place=1,
    )
    found = out_of_order([later, earlier])
    assert found.passed_over_people == 0
    # Admitted in the other order than their places: counted, for information.
    assert found.inversions == 1


def test_inversions_count_the_pairs_out_of_order() -> None:
    assert _inversions([1, 2, 3]) == 0
    assert _inversions([3, 2, 1]) == 3
    assert _inversions([2, 1, 4, 3]) == 2


def test_the_refresh_cost_counts_requests_after_the_first_over_minutes_waited() -> None:
    waited = person(
        1,
        Attempt(0.0, 1.0, 429, WAIT, place=1, retry_after=30),
        Attempt(31.0, 31.1, 429, WAIT, place=1, retry_after=30),
        Attempt(61.0, 61.2, 201, ADMITTED),
    )
    at_once = person(2, Attempt(0.0, 0.1, 201, ADMITTED))
    found = refresh_cost([waited, at_once])
    assert found["people_who_waited"] == 1
    assert found["refresh_requests"] == 2
    assert found["requests_per_waiting_person_per_minute"] == 2.0


def test_offered_rates_compare_requests_with_arrivals() -> None:
    people = [
        Person(
            n, float(n), REQUEST, attempts=[Attempt(float(n), n + 0.1, 201, ADMITTED)]
        )
        for n in range(4)
    ]
    people[0].attempts.append(Attempt(0.5, 0.6, 201, ADMITTED))
    found = offered_rates(people, arrival_window_s=4.0)
    assert found["arrivals_per_s"] == 1.0
    assert found["requests_total"] == 5
    assert found["peak_requests_in_a_second"] == 2
    assert found["requests_per_arrival_during_arrivals"] == 1.25


def test_arrivals_keep_a_fixed_rate() -> None:
    assert arrivals(4, 2.0) == [0.0, 0.5, 1.0, 1.5]


def test_the_open_loop_sends_every_arrival_without_waiting_for_earlier_answers() -> (
    None
):
    count = 20
    everyone_sent = threading.Event()
    started = []
    lock = threading.Lock()

    def send(who: Person, sent: float) -> Attempt:
        with lock:
            started.append(who.number)
            if len(started) == count:
                everyone_sent.set()
        # No answer comes back until every person has been sent: a closed loop
        # would stop here with the first answers outstanding.
        assert everyone_sent.wait(timeout=30)
        return Attempt(sent, sent, 201, ADMITTED)

    people = [Person(n, at, REQUEST) for n, at in enumerate(arrivals(count, 1000.0))]
    OpenLoop(people, send, threads=count, deadline_s=60).run()
    assert sorted(started) == list(range(count))
    assert all(p.admitted for p in people)


def test_a_person_told_to_wait_comes_back_after_retry_after_until_admitted() -> None:
    def send(who: Person, sent: float) -> Attempt:
        if len(who.attempts) < 2:
            return Attempt(sent, sent, 429, WAIT, place=who.number, retry_after=0.02)
        return Attempt(sent, sent, 201, ADMITTED)

    people = [Person(n, 0.0, REQUEST) for n in range(3)]
    loop = OpenLoop(people, send, threads=2, deadline_s=60)
    loop.run()
    for who in people:
        assert [a.outcome for a in who.attempts] == [WAIT, WAIT, ADMITTED]
        for before, after in zip(who.attempts, who.attempts[1:], strict=False):
            assert after.sent >= before.received + 0.02
    assert len(loop.lags) == 9


def test_a_failed_person_is_not_sent_again() -> None:
    calls = []

    def send(who: Person, sent: float) -> Attempt:
        calls.append(who.number)
        return Attempt(sent, sent, 409, FAILED)

    people = [Person(0, 0.0, REQUEST)]
    OpenLoop(people, send, threads=1, deadline_s=60).run()
    assert calls == [0]
    assert people[0].done and not people[0].admitted


def test_scale_ratios_pair_two_servers_with_one() -> None:
    def run(servers: int, rps: float) -> dict[str, object]:
        return {
            "servers": servers,
            **{path: {"rps": rps} for path in ("ping", "booking", "ranking")},
        }

    assert scale_ratios([run(2, 150.0), run(1, 100.0)])["booking"] == [1.5]


@pytest.mark.parametrize("name", ["scale", "replica", "cpu", "wroom", "all"])
def test_each_scenario_is_a_choice_on_the_command_line(name: str) -> None:
    assert parse(["--scenario", name]).scenario == [name]
