"""Production settings pass Django's deployment checks."""

import base64
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A well-formed key for the check only (32 bytes of "k", base64): not a secret.
TEST_MASTER_KEYS = "check:" + base64.b64encode(b"k" * 32).decode()


def _audit_key(tmp_path: Path) -> str:
    from saduak.audit.keys import new_signing_key_pem

    path = tmp_path / "audit-signing-key.pem"
    path.write_bytes(new_signing_key_pem())
    return str(path)


def test_production_settings_pass_check_deploy(tmp_path):
    # The browser tests allow sync ORM calls in this process; a deployment never does.
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 20
        + "-a-long-random-production-secret-for-the-check-"
        + "y" * 10,
        "ALLOWED_HOSTS": "saduak.example.go.th",
        "SADUAK_VAR_DIR": str(tmp_path),
        "ESERVICES_MASTER_KEYS": TEST_MASTER_KEYS,
        "AUDIT_SIGNING_KEY_FILE": _audit_key(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    # The browser tests allow sync ORM calls in this process; a deployment never does.
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "",
    }
    env["SADUAK_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_the_attachment_master_keys(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "ESERVICES_MASTER_KEYS")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "z" * 60,
        "SADUAK_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "ESERVICES_MASTER_KEYS must be set" in result.stderr


def test_production_check_fails_without_the_audit_signing_key(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "AUDIT_SIGNING_KEY_FILE"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "saduak.example.go.th",
        "SADUAK_VAR_DIR": str(tmp_path),
        "ESERVICES_MASTER_KEYS": TEST_MASTER_KEYS,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "audit.E001" in result.stdout + result.stderr
