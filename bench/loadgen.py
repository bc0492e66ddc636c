"""The load generator: `concurrency` client threads, each with its own keep-alive
HTTP/1.1 connection, requesting paths in turn for a fixed time. It runs in a child
process (`run_in_child`) so the server is driven from outside the runner."""

import http.client
import multiprocessing
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

ERROR_BACKOFF_S = 0.01


@dataclass(frozen=True)
class RequestSpec:
    """One request a client sends: GET by default, or a POST with a body."""

    path: str
    method: str = "GET"
    body: bytes = b""
    content_type: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    # The status that counts as success; 0 means any 2xx (a sign-in answers 302).
    expect_status: int = 0

    def succeeded(self, status: int) -> bool:
        return (
            status == self.expect_status if self.expect_status else 200 <= status < 300
        )


@dataclass(frozen=True)
class LoadSpec:
    host: str
    port: int
    paths: list[str]
    concurrency: int
    warmup_s: float
    duration_s: float
    headers: dict[str, str] = field(default_factory=dict)
    timeout_s: float = 10.0
    # Requests to send instead of GETs of `paths`. With `once`, each is sent by one
    # client only and the clients stop when they run out (single-use codes).
    requests: list[RequestSpec] = field(default_factory=list)
    once: bool = False
    # Requests per second over all clients (0: each client sends as soon as it has
    # its answer). With a rate, clients keep to their schedule, as arrivals of
    # people would, and a slow server does not slow what is offered to it
    # unless every client is waiting.
    rate_per_s: float = 0.0
    # Keep (seconds since the measured start, status, latency ms) of every
    # answer; status 0 is a failed request.
    keep_samples: bool = False
    # HTTPS with this CA file (the stack's local certificate, bench/stack_scenarios.py);
    # "" for plain HTTP.
    ca_file: str = ""

    def request_list(self) -> list[RequestSpec]:
        return self.requests or [RequestSpec(path) for path in self.paths]


@dataclass
class LoadResult:
    """What was measured after the warm-up: 2xx latencies, errors by kind."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    body_bytes: int = 0
    elapsed_s: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    samples: list[tuple[float, int, float]] = field(default_factory=list)
    # 429 and 503 answers without a Retry-After header.
    shed_without_retry_after: int = 0


class _Turns:
    """Which request a client sends next: its own rotation, or (once) the next
    unused request shared by all clients."""

    def __init__(self, spec: LoadSpec) -> None:
        self.requests = spec.request_list()
        self.once = spec.once
        self.lock = threading.Lock()
        self.shared = 0

    def next(self, own_turn: int) -> RequestSpec | None:
        if not self.once:
            return self.requests[own_turn % len(self.requests)]
        with self.lock:
            if self.shared >= len(self.requests):
                return None
            self.shared += 1
            return self.requests[self.shared - 1]


def connect(
    host: str, port: int, timeout_s: float, ca_file: str = ""
) -> http.client.HTTPConnection:
    """A keep-alive connection: HTTPS verified against `ca_file` when given."""
    if not ca_file:
        return http.client.HTTPConnection(host, port, timeout=timeout_s)
    context = ssl.create_default_context(cafile=ca_file)
    return http.client.HTTPSConnection(host, port, timeout=timeout_s, context=context)


def _client(
    spec: LoadSpec,
    index: int,
    measure_from: float,
    stop_at: float,
    out: LoadResult,
    turns: _Turns,
) -> None:
    conn = connect(spec.host, spec.port, spec.timeout_s, spec.ca_file)
    headers = {"Connection": "keep-alive", "Accept": "*/*", **spec.headers}
    turn = index  # clients start at different paths so every path stays in play
    interval = spec.concurrency / spec.rate_per_s if spec.rate_per_s > 0 else 0.0
    # Paced clients start spread over one interval, not all at once.
    due = measure_from - spec.warmup_s + interval * index / spec.concurrency
    try:
        while (started := time.perf_counter()) < stop_at:
            if interval:
                if started < due:
                    time.sleep(due - started)
                    started = time.perf_counter()
                    if started >= stop_at:
                        break
                due += interval
            request = turns.next(turn)
            if request is None:
                break
            turn += 1
            sent = {**headers, **dict(request.headers)}
            if request.content_type:
                sent["Content-Type"] = request.content_type
            try:
                conn.request(
                    request.method,
                    request.path,
                    body=request.body or None,
                    headers=sent,
                )
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()  # the next request reconnects
                if started >= measure_from:
                    out.errors[type(exc).__name__] += 1
                    out.statuses[0] += 1
                    if spec.keep_samples:
                        out.samples.append((started - measure_from, 0, 0.0))
                time.sleep(ERROR_BACKOFF_S)
                continue
            if started < measure_from:
                continue
            latency_ms = (time.perf_counter() - started) * 1000
            out.statuses[response.status] += 1
            if response.status in (429, 503) and not response.getheader("Retry-After"):
                out.shed_without_retry_after += 1
            if spec.keep_samples:
                out.samples.append(
                    (started - measure_from, response.status, latency_ms)
                )
            if request.succeeded(response.status):
                out.latencies_ms.append(latency_ms)
                out.body_bytes += len(body)
            else:
                out.errors[f"HTTP {response.status}"] += 1
    finally:
        conn.close()


def generate_load(spec: LoadSpec) -> LoadResult:
    """Run the load in this process (threads) and merge the clients' results."""
    if not spec.request_list():
        raise ValueError("a scenario needs at least one path")
    turns = _Turns(spec)
    measure_from = time.perf_counter() + spec.warmup_s
    stop_at = measure_from + spec.duration_s
    parts = [LoadResult() for _ in range(spec.concurrency)]
    threads = [
        threading.Thread(
            target=_client,
            args=(spec, i, measure_from, stop_at, part, turns),
            daemon=True,
        )
        for i, part in enumerate(parts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, stop_at - time.perf_counter()) + spec.timeout_s)
    total = LoadResult(elapsed_s=time.perf_counter() - measure_from)
    for part in parts:
        total.latencies_ms.extend(part.latencies_ms)
        total.errors.update(part.errors)
        total.body_bytes += part.body_bytes
        total.statuses.update(part.statuses)
        total.samples.extend(part.samples)
        total.shed_without_retry_after += part.shed_without_retry_after
    total.samples.sort()
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        total.errors["client did not finish"] += stuck
    return total


def _child_main(spec: LoadSpec, conn: Connection) -> None:
    try:
        conn.send(generate_load(spec))
    except BaseException as exc:  # report anything, including Ctrl-C, to the parent
        conn.send(RuntimeError(f"load generator failed: {exc!r}"))
    finally:
        conn.close()


def run_in_child(spec: LoadSpec) -> LoadResult:
    """Run `generate_load` in a fresh OS process; bounded by the spec's times."""
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child_main, args=(spec, sender), daemon=True)
    process.start()
    sender.close()
    deadline = spec.warmup_s + spec.duration_s + 2 * spec.timeout_s + 30
    try:
        if not receiver.poll(deadline):
            raise TimeoutError(f"load generator gave no result within {deadline:.0f}s")
        outcome = receiver.recv()
        process.join(timeout=10)
    finally:
        if process.is_alive():
            process.terminate()
            process.join(timeout=5)
        receiver.close()
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome
