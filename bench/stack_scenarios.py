"""The production stack under load (issue 19): measured through nginx over HTTPS
(the stack's local CA), each scenario beside `/healthz/ping` measured in the same
run, with the CPU of every process group read from /proc/<pid>/stat.

    .venv/bin/python -m bench.stack_scenarios [--scenario scale|replica|cpu|wroom|all]
        [--duration 10] [--concurrency 16] [--repeat 1] [--no-restart]

Run against the stack of this checkout (`python -m deploy.stack start`); the
bench starts it when it is not running, and restarts web-1 and web-2 first so
that they carry the bench's environment (`BENCH_ENV`: the per-address limits
raised, since every client of the load generator is 127.0.0.1 behind nginx).

- `scale`: booking (API, distinct people and slots) and the ranking page (a
  period not asked before in the run, the cache emptied first, so every request
  reads the database) with web-1 and web-2, then with web-2 stopped
  (`component_stop`) so that nginx sends everything to web-1.
- `replica`: the same ranking load with the replica and with REPLICA_READS=0
  (web-1 and web-2 restarted with it): the primary's CPU in each.
- `cpu`: server CPU seconds per request for each hot path, PostgreSQL primary
  CPU and WAL bytes (pg_current_wal_lsn) per write.
- `wroom`: the waiting room at 5x the measured booking capacity offered open
  loop (`OpenLoop`): people arrive at a fixed rate whatever the server answers,
  follow Retry-After with their ticket until admitted; admitted p95 against the
  same bookings at rest, admissions out of order (`out_of_order`), refresh cost.

Results: printed, and saved as JSON in bench/results/stack-<UTC time>.json."""

import argparse
import base64
import binascii
import bisect
import heapq
import http.client
import json
import os
import resource
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import complaint_scenarios, feedback_scenarios, identity_scenarios
from bench.appointment_scenarios import OFFICE, TOKEN_SEED, _booking
from bench.loadgen import LoadResult, LoadSpec, RequestSpec, connect, run_in_child
from bench.scenarios import PING_PATH, SetupContext
from bench.stats import percentile
from deploy.stack import HOST, HTTPS_PORT, REDIS_PORT, Stack

RESULTS = Path(__file__).resolve().parent / "results"
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Every client of the load generator has the one address 127.0.0.1 behind nginx
# (TRUSTED_PROXIES=1 takes nginx's hop), where production has one per person: the
# per-address and per-source limits are raised for the web processes, as
# bench/server.py does for the single-server bench. The waiting room is open wide
# (it is set with `manage.py admission_rate` for the wroom scenario).
BENCH_ENV = {
    "BOOKING_REQUESTS_PER_ADDRESS_PER_MINUTE": "100000000",
    "BOOKING_ADMISSIONS_PER_SECOND": "100000",
    "FEEDBACK_ANONYMOUS_PER_SOURCE_OFFICE_DAY": "100000000",
    "FEEDBACK_ANONYMOUS_OFFICE_DAY_FLOOR": "100000000",
    "FEEDBACK_ANONYMOUS_STORED_PER_SOURCE_DAY": "100000000",
    "OPEN311_POSTS_PER_SECOND": "100000000",
    "IDENTITY_CHECKS_PER_SECOND": "100000",
    # The waiting room's controller aims its admitted p95 (timed from nginx's
    # X-Request-Start, queueing included) under 3x the ~20 ms of a booking at
    # rest, the wroom target; it only acts while people wait (wroom's surge).
    "WAITING_ROOM_TARGET_P95_MS": "50",
}

# The process groups whose CPU is measured, by the stack's component names.
GROUPS: dict[str, tuple[str, ...]] = {
    "gunicorn": ("web-1", "web-2"),
    "postgres_primary": ("postgres-primary",),
    "postgres_replica": ("postgres-replica",),
    "pgbouncer": ("pgbouncer-1", "pgbouncer-2"),
    "nginx": ("nginx",),
    "redis": ("redis",),
    "celery": ("worker", "beat"),
}
LOADGEN = "load_generator"


# --- CPU, WAL and load ------------------------------------------------------------
def cpu_ticks(pid: int) -> int | None:
    """utime + stime of a process (all its threads) in clock ticks, or None when
    it is gone. The fields after the command name, which may hold spaces."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            text = stat.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def cpu_delta(before: dict[int, int], after: dict[int, int]) -> int:
    """Ticks used between two snapshots by the processes alive at the second: a
    process born in between counts whole (it started in the window); one gone
    by the second is lost (PostgreSQL backends behind PgBouncer live long)."""
    return sum(ticks - before.get(pid, 0) for pid, ticks in after.items())


def lsn_bytes(lsn: str) -> int:
    """A PostgreSQL LSN ("16/B374D848") as a byte position."""
    high, low = lsn.strip().split("/")
    return (int(high, 16) << 32) | int(low, 16)


class CpuMeter:
    """CPU seconds per process group of the stack, the load generator (children
    of this process, as getrusage counts them once waited for, plus this
    process's own threads) and the primary's WAL between `start` and `stop`."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.before: dict[str, dict[int, int]] = {}
        self.wal_before = (0, 0, 0)
        self.rusage_before = 0.0
        self.loadavg_before = (0.0, 0.0, 0.0)

    def _snapshot(self) -> dict[str, dict[int, int]]:
        found: dict[str, dict[int, int]] = {}
        for group, components in GROUPS.items():
            ticks: dict[int, int] = {}
            for name in components:
                for pid in self.stack.pids(name):
                    if (used := cpu_ticks(pid)) is not None:
                        ticks[pid] = used
            found[group] = ticks
        return found

    @staticmethod
    def _own_cpu() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        own = resource.getrusage(resource.RUSAGE_SELF)
        return children.ru_utime + children.ru_stime + own.ru_utime + own.ru_stime

    def _wal(self) -> tuple[int, int, int]:
        """The WAL position, and pg_stat_wal's records and full-page images
        (after a checkpoint the first change of each page writes the whole
        page: the share of those says how much of the WAL they are)."""
        found = self.stack.psql(
            "SELECT pg_current_wal_lsn(), wal_records, wal_fpi FROM pg_stat_wal"
        )
        lsn, records, images = found.strip().split("|")
        return lsn_bytes(lsn), int(records), int(images)

    def start(self) -> None:
        self.loadavg_before = os.getloadavg()
        self.wal_before = self._wal()
        self.rusage_before = self._own_cpu()
        self.before = self._snapshot()

    def stop(self) -> dict[str, Any]:
        after = self._snapshot()
        loadgen = self._own_cpu() - self.rusage_before
        wal, records, images = (
            after - before
            for after, before in zip(self._wal(), self.wal_before, strict=True)
        )
        cpu = {
            group: round(cpu_delta(self.before[group], after[group]) / CLK_TCK, 2)
            for group in GROUPS
        }
        cpu[LOADGEN] = round(loadgen, 2)
        return {
            "cpu_s": cpu,
            "wal_bytes": wal,
            "wal_records": records,
            "wal_full_page_images": images,
            "loadavg": [round(x, 2) for x in (*self.loadavg_before, *os.getloadavg())],
        }


# --- Closed-loop measurements (bench.loadgen in a child process) -------------------
@dataclass
class Measured:
    """One load through the stack: what it got and what it cost."""

    name: str
    requests: int
    ok: int
    elapsed_s: float
    rps: float
    p50_ms: float | None
    p95_ms: float | None
    statuses: dict[str, int]
    cpu_s: dict[str, float]
    wal_bytes: int
    wal_records: int
    wal_full_page_images: int
    loadavg: list[float]
    extra: dict[str, Any] = field(default_factory=dict)

    def per_request(self, group: str) -> float | None:
        """CPU milliseconds of a group per request answered (errors included)."""
        return (
            round(1000 * self.cpu_s[group] / self.requests, 3)
            if self.requests
            else None
        )

    def summary(self) -> dict[str, Any]:
        shown = asdict(self)
        shown["cpu_ms_per_request"] = {
            group: self.per_request(group) for group in self.cpu_s
        }
        shown["wal_bytes_per_request"] = (
            round(self.wal_bytes / self.requests) if self.requests else None
        )
        shown["cpu_share"] = cpu_shares(self.cpu_s)
        return shown


def cpu_shares(cpu_s: dict[str, float]) -> dict[str, float]:
    """Each group's share of all the CPU measured (the machine's split)."""
    total = sum(cpu_s.values())
    return (
        {group: round(used / total, 3) for group, used in cpu_s.items()}
        if total
        else {}
    )


def measure(
    stack: Stack,
    name: str,
    requests: list[RequestSpec],
    *,
    concurrency: int,
    duration_s: float,
    once: bool = False,
    timeout_s: float = 30.0,
) -> Measured:
    """`concurrency` keep-alive HTTPS clients through nginx for `duration_s`, with
    the CPU of every group measured over the whole load (no warm-up, so that
    CPU and requests cover the same window)."""
    spec = LoadSpec(
        host=HOST,
        port=HTTPS_PORT,
        paths=[],
        concurrency=concurrency,
        warmup_s=0.0,
        duration_s=duration_s,
        requests=requests,
        once=once,
        timeout_s=timeout_s,
        ca_file=str(stack.ca_file),
    )
    meter = CpuMeter(stack)
    meter.start()
    load: LoadResult = run_in_child(spec)
    cost = meter.stop()
    latencies = sorted(load.latencies_ms)
    # Clients start no request after duration_s; one answered late (a straggler
    # on a loaded machine) must not stretch the window the throughput is over.
    window = min(load.elapsed_s, duration_s)
    requests_done = sum(load.statuses.values())
    measured = Measured(
        name=name,
        requests=requests_done,
        ok=len(latencies),
        elapsed_s=round(load.elapsed_s, 2),
        rps=round(len(latencies) / window, 1) if window else 0.0,
        p50_ms=round(percentile(latencies, 50), 1) if latencies else None,
        p95_ms=round(percentile(latencies, 95), 1) if latencies else None,
        statuses={str(s): n for s, n in sorted(load.statuses.items())},
        **cost,
    )
    _print_measured(measured)
    return measured


def _print_measured(m: Measured) -> None:
    cpu = " ".join(f"{g}={s}" for g, s in m.cpu_s.items() if s)
    print(
        f"[stack-bench] {m.name}: {m.ok}/{m.requests} ok, {m.rps} req/s, "
        f"p50 {m.p50_ms} ms, p95 {m.p95_ms} ms, answers {m.statuses}; "
        f"CPU s {cpu}; WAL {m.wal_bytes} B; load {m.loadavg[3:]}",
        flush=True,
    )


def with_ping(ping: Measured, measured: Measured) -> dict[str, Any]:
    shown = measured.summary()
    shown["rps_vs_ping"] = round(measured.rps / ping.rps, 3) if ping.rps else None
    if measured.p95_ms and ping.p95_ms:
        shown["p95_vs_ping"] = round(measured.p95_ms / ping.p95_ms, 2)
    return shown


# --- Requests for each hot path ---------------------------------------------------
def stack_context(stack: Stack) -> SetupContext:
    """The bench's setup context on the stack: manage.py with web-1's environment
    (PgBouncer 1, the primary), answering its standard output like
    bench.server's."""

    def manage(*args: str, timeout: float | None = None) -> str:
        return stack.manage(*args).stdout

    return SetupContext(base_url=stack.url, manage=manage, env=stack.env())


def _shell_json(context: SetupContext, script: str, parameters: Any) -> Any:
    script = f"PARAMETERS = {json.dumps(json.dumps(parameters))}\n{script}"
    output = context.manage("shell", "--no-startup", "--no-imports", "-c", script)
    return json.loads(output.strip().splitlines()[-1])


# People numbered from PEOPLE_FROM (personal IDs 58..., API tokens TOKEN_SEED + the
# number, as bench.appointment_scenarios' `_booking` sends them), each run taking
# new ones (a person books a service once), and for each person a slot of one seat
# at OFFICE, a minute apart, after the last slot made before, skipping the office's
# closed days (a slot on a holiday is refused with 409).
PEOPLE_FROM = 100_000
BOOKING_SERVICE = "id-card-renewal"
BOOKING_SETUP_SCRIPT = """
import json
from datetime import datetime, time, timedelta
from django.db.models import Max
from django.utils import timezone
from saduak.accounts.models import ApiToken, User, hash_token
from saduak.appointments.models import OfficeService, Service, Slot
from saduak.appointments.services.catalogue import services_load_national
from saduak.appointments.services.slots import closed_days
from saduak.areas.models import Office
from saduak.core.personal_id import with_check_digit

given = json.loads(PARAMETERS)
if not Service.objects.filter(code=given["service"]).exists():
    services_load_national(actor="bench")
first = given["from"] + User.objects.filter(personal_id__startswith="58").count()
numbers = range(first, first + given["count"])
users = User.objects.bulk_create(
    [User(personal_id=with_check_digit(f"58{n:010d}"), first_name="ทดสอบ",
          last_name=f"คนที่ {n}", password="!") for n in numbers],
    batch_size=2000,
)
ApiToken.objects.bulk_create(
    [ApiToken(user=user, name="bench stack", key_prefix=given["seed"][:10],
              key_hash=hash_token(f"{given['seed']}{n:06d}"))
     for n, user in zip(numbers, users)],
    batch_size=2000,
)
office = Office.objects.get(code=given["office"])
offered, _ = OfficeService.objects.update_or_create(
    office=office, service=Service.objects.get(code=given["service"]),
    defaults={"days_ahead": 180, "min_notice_hours": 0, "online": True},
)
zone = timezone.get_current_timezone()
last = Slot.objects.filter(office_service=offered).aggregate(last=Max("starts_at"))["last"]
start = (
    last + timedelta(minutes=1) if last
    else datetime.combine(timezone.localdate() + timedelta(days=1), time(8, 0), tzinfo=zone)
)
# Not on the office's closed days (holidays): a booking there is refused (409).
closed = closed_days(office, start.date(), start.date() + timedelta(days=365))
starts = []
at = start
while len(starts) < given["count"]:
    if timezone.localtime(at).date() in closed:
        at += timedelta(days=1)
        continue
    starts.append(at)
    at += timedelta(minutes=1)
slots = Slot.objects.bulk_create(
    [Slot(office_service=offered, office=office, starts_at=at,
          ends_at=at + timedelta(minutes=5), capacity=1) for at in starts],
    batch_size=2000,
)
print(json.dumps({"first": first, "slots": [slot.pk for slot in slots]}))
"""


def booking_requests(context: SetupContext, count: int) -> list[RequestSpec]:
    """`count` bookings, each by a new person for a new slot (one seat)."""
    made = _shell_json(
        context,
        BOOKING_SETUP_SCRIPT,
        {
            "from": PEOPLE_FROM,
            "count": count,
            "seed": TOKEN_SEED,
            "office": OFFICE,
            "service": BOOKING_SERVICE,
        },
    )
    first = made["first"]
    return [_booking(slot, first + n) for n, slot in enumerate(made["slots"])]


def ranking_requests() -> list[RequestSpec]:
    """Every period the ranking page offers for a year of days to today (about
    1,700 distinct addresses, bench.feedback_scenarios), each asked once: with
    the cache emptied before (`flush_cache`), each reads the database, and every
    run asks the same periods in the same order."""
    end = datetime.now(feedback_scenarios.BANGKOK).date()
    return [RequestSpec(path) for path in feedback_scenarios.ranking_paths(end)]


def flush_cache() -> None:
    """Empties the stack's cache (Redis db 0): rankings, pages, rate counters and
    the waiting room's state start afresh."""
    import redis

    redis.Redis(host=HOST, port=REDIS_PORT, db=0, socket_timeout=5).flushdb()


def vote_requests(context: SetupContext, count: int) -> list[RequestSpec]:
    """Votes from new devices (a random prefix per run) for every district-level
    office in turn (bench.feedback_scenarios' builder)."""
    output = context.manage(
        "shell", "--no-startup", "--no-imports", "-c", feedback_scenarios.OFFICES_SCRIPT
    )
    offices = json.loads(output.strip().splitlines()[-1])
    run = secrets.token_hex(4)
    return [
        feedback_scenarios._vote(
            offices[n % len(offices)], 1 + n % 5, f"stack-{run}-{n:010d}"
        )
        for n in range(count)
    ]


def sign_in_requests(stack: Stack, context: SetupContext) -> list[RequestSpec]:
    """Sign-in with a password (Argon2), the form's CSRF cookie and token fetched
    through nginx; Origin and Referer as a browser sends them over HTTPS."""
    made = identity_scenarios._make_sign_in_user(context, "391000000001")
    conn = connect(HOST, HTTPS_PORT, 10, str(stack.ca_file))
    conn.request("GET", "/accounts/login/")
    answer = conn.getresponse()
    page = answer.read().decode()
    cookies = ",".join(answer.headers.get_all("Set-Cookie") or [])
    conn.close()
    cookie = _between(cookies, "csrftoken=", ";")
    token = _between(page, 'name="csrfmiddlewaretoken" value="', '"')
    request = identity_scenarios._sign_in_request(
        made["personal_id"],
        identity_scenarios.SIGN_IN_PASSWORD,
        cookie,
        token,
        headers=(
            ("Origin", stack.url),
            ("Referer", f"{stack.url}/accounts/login/"),
        ),
    )
    return [request]


def _between(text: str, before: str, after: str) -> str:
    start = text.index(before) + len(before)
    return text[start : text.index(after, start)]


def application_requests(context: SetupContext) -> list[RequestSpec]:
    """Drafts made by bench.complaint_scenarios' script, each submitted once."""
    prepared = complaint_scenarios._submit_setup(False)(context)
    return list(prepared.requests)


def identity_requests(context: SetupContext) -> list[RequestSpec]:
    return list(identity_scenarios.identity_check_setup(context).requests)


def ping_requests() -> list[RequestSpec]:
    return [RequestSpec(PING_PATH)]


# --- Controlling the stack ---------------------------------------------------------
def restart_web(stack: Stack) -> None:
    """web-1 and web-2 again, with this process's environment (BENCH_ENV and
    REPLICA_READS as set now); one after the other, so nginx always has one."""
    for name in ("web-1", "web-2"):
        stack.component_stop(name)
        stack.component_start(name)
    stack.wait_healthy()
    warm(stack)


def warm(stack: Stack, seconds: float = 2.0) -> None:
    """A few seconds of pings, so that nginx has found which servers answer and
    every worker has its connections."""
    spec = LoadSpec(
        host=HOST,
        port=HTTPS_PORT,
        paths=[PING_PATH],
        concurrency=8,
        warmup_s=0,
        duration_s=seconds,
        ca_file=str(stack.ca_file),
    )
    run_in_child(spec)


def set_servers(stack: Stack, servers: int) -> None:
    if servers == 1:
        stack.component_stop("web-2")
    else:
        stack.component_start("web-2")
        stack.wait_healthy()
    warm(stack)


# --- Scenario: two application servers against one ---------------------------------
def scenario_scale(stack: Stack, args: argparse.Namespace) -> dict[str, Any]:
    context = stack_context(stack)
    runs: list[dict[str, Any]] = []
    plan = [2, 1] * args.repeat
    for servers in plan:
        set_servers(stack, servers)
        ping = measure(
            stack,
            f"ping ({servers} server)",
            ping_requests(),
            concurrency=args.concurrency,
            duration_s=args.duration,
        )
        bookings = booking_requests(context, int(args.duration * 400))
        flush_cache()
        booking = measure(
            stack,
            f"booking ({servers} server)",
            bookings,
            concurrency=args.concurrency,
            duration_s=args.duration,
            once=True,
        )
        flush_cache()
        ranking = measure(
            stack,
            f"ranking ({servers} server)",
            ranking_requests(),
            concurrency=args.concurrency,
            duration_s=args.duration,
            once=True,
        )
        runs.append(
            {
                "servers": servers,
                "ping": ping.summary(),
                "booking": with_ping(ping, booking),
                "ranking": with_ping(ping, ranking),
            }
        )
    set_servers(stack, 2)
    return {"runs": runs, "ratios": scale_ratios(runs)}


def scale_ratios(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Throughput with two servers over one, per path, for each pair of runs."""
    ratios: dict[str, list[float]] = {"ping": [], "booking": [], "ranking": []}
    two = [run for run in runs if run["servers"] == 2]
    one = [run for run in runs if run["servers"] == 1]
    for with_two, with_one in zip(two, one, strict=False):
        for path, found in ratios.items():
            if with_one[path]["rps"]:
                found.append(round(with_two[path]["rps"] / with_one[path]["rps"], 3))
    return ratios


# --- Scenario: the replica takes the read-only pages' load --------------------------
def replica_commits(stack: Stack) -> int:
    """Transactions the replica has served in the saduak database."""
    found = stack.psql(
        "SELECT xact_commit + xact_rollback FROM pg_stat_database "
        "WHERE datname = 'saduak'",
        replica=True,
    )
    return int(found.strip() or 0)


def scenario_replica(stack: Stack, args: argparse.Namespace) -> dict[str, Any]:
    runs: list[dict[str, Any]] = []
    plan = ["replica", "primary only"] * args.repeat
    for mode in plan:
        wanted = "1" if mode == "replica" else "0"
        if os.environ.get("REPLICA_READS", "1") != wanted:
            os.environ["REPLICA_READS"] = wanted
            restart_web(stack)
        flush_cache()
        ping = measure(
            stack,
            f"ping ({mode})",
            ping_requests(),
            concurrency=args.concurrency,
            duration_s=args.duration,
        )
        commits = replica_commits(stack)
        ranking = measure(
            stack,
            f"ranking ({mode})",
            ranking_requests(),
            concurrency=args.concurrency,
            duration_s=args.duration,
            once=True,
        )
        shown = with_ping(ping, ranking)
        shown["replica_transactions"] = replica_commits(stack) - commits
        runs.append({"mode": mode, "ping": ping.summary(), "ranking": shown})
    if os.environ.get("REPLICA_READS", "1") != "1":
        os.environ["REPLICA_READS"] = "1"
        restart_web(stack)
    return {"runs": runs}


# --- Scenario: CPU per request of each hot path ------------------------------------
HOT_PATHS = (
    "ping",
    "sign_in",
    "identity_check",
    "booking",
    "vote",
    "application_submit",
    "ranking",
    "waiting_answer",
)


def scenario_cpu(stack: Stack, args: argparse.Namespace) -> dict[str, Any]:
    context = stack_context(stack)
    count = int(args.duration * 400)
    builders: dict[str, Callable[[], tuple[list[RequestSpec], bool]]] = {
        "ping": lambda: (ping_requests(), False),
        "sign_in": lambda: (sign_in_requests(stack, context), False),
        "identity_check": lambda: (identity_requests(context), False),
        "booking": lambda: (booking_requests(context, count), True),
        "vote": lambda: (vote_requests(context, count), True),
        "application_submit": lambda: (application_requests(context), True),
        "ranking": lambda: (ranking_requests(), True),
        "waiting_answer": lambda: (booking_requests(context, count), True),
    }
    found: dict[str, Any] = {}
    ping: Measured | None = None
    for path in args.paths or HOT_PATHS:
        requests, once = builders[path]()
        if path in ("ranking", "booking"):
            # An empty cache: rankings not cached, and no waiting room state
            # left by an earlier surge (its rate stays low while p95 is high).
            flush_cache()
        if path == "waiting_answer":
            # Everyone arrives into a full room: each booking is answered 429
            # with a place and a ticket (what a surge costs per arrival or
            # refresh), but the few admitted at one a second.
            flush_cache()
            stack.manage("admission_rate", "1")
        measured = measure(
            stack,
            path,
            requests,
            concurrency=args.concurrency,
            duration_s=args.duration,
            once=once,
        )
        if path == "ping":
            ping = measured
        if path == "waiting_answer":
            stack.manage("admission_rate", "--reset")
        found[path] = with_ping(ping, measured) if ping else measured.summary()
    return found


# --- The open-loop driver of the waiting room -------------------------------------
WAIT, ADMITTED, FAILED = "wait", "admitted", "failed"


@dataclass
class Attempt:
    """One request of a person: when it was sent and answered (seconds since the
    start of the run), what came back."""

    sent: float
    received: float
    status: int
    outcome: str
    place: int | None = None
    retry_after: float | None = None


@dataclass
class Person:
    number: int
    arrival: float
    request: RequestSpec
    attempts: list[Attempt] = field(default_factory=list)
    ticket: str = ""
    admitted_place: int | None = None

    @property
    def admitted(self) -> Attempt | None:
        last = self.attempts[-1] if self.attempts else None
        return last if last and last.outcome == ADMITTED else None

    @property
    def done(self) -> bool:
        return bool(self.attempts) and self.attempts[-1].outcome != WAIT


def token_place(token: str) -> int | None:
    """The place in an admission token (["admitted", room, place], Django's
    signing.dumps uncompressed: base64 JSON before the first colon). Read only,
    for the bench's order check; the server verifies the signature."""
    try:
        payload = token.split(":", 1)[0]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, binascii.Error):
        return None
    if isinstance(data, list) and len(data) == 3 and data[0] == "admitted":
        return int(data[2]) if isinstance(data[2], int) else None
    return None


# What one request of a person does: send it (with the person's ticket) and say
# what came back.
Send = Callable[[Person, float], Attempt]


class OpenLoop:
    """People arrive at `arrivals_per_s` whatever the server answers: each arrival
    and each retry is due at a time (a heap) and handed to a pool of `threads`
    when due, never waiting for anyone's answer, so the offered load stays open
    as long as the pool has a free thread (the lag of each start behind its due
    time is kept to show it did). A person told to wait is due again after the
    Retry-After they were given; the run ends when everyone is admitted or
    failed, or at `deadline_s` (requests not yet started are then dropped)."""

    def __init__(
        self,
        people: Sequence[Person],
        send: Send,
        *,
        threads: int,
        deadline_s: float,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.people = {person.number: person for person in people}
        self.send = send
        self.threads = threads
        self.deadline_s = deadline_s
        self.clock = clock
        self.due: list[tuple[float, int, int]] = []
        self.sequence = 0
        self.ready = threading.Condition()
        self.lags: list[float] = []
        self.active = 0
        self.started = clock()

    def now(self) -> float:
        return self.clock() - self.started

    def _push(self, at: float, number: int) -> None:
        """Under self.ready."""
        heapq.heappush(self.due, (at, self.sequence, number))
        self.sequence += 1

    def _visit(self, person: Person, due: float) -> None:
        try:
            sent = self.now()
            self.lags.append(sent - due)
            attempt = self.send(person, sent)
            person.attempts.append(attempt)
        finally:
            with self.ready:
                if person.attempts and person.attempts[-1].outcome == WAIT:
                    wait = person.attempts[-1].retry_after
                    received = person.attempts[-1].received
                    self._push(
                        received + (1.0 if wait is None else wait), person.number
                    )
                self.active -= 1
                self.ready.notify()

    def run(self) -> float:
        """Runs everyone; returns the seconds it took."""
        self.started = self.clock()
        with self.ready:
            for person in self.people.values():
                self._push(person.arrival, person.number)
        pool = ThreadPoolExecutor(self.threads, thread_name_prefix="person")
        try:
            while True:
                with self.ready:
                    now = self.now()
                    if (not self.due and not self.active) or now > self.deadline_s:
                        break
                    if not self.due or self.due[0][0] > now:
                        wait = self.due[0][0] - now if self.due else 0.5
                        self.ready.wait(min(wait, 0.5))
                        continue
                    at, _, number = heapq.heappop(self.due)
                    self.active += 1
                pool.submit(self._visit, self.people[number], at)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return self.now()


def arrivals(count: int, per_second: float) -> list[float]:
    """Arrival times of `count` people at a fixed rate from 0."""
    return [n / per_second for n in range(count)]


@dataclass
class OrderCheck:
    """Admissions out of order: a person told to wait by a request sent after the
    answer admitting someone with a later place had arrived (so the server
    decided the admission first, certainly; the clocks are the driver's)."""

    passed_over_people: int
    late_waits: int
    inversions: int
    examples: list[dict[str, Any]]


def out_of_order(people: Iterable[Person]) -> OrderCheck:
    """Counts people passed over (see OrderCheck), and, for information,
    admission inversions: pairs admitted in the other order than their places
    (expected: a person admitted by the head's move comes in at their next
    refresh, which may be after a later place's)."""
    people = list(people)
    admissions = sorted(
        (attempt.received, person.admitted_place)
        for person in people
        if (attempt := person.admitted) is not None
        and person.admitted_place is not None
    )
    times = [received for received, _ in admissions]
    highest: list[int] = []
    for _, admitted_place in admissions:
        assert admitted_place is not None
        highest.append(max(admitted_place, highest[-1]) if highest else admitted_place)
    passed_over = 0
    late_waits = 0
    examples: list[dict[str, Any]] = []
    for person in people:
        place = person.admitted_place
        if place is None:
            place = next(
                (a.place for a in person.attempts if a.place is not None), None
            )
        if place is None:
            continue
        hit = False
        for attempt in person.attempts:
            if attempt.outcome != WAIT:
                continue
            before = bisect.bisect_left(times, attempt.sent)
            if before and highest[before - 1] > place:
                late_waits += 1
                hit = True
                if len(examples) < 5:
                    examples.append(
                        {
                            "person": person.number,
                            "place": place,
                            "told_to_wait_at_s": round(attempt.sent, 3),
                            "later_place_admitted": highest[before - 1],
                        }
                    )
        passed_over += hit
    by_time = [place for _, place in admissions if place is not None]
    return OrderCheck(passed_over, late_waits, _inversions(by_time), examples)


def _inversions(values: list[int]) -> int:
    """Pairs i < j with values[i] > values[j] (merge sort count)."""

    def count(items: list[int]) -> tuple[list[int], int]:
        if len(items) < 2:
            return items, 0
        middle = len(items) // 2
        left, a = count(items[:middle])
        right, b = count(items[middle:])
        merged: list[int] = []
        found = a + b
        i = j = 0
        while i < len(left) and j < len(right):
            if left[i] <= right[j]:
                merged.append(left[i])
                i += 1
            else:
                merged.append(right[j])
                found += len(left) - i
                j += 1
        merged.extend(left[i:])
        merged.extend(right[j:])
        return merged, found

    return count(values)[1]


def refresh_cost(people: Iterable[Person]) -> dict[str, Any]:
    """Requests per waiting person per minute: the requests after a person's
    first (their refreshes, the admitted one included) over the minutes from
    their first answer to their last request, for those who waited."""
    refreshes = 0
    minutes = 0.0
    waited = 0
    for person in people:
        if len(person.attempts) < 2:
            continue
        waited += 1
        refreshes += len(person.attempts) - 1
        minutes += (person.attempts[-1].sent - person.attempts[0].received) / 60
    return {
        "people_who_waited": waited,
        "refresh_requests": refreshes,
        "waiting_minutes": round(minutes, 2),
        "requests_per_waiting_person_per_minute": round(refreshes / minutes, 2)
        if minutes
        else None,
    }


def offered_rates(people: Iterable[Person], arrival_window_s: float) -> dict[str, Any]:
    """Requests a second against arrivals a second, overall and in the busiest
    second (a retry storm would show as many requests per arrival)."""
    people = list(people)
    sends = sorted(a.sent for person in people for a in person.attempts)
    per_second = Counter(int(at) for at in sends)
    arrived = Counter(int(person.arrival) for person in people)
    in_window = [s for s in sends if s < arrival_window_s]
    return {
        "arrivals_per_s": round(len(people) / arrival_window_s, 1),
        "requests_per_s_during_arrivals": round(len(in_window) / arrival_window_s, 1),
        "requests_per_arrival_during_arrivals": round(len(in_window) / len(people), 3)
        if people
        else None,
        "peak_requests_in_a_second": max(per_second.values(), default=0),
        "peak_arrivals_in_a_second": max(arrived.values(), default=0),
        "requests_total": len(sends),
        "requests_per_person": round(len(sends) / len(people), 2) if people else None,
    }


class BookingSender:
    """Sends a person's booking through nginx over HTTPS (one keep-alive
    connection per driver thread, as a front door's), with their ticket in the
    Waiting-Room-Token header, and reads the waiting room's answer: 201 admitted
    and booked, 429 (or 503) with Retry-After to wait, anything else failed."""

    def __init__(self, ca_file: str, timeout_s: float = 60.0) -> None:
        self.ca_file = ca_file
        self.timeout_s = timeout_s
        self.local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = connect(HOST, HTTPS_PORT, self.timeout_s, self.ca_file)
            self.local.conn = conn
        return conn

    def __call__(self, person: Person, sent: float) -> Attempt:
        request = person.request
        headers = {"Content-Type": request.content_type, **dict(request.headers)}
        if person.ticket:
            headers["Waiting-Room-Token"] = person.ticket
        conn = self._connection()
        began = time.perf_counter()
        try:
            conn.request(
                request.method, request.path, body=request.body, headers=headers
            )
            answer = conn.getresponse()
            body = answer.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            self.local.conn = None
            return Attempt(sent, sent + time.perf_counter() - began, 0, FAILED)
        received = sent + time.perf_counter() - began
        status = answer.status
        if status == 201:
            token = answer.getheader("Waiting-Room-Token") or person.ticket
            place = token_place(token) if token else None
            if place is not None:
                person.admitted_place = place
            return Attempt(sent, received, status, ADMITTED, place=place)
        retry = answer.getheader("Retry-After")
        if status in (429, 503) and retry:
            place = None
            try:
                problem = json.loads(body)
                place = problem.get("place")
                person.ticket = problem.get("token") or person.ticket
            except (ValueError, AttributeError):
                pass
            return Attempt(
                sent, received, status, WAIT, place=place, retry_after=float(retry)
            )
        return Attempt(sent, received, status, FAILED)


def open_loop_bookings(
    stack: Stack,
    requests: list[RequestSpec],
    *,
    per_second: float,
    threads: int,
    deadline_s: float,
    status_every_s: float = 1.0,
) -> dict[str, Any]:
    """Offers `requests` (one person each) at `per_second`, open loop; returns
    the people's logs, the cost and the room's status over time."""
    people = [
        Person(number, at, request)
        for number, (at, request) in enumerate(
            zip(arrivals(len(requests), per_second), requests, strict=True)
        )
    ]
    sender = BookingSender(str(stack.ca_file))
    loop = OpenLoop(people, sender, threads=threads, deadline_s=deadline_s)
    statuses: list[dict[str, Any]] = []
    stop = threading.Event()

    def watch() -> None:
        conn = connect(HOST, HTTPS_PORT, 10, str(stack.ca_file))
        while not stop.wait(status_every_s):
            try:
                conn.request("GET", "/appointments/waiting-room/status.json")
                answer = conn.getresponse()
                found = json.loads(answer.read()) if answer.status == 200 else {}
            except (OSError, http.client.HTTPException, ValueError):
                conn.close()
                continue
            found["at_s"] = round(loop.now(), 1)
            statuses.append(found)

    watcher = threading.Thread(target=watch, daemon=True)
    meter = CpuMeter(stack)
    meter.start()
    watcher.start()
    took = loop.run()
    stop.set()
    watcher.join(timeout=15)
    cost = meter.stop()
    return {
        "people": people,
        "took_s": took,
        "lags": loop.lags,
        "room": statuses,
        **cost,
    }


def _p(values: list[float], q: float) -> float | None:
    ordered = sorted(values)
    return round(percentile(ordered, q), 1) if ordered else None


def open_loop_report(found: dict[str, Any], per_second: float) -> dict[str, Any]:
    people: list[Person] = found["people"]
    window = len(people) / per_second
    admitted = [p for p in people if p.admitted]
    latencies = [1000 * (a.received - a.sent) for p in admitted if (a := p.admitted)]
    failed = Counter(
        str(p.attempts[-1].status) for p in people if p.done and not p.admitted
    )
    order = out_of_order(people)
    lags = [1000 * lag for lag in found["lags"]]
    return {
        "people_offered": len(people),
        "arrival_rate_per_s": per_second,
        "arrival_window_s": round(window, 1),
        "took_s": round(found["took_s"], 1),
        "admitted": len(admitted),
        "still_waiting_at_deadline": sum(not p.done for p in people),
        "failed_by_status": dict(failed),
        "admitted_p50_ms": _p(latencies, 50),
        "admitted_p95_ms": _p(latencies, 95),
        "admitted_p99_ms": _p(latencies, 99),
        # The admitted who waited first, and those admitted while people were
        # still arriving (their requests queue behind the waiting answers).
        "admitted_after_waiting_p95_ms": _p(
            [
                1000 * (a.received - a.sent)
                for p in admitted
                if (a := p.admitted) and len(p.attempts) > 1
            ],
            95,
        ),
        "admitted_after_arrivals_ended_p95_ms": _p(
            [
                1000 * (a.received - a.sent)
                for p in admitted
                if (a := p.admitted) and a.sent >= window
            ],
            95,
        ),
        "waited_share": round(sum(len(p.attempts) > 1 for p in people) / len(people), 3)
        if people
        else None,
        "time_to_admission_p50_s": _p(
            [a.received - p.arrival for p in admitted if (a := p.admitted)], 50
        ),
        "time_to_admission_max_s": _p(
            [a.received - p.arrival for p in admitted if (a := p.admitted)], 100
        ),
        "out_of_order": asdict(order),
        "refresh": refresh_cost(people),
        "offered": offered_rates(people, window),
        "start_lag_ms": {
            "p50": _p(lags, 50),
            "p99": _p(lags, 99),
            "max": _p(lags, 100),
        },
        "cpu_s": found["cpu_s"],
        "cpu_share": cpu_shares(found["cpu_s"]),
        "loadavg": found["loadavg"],
        "room_status": found["room"][:: max(1, len(found["room"]) // 40)],
    }


# --- Scenario: the waiting room at 5x capacity --------------------------------------
SURGE_FACTOR = 5
REST_FACTOR = 0.5
# The room admits a little less than the server can book, so that the waiting
# pages and refreshes, which cost CPU too, leave the admitted their speed
# (as bench.appointment_scenarios' surge does).
ADMIT_SHARE = 0.8


def scenario_wroom(stack: Stack, args: argparse.Namespace) -> dict[str, Any]:
    context = stack_context(stack)
    flush_cache()
    stack.manage("admission_rate", "--reset")
    ping = measure(
        stack,
        "ping",
        ping_requests(),
        concurrency=args.concurrency,
        duration_s=args.duration,
    )
    closed = measure(
        stack,
        "booking capacity (closed loop)",
        booking_requests(context, int(args.duration * 400)),
        concurrency=args.concurrency,
        duration_s=args.duration,
        once=True,
    )
    capacity = args.capacity or closed.rps
    rate = max(1, int(ADMIT_SHARE * capacity))
    stack.manage("admission_rate", str(rate))
    rest_rate = REST_FACTOR * capacity
    rest_people = max(20, int(rest_rate * args.duration))
    rest = open_loop_report(
        open_loop_bookings(
            stack,
            booking_requests(context, rest_people),
            per_second=rest_rate,
            threads=args.threads,
            deadline_s=args.duration + 60,
        ),
        rest_rate,
    )
    _print_open("at rest", rest)
    surge_rate = SURGE_FACTOR * capacity
    surge_people = int(surge_rate * args.surge_seconds)
    # Long enough for the room to admit everyone at the admission rate.
    deadline = args.surge_seconds + surge_people / rate * 1.5 + 60
    surge = open_loop_report(
        open_loop_bookings(
            stack,
            booking_requests(context, surge_people),
            per_second=surge_rate,
            threads=args.threads,
            deadline_s=min(deadline, args.wroom_max_seconds),
        ),
        surge_rate,
    )
    _print_open("surge", surge)
    stack.manage("admission_rate", "--reset")
    # The room's own rate stays where the controller left it (low while the
    # admitted p95 is high) until its state is gone.
    flush_cache()
    target = 3 * rest["admitted_p95_ms"] if rest["admitted_p95_ms"] else None
    return {
        "ping": ping.summary(),
        "booking_closed_loop": with_ping(ping, closed),
        "capacity_req_s": capacity,
        "admission_rate": rate,
        "at_rest": rest,
        "surge": surge,
        "checks": {
            "admitted_p95_within_3x_rest": bool(
                target
                and surge["admitted_p95_ms"]
                and surge["admitted_p95_ms"] <= target
            ),
            "p95_ratio_to_rest": round(
                surge["admitted_p95_ms"] / rest["admitted_p95_ms"], 2
            )
            if surge["admitted_p95_ms"] and rest["admitted_p95_ms"]
            else None,
            "admitted_out_of_order": surge["out_of_order"]["passed_over_people"],
        },
    }


def _print_open(label: str, found: dict[str, Any]) -> None:
    print(
        f"[stack-bench] waiting room {label}: {found['people_offered']} people at "
        f"{found['arrival_rate_per_s']}/s, admitted {found['admitted']}, p95 "
        f"{found['admitted_p95_ms']} ms, out of order "
        f"{found['out_of_order']['passed_over_people']}, refresh "
        f"{found['refresh']['requests_per_waiting_person_per_minute']}/min, "
        f"offered {found['offered']}, lag {found['start_lag_ms']}, "
        f"load {found['loadavg'][3:]}",
        flush=True,
    )


# --- The command -------------------------------------------------------------------
SCENARIOS: dict[str, Callable[[Stack, argparse.Namespace], dict[str, Any]]] = {
    "scale": scenario_scale,
    "replica": scenario_replica,
    "cpu": scenario_cpu,
    "wroom": scenario_wroom,
}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.stack_scenarios")
    parser.add_argument("--scenario", action="append", choices=[*SCENARIOS, "all"])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--repeat", type=int, default=1, help="pairs of runs (scale, replica)"
    )
    parser.add_argument(
        "--paths",
        type=lambda s: s.split(","),
        default=None,
        help=f"cpu: some of {','.join(HOT_PATHS)}",
    )
    parser.add_argument(
        "--threads", type=int, default=400, help="wroom: the open-loop driver's threads"
    )
    parser.add_argument(
        "--surge-seconds",
        type=float,
        default=10.0,
        help="wroom: how long people arrive at 5x capacity",
    )
    parser.add_argument(
        "--capacity",
        type=float,
        default=0.0,
        help="wroom: bookings/s to assume instead of measuring",
    )
    parser.add_argument("--wroom-max-seconds", type=float, default=300.0)
    parser.add_argument(
        "--no-restart",
        action="store_true",
        help="keep web-1/web-2 as they run (BENCH_ENV not applied)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    names = args.scenario or ["all"]
    if "all" in names:
        names = list(SCENARIOS)
    os.environ.update(BENCH_ENV)
    os.environ["REPLICA_READS"] = "1"
    stack = Stack()
    if not stack.component_running("nginx"):
        stack.start()
    elif not args.no_restart:
        restart_web(stack)
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "options": vars(args),
        "cpus": os.cpu_count(),
    }
    for name in names:
        results[name] = SCENARIOS[name](stack, args)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"stack-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(results, indent=1, default=str))
    print(f"[stack-bench] results in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
