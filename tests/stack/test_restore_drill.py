"""The restore drill against the running stack (deploy/restore_drill.py): a backup
of the stack's primary, private files and keys, then a point-in-time restore into a
fresh directory and port, verified (audit chain, documents, WAL replay) and measured
(recovery point and recovery time)."""

import json
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deploy.backup import read_env_file
from deploy.restore_drill import Installation, run_drill

pytestmark = pytest.mark.stack

PRIMARY_PORT = 5442


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def drill_dir() -> Iterator[Path]:
    """Outside pytest's own temporary folder, which only root may enter: the
    restored data directory belongs to the postgres OS user."""
    path = Path(tempfile.mkdtemp(prefix="saduak-restore-drill-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def stack_installation(stack: Any) -> Installation:
    state = Path(stack.state)
    env_file = state / "saduak.env"
    env = {**read_env_file(env_file), **stack.env()}
    return Installation(
        env=env,
        env_file=env_file,
        key_dir=state / "keys",
        private=Path(env.get("PRIVATE_FILES_ROOT") or state / "private"),
        wal_archive=state / "pg" / "wal-archive",
        pg_host=str(stack.pg_run),  # the postgres OS user is trusted on the socket
        pg_port=PRIMARY_PORT,
    )


def test_a_backup_restored_to_the_moment_of_failure_verifies_and_opens_its_documents(
    stack: Any, drill_dir: Path
) -> None:
    report = run_drill(stack_installation(stack), work=drill_dir, port=free_port())

    print("restore drill:", json.dumps(report, indent=2))
    assert report["audit_verify"].startswith("Audit chain intact")
    assert "Checkpoint audit/checkpoints/" in report["audit_verify"]
    assert report["documents_opened"] >= 1
    assert report["rows_after_backup_restored"] == 3
    assert report["rows_after_target_left_out"] == 2
    assert report["recovery_point_seconds"] is not None
    assert report["recovery_point_seconds"] >= 0
    assert report["recovery_time_seconds"] > 0
    backup_set = Path(report["backup"])
    kept_keys = drill_dir / "keys"
    assert not any(path.suffix == ".pem" for path in backup_set.rglob("*"))
    assert not (backup_set / "saduak.env").exists()
    assert (kept_keys / backup_set.name / "saduak.env").is_file()
