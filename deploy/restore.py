"""Restore a backup set into a fresh installation and prove it works:
`python -m deploy.restore --from BACKUP --keys KEYS --to NEW_STATE_DIR --port N`.

1. Checks each part against the SHA-256 in `backup.json`.
2. Extracts the base backup into `<to>/pg/data` (owned by the postgres OS user),
   runs pg_verifybackup on it, and configures recovery: a `restore_command` that
   reads the WAL archive the backup names, optionally `recovery_target_time`
   (point-in-time recovery; without it every archived segment is replayed),
   its own port and socket directory, archiving off (a restored copy must never
   write into the production archive).
3. Starts PostgreSQL and waits until it has left recovery (promoted).
4. Restores the private files into `<to>/private`.
5. With the kept environment file and keys, pointed at the restored database and
   storage: `manage.py migrate --check`, `manage.py audit_verify` (it must pass
   against the newest signed checkpoint of the restored storage), and opens the
   newest encrypted documents through the application's own code
   (`encrypted_file_open`), comparing each plaintext's SHA-256 with the one
   recorded at upload (and with `--expect-document ID=SHA256`).
6. Reports the recovery point (the last transaction replayed, the newest audit
   event, against the moment the failure was declared) and the recovery time
   (seconds from the start of the restore to a verified, serving database), on
   stdout and in `<to>/restore-report.json`.

It exits 1 with a message when any step fails (and stops the server it started).
The restored server keeps running on `--port` unless `--stop` is given.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from deploy.backup import (
    ENV_FILE_NAME,
    KEYS_INDEX,
    PG_BIN,
    ROOT,
    BackupFailed,
    as_postgres,
    chown_to_postgres,
    extract,
    iso,
    psql,
    read_env_file,
    run,
    sha256_of,
    utc_now,
)

RECOVERY_MARK = "# saduak restore (deploy/restore.py)"
LAST_TRANSACTION = re.compile(r"last completed transaction was at log time (.+)$")
TARGET_NOT_REACHED = "recovery ended before configured recovery target was reached"


@dataclass
class Restored:
    """Where a restore put things, and what it measured."""

    state_dir: Path
    port: int
    data_dir: Path
    socket_dir: Path
    env: dict[str, str]
    report: dict[str, Any] = field(default_factory=dict)

    def stop(self) -> None:
        server_stop(self.data_dir)


def backup_set(path: Path) -> Path:
    """The backup set itself, or the newest one in a directory of sets."""
    if (path / "backup.json").is_file():
        return path
    sets = sorted(item for item in path.glob("*/backup.json"))
    if not sets:
        raise BackupFailed(f"No backup (backup.json) in {path}.")
    return sets[-1].parent


def key_set(path: Path, name: str) -> Path:
    """The key set of backup `name`: `path` itself or `path/<name>`."""
    for candidate in (path / name, path):
        if (candidate / KEYS_INDEX).is_file():
            return candidate
    raise BackupFailed(f"No key set ({KEYS_INDEX}) for backup {name} in {path}.")


def parts_check(source: Path, manifest: dict[str, Any]) -> None:
    for name, part in manifest["parts"].items():
        path = source / name
        if not path.is_file():
            raise BackupFailed(f"The backup part {path} is missing.")
        if sha256_of(path) != part["sha256"]:
            raise BackupFailed(
                f"The backup part {path} is damaged: its SHA-256 is not the one "
                "recorded in backup.json."
            )


def keys_check(keys: Path, index: dict[str, Any]) -> None:
    records = [index["env_file"], *index["variables"].values()]
    records += list(index["other_files"].values())
    for record in records:
        path = keys / record["name"]
        if not path.is_file() or sha256_of(path) != record["sha256"]:
            raise BackupFailed(f"The kept key file {path} is missing or changed.")


def recovery_settings(
    *, archive: Path, port: int, socket_dir: Path, target_time: str | None
) -> str:
    lines = [
        RECOVERY_MARK,
        f"port = {port}",
        "listen_addresses = '127.0.0.1'",
        f"unix_socket_directories = '{socket_dir}'",
        "archive_mode = off",
        "logging_collector = off",
        f'restore_command = \'cp "{archive}/%f" "%p"\'',
    ]
    if target_time:
        lines += [
            f"recovery_target_time = '{target_time}'",
            "recovery_target_action = 'promote'",
        ]
    return "\n".join(lines) + "\n"


INCLUDE_LINE = re.compile(r"^\s*(include|include_if_exists)\s*=?\s*'([^']+)'", re.M)


def includes_made_local(data_dir: Path, conf_dir: Path) -> list[str]:
    """The restored server must not depend on the live installation's files:
    each absolute `include` of postgresql.conf is copied into `conf_dir` and
    pointed at there; one that no longer exists is commented out (its settings
    are then PostgreSQL's defaults plus the recovery settings). Returns notes."""
    conf = data_dir / "postgresql.conf"
    notes: list[str] = []

    def local(match: re.Match[str]) -> str:
        keyword, included = match.group(1), Path(match.group(2))
        if not included.is_absolute():
            return match.group(0)
        if included.is_file():
            copy = conf_dir / included.name
            conf_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(included, copy)
            notes.append(f"{included} copied to {copy}")
            return f"{keyword} '{copy}'"
        notes.append(f"{included} is gone: left out")
        return f"# left out by the restore (file gone): {match.group(0).strip()}"

    text = conf.read_text()
    conf.write_text(INCLUDE_LINE.sub(local, text))
    return notes


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def server_start(data_dir: Path, log_file: Path, timeout: float) -> None:
    try:
        _pg_ctl_start(data_dir, log_file, timeout)
    except BackupFailed as error:
        raise server_stopped(log_file) from error


def _pg_ctl_start(data_dir: Path, log_file: Path, timeout: float) -> None:
    run(
        as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "--pgdata",
                str(data_dir),
                "--log",
                str(log_file),
                "--wait",
                "--timeout",
                str(int(timeout)),
                "start",
            ]
        ),
        what="Starting the restored PostgreSQL",
        timeout=timeout + 30,
    )


def server_running(data_dir: Path) -> bool:
    done = subprocess.run(
        as_postgres([str(PG_BIN / "pg_ctl"), "--pgdata", str(data_dir), "status"]),
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def server_stop(data_dir: Path) -> None:
    if server_running(data_dir):
        run(
            as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "--pgdata",
                    str(data_dir),
                    "--mode",
                    "fast",
                    "--wait",
                    "stop",
                ]
            ),
            what="Stopping the restored PostgreSQL",
            timeout=120,
        )


def log_tail(log_file: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log_file.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def server_stopped(log_file: Path) -> BackupFailed:
    """The error to raise when the restored server stopped, saying why."""
    tail = log_tail(log_file)
    if TARGET_NOT_REACHED in tail:
        return BackupFailed(
            "The WAL archive ends before --target-time: no transaction committed "
            "after that time was archived. Restore without --target-time to "
            "replay everything archived.\n" + tail
        )
    return BackupFailed(f"The restored PostgreSQL stopped:\n{tail}")


def wait_promoted(
    *, data_dir: Path, log_file: Path, socket_dir: Path, port: int, timeout: float
) -> None:
    """Waits until the server has replayed the WAL and left recovery."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server_running(data_dir):
            raise server_stopped(log_file)
        try:
            state = psql(
                "SELECT pg_is_in_recovery()",
                host=str(socket_dir),
                port=port,
                user="postgres",
            )
        except BackupFailed:
            state = "t"
        if state == "f":
            return
        time.sleep(0.2)
    raise BackupFailed(
        f"The restored PostgreSQL was still in recovery after {timeout:.0f} s:\n"
        + log_tail(log_file)
    )


def last_replayed_transaction(log_file: Path) -> str | None:
    """The commit time of the last transaction the recovery replayed, as the
    server logs it at the end of recovery."""
    found = None
    for line in log_file.read_text(errors="replace").splitlines():
        match = LAST_TRANSACTION.search(line)
        if match:
            found = match.group(1).strip()
    return found


def restored_env(
    *,
    keys: Path,
    index: dict[str, Any],
    state_dir: Path,
    port: int,
) -> dict[str, str]:
    """The kept environment file, pointed at the restored database (directly,
    no pooler or replica), the restored private files, and the kept key
    files; no Redis or broker of the live installation."""
    env = read_env_file(keys / ENV_FILE_NAME)
    for variable, record in index["variables"].items():
        env[variable] = str(keys / record["name"])
    url = env.get("DATABASE_URL", "")
    if not url:
        raise BackupFailed("The kept environment file has no DATABASE_URL.")
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{port}" if credentials else f"127.0.0.1:{port}"
    env["DATABASE_URL"] = urlunsplit(parts._replace(netloc=netloc))
    for name in ("DATABASE_REPLICA_URL", "DATABASE_POOLER_TRANSACTION_MODE"):
        env.pop(name, None)
    env["REDIS_URL"] = ""
    env["CELERY_BROKER_URL"] = ""
    env["PRIVATE_FILES_ROOT"] = str(state_dir / "private")
    env["SADUAK_VAR_DIR"] = str(state_dir / "var")
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    return env


def app_process_env(env: dict[str, str]) -> dict[str, str]:
    base = {
        name: os.environ[name]
        for name in ("PATH", "LANG", "LC_ALL", "HOME", "TZ")
        if name in os.environ
    }
    return {**base, **env, "PYTHONPATH": str(ROOT)}


def manage(env: dict[str, str], *args: str, what: str) -> str:
    done = run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        what=what,
        env=app_process_env(env),
        timeout=1800,
    )
    return done.stdout.strip()


DOCUMENTS_SCRIPT = """
import json, sys
import django
django.setup()
from deploy.restore import documents_open_check
print(json.dumps(documents_open_check(**json.loads(sys.argv[1]))))
"""


def documents_open_check(
    *, expected: dict[str, str], newest: int, files_until: str
) -> dict[str, Any]:
    """Runs inside the restored application: opens the `newest` documents of
    each encrypted kind and every expected one with `encrypted_file_open`,
    and compares the plaintext's SHA-256 with the one recorded at upload (and
    the expected one). A document uploaded after the private files were
    archived (`files_until`) whose file is absent is counted as lost with the
    files, not as a failure: the WAL replay brings its row back, not its file.
    Returns what it opened, what was lost that way and what failed."""
    import hashlib
    from datetime import datetime

    from django.core.files.storage import default_storage

    from saduak.complaints.models import ComplaintAttachment
    from saduak.core.uploads.store import encrypted_file_open
    from saduak.eservices.models import Attachment

    archived_until = datetime.fromisoformat(files_until)
    opened: list[dict[str, Any]] = []
    lost: list[str] = []
    failed: list[str] = []
    seen: set[str] = set()
    for model in (Attachment, ComplaintAttachment):
        rows = list(model.objects.order_by("-uploaded_at", "-id")[:newest])
        rows += list(model.objects.filter(public_id__in=list(expected)))
        for row in rows:
            key = str(row.public_id)
            if key in seen:
                continue
            seen.add(key)
            if row.uploaded_at > archived_until and not default_storage.exists(
                row.storage_name
            ):
                lost.append(f"{model.__name__} {key}")
                continue
            digest = hashlib.sha256()
            try:
                for chunk in encrypted_file_open(row):
                    digest.update(chunk)
            except Exception as error:  # any failure to open is the finding
                failed.append(f"{model.__name__} {key}: {type(error).__name__} {error}")
                continue
            plain = digest.hexdigest()
            if plain != row.sha256:
                failed.append(f"{model.__name__} {key}: content differs from upload")
            elif key in expected and plain != expected[key]:
                failed.append(f"{model.__name__} {key}: not the expected document")
            else:
                opened.append({"kind": model.__name__, "id": key, "bytes": row.size})
    missing = sorted(set(expected) - seen)
    failed += [f"expected document {key} is not in the database" for key in missing]
    return {"opened": opened, "lost_with_files": lost, "failed": failed}


def documents_check(
    env: dict[str, str], *, expected: dict[str, str], newest: int, files_until: str
) -> dict[str, Any]:
    done = run(
        [
            sys.executable,
            "-c",
            DOCUMENTS_SCRIPT,
            json.dumps(
                {"expected": expected, "newest": newest, "files_until": files_until}
            ),
        ],
        what="Opening encrypted documents",
        env=app_process_env(env),
        timeout=600,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if result["failed"]:
        raise BackupFailed(
            "Encrypted documents do not open: " + "; ".join(result["failed"][:10])
        )
    return result


def parse_moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise BackupFailed(f"Not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def postgres_time(text: str) -> datetime:
    """A time as PostgreSQL prints it ("2026-12-06 20:50:01.12345+00")."""
    cleaned = re.sub(r"([+-]\d\d)$", r"\1:00", text.strip())
    return parse_moment(cleaned)


def restore(
    *,
    source: Path,
    keys: Path,
    to: Path,
    port: int,
    target_time: str | None = None,
    failure_time: datetime | None = None,
    wal_archive: Path | None = None,
    expected_documents: dict[str, str] | None = None,
    newest_documents: int = 20,
    timeout: float = 1800,
) -> Restored:
    """Restores the backup set `source` with the key set `keys` into the new
    state directory `to`, PostgreSQL on `port`; verifies and measures (module
    docstring). Raises BackupFailed, after stopping the server it started."""
    started = time.monotonic()
    started_at = utc_now()
    declared = failure_time or started_at
    source = backup_set(source)
    manifest = json.loads((source / "backup.json").read_text())
    keys = key_set(keys, manifest["name"])
    index = json.loads((keys / KEYS_INDEX).read_text())
    if to.exists() and any(to.iterdir()):
        raise BackupFailed(f"{to} is not empty: restore into a fresh directory.")
    if port_in_use(port):
        raise BackupFailed(f"Port {port} is in use: choose a free --port.")
    archive = wal_archive or Path(manifest["wal"]["archive"])
    if not archive.is_dir():
        raise BackupFailed(f"The WAL archive {archive} is not there.")
    if target_time:
        target = parse_moment(target_time)
        if target < parse_moment(manifest["finished_at"]):
            raise BackupFailed(
                f"--target-time {target_time} is before this backup finished "
                f"({manifest['finished_at']}): restore an older backup."
            )
        target_time = iso(target)
    parts_check(source, manifest)
    keys_check(keys, index)

    data_dir = to / "pg" / "data"
    socket_dir = to / "run"
    log_file = to / "log" / "postgresql.log"
    for folder in (data_dir, socket_dir, log_file.parent, to / "var"):
        folder.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    extract(source / "pg" / "base.tar.gz", data_dir)
    extract(source / "pg" / "pg_wal.tar.gz", data_dir / "pg_wal")
    shutil.copyfile(source / "pg" / "backup_manifest", to / "pg" / "backup_manifest")
    chown_to_postgres(to / "pg")
    chown_to_postgres(socket_dir)
    chown_to_postgres(log_file.parent)
    verified = run(
        as_postgres(
            [
                str(PG_BIN / "pg_verifybackup"),
                "--manifest-path",
                str(to / "pg" / "backup_manifest"),
                str(data_dir),
            ]
        ),
        what="pg_verifybackup of the restored files",
    ).stdout.strip()
    includes = includes_made_local(data_dir, to / "conf")
    for leftover in ("standby.signal", "postmaster.pid"):
        (data_dir / leftover).unlink(missing_ok=True)
    with (data_dir / "postgresql.auto.conf").open("a") as settings_file:
        settings_file.write(
            recovery_settings(
                archive=archive.resolve(),
                port=port,
                socket_dir=socket_dir.resolve(),
                target_time=target_time,
            )
        )
    (data_dir / "recovery.signal").touch()
    chown_to_postgres(data_dir)
    if (to / "conf").is_dir():
        chown_to_postgres(to / "conf")

    restored = Restored(
        state_dir=to,
        port=port,
        data_dir=data_dir,
        socket_dir=socket_dir,
        env={},
    )
    try:
        server_start(data_dir, log_file, timeout)
        wait_promoted(
            data_dir=data_dir,
            log_file=log_file,
            socket_dir=socket_dir,
            port=port,
            timeout=timeout,
        )
        serving = time.monotonic()
        extract(source / "private.tar.gz", to)
        env = restored_env(keys=keys, index=index, state_dir=to, port=port)
        restored.env = env
        manage(env, "migrate", "--check", what="manage.py migrate --check")
        # --no-seal: held against the newest checkpoint of the backup, not one
        # this restore would sign itself; sealing resumes when the app runs.
        audit = manage(env, "audit_verify", "--no-seal", what="manage.py audit_verify")
        documents = documents_check(
            env,
            expected=expected_documents or {},
            newest=newest_documents,
            files_until=manifest["private_files_finished_at"],
        )
        verified_at = time.monotonic()
        newest_event = psql(
            "SELECT coalesce(max(occurred_at)::text, '') FROM audit_auditevent",
            host=str(socket_dir),
            port=port,
            user="postgres",
            database=_database_name(env),
        )
    except BaseException:
        server_stop(data_dir)
        raise
    last_commit = last_replayed_transaction(log_file)
    report: dict[str, Any] = {
        "backup": str(source),
        "backup_finished_at": manifest["finished_at"],
        "restore_started_at": iso(started_at),
        "failure_declared_at": iso(declared),
        "target_time": target_time,
        "state_dir": str(to),
        "port": port,
        "pg_verifybackup": verified,
        "configuration_includes": includes,
        "audit_verify": audit,
        "documents_opened": len(documents["opened"]),
        "documents_lost_with_files": documents["lost_with_files"],
        "last_replayed_transaction_at": (
            iso(postgres_time(last_commit)) if last_commit else None
        ),
        "newest_audit_event_at": (
            iso(postgres_time(newest_event)) if newest_event else None
        ),
        "seconds_to_database_serving": round(serving - started, 2),
        "recovery_time_seconds": round(verified_at - started, 2),
    }
    reference = (
        report["last_replayed_transaction_at"] or report["newest_audit_event_at"]
    )
    report["recovery_point_seconds"] = (
        round((declared - parse_moment(reference)).total_seconds(), 3)
        if reference
        else None
    )
    (to / "restore-report.json").write_text(json.dumps(report, indent=2) + "\n")
    restored.report = report
    return restored


def _database_name(env: dict[str, str]) -> str:
    return urlsplit(env["DATABASE_URL"]).path.lstrip("/") or "postgres"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.restore",
        description=(
            "Restores a backup (base backup + WAL archive, private files) with "
            "the kept keys into a fresh directory and port, verifies the audit "
            "chain and the documents, and reports recovery point and time."
        ),
    )
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        required=True,
        help="A backup set, or a directory of them (the newest is used).",
    )
    parser.add_argument("--keys", type=Path, required=True, help="The kept keys.")
    parser.add_argument("--to", type=Path, required=True, help="New state directory.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--target-time",
        default=None,
        help="Point-in-time recovery: replay the WAL up to this ISO time.",
    )
    parser.add_argument(
        "--failure-time",
        default=None,
        help="When the failure was declared (ISO; default: now), for the "
        "recovery point.",
    )
    parser.add_argument("--wal-archive", type=Path, default=None)
    parser.add_argument(
        "--expect-document",
        action="append",
        default=[],
        metavar="PUBLIC_ID=SHA256",
        help="A document that must open with this plaintext SHA-256.",
    )
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument(
        "--stop", action="store_true", help="Stop the restored server at the end."
    )
    options = parser.parse_args(argv)
    try:
        expected = dict(item.split("=", 1) for item in options.expect_document)
        restored = restore(
            source=options.source,
            keys=options.keys,
            to=options.to,
            port=options.port,
            target_time=options.target_time,
            failure_time=(
                parse_moment(options.failure_time) if options.failure_time else None
            ),
            wal_archive=options.wal_archive,
            expected_documents=expected,
            timeout=options.timeout,
        )
        if options.stop:
            restored.stop()
    except (BackupFailed, ValueError) as error:
        print(f"Restore failed: {error}", file=sys.stderr)
        return 1
    report = restored.report
    print(f"Restored into {report['state_dir']}, PostgreSQL on port {report['port']}")
    print(f"  {report['audit_verify']}")
    print(f"  encrypted documents opened: {report['documents_opened']}")
    if report["documents_lost_with_files"]:
        print(
            "  uploaded after the private files were archived, file lost: "
            + ", ".join(report["documents_lost_with_files"])
        )
    print(
        f"  recovery point: last transaction {report['last_replayed_transaction_at']}, "
        f"newest audit event {report['newest_audit_event_at']}, failure declared "
        f"{report['failure_declared_at']}: at most {report['recovery_point_seconds']} s "
        "of writes lost"
    )
    print(
        f"  recovery time: {report['recovery_time_seconds']} s "
        f"(database serving after {report['seconds_to_database_serving']} s)"
    )
    if not options.stop:
        print(
            f"  stop it with: runuser -u postgres -- {PG_BIN}/pg_ctl "
            f"-D {restored.data_dir} stop"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
