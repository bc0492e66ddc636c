"""Everything around the server: a throw-away database, the Django environment,
`manage.py`, gunicorn itself and its memory."""

import base64
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

import psutil
import psycopg
from psycopg import sql

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# BENCH_PG_DB: another name, so that several checkouts can bench on one server.
PG_BENCH_DB = os.environ.get("BENCH_PG_DB", "saduak_bench")
HOST = "127.0.0.1"
WSGI_APP = "config.wsgi:application"


# --- Database -------------------------------------------------------------------------
def create_postgres(admin_url: str = PG_ADMIN_URL, name: str = PG_BENCH_DB) -> str:
    """Create a fresh, empty database (dropping any leftover) and return its URL."""
    drop_postgres(admin_url, name)
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    info = psycopg.conninfo.conninfo_to_dict(admin_url)
    user, host, port = info.get("user", ""), info.get("host", HOST), info.get("port")
    return f"postgresql://{user}@{host}:{port or 5432}/{name}"


def drop_postgres(admin_url: str = PG_ADMIN_URL, name: str = PG_BENCH_DB) -> None:
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )


def sqlite_url(workdir: Path) -> str:
    return f"sqlite:///{workdir / 'bench.sqlite3'}"


# --- Django ---------------------------------------------------------------------------
BENCH_REDIS_URL = "redis://127.0.0.1:6379/14"


def fresh_redis(url: str) -> str:
    """An emptied Redis database for the run's cache (the waiting room's counts
    and rate are shared by every worker there, as in production), or "" when
    Redis does not answer."""
    if not url:
        return ""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.flushdb()
    except redis.RedisError:
        return ""
    return url


def django_env(database_url: str, workdir: Path, redis_url: str = "") -> dict[str, str]:
    """The production settings plus the bench app (bench.app.settings), pointed
    at the bench database and a scratch dir (and a Redis cache when `redis_url`)."""
    static_root = workdir / "static"
    static_root.mkdir(exist_ok=True)
    cache = {"REDIS_URL": redis_url} if redis_url else {}
    return {
        **os.environ,
        **cache,
        # Production's settings plus the bench app: its loaders and endpoints.
        "DJANGO_SETTINGS_MODULE": "bench.app.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": HOST,
        "DEBUG": "0",
        "SADUAK_VAR_DIR": str(workdir / "var"),
        "STATIC_ROOT": str(static_root),
        "PYTHONUNBUFFERED": "1",
        # Every client of the load generator has the one address 127.0.0.1; in
        # production each person has their own behind the proxy.
        "BOOKING_REQUESTS_PER_ADDRESS_PER_MINUTE": "100000000",
        # sign_in_guessing sends each guess from its own address in
        # X-Forwarded-For; a request without the header counts as 127.0.0.1.
        "TRUSTED_PROXIES": "1",
        # The sustained booking scenario measures bookings, not the waiting room
        # (production's default admits 200 a second); booking_surge sets its own.
        "BOOKING_ADMISSIONS_PER_SECOND": "100000",
        # The anonymous vote's caps per network and its usual volume per
        # office would hold or refuse the load generator's votes (one address).
        "FEEDBACK_ANONYMOUS_PER_SOURCE_OFFICE_DAY": "100000000",
        "FEEDBACK_ANONYMOUS_OFFICE_DAY_FLOOR": "100000000",
        "FEEDBACK_ANONYMOUS_STORED_PER_SOURCE_DAY": "100000000",
        # One partner key files every complaint of the complaint_file scenarios;
        # production lets a key file 20 a second.
        "OPEN311_POSTS_PER_SECOND": "100000000",
        # Production insists on the attachment master keys: one fresh key a run.
        "ESERVICES_MASTER_KEYS": "bench:"
        + base64.b64encode(secrets.token_bytes(32)).decode(),
    }


class CommandError(RuntimeError):
    pass


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """Run `manage.py <args>`; return its stdout, raise with its output on failure."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()
        raise CommandError(f"manage.py {' '.join(args)} failed:\n{output}")
    return done.stdout


# --- gunicorn -------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Server:
    """gunicorn serving `WSGI_APP` on 127.0.0.1, its output going to a log file."""

    def __init__(
        self,
        env: dict[str, str],
        log_path: Path,
        workers: int = 2,
        worker_class: str = "sync",
        threads: int = 4,
    ) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.base_url = f"http://{HOST}:{self.port}"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            WSGI_APP,
            f"--bind={HOST}:{self.port}",
            f"--workers={workers}",
            f"--worker-class={worker_class}",
            "--timeout=30",
            "--graceful-timeout=5",
            "--no-control-socket",
        ]
        if worker_class == "gthread":
            command.append(f"--threads={threads}")
        with log_path.open("wb") as log:
            # Own session: Ctrl-C reaches the runner, which stops the server itself.
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        """Wait until `path` answers 200 (or raise, with the server's log)."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base_url + path, timeout=2) as reply:
                    if reply.status == 200:
                        return
                    last = f"HTTP {reply.status}"
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}"
                if 400 <= exc.code < 500:  # up, but the path is missing or refused
                    break
            except OSError as exc:
                last = repr(exc)
            time.sleep(0.2)
        raise RuntimeError(
            f"GET {path} did not answer 200 (last: {last}, limit {timeout:.0f}s)\n"
            f"{self.log_tail()}"
        )

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM the master (graceful), then SIGKILL the whole process group."""
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=5)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


# --- Memory ---------------------------------------------------------------------------
def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        # A worker may exit between listing and reading.
        with contextlib.suppress(psutil.Error):
            total += process.memory_info().rss
    return total


class MemorySampler:
    """Samples `tree_rss(pid)` in a thread while in use; `peak` is the maximum."""

    def __init__(self, pid: int, interval_s: float = 0.1) -> None:
        self.pid = pid
        self.interval_s = interval_s
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.peak = max(self.peak, tree_rss(self.pid))
            if self._stop.wait(self.interval_s):
                return

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
