"""nginx in front of the app: request limits, slow clients, malformed requests,
the client's address, the redirect to https and HSTS (deploy/conf/nginx.conf)."""

import socket
import ssl
import time

import httpx
import pytest

from deploy.stack import HTTP_PORT, HTTPS_PORT

from .conftest import CITIZEN, sign_in
from .support import https_client, trust

pytestmark = pytest.mark.stack


def _tls_socket(stack, *, timeout: float) -> ssl.SSLSocket:
    context = ssl.create_default_context(cafile=str(stack.ca_file))
    raw = socket.create_connection(("127.0.0.1", HTTPS_PORT), timeout=timeout)
    return context.wrap_socket(raw, server_hostname="127.0.0.1")


def _raw_request(stack, request: bytes, *, timeout: float = 10) -> str:
    """Sends bytes as they are over TLS and returns the status line nginx (or
    Django behind it) answered."""
    with _tls_socket(stack, timeout=timeout) as tls:
        tls.sendall(request)
        answer = b""
        while b"\r\n" not in answer:
            chunk = tls.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode("latin-1")


def _status(status_line: str) -> int:
    return int(status_line.split()[1])


def test_a_body_over_the_upload_limit_is_refused_by_nginx_before_it_is_sent(stack):
    # 30 MB announced, nothing sent: nginx answers from the headers alone.
    status_line = _raw_request(
        stack,
        b"POST /api/v1/eservices/applications/X/attachments HTTP/1.1\r\n"
        b"Host: 127.0.0.1\r\nContent-Type: application/pdf\r\n"
        b"Content-Length: 30000000\r\n\r\n",
    )
    assert _status(status_line) == 413


def test_a_document_of_the_largest_allowed_size_passes_nginx(stack):
    # 21 MB (over the app's 20 MB, under nginx's 25 MB): Django answers, not nginx.
    with https_client(stack) as http:
        answer = http.post(
            "/api/v1/eservices/applications/NO-SUCH/attachments",
            files={"file": ("scan.pdf", b"0" * (21 * 1024 * 1024), "application/pdf")},
            data={"field_key": "evidence"},
        )
    assert answer.status_code != 413
    assert answer.status_code < 500


def test_a_client_that_dribbles_its_headers_is_cut_off(stack):
    # nginx's client_header_timeout is 10 s in the stack: the whole header must
    # arrive within it, however steadily the client sends a byte.
    started = time.monotonic()
    closed_after = None
    with _tls_socket(stack, timeout=5) as tls:
        tls.sendall(b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while time.monotonic() - started < 25:
            try:
                tls.sendall(b"X")
                tls.settimeout(1)
                if tls.recv(4096) == b"":
                    closed_after = time.monotonic() - started
                    break
                # nginx answered (408) before closing: the connection is over.
                closed_after = time.monotonic() - started
                break
            except TimeoutError:
                continue
            except (ConnectionError, ssl.SSLError, OSError):
                closed_after = time.monotonic() - started
                break
    assert closed_after is not None, "nginx kept a dribbling client for 25 s"
    assert closed_after < 20


@pytest.mark.parametrize(
    "request_bytes",
    [
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n", id="foreign-host"
        ),
        pytest.param(b"\x16GARBAGE \x01\x02 nonsense\r\n\r\n", id="garbage-line"),
        pytest.param(
            b"GET /en/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", id="bad-escape"
        ),
        pytest.param(
            b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n",
            id="two-hosts",
        ),
    ],
)
def test_a_malformed_request_is_answered_400(stack, request_bytes):
    assert _status(_raw_request(stack, request_bytes)) == 400


def test_a_bad_escape_in_the_query_string_is_never_a_server_error(stack):
    # nginx passes the query string on as it is: Django must cope.
    status = _status(
        _raw_request(
            stack,
            b"GET /en/appointments/book/?q=%zz%ff%00 HTTP/1.1\r\n"
            b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n",
        )
    )
    assert status < 500


def test_django_sees_the_client_address_nginx_saw_not_one_the_client_wrote(stack):
    # The client connects from 127.0.0.2 (nginx -> gunicorn is 127.0.0.1) and
    # claims another address; the sign-in log records the address Django used
    # (TRUSTED_PROXIES=1: the last hop nginx added).
    transport = httpx.HTTPTransport(local_address="127.0.0.2", verify=trust(stack))
    spoofing = https_client(
        stack, transport=transport, headers={"X-Forwarded-For": "203.0.113.9"}
    )
    with spoofing:
        sign_in(stack, CITIZEN, http=spoofing)
    recorded = stack.psql(
        "SELECT ip_address FROM axes_accesslog "
        f"WHERE username = '{CITIZEN}' ORDER BY id DESC LIMIT 1"
    ).strip()
    assert recorded == "127.0.0.2"


def test_plain_http_is_redirected_to_https(stack):
    with httpx.Client(timeout=10) as http:
        answer = http.get(f"http://127.0.0.1:{HTTP_PORT}/en/appointments/book/?a=1")
    assert answer.status_code == 301
    assert answer.headers["location"] == (
        f"https://127.0.0.1:{HTTPS_PORT}/en/appointments/book/?a=1"
    )


def test_pages_and_static_files_carry_hsts(stack):
    with https_client(stack) as http:
        page = http.get("/en/")
        static = http.get("/static/css/site.css")
    for answer in (page, static):
        assert "max-age=31536000" in answer.headers["strict-transport-security"]
