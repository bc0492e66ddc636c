"""The restore drill, against any installation given by its environment and paths
(the stack's, or a throwaway cluster's): tests/stack/test_restore_drill.py runs it
against the stack, and `python -m deploy.restore_drill` against the stack's state
directory by hand.

1. Writes rows and an encrypted document (through the services: audited), seals
   the audit chain (`audit_seal`: a signed checkpoint in the private files).
2. Takes a backup (deploy.backup), the keys kept apart.
3. Writes more rows and a document (B), then declares the failure (time T), then
   writes rows that come after the failure (C), and forces a WAL switch
   (`pg_switch_wal`) and waits until the segment is archived.
4. Restores (deploy.restore) into a fresh state directory and port, point-in-time to
   T: audit_verify passes, the first document opens and matches its hash, the rows
   B written after the base backup are there (the WAL was replayed) and the rows C
   are not (replay stopped at T); B's document is reported lost with the files
   (uploaded after the private files were archived: its row comes back, its file
   does not).
5. Returns the restore's report (recovery point and time) and what it checked.
"""

import argparse
import json
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deploy.backup import (
    BackupFailed,
    backup,
    default_pg_host,
    default_state_dir,
    iso,
    psql,
    read_env_file,
    run,
    utc_now,
)
from deploy.restore import Restored, app_process_env, manage, restore

WRITE_SCRIPT = """
import json, sys, hashlib
import django
django.setup()
from deploy.restore_drill import drill_write_here
print(json.dumps(drill_write_here(**json.loads(sys.argv[1]))))
"""


@dataclass(frozen=True)
class Installation:
    """What the drill needs to know of the installation it backs up."""

    env: dict[str, str]  # the application's environment (manage.py)
    env_file: Path
    key_dir: Path | None
    private: Path
    wal_archive: Path
    pg_host: str  # the primary, as the PostgreSQL superuser (direct, no pooler)
    pg_port: int
    pg_user: str = "postgres"


def drill_write_here(*, label: str, people: int, document: bool) -> dict[str, Any]:
    """Runs inside the application: makes `people` accounts named after `label`
    (audited `user.create`) and, with `document`, an application of the
    low-income subsidy with an encrypted PDF (audited upload). Returns their
    names and the document's public id and plaintext SHA-256."""
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from saduak.accounts.services import user_create
    from saduak.core.personal_id import with_check_digit
    from saduak.core.uploads.fields import document_field
    from saduak.core.uploads.sample_files import one_page_pdf
    from saduak.eservices.catalogue import builtin_services_install
    from saduak.eservices.documents.services import attachment_store
    from saduak.eservices.models import Service
    from saduak.eservices.selectors.applications import offices_for_service
    from saduak.eservices.services.applications import application_start

    names = []
    users = []
    for number in range(people):
        personal_id = with_check_digit(
            "1" + "".join(secrets.choice("0123456789") for _ in range(11))
        )
        name = f"drill-{label}-{number}"
        users.append(
            user_create(
                personal_id=personal_id,
                first_name=name,
                last_name="restore-drill",
                password=None,
                actor="command:restore_drill",
            )
        )
        names.append(name)
    result: dict[str, Any] = {"names": names}
    if document:
        builtin_services_install()
        service = Service.objects.get(code="low-income-family-assistance")
        office = offices_for_service(service).first()
        if office is None:
            raise RuntimeError("no office takes the low-income subsidy: load_areas")
        citizen = users[0]
        application = application_start(
            service=service, applicant=citizen, office=office, actor=citizen
        )
        field = document_field(application.version.form, "bank_book")
        content = one_page_pdf(f"restore drill {label} {secrets.token_hex(8)}".encode())
        attachment = attachment_store(
            application=application,
            field_key=field.key,
            upload=SimpleUploadedFile(
                "bank-book.pdf", content, content_type="application/pdf"
            ),
            allowed_types=field.allowed_types,
            max_bytes=field.max_bytes,
            max_files=field.max_files,
            actor=citizen,
        )
        result["document"] = {
            "id": str(attachment.public_id),
            "sha256": hashlib.sha256(content).hexdigest(),
        }
    return result


def drill_write(
    installation: Installation, *, label: str, people: int, document: bool
) -> dict[str, Any]:
    done = run(
        [
            sys.executable,
            "-c",
            WRITE_SCRIPT,
            json.dumps({"label": label, "people": people, "document": document}),
        ],
        what=f"Writing the drill's rows ({label})",
        env=app_process_env(installation.env),
        timeout=600,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def wal_switch_archived(installation: Installation, *, timeout: float = 120) -> str:
    """Forces a WAL switch and waits until that segment is in the archive."""
    segment = psql(
        "SELECT pg_walfile_name(pg_switch_wal())",
        host=installation.pg_host,
        port=installation.pg_port,
        user=installation.pg_user,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (installation.wal_archive / segment).exists():
            return segment
        time.sleep(0.2)
    raise BackupFailed(f"WAL segment {segment} was not archived in {timeout:.0f} s.")


def names_present(restored: Restored, names: list[str]) -> list[str]:
    database = restored.env["DATABASE_URL"].rsplit("/", 1)[-1].split("?")[0]
    quoted = ",".join("'" + name.replace("'", "''") + "'" for name in names)
    found = psql(
        f"SELECT first_name FROM accounts_user WHERE first_name IN ({quoted}) "  # noqa: S608 (quoted above)
        "ORDER BY first_name",
        host=str(restored.socket_dir),
        port=restored.port,
        user="postgres",
        database=database,
    )
    return [line for line in found.splitlines() if line]


def run_drill(installation: Installation, *, work: Path, port: int) -> dict[str, Any]:
    """The drill (module docstring) with its backups, kept keys and restored copy
    under `work`, the restored PostgreSQL on `port` (stopped at the end).
    Raises BackupFailed when a step or a check fails."""
    run_id = secrets.token_hex(3)
    before = drill_write(
        installation, label=f"{run_id}-before", people=2, document=True
    )
    manage(installation.env, "audit_seal", what="manage.py audit_seal")
    backup_set = backup(
        to=work / "backups",
        keys_to=work / "keys",
        env_file=installation.env_file,
        private=installation.private,
        wal_archive=installation.wal_archive,
        key_dir=installation.key_dir,
        pg_host=installation.pg_host,
        pg_port=installation.pg_port,
        pg_user=installation.pg_user,
    )
    after_backup = drill_write(
        installation, label=f"{run_id}-after-backup", people=3, document=True
    )
    time.sleep(1.0)  # commit times are compared with T: keep them apart
    failure_declared = utc_now()
    time.sleep(1.0)
    after_failure = drill_write(
        installation, label=f"{run_id}-after-failure", people=2, document=False
    )
    segment = wal_switch_archived(installation)
    document = before["document"]
    restored = restore(
        source=backup_set,
        keys=work / "keys",
        to=work / "restored",
        port=port,
        target_time=iso(failure_declared),
        failure_time=failure_declared,
        wal_archive=installation.wal_archive,
        expected_documents={document["id"]: document["sha256"]},
    )
    try:
        wanted = before["names"] + after_backup["names"]
        present = names_present(restored, wanted + after_failure["names"])
    finally:
        restored.stop()
    missing = sorted(set(wanted) - set(present))
    if missing:
        raise BackupFailed(f"Rows written before the failure are missing: {missing}")
    late_document = f"Attachment {after_backup['document']['id']}"
    if restored.report["documents_lost_with_files"] != [late_document]:
        raise BackupFailed(
            "The document uploaded after the backup should be reported as lost "
            f"with the files, not {restored.report['documents_lost_with_files']}"
        )
    too_many = sorted(set(after_failure["names"]) & set(present))
    if too_many:
        raise BackupFailed(
            f"Rows written after the target time were restored: {too_many}"
        )
    return {
        **restored.report,
        "archived_segment": segment,
        "rows_after_backup_restored": len(after_backup["names"]),
        "rows_after_target_left_out": len(after_failure["names"]),
        "document": document["id"],
    }


def stack_installation(state: Path) -> Installation:
    """The stack's installation from its state directory (layout: DESIGN.md)."""
    env_file = state / "saduak.env"
    env = read_env_file(env_file)
    return Installation(
        env=env,
        env_file=env_file,
        key_dir=state / "keys",
        private=Path(env.get("PRIVATE_FILES_ROOT") or state / "private"),
        wal_archive=state / "pg" / "wal-archive",
        pg_host=default_pg_host(state),
        pg_port=5442,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.restore_drill")
    parser.add_argument("--state", type=Path, default=None)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--port", type=int, default=5499)
    parser.add_argument("--pg-port", type=int, default=None)
    options = parser.parse_args(argv)
    installation = stack_installation(options.state or default_state_dir())
    if options.pg_port:
        installation = Installation(
            **{**installation.__dict__, "pg_port": options.pg_port}
        )
    try:
        report = run_drill(installation, work=options.work, port=options.port)
    except BackupFailed as error:
        print(f"Restore drill failed: {error}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
