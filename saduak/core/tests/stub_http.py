"""A local HTTP server standing in for an outside system (an SMS gateway, LINE)
in adapter tests: it answers each POST or GET with the next queued response, or
with `default` once the queue is empty, after `delay` seconds (an outside system
that is slow), and records what it was sent."""

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode())


Response = tuple[int, Any, dict[str, str]]


@dataclass
class StubServer:
    """Bodies are JSON, or bytes sent as they are."""

    url: str = ""
    requests: list[RecordedRequest] = field(default_factory=list)
    responses: deque[Response] = field(default_factory=deque)
    default: Response = (200, {}, {})
    delay: float = 0.0

    def respond(
        self, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> None:
        self.responses.append((status, body, headers or {}))


@contextmanager
def stub_server_running(default: Response = (200, {}, {})) -> Iterator[StubServer]:
    stub = StubServer(default=default)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.do_POST(method="GET")

        def do_POST(self, method: str = "POST") -> None:
            length = int(self.headers.get("Content-Length", "0"))
            stub.requests.append(
                RecordedRequest(
                    method=method,
                    path=self.path,
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=self.rfile.read(length),
                )
            )
            status, body, headers = (
                stub.responses.popleft() if stub.responses else stub.default
            )
            if stub.delay:
                time.sleep(stub.delay)
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
