"""Audited writes under load, straight into PostgreSQL (no HTTP in between).

Two scenarios (issue 14):

- `lock_waits`: 16 clients write audit events at a fixed arrival rate (open loop:
  each write has its scheduled time, and its latency counts from then, so queueing
  shows). Meanwhile pg_stat_activity and pg_locks are sampled every 50 ms for
  sessions of the bench database waiting on a lock. With the old code (every event
  locks the chain head until commit) they queue; with the sequencer they do not.
- `sequencer`: the same load at 1,000 writes/s with the sequencer running as its
  own process (`manage.py audit_seal --loop`). Samples the number and age of
  unsealed events during the run, and counts those still unsealed 5 s after the
  load stops (target: 0); then checks the chain with `audit_verify --no-seal`.

- `seal_capacity`: how fast one sequencer run seals a backlog: `--backlog` unsealed
  events are inserted in one statement, then `seal_pending()` is timed (events
  sealed per second, the checkpoint included). The bound on the load it keeps up
  with, independent of how fast this machine's clients can write.

    .venv/bin/python -m bench.audit_chain --scenario lock_waits --rate 500
    .venv/bin/python -m bench.audit_chain --scenario sequencer --rate 1000 --duration 30
    .venv/bin/python -m bench.audit_chain --scenario seal_capacity --backlog 30000

The code measured is the checkout this file runs from: to measure the code
before the sequencer, run the same file from a checkout of it (docs/bench.md). Each
run creates the database (`--db-name`, dropped first and afterwards), migrates it
with the production settings and a fresh signing key, and prints one JSON report.
Clients run in `--processes` OS processes of `--clients / --processes` threads,
each thread with its own connection.
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psycopg

from bench.server import (
    PG_ADMIN_URL,
    PROJECT_ROOT,
    create_postgres,
    django_env,
    drop_postgres,
    manage,
)
from bench.stats import percentile

SAMPLE_S = 0.05
HAS_SEQUENCER = importlib.util.find_spec("saduak.audit.sequencer") is not None


# --- Client processes -----------------------------------------------------------------
def client_main(rate: float, duration: float, threads: int) -> None:
    """One client process: `threads` threads, together `rate` writes/s, for
    `duration` seconds from the wall-clock time the runner sends on stdin once
    every client has said "ready". Prints its results as JSON."""
    import django

    django.setup()
    from django.db import connection, transaction

    from saduak.audit.services import audit_record

    print("ready", flush=True)
    start_at = float(sys.stdin.readline())

    interval = threads / rate
    results: list[dict[str, Any]] = []

    def client(index: int) -> None:
        latencies: list[float] = []
        last = [start_at]
        late = errors = 0
        scheduled = start_at + index * interval / threads
        number = 0
        while scheduled < start_at + duration:
            wait = scheduled - time.time()
            if wait > 0:
                time.sleep(wait)
            elif wait < -0.1:
                late += 1
            try:
                with transaction.atomic():
                    audit_record(
                        actor="bench",
                        action="bench.write",
                        after={"client": index, "n": number},
                        district_code="1001",
                    )
                done = time.time()
                latencies.append((done - scheduled) * 1000)
                last[0] = max(last[0], done)
            except Exception:
                errors += 1
            number += 1
            scheduled += interval
        connection.close()
        results.append(
            {"latencies": latencies, "late": late, "errors": errors, "last": last[0]}
        )

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(json.dumps(results))


# --- Sampling -------------------------------------------------------------------------
class Sampler(threading.Thread):
    """Every 50 ms: sessions of the bench database waiting on a lock, lock
    requests not granted, and (with the sequencer) unsealed events and the age of
    the oldest."""

    def __init__(self, url: str, database: str) -> None:
        super().__init__(daemon=True)
        self.url, self.database = url, database
        self.stop = threading.Event()
        self.samples: list[dict[str, float]] = []

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.is_set():
                waiting = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = %s AND wait_event_type = 'Lock'",
                    [self.database],
                ).fetchone()
                ungranted = conn.execute(
                    "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid IN "
                    "(SELECT pid FROM pg_stat_activity WHERE datname = %s)",
                    [self.database],
                ).fetchone()
                sample = {
                    "t": time.time(),
                    "lock_waiting": float(waiting[0] if waiting else 0),
                    "not_granted": float(ungranted[0] if ungranted else 0),
                }
                if HAS_SEQUENCER:
                    row = conn.execute(
                        "SELECT count(*), coalesce(extract(epoch FROM "
                        "clock_timestamp() - min(occurred_at)), 0) "
                        "FROM audit_auditevent WHERE sequence IS NULL"
                    ).fetchone()
                    sample["unsealed"] = float(row[0]) if row else 0.0
                    sample["unsealed_age_s"] = float(row[1]) if row else 0.0
                self.samples.append(sample)
                self.stop.wait(SAMPLE_S)


# --- The run --------------------------------------------------------------------------
def _clients(env: dict[str, str], opts: argparse.Namespace) -> list:
    per_process = opts.clients // opts.processes
    command = [sys.executable, "-m", "bench.audit_chain", "--client"]
    return [
        subprocess.Popen(
            [
                *command,
                "--rate",
                str(opts.rate / opts.processes),
                "--duration",
                str(opts.duration),
                "--threads",
                str(per_process),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(opts.processes)
    ]


def _wait_until_sealed(url: str, timeout: float = 120) -> None:
    """The sequencer process is up and has sealed what migrate wrote."""
    deadline = time.time() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while time.time() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM audit_auditevent WHERE sequence IS NULL"
            ).fetchone()
            if row and row[0] == 0:
                return
            time.sleep(0.2)
    raise RuntimeError("the sequencer did not start sealing")


def _summary(samples: list[dict[str, float]], key: str) -> dict[str, float]:
    values = [sample[key] for sample in samples if key in sample]
    if not values:
        return {}
    return {
        "max": max(values),
        "mean": round(sum(values) / len(values), 2),
        "share_of_samples_above_0": round(
            sum(1 for v in values if v > 0) / len(values), 3
        ),
    }


BACKLOG_SQL = """
INSERT INTO audit_auditevent (occurred_at, actor_label, action, target_type,
    target_id, target_label, before, after, district_code, province_code,
    request_id, previous_hash)
SELECT clock_timestamp(), 'bench', 'bench.write', 'bench.thing', n::text,
    'thing ' || n, NULL, jsonb_build_object('n', n, 'ชื่อ', 'ทดสอบ'), '1001', '10',
    '', ''
FROM generate_series(1, %s) AS n
"""
TIME_A_SEAL = (
    "import json, time; from saduak.audit.sequencer import seal_pending; "
    "t = time.perf_counter(); run = seal_pending(); "
    "print(json.dumps({'sealed': run.sealed, 'seconds': time.perf_counter() - t}))"
)


def seal_capacity(opts: argparse.Namespace) -> dict[str, Any]:
    url = create_postgres(opts.pg_admin_url, opts.db_name)
    try:
        with tempfile.TemporaryDirectory(prefix="saduak-audit-bench-") as scratch:
            workdir = Path(scratch)
            env = django_env(url, workdir)
            from saduak.audit.keys import new_signing_key_pem

            key = workdir / "audit-signing-key.pem"
            key.write_bytes(new_signing_key_pem())
            env["AUDIT_SIGNING_KEY_FILE"] = str(key)
            env["PRIVATE_FILES_ROOT"] = str(workdir / "private")
            manage(env, "migrate", "--no-input", "-v0")
            manage(env, "audit_seal")  # what migrate wrote
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(BACKLOG_SQL, [opts.backlog])
            timed = json.loads(manage(env, "shell", "-c", TIME_A_SEAL).splitlines()[-1])
            verified = manage(env, "audit_verify", "--no-seal").strip().splitlines()[0]
    finally:
        drop_postgres(opts.pg_admin_url, opts.db_name)
    return {
        "scenario": "seal_capacity",
        "backlog": opts.backlog,
        "batch": int(os.environ.get("AUDIT_SEAL_BATCH", "5000")),
        **timed,
        "sealed_per_second": round(timed["sealed"] / timed["seconds"], 1),
        "audit_verify": verified,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
    }


def run(opts: argparse.Namespace) -> dict[str, Any]:
    if opts.scenario == "seal_capacity":
        return seal_capacity(opts)
    url = create_postgres(opts.pg_admin_url, opts.db_name)
    sequencer = None
    try:
        with tempfile.TemporaryDirectory(prefix="saduak-audit-bench-") as scratch:
            workdir = Path(scratch)
            env = django_env(url, workdir)
            key = workdir / "audit-signing-key.pem"
            if HAS_SEQUENCER:
                from saduak.audit.keys import new_signing_key_pem

                key.write_bytes(new_signing_key_pem())
            env["AUDIT_SIGNING_KEY_FILE"] = str(key)
            env["PRIVATE_FILES_ROOT"] = str(workdir / "private")
            manage(env, "migrate", "--no-input", "-v0")
            if opts.scenario == "sequencer" and HAS_SEQUENCER:
                sequencer = subprocess.Popen(
                    [
                        sys.executable,
                        "manage.py",
                        "audit_seal",
                        "--loop",
                        "--interval",
                        str(opts.seal_interval),
                    ],
                    cwd=PROJECT_ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                )
                _wait_until_sealed(url)
            sampler = Sampler(url, opts.db_name)
            clients = _clients(env, opts)
            for client in clients:  # Django set up and connected
                assert client.stdout is not None
                assert client.stdout.readline().strip() == "ready"
            start_at = time.time() + 0.5
            sampler.start()
            outputs = [client.communicate(f"{start_at}\n")[0] for client in clients]
            load_end = time.time()
            settled: dict[str, Any] = {}
            if HAS_SEQUENCER and opts.scenario == "sequencer":
                time.sleep(max(0.0, load_end + opts.settle - time.time()))
                with psycopg.connect(url, autocommit=True) as conn:
                    row = conn.execute(
                        "SELECT count(*) FROM audit_auditevent WHERE sequence IS NULL"
                    ).fetchone()
                    settled["unsealed_after_settle"] = row[0] if row else None
                    settled["settle_s"] = opts.settle
            sampler.stop.set()
            sampler.join()
            if sequencer is not None:
                sequencer.terminate()
                sequencer.wait(15)
                sequencer = None
                verified = manage(env, "audit_verify", "--no-seal").strip()
                settled["audit_verify"] = verified.splitlines()[0]
                files = list((workdir / "private").rglob("*.json"))
                settled["checkpoint_files"] = len(files)
    finally:
        if sequencer is not None:
            sequencer.kill()
        drop_postgres(opts.pg_admin_url, opts.db_name)
    per_thread = [item for output in outputs for item in json.loads(output or "[]")]
    latencies = sorted(ms for item in per_thread for ms in item["latencies"])
    during = [s for s in sampler.samples if start_at <= s["t"] <= load_end]
    span = max([item["last"] for item in per_thread] + [start_at]) - start_at
    return {
        "scenario": opts.scenario,
        "code": "sequencer" if HAS_SEQUENCER else "chain head lock",
        "offered_rate": opts.rate,
        "duration_s": opts.duration,
        "clients": opts.clients,
        "processes": opts.processes,
        "writes": len(latencies),
        # Writes over the time until the last one finished: below the offered
        # rate when the clients (or the machine) could not keep up.
        "load_span_s": round(span, 2),
        "achieved_rate": round(len(latencies) / max(span, opts.duration), 1),
        "errors": sum(item["errors"] for item in per_thread),
        "late_starts": sum(item["late"] for item in per_thread),
        "latency_ms": {
            f"p{pct}": round(percentile(latencies, pct), 2) for pct in (50, 95, 99)
        },
        "samples": len(during),
        "lock_waiting_sessions": _summary(during, "lock_waiting"),
        "locks_not_granted": _summary(during, "not_granted"),
        "unsealed_events": _summary(during, "unsealed"),
        "oldest_unsealed_age_s": _summary(during, "unsealed_age_s"),
        **settled,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scenario",
        choices=["lock_waits", "sequencer", "seal_capacity"],
        default="lock_waits",
    )
    parser.add_argument("--backlog", type=int, default=30000)
    parser.add_argument("--rate", type=float, default=500.0, help="writes/s, total")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--settle", type=float, default=5.0)
    parser.add_argument("--seal-interval", type=float, default=0.5)
    parser.add_argument("--db-name", default="saduak_bench_audit")
    parser.add_argument(
        "--pg-admin-url", default=os.environ.get("BENCH_PG_ADMIN_URL", PG_ADMIN_URL)
    )
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=4, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    if opts.client:
        client_main(opts.rate, opts.duration, opts.threads)
        return 0
    report = run(opts)
    print(json.dumps(report, indent=1))
    results = PROJECT_ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    name = f"audit-{opts.scenario}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
    (results / f"{name}.json").write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
