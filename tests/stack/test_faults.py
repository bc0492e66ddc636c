"""Faults survived, against the running stack (issue 19, item 3): the PostgreSQL
primary restarted under a booking load, a PgBouncer or a gunicorn instance killed,
Redis stopped, a Celery worker killed mid-delivery, the SMS gateway slow or
failing, the documents storage unwritable.

Each test is bounded in time and count, leaves the stack healthy (what it stopped
is started again in a `finally`), prints its recovery time and appends it to
<state>/fault-results.jsonl. The whole file takes a few minutes.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass

import httpx
import pytest

from deploy.stack import PG_BIN, Stack
from saduak.core.uploads.sample_files import one_page_pdf

from .support import (
    SignedIn,
    StackWithEnv,
    citizen_signed_in,
    citizens_create,
    free_slots,
    https_client,
    key_new,
    personal_id_new,
    record_result,
    sign_in_attempt,
    stub_gateway,
    wait_until,
)

pytestmark = pytest.mark.stack

# Pages that read the database, served to anyone.
PUBLIC_PAGES = ("/en/", "/en/happiness/", "/en/appointments/book/")


# --- a booking load ---------------------------------------------------------------


@dataclass
class Attempt:
    key: str
    started: float
    ended: float
    status: int
    retry_after: str | None
    reference: str | None


class BookingLoad:
    """Client threads, one citizen each, booking through nginx with an
    Idempotency-Key per booking and retrying a 503 (or a 429) with the same key
    after Retry-After; a booked seat is cancelled again so the next booking of the
    same person is allowed. Bounded: each key at most `tries` times."""

    def __init__(self, citizens: list[SignedIn], slots: list[int], tries: int = 8):
        self.citizens = citizens
        self.slots = slots
        self.tries = tries
        self.attempts: list[Attempt] = []
        self.booked: dict[str, str] = {}  # key -> reference of its 2xx answer
        self.owner: dict[str, SignedIn] = {}
        self.slot_of: dict[str, int] = {}
        self.gave_up: list[str] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=(citizen, number), daemon=True)
            for number, citizen in enumerate(citizens)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self, timeout: float = 60) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout)

    def _run(self, citizen: SignedIn, number: int) -> None:
        turn = 0
        while not self.stop.is_set():
            slot = self.slots[(number * 7 + turn) % len(self.slots)]
            turn += 1
            started = time.monotonic()
            key = key_new("fault-pg")
            reference = self._book(citizen, slot, key)
            if reference:
                self._cancel(citizen, reference)
            # At most 20 bookings a minute per person (the limit is 30): room
            # for the retries and the replays at the end.
            time.sleep(max(0.0, 3.0 - (time.monotonic() - started)))

    def _book(self, citizen: SignedIn, slot: int, key: str) -> str | None:
        headers_sent = {"Idempotency-Key": key}
        for _try in range(self.tries):
            started = time.monotonic()
            try:
                answer = citizen.api(
                    "POST",
                    "/appointments/bookings",
                    json={"slot": slot},
                    headers=headers_sent,
                    timeout=30,
                )
                status, headers = answer.status_code, answer.headers
            except httpx.HTTPError:
                status, headers, answer = 0, httpx.Headers(), None
            reference = None
            if answer is not None and 200 <= status < 300:
                reference = answer.json()["reference"]
            with self.lock:
                self.attempts.append(
                    Attempt(
                        key,
                        started,
                        time.monotonic(),
                        status,
                        headers.get("retry-after"),
                        reference,
                    )
                )
                self.owner[key], self.slot_of[key] = citizen, slot
                if reference:
                    self.booked[key] = reference
            if reference:
                return reference
            if status == 429 and answer is not None:
                # The waiting room: the place in line is kept with its token.
                token = answer.json().get("token")
                if token:
                    headers_sent["Waiting-Room-Token"] = token
            if status in (503, 429) or status == 0 or status >= 500:
                wait = headers.get("retry-after")
                time.sleep(min(float(wait), 10.0) if wait else 1.0)
                continue
            break  # 409 full/conflict, 4xx: no booking for this key
        with self.lock:
            self.gave_up.append(key)
        return None

    def _cancel(self, citizen: SignedIn, reference: str) -> None:
        for _try in range(self.tries):
            try:
                answer = citizen.api(
                    "POST", f"/appointments/bookings/{reference}/cancel", timeout=30
                )
            except httpx.HTTPError:
                time.sleep(1)
                continue
            if answer.status_code < 500:
                return
            wait = answer.headers.get("retry-after")
            time.sleep(min(float(wait), 10.0) if wait else 1.0)


def _primary_restart(stack: Stack) -> None:
    """pg_ctl restart -m fast of the primary, as the postgres user."""
    subprocess.run(
        [
            "runuser",
            "-u",
            "postgres",
            "--",
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(stack.primary_dir),
            "-l",
            str(stack.pg_log / "postgres-primary.log"),
            "-m",
            "fast",
            "-w",
            "-t",
            "60",
            "restart",
        ],
        check=True,
        capture_output=True,
        cwd=stack.pg,
    )


def _bookings_of(stack: Stack, personal_ids: list[str]) -> list[str]:
    listed = ",".join(f"'{pid}'" for pid in personal_ids)
    return stack.psql(
        f"SELECT reference FROM appointments_booking WHERE personal_id IN ({listed})"
    ).split()


def test_the_primary_restarted_under_a_booking_load_loses_and_doubles_no_booking(
    stack,
):
    people = citizens_create(stack, 5)
    citizens = [citizen_signed_in(stack, pid) for pid in people]
    slots = free_slots(citizens[0])
    load = BookingLoad(citizens, slots)
    # Readers of public pages at the same time: nginx must not take the app
    # servers' 503s for dead servers and answer 502 itself.
    readers = PageLoad(stack, threads=2)
    try:
        load.start()
        readers.start()
        time.sleep(5)
        restart_began = time.monotonic()
        _primary_restart(stack)
        restart_ended = time.monotonic()
        time.sleep(12)
    finally:
        load.finish()
        readers.finish()
    page_statuses = Counter(status for _, _, status in readers.answers)
    attempts = sorted(load.attempts, key=lambda attempt: attempt.started)
    unavailable = [a for a in attempts if a.status == 503]
    broken = [
        (a.status, a.retry_after)
        for a in attempts
        if a.status == 0
        or (a.status >= 500 and not (a.status == 503 and a.retry_after))
    ]
    after = [a for a in attempts if a.reference and a.started >= restart_ended]
    first_failure = unavailable[0].ended if unavailable else restart_began
    recovery = after[0].ended - first_failure if after else float("nan")
    stored = _bookings_of(stack, people)

    # A retry with the same key gets the original answer (the keys retried
    # after a 503 first, and a few others).
    retried = {a.key for a in unavailable} & set(load.booked)
    replayed = sorted(retried)[:4] + sorted(set(load.booked) - retried)[:2]
    replay_differs = []
    for key in replayed:
        again = load.owner[key].api(
            "POST",
            "/appointments/bookings",
            json={"slot": load.slot_of[key]},
            headers={"Idempotency-Key": key},
        )
        if (
            again.status_code != 201
            or again.json().get("reference") != (load.booked[key])
        ):
            replay_differs.append((key, again.status_code, again.text[:200]))
    record_result(
        stack,
        "postgres-primary-restart",
        recovery,
        restart_seconds=round(restart_ended - restart_began, 2),
        requests=len(attempts),
        bookings=len(load.booked),
        bookings_stored=len(stored),
        answered_503=len(unavailable),
        other_errors=len(broken),
        retried_after_503_then_booked=len(retried),
        replayed=len(replayed),
        page_statuses=dict(page_statuses),
    )
    assert after, "no booking succeeded after the restart"
    # Nothing lost, nothing doubled: every key answered 2xx has its booking, and
    # the people have exactly as many bookings as keys were answered 2xx.
    assert set(load.booked.values()) <= set(stored)
    assert len(stored) == len(load.booked), (len(stored), len(load.booked))
    assert len(set(load.booked.values())) == len(load.booked)
    assert not replay_differs, replay_differs
    assert not broken, broken
    assert set(page_statuses) <= {200, 503}, page_statuses
    assert unavailable, "no client met the restart (no 503 seen)"
    assert all(a.retry_after for a in unavailable)


# --- one app server's pooler or the app server itself killed ------------------------


class PageLoad:
    """Client threads reading public pages through nginx, each answer recorded as
    (started, ended, status); a refused connection is status 0."""

    def __init__(self, stack: Stack, threads: int = 4) -> None:
        self.stack = stack
        self.answers: list[tuple[float, float, int]] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=(number,), daemon=True)
            for number in range(threads)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)

    def _run(self, number: int) -> None:
        with https_client(self.stack) as http:
            turn = number
            while not self.stop.is_set():
                page = PUBLIC_PAGES[turn % len(PUBLIC_PAGES)]
                turn += 1
                started = time.monotonic()
                try:
                    status = http.get(page).status_code
                except httpx.HTTPError:
                    status = 0
                with self.lock:
                    self.answers.append((started, time.monotonic(), status))

    def failures(self) -> list[tuple[float, float, int]]:
        with self.lock:
            return [a for a in self.answers if a[2] == 0 or a[2] >= 500]


def _in_flight_at(answers: list[tuple[float, float, int]], moment: float) -> int:
    return sum(1 for started, ended, _ in answers if started <= moment <= ended)


def _direct_page_ok(port: int) -> bool:
    """The app server on `port` itself (not through nginx) reaches its database:
    its /healthz answers 200."""
    try:
        answer = httpx.get(
            f"http://127.0.0.1:{port}/healthz",
            headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"},
            timeout=5,
        )
    except httpx.HTTPError:
        return False
    return answer.status_code == 200


def _kill_one_and_restart(stack: Stack, component: str, fault: str) -> None:
    load = PageLoad(stack)
    try:
        load.start()
        time.sleep(3)
        killed_at = time.monotonic()
        stack.component_kill(component)
        time.sleep(6)
        during = len(load.answers)
        restarted_at = time.monotonic()
        stack.component_start(component)
        assert wait_until(lambda: _direct_page_ok(8101), 60)
        recovery = time.monotonic() - restarted_at
        time.sleep(2)
    finally:
        load.finish()
        if not stack.component_running(component):
            stack.component_start(component)
    failures = load.failures()
    in_flight = _in_flight_at(load.answers, killed_at)
    record_result(
        stack,
        fault,
        recovery,
        requests=len(load.answers),
        requests_while_down=during,
        in_flight_at_kill=in_flight,
        server_errors=len(failures),
        last_error_after_kill_seconds=round(
            max((ended for _, ended, _ in failures), default=killed_at) - killed_at, 2
        ),
    )
    # nginx sends the requests to the other app server: no error beyond the
    # requests in flight when it died.
    assert len(failures) <= in_flight, (failures, in_flight)
    assert all(status < 500 for _, _, status in load.answers[-8:])


def test_one_pgbouncer_killed_nginx_serves_from_the_other_app_server(stack):
    _kill_one_and_restart(stack, "pgbouncer-1", "pgbouncer-1-killed")


def test_one_gunicorn_instance_killed_nginx_serves_from_the_other(stack):
    _kill_one_and_restart(stack, "web-1", "web-1-killed")


# --- Redis down --------------------------------------------------------------------


def test_redis_down_pages_serve_sign_in_pauses_and_bookings_go_on(stack):
    people = citizens_create(stack, 2)
    booker = citizen_signed_in(stack, people[0])
    slots = free_slots(booker)
    stopped_at = time.monotonic()
    try:
        stack.component_stop("redis")
        with https_client(stack) as http:
            for page in PUBLIC_PAGES:
                answer = http.get(page)
                assert answer.status_code == 200, (page, answer.status_code)
            # Sign-in limits fail closed: a clear "paused" answer, not a guess
            # let through uncounted.
            refused = sign_in_attempt(http, people[1])
        assert refused.status_code == 503, refused.status_code
        assert "paused" in refused.text
        assert refused.headers.get("retry-after")
        # Booking limits degrade: a signed-in person still books.
        booked = booker.api(
            "POST",
            "/appointments/bookings",
            json={"slot": slots[-1]},
            headers={"Idempotency-Key": key_new("fault-redis")},
        )
        assert booked.status_code == 201, booked.text[:300]
        down_for = time.monotonic() - stopped_at
    finally:
        restarted_at = time.monotonic()
        stack.component_start("redis")
    with https_client(stack) as http:
        assert wait_until(
            lambda: sign_in_attempt(http, people[1]).status_code == 302, 60, 1
        )
    recovery = time.monotonic() - restarted_at
    stack.wait_healthy(60)
    record_result(stack, "redis-stopped", recovery, down_seconds=round(down_for, 2))


# --- the worker and the outside services -------------------------------------------

# The worker as the fault tests run it: SMS through the stub gateway, a short lease
# and grace so a delivery cut off is taken over within seconds, not minutes.
SHORT_LEASES = {
    "NOTIFICATION_CLAIM_SECONDS": "10",
    "NOTIFICATION_REQUEUE_GRACE_SECONDS": "5",
}


def stub_sms(url: str) -> dict[str, str]:
    """The worker's settings for the stub gateway. (A token is needed: without
    one the adapter sends "Bearer " and httpx refuses the header.)"""
    return {
        "SMS_BACKEND": "http",
        "SMS_GATEWAY_URL": url,
        "SMS_GATEWAY_TOKEN": "fault-test-token",
    }


def _worker_with(stack: Stack, extra: dict[str, str]) -> StackWithEnv:
    configured = StackWithEnv(stack.state, extra)
    configured.component_stop("worker")
    configured.component_start("worker")
    return configured


def _worker_back_to_normal(stack: Stack) -> None:
    stack.component_stop("worker")
    stack.component_start("worker")


def _sms_notifications_create(stack: Stack, count: int, tag: str) -> list[int]:
    """Queued SMS notifications (manage.py shell), handed to the broker on commit;
    their ids."""
    code = (
        "from saduak.notifications.services import notification_send\n"
        "ids = [notification_send(address='0812345678', channel='sms',"
        " template_key='generic.message',"
        f" context={{'subject': 'fault', 'body': {tag!r} + str(n)}}).pk"
        f" for n in range({count})]\n"
        "print('IDS', *ids)\n"
    )
    output = stack.manage("shell", "-c", code).stdout.splitlines()
    line = next(line for line in output if line.startswith("IDS "))
    return [int(pk) for pk in line.split()[1:]]


def _notifications(stack: Stack, ids: list[int]) -> dict[int, tuple[str, str, int]]:
    """id -> (status, idempotency key, attempts)."""
    rows = stack.psql(
        "SELECT id, status, idempotency_key, attempts FROM notifications_notification"
        f" WHERE id IN ({','.join(map(str, ids))})"
    )
    found = {}
    for line in rows.splitlines():
        pk, status, key, attempts = line.split("|")
        found[int(pk)] = (status, key, int(attempts))
    return found


def test_a_worker_killed_mid_delivery_still_sends_every_notification_once(stack):
    with stub_gateway() as (url, gateway):
        gateway.delay = 4.0
        configured = _worker_with(stack, {**stub_sms(url), **SHORT_LEASES})
        try:
            ids = _sms_notifications_create(stack, 6, "fault-worker-")
            assert wait_until(lambda: gateway.in_flight > 0, 30, 0.1)
            killed_at = time.monotonic()
            configured.component_kill("worker")
            cut_off = set(gateway.requests_by_key())
            configured.component_start("worker")
            gateway.delay = 0.5

            def all_sent() -> bool:
                rows = _notifications(stack, ids)
                return all(status == "sent" for status, _, _ in rows.values())

            assert wait_until(all_sent, 100, 1), _notifications(stack, ids)
            recovery = time.monotonic() - killed_at
        finally:
            _worker_back_to_normal(stack)
        rows = _notifications(stack, ids)
        keys = {key for _, key, _ in rows.values()}
        seen = gateway.requests_by_key()
    gateway_requests = sum(seen[key] for key in keys)
    record_result(
        stack,
        "worker-killed-mid-delivery",
        recovery,
        notifications=len(ids),
        gateway_requests=gateway_requests,
        requests_per_key=sorted(seen[key] for key in keys),
    )
    # Every notification sent, under its own key, and the gateway took each key
    # once: the ones cut off were sent again with the same key.
    # (Other queued messages the requeue job hands over may reach the stub too:
    # only these notifications' keys are looked at.)
    assert len(keys) == len(ids)
    assert keys <= set(gateway.accepted)
    cut_off &= keys
    assert cut_off
    assert all(seen[key] >= 2 for key in cut_off), (cut_off, seen)


def test_a_slow_or_failing_gateway_neither_slows_a_booking_nor_loses_a_message(stack):
    people = citizens_create(stack, 1, phone="0812345678")
    citizen = citizen_signed_in(stack, people[0])
    slots = free_slots(citizen)
    with stub_gateway() as (url, gateway):
        gateway.delay = 8.0
        _worker_with(stack, stub_sms(url))
        try:
            started = time.monotonic()
            booked = citizen.api(
                "POST",
                "/appointments/bookings",
                json={"slot": slots[-1]},
                headers={"Idempotency-Key": key_new("fault-gateway")},
            )
            booking_seconds = time.monotonic() - started
            assert booked.status_code == 201, booked.text[:300]
            # The confirmation waits on the gateway, the person does not.
            assert booking_seconds < gateway.delay
            assert wait_until(lambda: gateway.in_flight > 0, 30, 0.2)

            # The gateway failing: the message stays queued with its attempt
            # counted, and its next try is scheduled later (back-off).
            gateway.delay, gateway.status = 0.0, 503
            failing = _sms_notifications_create(stack, 1, "fault-gateway-503-")
            assert wait_until(
                lambda: _notifications(stack, failing)[failing[0]][2] >= 1, 30
            )
            status, _, attempts = _notifications(stack, failing)[failing[0]]
            retry_in = float(
                stack.psql(
                    "SELECT extract(epoch FROM requeue_after - now())"
                    f" FROM notifications_notification WHERE id = {failing[0]}"
                )
            )
            # The gateway back: the next try sends it (run now, not in a minute).
            gateway.status = 200
            stack.manage(
                "shell",
                "-c",
                "from saduak.notifications.services import notifications_requeue_stale"
                "\nfrom saduak.notifications.models import Notification\n"
                f"Notification.objects.filter(pk={failing[0]}).update("
                "requeue_after=None, created_at='2000-01-01T00:00:00Z')\n"
                "notifications_requeue_stale()\n",
            )
            recovered_at = time.monotonic()
            assert wait_until(
                lambda: _notifications(stack, failing)[failing[0]][0] == "sent", 30
            )
            recovery = time.monotonic() - recovered_at
        finally:
            _worker_back_to_normal(stack)
    record_result(
        stack,
        "sms-gateway-slow-then-failing",
        recovery,
        booking_seconds_with_gateway_8s_slow=round(booking_seconds, 2),
        next_try_after_failure_seconds=round(retry_in),
    )
    assert status == "queued" and attempts == 1
    assert retry_in >= 30


# --- the documents storage unwritable -------------------------------------------------


def test_an_upload_to_an_unwritable_documents_storage_is_refused_clearly(
    stack, citizen
):
    # The demo citizen (conftest): the one the smoke test applies as.
    started = citizen.api(
        "POST",
        "/eservices/applications",
        json={"service": "low-income-family-assistance", "office": "do-5001"},
    )
    assert started.status_code == 201, started.text[:300]
    reference = started.json()["reference"]
    document = one_page_pdf(b"a bank book page of the storage fault test")
    folder = stack.private / "eservices"
    aside = stack.private / "eservices.fault-aside"
    folder.mkdir(exist_ok=True)
    before = {path for path in stack.private.rglob("*") if path.is_file()}
    # Root ignores permissions: the folder is replaced by a plain file, so every
    # write under it fails (ENOTDIR), as on a disk gone read-only or full.
    folder.rename(aside)
    try:
        folder.write_bytes(b"")
        refused = citizen.api(
            "POST",
            f"/eservices/applications/{reference}/attachments",
            data={"field_key": "bank_book"},
            files={"file": ("bank-book.pdf", document, "application/pdf")},
        )
    finally:
        folder.unlink(missing_ok=True)
        aside.rename(folder)
    after = {path for path in stack.private.rglob("*") if path.is_file()}
    rows = stack.psql(
        "SELECT count(*) FROM eservices_attachment a JOIN eservices_application p"
        f" ON a.application_id = p.id WHERE p.reference = '{reference}'"
    ).strip()
    restored_at = time.monotonic()
    uploaded = citizen.api(
        "POST",
        f"/eservices/applications/{reference}/attachments",
        data={"field_key": "bank_book"},
        files={"file": ("bank-book.pdf", document, "application/pdf")},
    )
    recovery = time.monotonic() - restored_at
    record_result(
        stack,
        "documents-storage-unwritable",
        recovery,
        refused_status=refused.status_code,
    )
    assert refused.status_code == 503, (refused.status_code, refused.text[:300])
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "storage-unavailable"
    assert refused.headers.get("retry-after")
    assert rows == "0"
    assert after == before
    assert uploaded.status_code == 201, uploaded.text[:300]


# --- the civil registry slow ---------------------------------------------------------


def test_a_slow_civil_registry_gives_a_clear_answer_quickly_and_then_at_once(stack):
    from .conftest import COUNTER_OFFICER, sign_in

    with stub_gateway() as (url, registry):
        registry.delay, registry.status = 15.0, 503
        configured = StackWithEnv(
            stack.state,
            {
                "CIVIL_REGISTRY_BACKEND": "http",
                "CIVIL_REGISTRY_URL": url.removesuffix("/send"),
                "CIVIL_REGISTRY_TOKEN": "fault-test-token",
                "CIVIL_REGISTRY_TIMEOUT_SECONDS": "2",
                "CIVIL_REGISTRY_BREAKER_FAILURES": "2",
                "CIVIL_REGISTRY_BREAKER_SECONDS": "30",
            },
        )
        timings: list[tuple[float, int, str]] = []
        try:
            for web in ("web-1", "web-2"):
                configured.component_stop(web)
                configured.component_start(web)
            officer = sign_in(stack, COUNTER_OFFICER)
            for _ in range(4):
                person = personal_id_new()
                started = time.monotonic()
                answer = officer.api(
                    "POST",
                    "/identity/enrolment-codes",
                    json={
                        "office_code": "reg-5001",
                        "personal_id": person,
                        "first_name": "Fault",
                        "last_name": "Registry",
                        "birth_date": "1990-01-01",
                        "card_expiry": "2031-01-01",
                    },
                )
                timings.append(
                    (time.monotonic() - started, answer.status_code, answer.text)
                )
            officer.http.close()
        finally:
            restarted_at = time.monotonic()
            for web in ("web-1", "web-2"):
                stack.component_stop(web)
                stack.component_start(web)
            stack.wait_healthy(60)
            recovery = time.monotonic() - restarted_at
    record_result(
        stack,
        "civil-registry-slow",
        recovery,
        answer_seconds=[round(seconds, 2) for seconds, _, _ in timings],
        registry_requests=len(registry.requests),
        note="recovery = both app servers back on the normal registry",
    )
    # A clear 503 within the timeout (not the registry's 15 s), and once the
    # breaker is open at once, without asking the registry.
    assert all(status == 503 for _, status, _ in timings), timings
    assert all("registry-unavailable" in text for _, _, text in timings)
    assert all(seconds < 6 for seconds, _, _ in timings), timings
    assert timings[-1][0] < 1.5, timings
    assert 1 <= len(registry.requests) <= 3
    assert timings[0][0] >= 1.5  # the registry was asked and waited for
