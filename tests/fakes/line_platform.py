"""A fake LINE platform on 127.0.0.1 that the real line-bot-sdk talks to.

It records every request and checks it against LINE's OpenAPI spec (each message and action against its own
subtype too) and against the documented limits the spec does not state (text length, label length).
Rich menus and their images are kept by `line_richmenus.FakeRichMenus`.

It counts what it delivered (each user of an accepted push or multicast, with the first message's text),
answers the month's quota and consumption, and can fail at random like the real network: a share `chaos` of
the message requests gets 429, 500, an answer that comes too late, or a reset connection, each either before
the request is accepted or after (delivered, but the client never hears so).
"""

from __future__ import annotations

import functools
import json
import random
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .line_richmenus import FakeRichMenus
from .openapi import CONTRACTS, OpenApiValidator

TOKEN = "test-access-token"
MESSAGE_PATHS = ("/v2/bot/message/push", "/v2/bot/message/multicast")
FAULTS = ("429", "500", "timeout_before", "timeout_after", "reset_before", "reset_after")


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


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up on a slow answer is what the chaos is for


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
    # what reached residents: user id → the first message's text of every accepted push or multicast to them
    received: dict[str, list[str]] = field(default_factory=dict)
    quota_limit: int | None = None  # None: no monthly limit (type "none")
    usage: int = 0  # messages sent this month: each recipient of an accepted push or multicast counts one
    chaos: float = 0.0  # share of message requests that fail at random with one of `faults`
    faults: tuple[str, ...] = FAULTS
    hang: float = 1.0  # seconds a "timeout" answer takes: longer than the client waits
    seed: int = 5
    faults_served: Counter[str] = field(default_factory=Counter)
    _random: random.Random = field(default_factory=random.Random)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def delivered(self) -> Counter[str]:
        """How many notices each user received."""
        return Counter({user: len(texts) for user, texts in self.received.items()})

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
                fault = platform.fault(method, self.path)
                if fault in ("timeout_before", "reset_before"):  # checked and kept, never accepted
                    platform.record(method, self.path, dict(self.headers), raw)
                    status, answer = 500, {"message": "Internal error"}
                else:
                    status, answer = platform.handle(method, self.path, dict(self.headers), raw)
                if fault.startswith("timeout"):
                    time.sleep(platform.hang)
                if fault.startswith("reset"):  # RST: the client sees a reset connection, no answer
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    return
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._random.seed(self.seed)
        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def fault(self, method: str, path: str) -> str:
        """The failure this request gets at random ("" for none): 429 and 500 are answered by `handle`."""
        if method != "POST" or path not in MESSAGE_PATHS or not self.chaos:
            return ""
        with self._lock:
            if self._random.random() >= self.chaos:
                return ""
            fault = self._random.choice(self.faults)
            self.faults_served[fault] += 1
        if fault in ("429", "500"):
            self.failures.setdefault(path, []).insert(0, int(fault))
            return ""
        return fault

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

    def record(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[Any, list[str]]:
        """Keep the request, checked now (or later, with `check_later`): its body and what is wrong with it."""
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        errors = [] if self.check_later else self._errors(method, path, headers, raw, body)
        self.requests.append(Recorded(method, path, headers, body, errors, raw=raw if self.check_later else b""))
        return body, errors

    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
        body, errors = self.record(method, path, headers, raw)
        if errors:
            return 400, {"message": "; ".join(errors)}
        if self.richmenus.owns(path):
            return self.richmenus.handle(method, path, body, raw)
        if path == "/v2/bot/chat/loading/start":
            return 202, {}
        if path == "/v2/bot/message/quota":
            return 200, {"type": "none"} if self.quota_limit is None else {"type": "limited", "value": self.quota_limit}
        if path == "/v2/bot/message/quota/consumption":
            return 200, {"totalUsage": self.usage}
        if path == "/v2/bot/message/reply" and body["replyToken"] in self.expired_tokens:
            return 400, {"message": "Invalid reply token"}
        with self._lock:
            if self.failures.get(path):
                status = self.failures[path].pop(0)
                return status, {
                    "message": "The API rate limit has been exceeded." if status == 429 else "Internal error"
                }
            retry_key = next((v for k, v in headers.items() if k.lower() == "x-line-retry-key"), None)
            if retry_key is not None:
                if retry_key in self.accepted_retry_keys:  # as LINE: the first request with this key was accepted
                    return 409, {"message": "The retry key is already accepted"}
                self.accepted_retry_keys.add(retry_key)
            if path in MESSAGE_PATHS:
                self._deliver(body)
        return 200, {"sentMessages": [{"id": str(i), "quoteToken": f"q{i}"} for i, _ in enumerate(body["messages"])]}

    def _deliver(self, body: dict[str, Any]) -> None:
        users = body["to"] if isinstance(body["to"], list) else [body["to"]]
        text = body["messages"][0].get("text", "")
        for user in users:
            self.received.setdefault(user, []).append(text)
        self.usage += len(users)

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
