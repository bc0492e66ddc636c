"""The card agent: a small program on the officer's computer that reads the ID
card in the reader and hands it to the enrolment page in the officer's browser.

    pip install pyscard
    python -m saduak.identity.card_agent --origin https://saduak.example.go.th

It listens on 127.0.0.1 only and answers GET /card with the card's details as
JSON (or {"error": code}), to the one origin given (CORS, with the preflight
header Chrome's Private Network Access asks for). Nothing is stored. The server
never trusts what the agent read: enrolment checks it against the civil registry
as it checks typed details. Without Django: only card_reader is imported.
"""

import argparse
import json
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from saduak.identity.card_reader import CardError, CardReading, read_card

CardSource = Callable[[], CardReading]
DEFAULT_PORT = 8765


def pcsc_source() -> CardReading:
    """Reads the card in the first PC/SC reader that holds one (pyscard)."""
    try:
        from smartcard.Exceptions import CardConnectionException, NoCardException
        from smartcard.System import readers
    except ImportError as error:
        raise CardError("agent_needs_pyscard", "pip install pyscard") from error
    found = readers()
    if not found:
        raise CardError("no_reader")
    for reader in found:
        connection = reader.createConnection()
        try:
            connection.connect()
        except (NoCardException, CardConnectionException):
            continue
        try:
            return read_card(connection.transmit, connection.getATR())
        finally:
            connection.disconnect()
    raise CardError("no_card")


def make_handler(origin: str, source: CardSource) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "SaduakCardAgent/1"

        def _headers(self, status: int, length: int = 0) -> None:
            self.send_response(status)
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Allow-Methods", "GET")
            self.send_header("Access-Control-Allow-Private-Network", "true")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Vary", "Origin")
            if length:
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(length))
            self.end_headers()

        def _json(self, status: int, body: dict[str, Any]) -> None:
            payload = json.dumps(body, ensure_ascii=False).encode()
            self._headers(status, len(payload))
            self.wfile.write(payload)

        def _allowed(self) -> bool:
            # A page of another site must not read the card in the reader.
            if self.headers.get("Origin") not in (None, origin):
                self._json(HTTPStatus.FORBIDDEN, {"error": "origin_not_allowed"})
                return False
            return True

        def do_OPTIONS(self) -> None:
            if self._allowed():
                self._headers(HTTPStatus.NO_CONTENT)

        def do_GET(self) -> None:
            if not self._allowed():
                return
            if self.path != "/card":
                self._json(HTTPStatus.NOT_FOUND, {"error": "not_found"})
                return
            try:
                reading = source()
            except CardError as error:
                self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": error.code})
                return
            self._json(HTTPStatus.OK, reading.as_json())

        def log_message(self, format: str, *args: Any) -> None:
            return  # personal data never goes to a log

    return Handler


def serve(
    origin: str, port: int = DEFAULT_PORT, source: CardSource = pcsc_source
) -> HTTPServer:
    return HTTPServer(("127.0.0.1", port), make_handler(origin.rstrip("/"), source))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m saduak.identity.card_agent")
    parser.add_argument(
        "--origin", required=True, help="The Saduak site, e.g. https://saduak.go.th"
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    server = serve(args.origin, args.port)
    print(f"Card agent for {args.origin} on http://127.0.0.1:{args.port}/card")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
