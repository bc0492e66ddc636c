import io
import os
import tempfile
from collections.abc import Iterator

import pytest
from django.utils import translation

from saduak.core.errors import InvalidInput
from saduak.core.uploads import antivirus
from saduak.core.uploads.antivirus import ScanStatus
from saduak.eservices.tests.document_fixtures import (
    EICAR,
    PDF,
    clamd_stub,
    unused_tcp_address,
)


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """The messages these tests read are the English source texts."""
    with translation.override("en"):
        yield


@pytest.fixture
def unix_socket_path():
    # Short: a unix socket's path is limited to about 100 bytes.
    folder = tempfile.mkdtemp(prefix="clamd-", dir="/tmp")
    path = os.path.join(folder, "clamd.sock")
    yield path
    if os.path.exists(path):
        os.unlink(path)
    os.rmdir(folder)


def test_a_clean_file_is_streamed_to_clamd_and_marked_clean(settings):
    content = PDF + os.urandom(300_000)
    with clamd_stub() as (address, log):
        settings.CLAMD_ADDRESS = address
        stream = io.BytesIO(content)
        assert antivirus.upload_scan(stream, field="doc") == ScanStatus.CLEAN
    assert log.commands == [b"zINSTREAM\0"]
    assert bytes(log.received) == content
    # Sent in pieces as it was read, never as one buffer.
    assert max(log.chunk_sizes) <= antivirus.CHUNK_BYTES
    assert len(log.chunk_sizes) == -(-len(content) // antivirus.CHUNK_BYTES)
    assert stream.tell() == 0


def test_an_infected_file_is_refused_with_the_name_of_what_was_found(settings):
    with clamd_stub() as (address, _log):
        settings.CLAMD_ADDRESS = address
        with pytest.raises(InvalidInput) as refused:
            antivirus.upload_scan(io.BytesIO(EICAR), field="doc")
    assert refused.value.code == "file-infected"
    assert refused.value.field == "doc"
    assert "Eicar-Test-Signature" in str(refused.value.message)


def test_clamd_on_a_unix_socket_is_used_the_same_way(settings, unix_socket_path):
    with clamd_stub(unix_path=unix_socket_path) as (address, log):
        settings.CLAMD_ADDRESS = address
        assert address == f"unix://{unix_socket_path}"
        assert antivirus.upload_scan(io.BytesIO(PDF), field="doc") == "clean"
        with pytest.raises(InvalidInput):
            antivirus.upload_scan(io.BytesIO(EICAR), field="doc")
    assert log.commands == [b"zINSTREAM\0", b"zINSTREAM\0"]


def test_a_configured_daemon_that_does_not_answer_refuses_every_upload(settings):
    settings.CLAMD_ADDRESS = unused_tcp_address()
    with pytest.raises(antivirus.ScannerUnavailable) as refused:
        antivirus.upload_scan(io.BytesIO(PDF), field="doc")
    assert refused.value.status == 503
    assert refused.value.extra == {"retry_after": 60}
    assert "try again later" in str(refused.value.message)


def test_a_missing_unix_socket_refuses_the_upload(settings, unix_socket_path):
    settings.CLAMD_ADDRESS = f"unix://{unix_socket_path}"
    with pytest.raises(antivirus.ScannerUnavailable):
        antivirus.upload_scan(io.BytesIO(PDF), field="doc")


@pytest.mark.parametrize(
    "reply",
    [b"INSTREAM size limit exceeded. ERROR\0", b"", b"nonsense\0"],
    ids=["error", "hung up", "garbage"],
)
def test_any_answer_but_a_verdict_refuses_the_upload(settings, reply):
    with clamd_stub(reply=reply) as (address, _log):
        settings.CLAMD_ADDRESS = address
        with pytest.raises(antivirus.ScannerUnavailable):
            antivirus.upload_scan(io.BytesIO(PDF), field="doc")


def test_without_a_daemon_nothing_is_scanned_and_the_file_is_marked_so(settings):
    settings.CLAMD_ADDRESS = ""
    assert antivirus.upload_scan(io.BytesIO(EICAR), field="d") == "not_scanned"


@pytest.mark.parametrize(
    ("value", "target"),
    [
        ("tcp://clamav:3310", ("clamav", 3310)),
        ("tcp://10.0.0.5", ("10.0.0.5", 3310)),
        ("unix:///run/clamav/clamd.ctl", "/run/clamav/clamd.ctl"),
    ],
)
def test_addresses_name_a_tcp_host_or_a_unix_socket(value, target):
    assert antivirus.ClamdAddress.parse(value).target == target


@pytest.mark.parametrize("value", ["clamav:3310", "http://clamav", "unix://"])
def test_a_malformed_address_is_a_configuration_error(value):
    with pytest.raises(ValueError, match="CLAMD_ADDRESS"):
        antivirus.ClamdAddress.parse(value)
