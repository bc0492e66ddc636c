"""The production stack on one machine: `python -m deploy.stack start|stop|status|env`.

Starts, with the configuration files of deploy/conf (rendered into the state dir):
PostgreSQL primary (5442) and a streaming replica (5443, pg_basebackup -R), two
PgBouncers in transaction mode (6433, 6434), Redis (6390), two gunicorn app servers
(8101, 8102), a Celery worker and beat, and nginx (https 8443, http 8080). The first
start initialises everything (database, keys, certificate, demo data); later starts
only start the processes. `stop` stops what the pid files name, in reverse order.

PostgreSQL and PgBouncer refuse to run as root: they run as the `postgres` OS user in
directories it owns. The machine's own PostgreSQL (5432) and Redis (6379) are left
alone.
"""

from __future__ import annotations

import base64
import json
import os
import pwd
import re
import secrets
import signal
import socket
import ssl
import stat
import string
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONF_TEMPLATES = REPO / "deploy" / "conf"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
HOST = "127.0.0.1"
HTTPS_PORT = 8443
HTTP_PORT = 8080
WEB_PORTS = {1: 8101, 2: 8102}
PGBOUNCER_PORTS = {1: 6433, 2: 6434}
PRIMARY_PORT = 5442
REPLICA_PORT = 5443
REDIS_PORT = 6390
# nginx cuts off a client that sends nothing for this long (short here so the
# slow-client test is quick; docs/operations.md suggests 15 s on real machines).
CLIENT_TIMEOUT = "10s"

COMPONENTS = (
    "postgres-primary",
    "postgres-replica",
    "pgbouncer-1",
    "pgbouncer-2",
    "redis",
    "web-1",
    "web-2",
    "worker",
    "beat",
    "nginx",
)
PORTS = {
    "postgres-primary": (PRIMARY_PORT,),
    "postgres-replica": (REPLICA_PORT,),
    "pgbouncer-1": (PGBOUNCER_PORTS[1],),
    "pgbouncer-2": (PGBOUNCER_PORTS[2],),
    "redis": (REDIS_PORT,),
    "web-1": (WEB_PORTS[1],),
    "web-2": (WEB_PORTS[2],),
    "nginx": (HTTPS_PORT, HTTP_PORT),
}
# What each component's process is, to refuse to signal a pid some other program
# has taken since (a stale pid file).
PROCESS_NAMES = {
    "postgres-primary": "postgres",
    "postgres-replica": "postgres",
    "pgbouncer-1": "pgbouncer",
    "pgbouncer-2": "pgbouncer",
    "redis": "redis-server",
    "web-1": "gunicorn",
    "web-2": "gunicorn",
    "worker": "celery",
    "beat": "celery",
    "nginx": "nginx",
}


_PLACEHOLDER = r"""
    \$(?:
      (?P<escaped>\$) |
      (?P<named>(?!)) |
      {(?P<braced>[A-Z][A-Z0-9_]*)} |
      (?P<invalid>(?!))
    )
    """


class ConfTemplate(string.Template):
    """Only ${CAPITALS} are placeholders: nginx's own $variables stay as they are;
    $${NAME} writes ${NAME} (in the templates' comments)."""

    flags = re.NOFLAG  # [A-Z] means capitals only
    pattern = _PLACEHOLDER  # type: ignore[assignment]


class StackError(RuntimeError):
    """A part of the stack could not be set up or did not become ready."""


def _postgres_ids() -> tuple[int, int]:
    entry = pwd.getpwnam("postgres")
    return entry.pw_uid, entry.pw_gid


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (a child of ours that exited) counts as gone.
    with suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            with suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            return False
    return True


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _fingerprint(roots: list[Path], pattern: str = "*") -> str:
    """The newest modification time and the number of files under `roots`: it
    changes when a file is added, removed or edited."""
    newest, count = 0.0, 0
    for root in roots:
        files = [root] if root.is_file() else root.rglob(pattern)
        for path in files:
            with suppress(OSError):
                newest = max(newest, path.stat().st_mtime)
                count += 1
    return f"{newest:.3f}:{count}"


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((HOST, port)) == 0


class Stack:
    """The stack's processes and their state directory (see the module docstring)."""

    url = f"https://{HOST}:{HTTPS_PORT}"

    def __init__(self, state_dir: Path | None = None) -> None:
        default = os.environ.get("SADUAK_STACK_DIR") or str(REPO / "var" / "stack")
        self.state = Path(state_dir or default).resolve()
        self.conf = self.state / "conf"
        self.run = self.state / "run"
        self.log = self.state / "log"
        self.pg = self.state / "pg"
        self.primary_dir = self.pg / "primary"
        self.replica_dir = self.pg / "replica"
        self.wal_archive = self.pg / "wal-archive"
        # PostgreSQL's and PgBouncer's sockets, pid files and logs: owned by postgres.
        self.pg_run = self.run / "postgres"
        self.pg_log = self.log / "postgres"
        self.tls = self.state / "tls"
        self.private = self.state / "private"
        self.keys = self.state / "keys"
        self.static = self.state / "static"
        self.var = self.state / "var"
        self.env_file = self.state / "saduak.env"
        self.ca_file = self.tls / "ca.pem"
        self.demo_accounts = self.state / "demo-accounts.txt"

    # --- public API -----------------------------------------------------------------

    def start(self) -> None:
        """Starts every component not yet running, in dependency order; the first
        run initialises the databases, keys, certificate and demo data."""
        self._refuse_taken_ports()
        self._refuse_closed_parents()
        self._prepare_dirs()
        self._make_tls()
        self._make_keys()
        self._render_configs()
        self.component_start("postgres-primary")
        self._init_database()
        self.component_start("postgres-replica")
        self._write_pgbouncer_auth()
        for name in ("pgbouncer-1", "pgbouncer-2", "redis"):
            self.component_start(name)
        self._init_application()
        for name in ("web-1", "web-2", "worker", "beat", "nginx"):
            self.component_start(name)
        self.wait_healthy()

    def _refuse_taken_ports(self) -> None:
        """The ports are fixed, so one stack runs on a machine at a time: a port
        held by something else (another checkout's stack) is refused at once, with
        who holds it, instead of a component failing half-way through the start."""
        taken = [
            f"{port} ({name})"
            for name, ports in PORTS.items()
            if not self.component_running(name)
            for port in ports
            if _port_open(port)
        ]
        if taken:
            raise StackError(
                "ports in use by something other than this stack "
                f"({self.state}): {', '.join(taken)}. Another stack may be running: "
                "stop it first (python -m deploy.stack stop in its checkout)."
            )

    def stop(self) -> None:
        """Stops what the pid files name, the reverse of the start order."""
        for name in reversed(COMPONENTS):
            self.component_stop(name)

    def status(self) -> dict[str, list[int]]:
        return {name: self.pids(name) for name in COMPONENTS}

    def env(self, web: int = 1) -> dict[str, str]:
        """The environment of an app process: web-1, worker, beat and manage.py use
        PgBouncer 1 (6433); web-2 uses PgBouncer 2 (6434)."""
        values = self._env_values(web)
        return {**os.environ, **values}

    def manage(
        self, *args: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Runs manage.py with the stack's environment; output captured as text."""
        result = subprocess.run(
            [sys.executable, str(REPO / "manage.py"), *args],
            cwd=REPO,
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode != 0:
            raise StackError(
                f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result

    def component_start(self, name: str) -> None:
        """Starts one component unless it runs, and waits until it is ready."""
        if name not in COMPONENTS:
            raise ValueError(f"unknown component {name!r}")
        if self.component_running(name):
            return
        if name.startswith("pgbouncer-"):
            self._start_pgbouncer(int(name[-1]))
        elif name.startswith("web-"):
            self._start_web(int(name[-1]))
        else:
            getattr(self, "_start_" + name.replace("-", "_"))()

    def component_stop(self, name: str, *, timeout: float = 40) -> None:
        """Stops one component gracefully (SIGTERM, or pg_ctl's fast shutdown)."""
        if name.startswith("postgres-") and self.component_running(name):
            data = self.primary_dir if name == "postgres-primary" else self.replica_dir
            self._as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                check=False,
            )
        pids = self.pids(name)
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        self._wait_gone(pids, timeout)

    def component_kill(self, name: str) -> None:
        """SIGKILL: the component dies as in a crash (its pid file stays behind)."""
        pids = self.pids(name)
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self._wait_gone(pids, 10)

    def component_running(self, name: str) -> bool:
        return bool(self.pids(name))

    def pids(self, name: str) -> list[int]:
        """The main process of a component (postmaster, nginx or gunicorn master...)
        and its children, if it runs; [] if not."""
        main = self._main_pid(name)
        if main is None:
            return []
        return [main, *self._descendants(main)]

    def wait_healthy(self, timeout: float = 60) -> float:
        """Seconds until https /healthz through nginx answers 200."""
        started = time.monotonic()
        context = ssl.create_default_context(cafile=str(self.ca_file))
        last = ""
        while time.monotonic() - started < timeout:
            try:
                with urllib.request.urlopen(
                    f"{self.url}/healthz", context=context, timeout=5
                ) as answer:
                    if answer.status == 200:
                        return time.monotonic() - started
            except Exception as error:
                last = f"{type(error).__name__}: {error}"
            time.sleep(0.5)
        raise StackError(
            f"{self.url}/healthz not healthy after {timeout:.0f} s: {last}"
        )

    def psql(self, sql: str, *, replica: bool = False) -> str:
        """Runs SQL in the saduak database as the postgres superuser; the output
        unaligned, tuples only."""
        port = REPLICA_PORT if replica else PRIMARY_PORT
        result = self._as_postgres(
            [
                str(PG_BIN / "psql"),
                "-h",
                str(self.pg_run),
                "-p",
                str(port),
                "-d",
                "saduak",
                "-v",
                "ON_ERROR_STOP=1",
                "-Atqc",
                sql,
            ]
        )
        return result.stdout

    # --- state, keys, certificate, configs ------------------------------------------

    def _prepare_dirs(self) -> None:
        for folder in (
            self.conf,
            self.run,
            self.log,
            self.pg,
            self.tls,
            self.private,
            self.keys,
            self.static,
            self.var,
            self.state / "redis",
            self.run / "nginx-temp",
        ):
            folder.mkdir(parents=True, exist_ok=True)
        self.keys.chmod(0o700)
        uid, gid = _postgres_ids()
        for folder in (self.pg, self.wal_archive, self.pg_run, self.pg_log):
            folder.mkdir(parents=True, exist_ok=True)
            os.chown(folder, uid, gid)
        self.pg.chmod(0o700)

    def _refuse_closed_parents(self) -> None:
        """PostgreSQL and PgBouncer (as the postgres user) and nginx's workers (an
        unprivileged user) must be able to enter the state folder: a parent closed to
        other users (a clone inside `mktemp -d`, mode 0700) would make initdb fail
        with a message that does not say why."""
        for folder in [self.state, *self.state.parents]:
            if folder.exists() and not folder.stat().st_mode & stat.S_IXOTH:
                raise StackError(
                    f"{folder} is closed to other users (mode "
                    f"{stat.S_IMODE(folder.stat().st_mode):04o}), so PostgreSQL, "
                    f"PgBouncer and nginx's workers cannot reach {self.state}. Set "
                    "SADUAK_STACK_DIR to a folder they can enter (every parent "
                    "with o+x), e.g. /var/tmp/saduak-stack."
                )

    def _make_tls(self) -> None:
        """A local certificate authority and a server certificate it signed, for
        127.0.0.1 and localhost (clients trust ca.pem)."""
        cert = self.tls / "server.pem"
        if cert.exists():
            return
        ca_key, server_key = self.tls / "ca-key.pem", self.tls / "server-key.pem"
        openssl = ["openssl"]
        self._run(
            [
                *openssl,
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "825",
                "-subj",
                "/CN=Saduak stack local CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
                "-keyout",
                str(ca_key),
                "-out",
                str(self.ca_file),
            ]
        )
        request = self.tls / "server.csr"
        self._run(
            [
                *openssl,
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                str(server_key),
                "-out",
                str(request),
            ]
        )
        extensions = self.tls / "server.ext"
        extensions.write_text(
            "basicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=serverAuth\n"
            "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
            "subjectKeyIdentifier=hash\n"
            "authorityKeyIdentifier=keyid\n"
        )
        self._run(
            [
                *openssl,
                "x509",
                "-req",
                "-in",
                str(request),
                "-CA",
                str(self.ca_file),
                "-CAkey",
                str(ca_key),
                "-CAcreateserial",
                "-days",
                "825",
                "-extfile",
                str(extensions),
                "-out",
                str(cert),
            ]
        )
        for key in (ca_key, server_key):
            key.chmod(0o600)

    def _make_keys(self) -> None:
        """The secrets, each made once: kept in keys/, apart from backups."""
        self._secret("secret-key", lambda: secrets.token_urlsafe(50))
        self._secret("database-password", lambda: secrets.token_urlsafe(24))
        self._secret(
            "eservices-master-keys",
            lambda: "k1:" + base64.b64encode(os.urandom(32)).decode(),
        )
        audit = self.keys / "audit-signing-key.pem"
        if not audit.exists():
            self._run(
                ["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(audit)]
            )
            audit.chmod(0o600)
        oidc = self.keys / "oidc-key.pem"
        if not oidc.exists():
            self._run(
                [
                    "openssl",
                    "genpkey",
                    "-algorithm",
                    "RSA",
                    "-pkeyopt",
                    "rsa_keygen_bits:2048",
                    "-out",
                    str(oidc),
                ]
            )
            oidc.chmod(0o600)
        oidc_ec = self.keys / "oidc-ec-key.pem"
        if not oidc_ec.exists():
            self._run(
                [
                    "openssl",
                    "genpkey",
                    "-algorithm",
                    "EC",
                    "-pkeyopt",
                    "ec_paramgen_curve:P-256",
                    "-out",
                    str(oidc_ec),
                ]
            )
            oidc_ec.chmod(0o600)

    def _secret(self, name: str, make: object) -> str:
        path = self.keys / name
        if not path.exists():
            assert callable(make)
            path.write_text(str(make()) + "\n")
            path.chmod(0o600)
        return path.read_text().strip()

    def _env_values(self, web: int) -> dict[str, str]:
        password = self._secret("database-password", lambda: secrets.token_urlsafe(24))
        pooler = PGBOUNCER_PORTS[2 if web == 2 else 1]
        return {
            "DJANGO_SETTINGS_MODULE": "config.settings.stack",
            "SECRET_KEY": self._secret("secret-key", lambda: secrets.token_urlsafe(50)),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{HTTPS_PORT},"
            f"https://localhost:{HTTPS_PORT}",
            "SITE_URL": self.url,
            "DATABASE_URL": f"postgres://saduak:{password}@{HOST}:{pooler}/saduak",
            # Straight to the replica, not through PgBouncer: PgBouncer 1.18 holds
            # a client for query_wait_timeout (30 s) when its server is down, so a
            # stopped replica would cost each app process a 30 s request before the
            # router knew; a refused connection fails at once (docs/operations.md,
            # section 14). The replica's connections are the app threads': few here.
            "DATABASE_REPLICA_URL": (
                f"postgres://saduak:{password}@{HOST}:{REPLICA_PORT}/saduak"
            ),
            "DATABASE_POOLER_TRANSACTION_MODE": "1",
            "REDIS_URL": f"redis://{HOST}:{REDIS_PORT}/0",
            "CELERY_BROKER_URL": f"redis://{HOST}:{REDIS_PORT}/1",
            "TRUSTED_PROXIES": "1",
            "SADUAK_VAR_DIR": str(self.var),
            "STATIC_ROOT": str(self.static),
            "PRIVATE_FILES_ROOT": str(self.private),
            "ESERVICES_MASTER_KEYS": self._secret("eservices-master-keys", lambda: ""),
            "AUDIT_SIGNING_KEY_FILE": str(self.keys / "audit-signing-key.pem"),
            "OIDC_RSA_PRIVATE_KEY": (self.keys / "oidc-key.pem").read_text()
            if (self.keys / "oidc-key.pem").exists()
            else "",
            "OIDC_EC_PRIVATE_KEY": (self.keys / "oidc-ec-key.pem").read_text()
            if (self.keys / "oidc-ec-key.pem").exists()
            else "",
            "OIDC_ALLOW_HTTP_LOCALHOST": "0",
        }

    def _write_env_file(self) -> None:
        """saduak.env, as /etc/saduak/saduak.env on a real machine (systemd's
        EnvironmentFile=): one KEY='value' a line, the PEM key by its file."""
        lines = ["# The stack's environment (deploy/stack.py); secrets: keep it 0600."]
        for key, value in self._env_values(1).items():
            if key in ("OIDC_RSA_PRIVATE_KEY", "OIDC_EC_PRIVATE_KEY"):
                continue
            lines.append(f"{key}='{value}'")
        lines.append(f"# OIDC_RSA_PRIVATE_KEY: the PEM in {self.keys / 'oidc-key.pem'}")
        lines.append(
            f"# OIDC_EC_PRIVATE_KEY: the PEM in {self.keys / 'oidc-ec-key.pem'}"
        )
        self.env_file.write_text("\n".join(lines) + "\n")
        self.env_file.chmod(0o600)

    def _render(self, template: str, target: str, values: dict[str, object]) -> Path:
        text = (CONF_TEMPLATES / template).read_text()
        rendered = ConfTemplate(text).substitute({k: str(v) for k, v in values.items()})
        path = self.conf / target
        path.write_text(rendered)
        return path

    def _render_configs(self) -> None:
        self._render(
            "nginx.conf",
            "nginx.conf",
            {
                "PID_FILE": self.run / "nginx.pid",
                "LOG_DIR": self.log,
                "MIME_TYPES": "/etc/nginx/mime.types",
                "TEMP_DIR": self.run / "nginx-temp",
                "MAX_BODY": "25m",
                "CLIENT_TIMEOUT": CLIENT_TIMEOUT,
                "CONN_PER_ADDRESS": 500,
                "WEB_1": f"{HOST}:{WEB_PORTS[1]}",
                "WEB_2": f"{HOST}:{WEB_PORTS[2]}",
                "HTTP_LISTEN": f"{HOST}:{HTTP_PORT}",
                "HTTPS_LISTEN": f"{HOST}:{HTTPS_PORT}",
                "HTTPS_PORT": HTTPS_PORT,
                "SERVER_NAMES": "127.0.0.1 localhost",
                "TLS_CERT": self.tls / "server.pem",
                "TLS_KEY": self.tls / "server-key.pem",
                "STATIC_ROOT": self.static,
            },
        )
        uid, gid = _postgres_ids()
        for number, port in PGBOUNCER_PORTS.items():
            path = self._render(
                "pgbouncer.ini",
                f"pgbouncer-{number}.ini",
                {
                    "PRIMARY_HOST": HOST,
                    "PRIMARY_PORT": PRIMARY_PORT,
                    "REPLICA_HOST": HOST,
                    "REPLICA_PORT": REPLICA_PORT,
                    "LISTEN_ADDR": HOST,
                    "LISTEN_PORT": port,
                    "PID_FILE": self.pg_run / f"pgbouncer-{number}.pid",
                    "LOG_FILE": self.pg_log / f"pgbouncer-{number}.log",
                    "AUTH_FILE": self.conf / "pgbouncer-users.txt",
                },
            )
            os.chown(path, uid, gid)
        path = self._render(
            "postgresql.conf",
            "postgresql.conf",
            {
                "PORT": PRIMARY_PORT,
                "SOCKET_DIR": self.pg_run,
                "WAL_ARCHIVE": self.wal_archive,
            },
        )
        os.chown(path, uid, gid)
        self._render(
            "redis.conf",
            "redis.conf",
            {
                "PORT": REDIS_PORT,
                "PID_FILE": self.run / "redis.pid",
                "LOG_FILE": self.log / "redis.log",
                "DATA_DIR": self.state / "redis",
                "MAXMEMORY": "256mb",
            },
        )
        self._write_env_file()

    # --- first run --------------------------------------------------------------------

    def _init_database(self) -> None:
        """The saduak role (password from keys/) and database, made once."""
        marker = self.state / ".database-created"
        if marker.exists():
            return
        password = self._secret("database-password", lambda: "")
        quoted = password.replace("'", "''")
        exists = self._as_postgres(
            [
                str(PG_BIN / "psql"),
                "-h",
                str(self.pg_run),
                "-p",
                str(PRIMARY_PORT),
                "-d",
                "postgres",
                "-Atqc",
                "SELECT 1 FROM pg_roles WHERE rolname = 'saduak'",
            ]
        ).stdout.strip()
        statement = "ALTER" if exists else "CREATE"
        self._psql_admin(f"{statement} ROLE saduak LOGIN PASSWORD '{quoted}'")
        databases = self._psql_admin(
            "SELECT 1 FROM pg_database WHERE datname = 'saduak'"
        ).strip()
        if not databases:
            self._psql_admin("CREATE DATABASE saduak OWNER saduak ENCODING 'UTF8'")
        marker.touch()

    def _psql_admin(self, sql: str) -> str:
        return self._as_postgres(
            [
                str(PG_BIN / "psql"),
                "-h",
                str(self.pg_run),
                "-p",
                str(PRIMARY_PORT),
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-Atqc",
                sql,
            ]
        ).stdout

    def _write_pgbouncer_auth(self) -> None:
        """The role's SCRAM secret, as PgBouncer's auth_file wants it."""
        secret = self._psql_admin(
            "SELECT rolpassword FROM pg_authid WHERE rolname = 'saduak'"
        ).strip()
        if not secret.startswith("SCRAM-SHA-256$"):
            raise StackError("the saduak role has no SCRAM password")
        path = self.conf / "pgbouncer-users.txt"
        path.write_text(f'"saduak" "{secret}"\n')
        uid, gid = _postgres_ids()
        os.chown(path, uid, gid)
        path.chmod(0o600)

    def _init_application(self) -> None:
        """migrate, reference data, demo data, static files and catalogs, once;
        migrate and collectstatic run again on every start (cheap when nothing
        changed, and a checkout with new migrations or assets needs them)."""
        self.manage("migrate", "--noinput", "-v0")
        marker = self.state / ".data-loaded"
        if not marker.exists():
            self.manage("load_areas")
            self.manage("load_holidays")
            demo = self.manage("seed_demo")
            # The demo accounts and their authenticator keys, for `make stack`.
            self.demo_accounts.write_text(demo.stdout)
            marker.touch()
        # Catalogs and static files (compressing them takes a minute on two cores)
        # are made again only when their sources changed.
        catalogs = _fingerprint([REPO / "locale"], "*.po")
        if self._changed("catalogs", catalogs):
            self.manage(
                "compilemessages", "--ignore=.venv", "--ignore=node_modules", "-v0"
            )
            self._remember("catalogs", catalogs)
        static = _fingerprint(
            [
                REPO / "static",
                REPO / "node_modules" / ".saduak",
                REPO / "package-lock.json",
            ]
        )
        if (
            self._changed("static", static)
            or not (self.static / "staticfiles.json").exists()
        ):
            self.manage("collectstatic", "--noinput", "-v0")
            self._remember("static", static)

    def _changed(self, what: str, fingerprint: str) -> bool:
        marker = self.state / f".{what}-fingerprint"
        return not marker.exists() or marker.read_text() != fingerprint

    def _remember(self, what: str, fingerprint: str) -> None:
        (self.state / f".{what}-fingerprint").write_text(fingerprint)

    # --- each component -------------------------------------------------------------

    def _start_postgres_primary(self) -> None:
        if not (self.primary_dir / "PG_VERSION").exists():
            self._as_postgres(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(self.primary_dir),
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                ]
            )
            with (self.primary_dir / "postgresql.conf").open("a") as conf:
                conf.write(f"\ninclude '{self.conf / 'postgresql.conf'}'\n")
        self._pg_ctl_start(self.primary_dir, "postgres-primary")
        self._wait(lambda: self._pg_ready(PRIMARY_PORT), 60, "postgres-primary")

    def _start_postgres_replica(self) -> None:
        if not (self.replica_dir / "PG_VERSION").exists():
            self._as_postgres(
                [
                    str(PG_BIN / "pg_basebackup"),
                    "-h",
                    str(self.pg_run),
                    "-p",
                    str(PRIMARY_PORT),
                    "-U",
                    "postgres",
                    "-D",
                    str(self.replica_dir),
                    "-R",
                    "-X",
                    "stream",
                    "-c",
                    "fast",
                ]
            )
            # The replica's own port; a replica does not archive (archive_mode on
            # archives only on a primary).
            with (self.replica_dir / "postgresql.auto.conf").open("a") as conf:
                conf.write(f"port = {REPLICA_PORT}\n")
        self._pg_ctl_start(self.replica_dir, "postgres-replica")
        self._wait(lambda: self._pg_ready(REPLICA_PORT), 60, "postgres-replica")

    def _pg_ctl_start(self, data: Path, name: str) -> None:
        self._as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(self.pg_log / f"{name}.log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )

    def _pg_ready(self, port: int) -> bool:
        result = subprocess.run(
            [str(PG_BIN / "pg_isready"), "-q", "-h", str(self.pg_run), "-p", str(port)],
            check=False,
        )
        return result.returncode == 0

    def _start_pgbouncer(self, number: int) -> None:
        self._as_postgres(
            ["pgbouncer", "-d", "-q", str(self.conf / f"pgbouncer-{number}.ini")]
        )
        self._wait(
            lambda: _port_open(PGBOUNCER_PORTS[number]), 30, f"pgbouncer-{number}"
        )

    def _start_redis(self) -> None:
        self._run(["redis-server", str(self.conf / "redis.conf")])

        def answers() -> bool:
            result = subprocess.run(
                ["redis-cli", "-h", HOST, "-p", str(REDIS_PORT), "ping"],
                capture_output=True,
                text=True,
                check=False,
            )
            return result.stdout.strip() == "PONG"

        self._wait(answers, 30, "redis")

    def _start_web(self, number: int) -> None:
        env = self.env(web=number)
        env.update(
            {
                "GUNICORN_BIND": f"{HOST}:{WEB_PORTS[number]}",
                "GUNICORN_WORKERS": os.environ.get("SADUAK_STACK_WEB_WORKERS", "2"),
                "GUNICORN_THREADS": os.environ.get("SADUAK_STACK_WEB_THREADS", "4"),
                "GUNICORN_PID_FILE": str(self.run / f"web-{number}.pid"),
                "GUNICORN_ACCESS_LOG": str(self.log / f"web-{number}-access.log"),
                "GUNICORN_ERROR_LOG": str(self.log / f"web-{number}.log"),
                "GUNICORN_NAME": f"saduak-web-{number}",
            }
        )
        self._spawn(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                str(CONF_TEMPLATES / "gunicorn.conf.py"),
                "config.wsgi:application",
            ],
            env,
            self.log / f"web-{number}.out",
        )

        def answers() -> bool:
            request = urllib.request.Request(
                f"http://{HOST}:{WEB_PORTS[number]}/healthz/ping",
                headers={"Host": "127.0.0.1"},
            )
            try:
                with urllib.request.urlopen(request, timeout=2) as answer:
                    return bool(answer.status == 200)
            except Exception:
                return False

        self._wait(answers, 90, f"web-{number}")

    def _celery(self) -> str:
        return str(Path(sys.executable).parent / "celery")

    def _start_worker(self) -> None:
        log = self.log / "worker.log"
        offset = log.stat().st_size if log.exists() else 0
        self._spawn(
            [
                self._celery(),
                "-A",
                "config",
                "worker",
                "-l",
                "info",
                "--concurrency",
                "2",
                "--without-gossip",
                "--without-mingle",
                "--pidfile",
                str(self.run / "worker.pid"),
                "--logfile",
                str(log),
            ],
            self.env(),
            self.log / "worker.out",
        )

        def ready() -> bool:
            if not log.exists():
                return False
            with log.open("rb") as lines:
                lines.seek(offset)
                return b" ready." in lines.read()

        self._wait(ready, 90, "worker")

    def _start_beat(self) -> None:
        self._spawn(
            [
                self._celery(),
                "-A",
                "config",
                "beat",
                "-l",
                "info",
                "--schedule",
                str(self.var / "celerybeat-schedule"),
                "--pidfile",
                str(self.run / "beat.pid"),
                "--logfile",
                str(self.log / "beat.log"),
            ],
            self.env(),
            self.log / "beat.out",
        )
        self._wait(lambda: self._main_pid("beat") is not None, 60, "beat")

    def _start_nginx(self) -> None:
        config = str(self.conf / "nginx.conf")
        self._run(["nginx", "-t", "-q", "-p", str(self.state), "-c", config])
        self._run(["nginx", "-p", str(self.state), "-c", config])
        self._wait(lambda: _port_open(HTTPS_PORT), 30, "nginx")

    # --- pid files ----------------------------------------------------------------

    def _pid_file(self, name: str) -> Path:
        if name == "postgres-primary":
            return self.primary_dir / "postmaster.pid"
        if name == "postgres-replica":
            return self.replica_dir / "postmaster.pid"
        if name.startswith("pgbouncer-"):
            return self.pg_run / f"{name}.pid"
        return self.run / f"{name}.pid"

    def _main_pid(self, name: str) -> int | None:
        try:
            text = self._pid_file(name).read_text().split()
            pid = int(text[0])
        except (OSError, ValueError, IndexError):
            return None
        if not _pid_alive(pid):
            return None
        if PROCESS_NAMES[name] not in _cmdline(pid):
            return None
        return pid

    def _descendants(self, pid: int) -> list[int]:
        children: list[int] = []
        with suppress(OSError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                text = (task / "children").read_text().split()
                children.extend(int(child) for child in text)
        found = list(children)
        for child in children:
            found.extend(self._descendants(child))
        return found

    def _wait_gone(self, pids: list[int], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not any(_pid_alive(pid) for pid in pids):
                return
            time.sleep(0.2)
        for pid in pids:
            if _pid_alive(pid):
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    # --- helpers --------------------------------------------------------------------

    def _as_postgres(
        self, command: list[str], *, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return self._run([*prefix, *command], check=check, cwd=self.pg)

    def _run(
        self, command: list[str], *, check: bool = True, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            cwd=cwd or self.state,
        )
        if check and result.returncode != 0:
            raise StackError(
                f"{' '.join(command)} failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result

    def _spawn(self, command: list[str], env: dict[str, str], output: Path) -> None:
        """A long-running process in its own session, so it outlives this one and
        a Ctrl-C in the terminal does not reach it; it writes its own pid file."""
        with output.open("ab") as sink:
            subprocess.Popen(
                command,
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _wait(self, ready: object, timeout: float, what: str) -> None:
        assert callable(ready)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready():
                return
            time.sleep(0.3)
        raise StackError(f"{what} did not become ready in {timeout:.0f} s")


def _print_status(stack: Stack) -> None:
    for name, pids in stack.status().items():
        print(f"{name:18} {'running ' + str(pids[0]) if pids else 'stopped'}")


def _lines(values: dict[str, str]) -> Iterator[str]:
    for key, value in values.items():
        yield f"{key}={json.dumps(value)}" if "\n" in value else f"{key}={value}"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    stack = Stack()
    command = args[0] if args else "status"
    if command == "start":
        started = time.monotonic()
        stack.start()
        print(f"The stack runs ({time.monotonic() - started:.0f} s): {stack.url}/")
        print(f"  certificate authority: {stack.ca_file}")
        print(f"  state: {stack.state}")
        if stack.demo_accounts.exists():
            print(stack.demo_accounts.read_text().rstrip())
        print(
            "Staff pass a second factor: `.venv/bin/python -m deploy.stack manage "
            "demo_code PERSONAL_ID` prints the current code."
        )
    elif command == "stop":
        stack.stop()
        left = {name: pids for name, pids in stack.status().items() if pids}
        if left:
            print(f"Still running: {left}")
            return 1
        print("The stack is stopped.")
    elif command == "status":
        _print_status(stack)
    elif command == "env":
        for line in _lines(stack._env_values(1)):
            print(line)
    elif command == "manage":
        result = stack.manage(*args[1:], check=False)
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        return result.returncode
    elif command in {"component-start", "component-stop", "component-kill"}:
        action = getattr(stack, command.replace("-", "_"))
        for name in args[1:]:
            action(name)
    else:
        print(
            "usage: python -m deploy.stack start|stop|status|env|manage ARGS|"
            "component-start|component-stop|component-kill NAME..."
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
