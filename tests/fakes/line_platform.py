"""A fake LINE platform on 127.0.0.1 that the real line-bot-sdk talks to.

It records every request and checks it against LINE's OpenAPI spec (each message and action against its own
subtype too) and against the documented limits the spec does not state (text length, label length).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .openapi import CONTRACTS, OpenApiValidator

TOKEN = "test-access-token"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    errors: list[str]
    at: float = field(default_factory=time.monotonic)


def _limit_errors(body: Any) -> list[str]:
    errors = []
    for message in body.get("messages", []) if isinstance(body, dict) else []:
        if len(message.get("text", "")) > 5000:
            errors.append("text longer than 5000 characters")
        for item in (message.get("quickReply") or {}).get("items", []):
            label = item.get("action", {}).get("label", "")
            if not 1 <= len(label) <= 20:
                errors.append(f"quick reply label of {len(label)} characters: {label!r}")
    return errors


@dataclass
class FakeLinePlatform:
    validator: OpenApiValidator = field(default_factory=lambda: OpenApiValidator(CONTRACTS / "messaging-api.yml"))
    requests: list[Recorded] = field(default_factory=list)
    expired_tokens: set[str] = field(default_factory=set)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeLinePlatform:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                status, answer = platform.handle("POST", self.path, dict(self.headers), raw)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        errors = self.validator.request_errors(method, path, body) + _limit_errors(body)
        if headers.get("Authorization") != f"Bearer {TOKEN}":
            errors.append("missing or wrong access token")
        self.requests.append(Recorded(method, path, headers, body, errors))
        if errors:
            return 400, {"message": "; ".join(errors)}
        if path == "/v2/bot/chat/loading/start":
            return 202, {}
        if path == "/v2/bot/message/reply" and body["replyToken"] in self.expired_tokens:
            return 400, {"message": "Invalid reply token"}
        return 200, {"sentMessages": [{"id": str(i), "quoteToken": f"q{i}"} for i, _ in enumerate(body["messages"])]}

    def sent(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    def wait_for(self, path: str, *, count: int = 1, timeout: float = 15.0) -> list[Recorded]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.sent(path)) >= count:
                return self.sent(path)
            time.sleep(0.05)
        raise AssertionError(f"{path}: {len(self.sent(path))} requests after {timeout} s, wanted {count}")
