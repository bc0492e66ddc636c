"""A backup of a Saduak installation: `python -m deploy.backup --to DIR --keys DIR`.

One run makes one backup set, `<to>/<UTC stamp>/`:

- `base.tar.gz`, `pg_wal.tar.gz`, `backup_manifest`: a PostgreSQL base backup made
  with pg_basebackup (tar format, the WAL that makes it consistent streamed into
  `pg_wal.tar.gz`, a SHA-256 manifest), verified with pg_verifybackup on an
  extracted scratch copy before the run counts as done;
- `private.tar.gz`: the private files (documents, audit checkpoints), taken right
  after the base backup, so that every row of the backup finds its file;
- `backup.json`: when it started and ended, the WAL positions, where the WAL archive
  is (continuous archiving copies every finished WAL segment there: the restore
  replays it on top of the base backup), each part's size and SHA-256.

The key material (the environment file with SECRET_KEY and ESERVICES_MASTER_KEYS,
the audit signing key, and any other key file it names) goes to `<keys>/<stamp>/`,
a destination that must lie outside the backup set: whoever steals a backup must
not also hold the keys that open its documents and sign its audit checkpoints.

Defaults follow the stack's state directory (`--state`, default SADUAK_STACK_DIR or
var/stack): the primary on 127.0.0.1:5442, `pg/wal-archive`, `private/`, `keys/`,
`saduak.env`. Run it as root (it runs the PostgreSQL tools as the `postgres` OS
user) or as the postgres user. Exits 1 with a message when anything fails.
"""

import argparse
import contextlib
import hashlib
import json
import os
import pwd
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = Path(os.environ.get("SADUAK_PG_BIN", "/usr/lib/postgresql/15/bin"))
POSTGRES_USER = "postgres"
WAL_SEGMENT_BYTES = 16 * 1024 * 1024
BACKUP_FORMAT = 1
ENV_FILE_NAME = "saduak.env"
KEYS_INDEX = "keys.json"


class BackupFailed(Exception):
    """A step of a backup or a restore failed; the message says which and why."""


def default_state_dir() -> Path:
    return Path(os.environ.get("SADUAK_STACK_DIR") or ROOT / "var" / "stack")


def default_pg_host(state: Path) -> str:
    """The stack's PostgreSQL socket directory (local connections of the
    postgres OS user are trusted there), else TCP on 127.0.0.1."""
    socket_dir = state / "run" / "postgres"
    return str(socket_dir) if socket_dir.is_dir() else "127.0.0.1"


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def part_record(path: Path) -> dict[str, Any]:
    return {"bytes": path.stat().st_size, "sha256": sha256_of(path)}


def as_postgres(command: Sequence[str]) -> list[str]:
    """PostgreSQL refuses to run as root: its tools run as the postgres OS user
    when this process is root, as this user otherwise."""
    if os.geteuid() == 0:
        return ["runuser", "-u", POSTGRES_USER, "--", *command]
    return list(command)


def chown_to_postgres(path: Path) -> None:
    if os.geteuid() != 0:
        return
    owner = pwd.getpwnam(POSTGRES_USER)
    for item in [path, *path.rglob("*")]:
        os.chown(item, owner.pw_uid, owner.pw_gid, follow_symlinks=False)


def chown_to_me(path: Path) -> None:
    if os.geteuid() != 0:
        return
    for item in [path, *path.rglob("*")]:
        os.chown(item, 0, 0, follow_symlinks=False)


def run(
    command: Sequence[str],
    *,
    what: str,
    env: dict[str, str] | None = None,
    ok_codes: Sequence[int] = (0,),
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Runs a command, raising BackupFailed naming `what` with its output when
    it exits with a code not in `ok_codes`."""
    try:
        done = subprocess.run(
            list(command),
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BackupFailed(f"{what}: {error}") from error
    if done.returncode not in ok_codes:
        output = (done.stderr.strip() or done.stdout.strip())[-2000:]
        raise BackupFailed(f"{what} failed (exit {done.returncode}): {output}")
    return done


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile and `set -a; .` read them:
    comments, blank lines, an optional `export`, values in single or double
    quotes (a double-quoted value may span lines, e.g. a PEM key)."""
    try:
        text = path.read_text()
    except OSError as error:
        raise BackupFailed(
            f"Cannot read the environment file {path}: {error}"
        ) from error
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace = "\n"
    lexer.whitespace_split = True
    lexer.commenters = "#"
    values: dict[str, str] = {}
    try:
        for token in lexer:
            line = token.strip()
            if line.startswith("export "):
                line = line[len("export ") :].lstrip()
            name, sep, value = line.partition("=")
            if sep and name.strip().isidentifier():
                values[name.strip()] = value
    except ValueError as error:
        raise BackupFailed(f"Cannot parse {path}: {error}") from error
    return values


def inside(child: Path, parent: Path) -> bool:
    child, parent = child.resolve(), parent.resolve()
    return child == parent or parent in child.parents


def segment_name(timeline: int, lsn: str) -> str:
    """The WAL segment file holding `lsn` (e.g. "0/2000028"), 16 MB segments."""
    high, low = (int(part, 16) for part in lsn.split("/"))
    segment = ((high << 32) + low) // WAL_SEGMENT_BYTES
    per_id = 0x100000000 // WAL_SEGMENT_BYTES
    return f"{timeline:08X}{segment // per_id:08X}{segment % per_id:08X}"


@contextlib.contextmanager
def scratch_dir(near: Path) -> Iterator[Path]:
    """A temporary directory on the same disk as `near`, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix=".scratch-", dir=near))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def extract(archive: Path, into: Path) -> None:
    into.mkdir(parents=True, exist_ok=True)
    run(["tar", "-xzf", str(archive), "-C", str(into)], what=f"Extracting {archive}")


def verify_base_backup(base: Path, wal: Path, manifest: Path, scratch: Path) -> str:
    """Extracts the base backup and its WAL and runs pg_verifybackup on them
    (PostgreSQL 15 verifies plain directories only). Returns its summary line."""
    data = scratch / "data"
    extract(base, data)
    extract(wal, data / "pg_wal")
    shutil.copyfile(manifest, scratch / "backup_manifest")
    chown_to_postgres(scratch)
    done = run(
        as_postgres(
            [
                str(PG_BIN / "pg_verifybackup"),
                "--manifest-path",
                str(scratch / "backup_manifest"),
                str(data),
            ]
        ),
        what="pg_verifybackup",
    )
    return done.stdout.strip()


def psql(
    sql: str, *, host: str, port: int, user: str, database: str = "postgres"
) -> str:
    done = run(
        as_postgres(
            [
                str(PG_BIN / "psql"),
                "-X",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                host,
                "-p",
                str(port),
                "-U",
                user,
                "-d",
                database,
                "-c",
                sql,
            ]
        ),
        what=f"psql on {host}:{port}",
        timeout=60,
    )
    return done.stdout.strip()


def base_backup(
    *, into: Path, host: str, port: int, user: str, label: str
) -> dict[str, Any]:
    """pg_basebackup in tar format with the WAL streamed alongside and a SHA-256
    manifest; returns the WAL range the manifest records."""
    into.mkdir(parents=True)
    chown_to_postgres(into)
    run(
        as_postgres(
            [
                str(PG_BIN / "pg_basebackup"),
                "--pgdata",
                str(into),
                "--format=tar",
                "--gzip",
                "--wal-method=stream",
                "--checkpoint=fast",
                "--manifest-checksums=SHA256",
                "--label",
                label,
                "--no-password",
                "--host",
                host,
                "--port",
                str(port),
                "--username",
                user,
            ]
        ),
        what="pg_basebackup",
    )
    chown_to_me(into)
    manifest = json.loads((into / "backup_manifest").read_text())
    ranges = manifest.get("WAL-Ranges") or []
    if not ranges:
        raise BackupFailed("The backup manifest names no WAL range.")
    timeline = int(ranges[0]["Timeline"])
    return {
        "timeline": timeline,
        "start_lsn": ranges[0]["Start-LSN"],
        "end_lsn": ranges[-1]["End-LSN"],
        "first_wal_segment": segment_name(timeline, ranges[0]["Start-LSN"]),
    }


def private_files_tar(*, source: Path, archive: Path) -> dict[str, Any]:
    """A gzip tar of the private files with `private/` at its top. A file that
    changes while it is read (an upload in progress) is a warning, not a failure:
    its row is not in the base backup taken before."""
    if not source.is_dir():
        raise BackupFailed(f"The private files directory {source} does not exist.")
    done = run(
        [
            "tar",
            "-czf",
            str(archive),
            "--numeric-owner",
            f"--transform=s,^{source.name},private,",
            "-C",
            str(source.parent),
            source.name,
        ],
        what="Archiving the private files",
        ok_codes=(0, 1),
    )
    record = part_record(archive)
    record["files"] = sum(1 for item in source.rglob("*") if item.is_file())
    if done.returncode == 1:
        record["warning"] = done.stderr.strip()[-500:]
    return record


KEY_NAME_HINTS = ("KEY", "SECRET", "CERT")


def key_files_named(env: dict[str, str]) -> dict[str, Path]:
    """The files the environment names as key material: a variable whose name
    says KEY, SECRET or CERT (or ends in _FILE) holding the path of a file."""
    found: dict[str, Path] = {}
    for name, value in env.items():
        if not (name.endswith("_FILE") or any(hint in name for hint in KEY_NAME_HINTS)):
            continue
        if value.startswith("/") and "\n" not in value and Path(value).is_file():
            found[name] = Path(value)
    return found


def keys_copy(
    *, env_file: Path, key_dir: Path | None, into: Path, stamp: str
) -> dict[str, Any]:
    """Copies the environment file, every key file it names and the key
    directory's files into `into` (mode 0700/0600), with an index `keys.json`
    the restore uses to point the variables at the copies."""
    env = read_env_file(env_file)
    into.mkdir(parents=True, mode=0o700)
    os.chmod(into, 0o700)
    copied: dict[str, dict[str, str]] = {}

    def keep(source: Path, name: str) -> dict[str, str]:
        target = into / name
        shutil.copyfile(source, target)
        os.chmod(target, 0o600)
        return {"name": name, "original": str(source), "sha256": sha256_of(target)}

    env_record = keep(env_file, ENV_FILE_NAME)
    variables = {}
    taken = {ENV_FILE_NAME}
    for variable, path in sorted(key_files_named(env).items()):
        name = path.name if path.name not in taken else f"{variable}-{path.name}"
        taken.add(name)
        variables[variable] = keep(path, name)
    if key_dir is not None and key_dir.is_dir():
        originals = {record["original"] for record in variables.values()}
        for path in sorted(key_dir.rglob("*")):
            if path.is_file() and str(path) not in originals:
                name = path.name if path.name not in taken else f"keys-{path.name}"
                taken.add(name)
                copied[str(path)] = keep(path, name)
    index = {
        "backup": stamp,
        "env_file": env_record,
        "variables": variables,
        "other_files": copied,
        "inline": sorted(
            name
            for name in (
                "ESERVICES_MASTER_KEYS",
                "SECRET_KEY",
                "OIDC_RSA_PRIVATE_KEY",
                "OIDC_EC_PRIVATE_KEY",
            )
            if env.get(name)
        ),
    }
    (into / KEYS_INDEX).write_text(json.dumps(index, indent=2) + "\n")
    os.chmod(into / KEYS_INDEX, 0o600)
    return index


def archiver_status(*, host: str, port: int, user: str) -> dict[str, Any]:
    row = psql(
        "SELECT coalesce(last_archived_wal,''), coalesce(last_failed_wal,''), "
        "failed_count, current_setting('archive_mode') FROM pg_stat_archiver",
        host=host,
        port=port,
        user=user,
    )
    archived, failed, failed_count, mode = row.split("|")
    return {
        "archive_mode": mode,
        "last_archived_wal": archived,
        "last_failed_wal": failed,
        "failed_count": int(failed_count),
    }


def backup(
    *,
    to: Path,
    keys_to: Path,
    env_file: Path,
    private: Path,
    wal_archive: Path,
    key_dir: Path | None,
    pg_host: str,
    pg_port: int,
    pg_user: str,
) -> Path:
    """Makes one backup set under `to` and one key set under `keys_to`;
    returns the backup set's directory."""
    if inside(keys_to, to) or inside(to, keys_to):
        raise BackupFailed(
            f"The keys ({keys_to}) must be kept apart from the backups ({to}): "
            "choose a destination for the keys outside the backup directory."
        )
    if not wal_archive.is_dir():
        raise BackupFailed(
            f"The WAL archive {wal_archive} does not exist: without continuous "
            "archiving a restore can only return to the base backup itself."
        )
    started = utc_now()
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    target = to / stamp
    if target.exists():
        raise BackupFailed(f"{target} exists already.")
    to.mkdir(parents=True, exist_ok=True)
    status = archiver_status(host=pg_host, port=pg_port, user=pg_user)
    if status["archive_mode"] == "off":
        raise BackupFailed(
            "archive_mode is off on the server: turn on continuous archiving "
            "(docs/operations.md section 12) before relying on this backup."
        )
    target.mkdir()
    try:
        wal = base_backup(
            into=target / "pg",
            host=pg_host,
            port=pg_port,
            user=pg_user,
            label=f"saduak {stamp}",
        )
        base_done = utc_now()
        private_record = private_files_tar(
            source=private, archive=target / "private.tar.gz"
        )
        private_done = utc_now()
        pg_dir = target / "pg"
        with scratch_dir(to) as scratch:
            verified = verify_base_backup(
                pg_dir / "base.tar.gz",
                pg_dir / "pg_wal.tar.gz",
                pg_dir / "backup_manifest",
                scratch,
            )
        keys = keys_copy(
            env_file=env_file, key_dir=key_dir, into=keys_to / stamp, stamp=stamp
        )
        finished = utc_now()
        manifest = {
            "format": BACKUP_FORMAT,
            "name": stamp,
            "started_at": iso(started),
            "base_backup_finished_at": iso(base_done),
            "private_files_finished_at": iso(private_done),
            "finished_at": iso(finished),
            "server": {"host": pg_host, "port": pg_port},
            "wal": {**wal, "archive": str(wal_archive.resolve())},
            "archiver_before": status,
            "pg_verifybackup": verified,
            "parts": {
                "pg/base.tar.gz": part_record(pg_dir / "base.tar.gz"),
                "pg/pg_wal.tar.gz": part_record(pg_dir / "pg_wal.tar.gz"),
                "pg/backup_manifest": part_record(pg_dir / "backup_manifest"),
                "private.tar.gz": private_record,
            },
            "private_files_source": str(private.resolve()),
            "keys": {
                "kept_in": str((keys_to / stamp).resolve()),
                "env_file_sha256": keys["env_file"]["sha256"],
                "files": sorted(
                    [r["name"] for r in keys["variables"].values()]
                    + [r["name"] for r in keys["other_files"].values()]
                ),
            },
        }
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        shutil.rmtree(keys_to / stamp, ignore_errors=True)
        raise
    (target / "backup.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.backup",
        description=(
            "Base backup of PostgreSQL (with its WAL, verified), the private files "
            "and, kept apart, the key material."
        ),
    )
    parser.add_argument("--to", type=Path, required=True, help="Backup directory.")
    parser.add_argument(
        "--keys",
        type=Path,
        required=True,
        help="Where the key material goes: outside the backup directory.",
    )
    parser.add_argument(
        "--state",
        type=Path,
        default=None,
        help="The stack's state directory (defaults for the options below).",
    )
    parser.add_argument("--env-file", type=Path, default=None)
    parser.add_argument("--private", type=Path, default=None)
    parser.add_argument("--wal-archive", type=Path, default=None)
    parser.add_argument("--key-dir", type=Path, default=None)
    parser.add_argument(
        "--pg-host",
        default=None,
        help="Host or socket directory of the primary (default: the stack's "
        "socket directory run/postgres, else 127.0.0.1).",
    )
    parser.add_argument("--pg-port", type=int, default=5442)
    parser.add_argument("--pg-user", default="postgres")
    options = parser.parse_args(argv)
    state = options.state or default_state_dir()
    env_file = options.env_file or state / ENV_FILE_NAME
    try:
        env = read_env_file(env_file)
        private = options.private or Path(
            env.get("PRIVATE_FILES_ROOT") or state / "private"
        )
        target = backup(
            to=options.to,
            keys_to=options.keys,
            env_file=env_file,
            private=private,
            wal_archive=options.wal_archive or state / "pg" / "wal-archive",
            key_dir=options.key_dir or state / "keys",
            pg_host=options.pg_host or default_pg_host(state),
            pg_port=options.pg_port,
            pg_user=options.pg_user,
        )
    except BackupFailed as error:
        print(f"Backup failed: {error}", file=sys.stderr)
        return 1
    manifest = json.loads((target / "backup.json").read_text())
    print(f"Backup {target}")
    print(
        f"  WAL {manifest['wal']['start_lsn']} .. {manifest['wal']['end_lsn']} "
        f"(timeline {manifest['wal']['timeline']}), archive "
        f"{manifest['wal']['archive']}"
    )
    for name, part in manifest["parts"].items():
        print(f"  {name}: {part['bytes']} bytes, sha256 {part['sha256']}")
    print(f"  keys kept apart in {manifest['keys']['kept_in']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
