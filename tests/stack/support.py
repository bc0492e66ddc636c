"""What the fault tests (tests/stack/test_faults*.py) share: https clients for nginx,
fresh citizens signed in through nginx, free booking slots, a stub SMS gateway,
a component restarted with extra environment, and the results file.

Every fault test prints its recovery time in seconds and appends one JSON line to
<stack state dir>/fault-results.jsonl, so the docs can quote the last run.
"""

from __future__ import annotations

import json
import random
import re
import secrets
import ssl
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from deploy.stack import Stack

FAULT_PASSWORD = "fault-test-password-19"
BOOKING_OFFICE = "reg-5001"
BOOKING_SERVICE = "id-card-first"


def trust(stack: Stack) -> ssl.SSLContext:
    """A TLS context that trusts the stack's local certificate authority."""
    return ssl.create_default_context(cafile=str(stack.ca_file))


def https_client(stack: Stack, **options: Any) -> httpx.Client:
    """An https client for nginx that trusts the stack's certificate authority and
    sends the Referer a browser sends (Django's CSRF check over https)."""
    options.setdefault("timeout", 30)
    headers = {"Referer": f"{stack.url}/", **options.pop("headers", {})}
    return httpx.Client(
        base_url=stack.url, verify=trust(stack), headers=headers, **options
    )


def record_result(stack: Stack, fault: str, recovery_seconds: float, **details: Any):
    """Prints the recovery time and appends it to <state>/fault-results.jsonl."""
    line = {
        "fault": fault,
        "recovery_seconds": round(recovery_seconds, 2),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        **details,
    }
    print(f"FAULT {fault}: recovered in {recovery_seconds:.2f} s {details}")
    with (stack.state / "fault-results.jsonl").open("a") as results:
        results.write(json.dumps(line, ensure_ascii=False) + "\n")
    return line


def personal_id_new() -> str:
    """A random valid Thai personal id (13 digits, the last a checksum) in a range
    the demo data does not use."""
    digits = "19" + "".join(random.choice("0123456789") for _ in range(10))
    total = sum(int(digit) * (13 - place) for place, digit in enumerate(digits))
    return digits + str((11 - total % 11) % 10)


def citizens_create(stack: Stack, count: int, *, phone: str = "") -> list[str]:
    """Fresh citizen accounts (password FAULT_PASSWORD), made with manage.py shell:
    a fresh person has no booking yet, so every booking is theirs to make."""
    ids = [personal_id_new() for _ in range(count)]
    code = (
        "from saduak.accounts.models import User\n"
        f"for pid in {ids!r}:\n"
        f"    User.objects.create_user(pid, {FAULT_PASSWORD!r}, first_name='Fault',"
        f" last_name='Test' + pid[-4:], phone={phone!r})\n"
    )
    stack.manage("shell", "-c", code)
    return ids


@dataclass
class SignedIn:
    """A person signed in through nginx: their session's client."""

    http: httpx.Client
    personal_id: str

    def api(self, method: str, path: str, **options: Any) -> httpx.Response:
        """An API call with the session and its CSRF token."""
        headers = {"X-CSRFToken": self.http.cookies.get("csrftoken", "")}
        headers.update(options.pop("headers", {}))
        return self.http.request(method, f"/api/v1{path}", headers=headers, **options)


def form_token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def sign_in_attempt(http: httpx.Client, personal_id: str) -> httpx.Response:
    """The password form posted as a browser does; the answer as it came."""
    page = http.get("/en/accounts/login/")
    assert page.status_code == 200, page.text[:300]
    return http.post(
        "/en/accounts/login/",
        data={
            "csrfmiddlewaretoken": form_token(page.text),
            "username": personal_id,
            "password": FAULT_PASSWORD,
        },
    )


def citizen_signed_in(stack: Stack, personal_id: str, **options: Any) -> SignedIn:
    http = https_client(stack, **options)
    answer = sign_in_attempt(http, personal_id)
    assert answer.status_code == 302, answer.text[:500]
    return SignedIn(http=http, personal_id=personal_id)


def free_slots(citizen: SignedIn, *, days: int = 8, skip_days: int = 1) -> list[int]:
    """Ids of slots with a free seat, from the later of the next bookable days
    (a slot too soon is refused)."""
    base = f"/appointments/offices/{BOOKING_OFFICE}/services/{BOOKING_SERVICE}"
    listed = citizen.api("GET", f"{base}/days")
    assert listed.status_code == 200 and listed.json(), listed.text[:300]
    found: list[int] = []
    for day in listed.json()[skip_days : skip_days + days]:
        slots = citizen.api("GET", f"{base}/slots", params={"day": day["day"]})
        assert slots.status_code == 200, slots.text[:300]
        found.extend(slot["id"] for slot in slots.json() if slot["free"] > 1)
    assert found, "no free slots to book"
    return found


def key_new(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(8)}"


class StackWithEnv(Stack):
    """The same stack, whose processes started through it get `extra` on top of
    the stack's own environment (a worker pointed at a stub gateway)."""

    def __init__(self, state_dir: Path, extra: dict[str, str]) -> None:
        super().__init__(state_dir)
        self.extra = dict(extra)

    def env(self, web: int = 1) -> dict[str, str]:
        return {**super().env(web), **self.extra}


def component_restart(stack: Stack, name: str) -> None:
    """Stops a component gracefully and starts it with `stack`'s environment."""
    stack.component_stop(name)
    stack.component_start(name)


# --- a stub SMS gateway ---------------------------------------------------------


@dataclass
class GatewayState:
    """What the stub gateway does (`delay` seconds, then `status`) and what it saw.
    `accepted` maps an Idempotency-Key to the message id it was given the first
    time: a repeat of a key is answered with that id and not sent again, as a
    gateway that honours the key does."""

    delay: float = 0.0
    status: int = 200
    requests: list[tuple[float, str]] = field(default_factory=list)
    accepted: dict[str, str] = field(default_factory=dict)
    in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def requests_by_key(self) -> Counter[str]:
        with self.lock:
            return Counter(key for _, key in self.requests)


class _GatewayHandler(BaseHTTPRequestHandler):
    state: GatewayState

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        """The civil registry's person lookup: slow, then `status` (a 200 is
        answered as 503 too: the stub knows nobody)."""
        self.do_POST()

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        key = self.headers.get("Idempotency-Key", "") or self.path
        state = self.state
        with state.lock:
            state.requests.append((time.monotonic(), key))
            state.in_flight += 1
            delay, status = state.delay, state.status
        try:
            time.sleep(delay)
            if status == 200:
                with state.lock:
                    message_id = state.accepted.setdefault(
                        key, f"stub-{len(state.accepted) + 1}"
                    )
                body = json.dumps({"id": message_id}).encode()
            else:
                body = b'{"error": "busy"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the worker that asked is gone; the message was taken anyway
        finally:
            with state.lock:
                state.in_flight -= 1

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextmanager
def stub_gateway() -> Iterator[tuple[str, GatewayState]]:
    """A stub SMS gateway on a free port: (its URL, its state)."""
    state = GatewayState()
    handler = type("Handler", (_GatewayHandler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/send", state
    finally:
        server.shutdown()
        server.server_close()


def wait_until(check: Any, timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return bool(check())
