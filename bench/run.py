"""Run the benchmarks: `.venv/bin/python -m bench.run --help`. See bench/README.md."""

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from psycopg import Error as DatabaseError

from bench import (  # noqa: F401  (they register their scenarios)
    appointment_scenarios,
    collection_scenarios,
    complaint_scenarios,
    eservice_queue_scenarios,
    eservice_upload_scenarios,
    feedback_scenarios,
    identity_scenarios,
    oidc_scenarios,
    performance_scenarios,
)
from bench import scenarios as registry
from bench.loadgen import LoadSpec, run_in_child
from bench.server import (
    BENCH_REDIS_URL,
    HOST,
    PG_ADMIN_URL,
    PG_BENCH_DB,
    PROJECT_ROOT,
    CommandError,
    MemorySampler,
    Server,
    create_postgres,
    django_env,
    drop_postgres,
    fresh_redis,
    manage,
    sqlite_url,
    tree_rss,
)
from bench.stats import MB, ScenarioResult, format_table, result_to_json, summarize
from bench.stats import with_ratios as add_ratios

RESULTS_DIR = Path(__file__).resolve().parent / "results"
# gunicorn's documented starting point: while one worker waits on the database,
# another uses the CPU. Ping never waits, so this is the server as deployed.
DEFAULT_WORKERS = 2 * (os.cpu_count() or 1) + 1
# Reported in one line; anything else is a bug in bench and shows its traceback.
EXPECTED_FAILURES = (
    CommandError,
    DatabaseError,
    OSError,
    RuntimeError,
    subprocess.SubprocessError,
    ValueError,
)


@dataclass(frozen=True)
class Options:
    db: str
    scenarios: list[str]
    duration: float
    warmup: float
    concurrency: int
    workers: int
    worker_class: str
    threads: int
    pg_admin_url: str
    redis_url: str = ""
    pg_db: str = PG_BENCH_DB


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Start gunicorn on a fresh database and load it from a separate "
        "process; every scenario is compared with 'ping' from the same run.",
    )
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument(
        "--scenarios",
        default=",".join(registry.SCENARIOS),
        help="comma-separated; 'ping' is always run first (default: all: %(default)s)",
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=2, help="seconds not measured")
    parser.add_argument("--concurrency", type=int, default=16, help="client conns")
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help="gunicorn workers (default: 2 x CPUs + 1, gunicorn's advice: %(default)s)",
    )
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4, help="per gthread worker")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("BENCH_PG_ADMIN_URL", PG_ADMIN_URL),
        help="where to create the bench database (default: %(default)s)",
    )
    parser.add_argument(
        "--pg-db",
        default=os.environ.get("BENCH_PG_DB", PG_BENCH_DB),
        help="name of the throw-away PostgreSQL database, dropped before and after "
        "(default: %(default)s; give each checkout its own when several bench at once)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", BENCH_REDIS_URL),
        help="Redis for the cache (flushed first); '' for the memory cache "
        "(default: %(default)s when it answers)",
    )
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.warmup < 0 or args.duration + args.warmup > 600:
        parser.error("need 0 < duration, 0 <= warmup, duration + warmup <= 600")
    if not 1 <= args.concurrency <= 512 or not 1 <= args.workers <= 64:
        parser.error("need 1 <= concurrency <= 512 and 1 <= workers <= 64")
    names = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    return Options(
        db=args.db,
        scenarios=names,
        duration=args.duration,
        warmup=args.warmup,
        concurrency=args.concurrency,
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
        pg_admin_url=args.pg_admin_url,
        redis_url=args.redis_url,
        pg_db=args.pg_db,
    )


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def prepare_data(env: dict[str, str]) -> None:
    # BENCH_SETUP_SLOWNESS multiplies the time limits of these steps, for a
    # machine busy with other work (a shared CI runner).
    slowness = float(os.environ.get("BENCH_SETUP_SLOWNESS") or 1)
    log("migrate")
    manage(env, "migrate", "--noinput", timeout=300 * slowness)
    log("collectstatic")  # production storage needs the manifest to render pages
    manage(env, "collectstatic", "--noinput", timeout=300 * slowness)
    log("load_areas")
    manage(env, "load_areas", timeout=600 * slowness)


def measure(
    scenario: registry.Scenario,
    server: Server,
    env: dict[str, str],
    opts: Options,
    earlier: dict[str, ScenarioResult],
) -> ScenarioResult:
    prepared = registry.Prepared()
    context = registry.SetupContext(
        base_url=server.base_url,
        manage=lambda *args, **kw: manage(env, *args, **kw),
        env=env,
        results=dict(earlier),
    )
    if scenario.setup is not None:
        result = scenario.setup(context)
        if isinstance(result, registry.Prepared):
            prepared = result
        elif result:
            prepared = registry.Prepared(headers=result)
    spec = LoadSpec(
        host=HOST,
        port=server.port,
        paths=scenario.paths(),
        concurrency=prepared.concurrency or opts.concurrency,
        warmup_s=opts.warmup if prepared.warmup_s is None else prepared.warmup_s,
        duration_s=prepared.duration_s or opts.duration,
        headers=dict(prepared.headers),
        requests=list(prepared.requests),
        once=prepared.once,
        timeout_s=prepared.timeout_s or 10.0,
        rate_per_s=prepared.rate_per_s,
        keep_samples=prepared.keep_samples,
    )
    log(
        f"{scenario.name}: {spec.warmup_s:g}s warm-up + {spec.duration_s:g}s measured, "
        f"{spec.concurrency} clients"
        + (f" at {spec.rate_per_s:.0f} req/s" if spec.rate_per_s else "")
    )
    with MemorySampler(server.pid) as memory:
        load = run_in_child(spec)
    if not server.alive():
        raise RuntimeError(f"gunicorn died during {scenario.name}")
    checks = prepared.verify(context, load) if prepared.verify else {}
    for name, value in checks.items():
        log(f"{scenario.name}: {name} = {value}")
    summary = summarize(
        scenario.name,
        load.latencies_ms,
        dict(load.errors),
        load.elapsed_s,
        memory.peak,
        load.body_bytes,
    )
    return replace(summary, checks=checks)


def git_revision() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except OSError:
        return ""
    return done.stdout.strip()


def write_json(
    results: list[ScenarioResult],
    opts: Options,
    started: datetime,
    meta: dict[str, Any],
) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    document = {
        "started_at": started.isoformat(),
        "options": asdict(opts),
        **meta,
        "results": [result_to_json(r) for r in results],
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path


def run(opts: Options) -> int:
    chosen = registry.resolve(opts.scenarios)
    started = datetime.now(UTC)
    workdir = Path(tempfile.mkdtemp(prefix="saduak-bench-"))
    server: Server | None = None
    created_pg = False
    ok = False
    try:
        if opts.db == "postgres":
            log(f"creating database {opts.pg_db}")
            created_pg = True
            database_url = create_postgres(opts.pg_admin_url, opts.pg_db)
        else:
            database_url = sqlite_url(workdir)
        redis_url = fresh_redis(opts.redis_url)
        log(f"cache: {redis_url or 'local memory (per process)'}")
        env = django_env(database_url, workdir, redis_url)
        prepare_data(env)
        server = Server(
            env,
            workdir / "gunicorn.log",
            workers=opts.workers,
            worker_class=opts.worker_class,
            threads=opts.threads,
        )
        log(f"gunicorn pid {server.pid} on {server.base_url}")
        server.wait_ready(registry.PING_PATH)
        idle_rss_mb = tree_rss(server.pid) / MB
        measured: dict[str, ScenarioResult] = {}
        for scenario in chosen:
            measured[scenario.name] = measure(scenario, server, env, opts, measured)
        results = list(measured.values())
        results = add_ratios(results, baseline=registry.BASELINE)
        print(format_table(results), flush=True)
        meta = {
            "idle_rss_mb": round(idle_rss_mb, 1),
            "git_revision": git_revision(),
            "python": platform.python_version(),
            "cpu_count": os.cpu_count(),
            "load_average": os.getloadavg(),
        }
        path = write_json(results, opts, started, meta)
        log(f"wrote {path.relative_to(PROJECT_ROOT)}")
        ok = True
        return 0
    finally:
        if server is not None:
            if not ok:
                log(f"gunicorn log (last lines):\n{server.log_tail()}")
            server.stop()
        if created_pg:
            try:
                drop_postgres(opts.pg_admin_url, opts.pg_db)
            except Exception as exc:
                log(f"could not drop {opts.pg_db}: {exc!r}")
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    began = time.monotonic()
    try:
        return run(opts)
    except KeyboardInterrupt:
        log("interrupted; server stopped and database dropped")
        return 130
    except EXPECTED_FAILURES as exc:
        log(f"failed after {time.monotonic() - began:.0f}s: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
