"""Scanning uploads with ClamAV's daemon (clamd) over its INSTREAM command.

The protocol (clamd(8)): send `zINSTREAM\\0`, then the file as chunks, each a
4-byte big-endian length and that many bytes, then a zero length; clamd answers
`stream: OK\\0`, `stream: <signature> FOUND\\0` or `<message> ERROR\\0`. The file is
sent in chunks as it is read, so memory stays flat whatever its size.

With CLAMD_ADDRESS empty nothing is scanned and files are marked so. A daemon
that is configured but cannot answer refuses the upload (fail closed): an
unscanned file never passes for a scanned one."""

import logging
import socket
import struct
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saduak.core.errors import DomainError, InvalidInput

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
TIMEOUT_S = 30.0
# clamd's replies are one short line; anything longer is not clamd.
MAX_REPLY_BYTES = 4096


class ScanStatus(models.TextChoices):
    """Whether clamd scanned a stored file (an infected one is never stored).
    Shown on every file on the officers' pages and in the staff API."""

    NOT_SCANNED = (
        "not_scanned",
        gettext_lazy("Not scanned: no virus scanner configured"),
    )
    CLEAN = "clean", gettext_lazy("Scanned for viruses: clean")


class ScannerUnavailable(DomainError):
    """The configured antivirus daemon did not answer; try again later."""

    status = 503
    code = "scanner-unavailable"
    default_message = gettext_lazy(
        "Files cannot be checked for viruses at the moment, so none can be "
        "uploaded. Please try again later."
    )


@dataclass(frozen=True)
class Verdict:
    clean: bool
    signature: str = ""  # the virus's name when not clean


@dataclass(frozen=True)
class ClamdAddress:
    family: int  # socket.AF_INET / AF_INET6 / AF_UNIX
    target: str | tuple[str, int]

    @classmethod
    def parse(cls, value: str) -> "ClamdAddress":
        """`tcp://host:3310` or `unix:///run/clamav/clamd.ctl`."""
        parts = urlsplit(value.strip())
        if parts.scheme == "unix" and parts.path:
            return cls(socket.AF_UNIX, parts.path)
        if parts.scheme == "tcp" and parts.hostname:
            host = parts.hostname
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            return cls(family, (host, parts.port or 3310))
        raise ValueError(
            "CLAMD_ADDRESS must be 'tcp://host:port' or 'unix:///path/to/socket', "
            f"not {value!r}"
        )


def clamd_scan(
    stream: IO[Any], address: ClamdAddress, timeout_s: float = TIMEOUT_S
) -> Verdict:
    """Streams `stream` (from its start) to clamd and returns its verdict.
    Raises OSError when the daemon cannot be reached or breaks off, and
    ValueError when its answer is not a verdict (an ERROR reply included)."""
    stream.seek(0)
    with socket.socket(address.family, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout_s)
        connection.connect(address.target)
        connection.sendall(b"zINSTREAM\0")
        try:
            while chunk := stream.read(CHUNK_BYTES):
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
        except (BrokenPipeError, ConnectionResetError):
            # clamd closes early when the stream passes its StreamMaxLength;
            # its reason is waiting to be read.
            pass
        reply = _read_reply(connection)
    stream.seek(0)
    return _verdict(reply)


def _read_reply(connection: socket.socket) -> str:
    received = bytearray()
    while b"\0" not in received and len(received) < MAX_REPLY_BYTES:
        data = connection.recv(MAX_REPLY_BYTES)
        if not data:
            break
        received += data
    return bytes(received).split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def _verdict(reply: str) -> Verdict:
    # "stream: OK", "stream: Eicar-Signature FOUND"; some builds omit "stream:".
    answer = reply.split(":", 1)[1].strip() if ":" in reply else reply
    if answer == "OK":
        return Verdict(clean=True)
    if answer.endswith(" FOUND"):
        return Verdict(clean=False, signature=answer.removesuffix(" FOUND").strip())
    raise ValueError(f"clamd answered {reply!r}")


def upload_scan(stream: IO[Any], *, field: str) -> str:
    """The ScanStatus of an upload after scanning it with the configured daemon.
    Refuses an infected file (InvalidInput, code "file-infected") and, when the
    daemon is configured but does not answer, every file (ScannerUnavailable)."""
    configured = settings.CLAMD_ADDRESS
    if not configured:
        return ScanStatus.NOT_SCANNED
    address = ClamdAddress.parse(configured)
    try:
        verdict = clamd_scan(stream, address)
    except (OSError, ValueError) as error:
        logger.error("antivirus scan failed at %s: %s", configured, error)
        raise ScannerUnavailable(extra={"retry_after": 60}) from error
    if not verdict.clean:
        logger.warning("antivirus refused an upload: %s", verdict.signature)
        raise InvalidInput(
            _(
                "This file contains a virus or other malicious content "
                "(%(signature)s) and was not accepted. Check your device and "
                "upload a clean copy."
            )
            % {"signature": verdict.signature},
            code="file-infected",
            field=field,
        )
    return ScanStatus.CLEAN
