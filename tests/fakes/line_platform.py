"""A fake LINE platform on 127.0.0.1 that the real line-bot-sdk talks to.

It records every request and checks it against LINE's OpenAPI spec (each message and action against its own
subtype too) and against the documented limits the spec does not state (text length, label length).
Rich menus and their images are kept by `line_richmenus.FakeRichMenus`.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .line_richmenus import FakeRichMenus
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
    raw: bytes = b""  # kept until checked, with check_later


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


@functools.cache
def _spec() -> OpenApiValidator:
    return OpenApiValidator(CONTRACTS / "messaging-api.yml")


@dataclass
class FakeLinePlatform:
    validator: OpenApiValidator = field(default_factory=lambda: _spec())
    requests: list[Recorded] = field(default_factory=list)
    expired_tokens: set[str] = field(default_factory=set)
    richmenus: FakeRichMenus = field(default_factory=FakeRichMenus)
    # injected failures: the next requests to a path get these statuses, in order (then normal answers)
    failures: dict[str, list[int]] = field(default_factory=dict)
    accepted_retry_keys: set[str] = field(default_factory=set)
    # for benchmarks: answer at once and check the requests afterwards (`check_recorded`), so that the
    # checking's CPU does not slow the system under test; tests check each request as it arrives
    check_later: bool = False
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeLinePlatform:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self._answer("POST")

            def do_GET(self) -> None:
                self._answer("GET")

            def do_DELETE(self) -> None:
                self._answer("DELETE")

            def _answer(self, method: str) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                status, answer = platform.handle(method, self.path, dict(self.headers), raw)
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

    def _errors(self, method: str, path: str, headers: dict[str, str], raw: bytes, body: Any) -> list[str]:
        errors = self.validator.request_errors(method, path, body) + _limit_errors(body)
        errors += self.richmenus.errors(method, path, headers, raw, body)
        if headers.get("Authorization") != f"Bearer {TOKEN}":
            errors.append("missing or wrong access token")
        return errors

    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        errors = [] if self.check_later else self._errors(method, path, headers, raw, body)
        self.requests.append(Recorded(method, path, headers, body, errors, raw=raw if self.check_later else b""))
        if errors:
            return 400, {"message": "; ".join(errors)}
        if self.richmenus.owns(path):
            return self.richmenus.handle(method, path, body, raw)
        if path == "/v2/bot/chat/loading/start":
            return 202, {}
        if path == "/v2/bot/message/reply" and body["replyToken"] in self.expired_tokens:
            return 400, {"message": "Invalid reply token"}
        if self.failures.get(path):
            status = self.failures[path].pop(0)
            return status, {"message": "The API rate limit has been exceeded." if status == 429 else "Internal error"}
        retry_key = next((v for k, v in headers.items() if k.lower() == "x-line-retry-key"), None)
        if retry_key is not None:
            if retry_key in self.accepted_retry_keys:  # as LINE: the first request with this key was accepted
                return 409, {"message": "The retry key is already accepted"}
            self.accepted_retry_keys.add(retry_key)
        return 200, {"sentMessages": [{"id": str(i), "quoteToken": f"q{i}"} for i, _ in enumerate(body["messages"])]}

    def check_recorded(self) -> int:
        """With `check_later`: check every request recorded so far; the number that broke the spec."""
        for r in self.requests:
            if r.raw:
                r.errors = self._errors(r.method, r.path, r.headers, r.raw, r.body)
                r.raw = b""
        return sum(1 for r in self.requests if r.errors)

    def sent(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    def wait_for(self, path: str, *, count: int = 1, timeout: float = 15.0) -> list[Recorded]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.sent(path)) >= count:
                return self.sent(path)
            time.sleep(0.05)
        raise AssertionError(f"{path}: {len(self.sent(path))} requests after {timeout} s, wanted {count}")
