"""The parts of deploy.backup and deploy.restore that need no PostgreSQL server:
reading the environment file, keeping keys apart, checking parts, pointing the
restored copy at its own files. The whole round trip is the restore drill
(tests/stack/test_restore_drill.py)."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deploy.backup import (
    BackupFailed,
    backup,
    keys_copy,
    read_env_file,
    segment_name,
)
from deploy.restore import (
    includes_made_local,
    key_set,
    parts_check,
    postgres_time,
    recovery_settings,
    restore,
    restored_env,
)

PEM = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----"


def test_the_environment_file_is_read_as_systemd_and_the_shell_read_it(
    tmp_path: Path,
) -> None:
    env_file = tmp_path / "saduak.env"
    env_file.write_text(
        "# a comment\n"
        "DJANGO_SETTINGS_MODULE='config.settings.stack'\n"
        "export SECRET_KEY=plain-value\n"
        "\n"
        'OIDC_RSA_PRIVATE_KEY="' + PEM + '"\n'
        "DATABASE_URL='postgres://saduak:p#w@127.0.0.1:6433/saduak'\n"
    )

    env = read_env_file(env_file)

    assert env == {
        "DJANGO_SETTINGS_MODULE": "config.settings.stack",
        "SECRET_KEY": "plain-value",
        "OIDC_RSA_PRIVATE_KEY": PEM,
        "DATABASE_URL": "postgres://saduak:p#w@127.0.0.1:6433/saduak",
    }


def test_the_segment_of_a_wal_position_is_named_as_postgresql_names_it() -> None:
    assert segment_name(1, "0/2000028") == "000000010000000000000002"
    assert segment_name(2, "1/FF000000") == "0000000200000001000000FF"


def test_keys_kept_inside_the_backup_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BackupFailed, match="kept apart"):
        backup(
            to=tmp_path / "backups",
            keys_to=tmp_path / "backups" / "keys",
            env_file=tmp_path / "saduak.env",
            private=tmp_path,
            wal_archive=tmp_path,
            key_dir=None,
            pg_host="127.0.0.1",
            pg_port=1,
            pg_user="postgres",
        )

    assert not (tmp_path / "backups").exists()


def test_the_key_files_the_environment_names_are_copied_and_indexed(
    tmp_path: Path,
) -> None:
    live_keys = tmp_path / "live-keys"
    live_keys.mkdir()
    (live_keys / "audit-signing-key.pem").write_text(PEM)
    (live_keys / "oidc-key.pem").write_text(PEM)
    env_file = tmp_path / "saduak.env"
    env_file.write_text(
        f"AUDIT_SIGNING_KEY_FILE='{live_keys / 'audit-signing-key.pem'}'\n"
        "ESERVICES_MASTER_KEYS='k1:AAAA'\n"
    )

    index = keys_copy(
        env_file=env_file, key_dir=live_keys, into=tmp_path / "kept", stamp="S"
    )

    kept = tmp_path / "kept"
    assert (kept / "saduak.env").read_text() == env_file.read_text()
    assert index["variables"]["AUDIT_SIGNING_KEY_FILE"]["name"] == (
        "audit-signing-key.pem"
    )
    assert [record["name"] for record in index["other_files"].values()] == [
        "oidc-key.pem"
    ]
    assert index["inline"] == ["ESERVICES_MASTER_KEYS"]
    assert oct(kept.stat().st_mode & 0o777) == "0o700"
    assert oct((kept / "oidc-key.pem").stat().st_mode & 0o777) == "0o600"
    assert key_set(tmp_path / "kept", "S") == kept


def test_a_damaged_backup_part_is_named(tmp_path: Path) -> None:
    (tmp_path / "private.tar.gz").write_bytes(b"changed")
    manifest = {"parts": {"private.tar.gz": {"sha256": "0" * 64, "bytes": 7}}}

    with pytest.raises(BackupFailed, match=r"private.tar.gz is damaged"):
        parts_check(tmp_path, manifest)


def test_a_restore_into_a_directory_in_use_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "backups" / "S"
    source.mkdir(parents=True)
    (source / "backup.json").write_text(json.dumps({"name": "S"}))
    keys = tmp_path / "keys" / "S"
    keys.mkdir(parents=True)
    (keys / "keys.json").write_text("{}")
    target = tmp_path / "in-use"
    target.mkdir()
    (target / "something").write_text("")

    with pytest.raises(BackupFailed, match="not empty"):
        restore(source=tmp_path / "backups", keys=tmp_path / "keys", to=target, port=1)


def test_the_restored_copy_never_archives_into_the_live_archive(tmp_path: Path) -> None:
    settings = recovery_settings(
        archive=Path("/srv/wal-archive"),
        port=5499,
        socket_dir=tmp_path,
        target_time="2026-12-06T20:00:00.000+00:00",
    )

    assert "archive_mode = off" in settings
    assert 'restore_command = \'cp "/srv/wal-archive/%f" "%p"\'' in settings
    assert "recovery_target_time = '2026-12-06T20:00:00.000+00:00'" in settings
    assert "recovery_target_action = 'promote'" in settings
    assert "port = 5499" in settings


def test_included_configuration_is_copied_or_left_out_when_gone(
    tmp_path: Path,
) -> None:
    live = tmp_path / "live.conf"
    live.write_text("timezone = 'Asia/Bangkok'\n")
    data = tmp_path / "data"
    data.mkdir()
    (data / "postgresql.conf").write_text(
        f"port = 5432\ninclude '{live}'\ninclude_if_exists '{tmp_path / 'gone.conf'}'\n"
    )

    notes = includes_made_local(data, tmp_path / "restored-conf")

    conf = (data / "postgresql.conf").read_text()
    assert f"include '{tmp_path / 'restored-conf' / 'live.conf'}'" in conf
    assert "# left out by the restore (file gone)" in conf
    assert (tmp_path / "restored-conf" / "live.conf").read_text() == live.read_text()
    assert len(notes) == 2


def test_the_restored_application_uses_its_own_database_files_and_kept_keys(
    tmp_path: Path,
) -> None:
    (tmp_path / "saduak.env").write_text(
        "DATABASE_URL='postgres://saduak:secret@127.0.0.1:6433/saduak'\n"
        "DATABASE_REPLICA_URL='postgres://saduak:secret@127.0.0.1:6433/saduak_replica'\n"
        "DATABASE_POOLER_TRANSACTION_MODE='1'\n"
        "REDIS_URL='redis://127.0.0.1:6390/0'\n"
        "AUDIT_SIGNING_KEY_FILE='/srv/live/keys/audit-signing-key.pem'\n"
    )
    index = {"variables": {"AUDIT_SIGNING_KEY_FILE": {"name": "audit.pem"}}}

    env = restored_env(
        keys=tmp_path, index=index, state_dir=tmp_path / "new", port=5499
    )

    assert env["DATABASE_URL"] == "postgres://saduak:secret@127.0.0.1:5499/saduak"
    assert "DATABASE_REPLICA_URL" not in env
    assert "DATABASE_POOLER_TRANSACTION_MODE" not in env
    assert env["REDIS_URL"] == ""
    assert env["AUDIT_SIGNING_KEY_FILE"] == str(tmp_path / "audit.pem")
    assert env["PRIVATE_FILES_ROOT"] == str(tmp_path / "new" / "private")


def test_times_as_postgresql_prints_them_are_read_with_their_offset() -> None:
    assert postgres_time("2026-12-07 03:39:44.875+07") == datetime(
        2026, 12, 6, 20, 39, 44, 875000, tzinfo=UTC
    )
