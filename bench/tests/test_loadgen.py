"""The load generator against a tiny in-process HTTP server on 127.0.0.1."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.loadgen import LoadSpec, generate_load


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def do_GET(self):
        status = 200 if self.path.startswith("/ok") else 500
        body = b"hello"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def spec(port: int, paths: list[str]) -> LoadSpec:
    return LoadSpec(
        "127.0.0.1", port, paths, concurrency=3, warmup_s=0.1, duration_s=0.3
    )


def test_successes_are_timed(port):
    result = generate_load(spec(port, ["/ok?a", "/ok?b"]))
    assert len(result.latencies_ms) > 10
    assert not result.errors
    assert result.body_bytes == 5 * len(result.latencies_ms)
    assert 0.3 <= result.elapsed_s < 2


def test_non_2xx_are_errors(port):
    result = generate_load(spec(port, ["/ok", "/bad"]))
    assert result.latencies_ms
    assert result.errors["HTTP 500"] > 0


def test_connection_failures_are_errors():
    result = generate_load(spec(1, ["/ok"]))  # nothing listens on port 1
    assert not result.latencies_ms
    assert result.errors["ConnectionRefusedError"] > 0
