"""A fake Telegram Bot API on 127.0.0.1 that the real aiogram talks to.

It serves `/bot<token>/<method>` as aiogram calls it (form-urlencoded, multipart or JSON), records every call and
checks it against the documented rules aiogram does not enforce: required parameters, text of 1–4096 characters
(UTF-16 code units, as Telegram counts), a well-formed inline keyboard with callback_data of 1–64 bytes, a known
parse_mode. Answers are shaped like Telegram's (a Message for sendMessage, a User for getMe, 403 for a chat that
blocked the bot), so aiogram parses them as it would parse the real ones.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from email.message import Message as MimeMessage
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

TOKEN = "123456789:TEST-madoguchi-fake-token"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "まどぐち", "username": "madoguchi_test_bot",
            "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}  # fmt: skip
BLOCKED = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}

REQUIRED = {
    "getme": (),
    "sendmessage": ("chat_id", "text"),
    "sendchataction": ("chat_id", "action"),
    "answercallbackquery": ("callback_query_id",),
    "setwebhook": ("url",),
    "deletewebhook": (),
    "getwebhookinfo": (),
    "getupdates": (),
}
JSON_PARAMS = {"reply_markup", "allowed_updates", "entities", "link_preview_options", "reply_parameters"}
PARSE_MODES = {"HTML", "Markdown", "MarkdownV2"}
CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
                "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"}  # fmt: skip


@dataclass
class Call:
    method: str  # as aiogram spelled it: sendMessage, answerCallbackQuery, ...
    params: dict[str, Any]
    errors: list[str]
    at: float = field(default_factory=time.monotonic)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _multipart(content_type: str, raw: bytes) -> dict[str, str]:
    mime: MimeMessage = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    fields = {}
    for part in mime.get_payload() if mime.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if name:
            fields[str(name)] = payload.decode("utf-8") if isinstance(payload, bytes) else str(payload)
    return fields


def parse_params(content_type: str, raw: bytes) -> dict[str, Any]:
    """The call's parameters, typed as Telegram reads them: JSON-serialized fields decoded, chat ids as ints."""
    if content_type.startswith("application/json"):
        params: dict[str, Any] = json.loads(raw or b"{}")
    elif content_type.startswith("multipart/form-data"):
        params = _multipart(content_type, raw)
    else:
        params = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    for key in JSON_PARAMS & params.keys():
        if isinstance(params[key], str):
            params[key] = json.loads(params[key])
    if isinstance(params.get("chat_id"), str) and params["chat_id"].lstrip("-").isdigit():
        params["chat_id"] = int(params["chat_id"])
    return params


def _keyboard_errors(markup: Any) -> list[str]:
    if not isinstance(markup, dict):
        return ["reply_markup is not an object"]
    if "inline_keyboard" not in markup:
        return []  # reply keyboards and the rest are not used by madoguchi
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        return ["inline_keyboard is not an array of arrays"]
    errors = []
    for button in (b for row in rows for b in row):
        if not str(button.get("text", "")).strip():
            errors.append("inline keyboard button without text")
        data = button.get("callback_data")
        kinds = [k for k in ("callback_data", "url", "web_app", "switch_inline_query", "pay") if k in button]
        if len(kinds) != 1:
            errors.append(f"inline keyboard button must have exactly one action, has {kinds}")
        if data is not None and not 1 <= len(str(data).encode()) <= 64:
            errors.append(f"callback_data of {len(str(data).encode())} bytes: {data!r}")
    return errors


def call_errors(method: str, params: dict[str, Any]) -> list[str]:
    errors = [f"{name} is required" for name in REQUIRED[method.lower()] if params.get(name) in (None, "")]
    if method.lower() == "sendmessage" and isinstance(params.get("text"), str):
        text = params["text"]
        if not text.strip() or _utf16_len(text) > 4096:
            errors.append(f"text must be 1-4096 characters, is {_utf16_len(text)}")
    if "parse_mode" in params and params["parse_mode"] not in PARSE_MODES:
        errors.append(f"unknown parse_mode {params['parse_mode']!r}")
    if "reply_markup" in params:
        errors += _keyboard_errors(params["reply_markup"])
    if method.lower() == "sendchataction" and params.get("action") not in CHAT_ACTIONS:
        errors.append(f"unknown chat action {params.get('action')!r}")
    if method.lower() == "answercallbackquery" and len(str(params.get("text") or "")) > 200:
        errors.append("callback answer text longer than 200 characters")
    return errors


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away mid-poll (aiogram stopping) is not a test failure


@dataclass
class FakeTelegramPlatform:
    token: str = TOKEN
    calls: list[Call] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)  # chats whose resident blocked the bot
    failures: list[int] = field(default_factory=list)  # injected: the next calls answer these statuses, in order
    updates: list[dict[str, Any]] = field(default_factory=list)  # served by getUpdates
    webhook: dict[str, Any] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeTelegramPlatform:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                status, answer = platform.handle(self.path, self.headers.get("content-type") or "", raw)
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    # -- the API ----------------------------------------------------------------------------------------

    def handle(self, path: str, content_type: str, raw: bytes) -> tuple[int, Any]:
        prefix, _, method = path.split("?")[0].removeprefix("/bot").rpartition("/")
        if prefix != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method.lower() not in REQUIRED:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        try:
            params = parse_params(content_type, raw)
        except (ValueError, UnicodeDecodeError) as exc:
            self.calls.append(Call(method, {}, [f"unreadable parameters: {exc}"]))
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: can't parse parameters"}
        errors = call_errors(method, params)
        self.calls.append(Call(method, params, errors))
        if errors:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: " + "; ".join(errors)}
        if params.get("chat_id") in self.blocked:
            return 403, BLOCKED
        if self.failures:
            status = self.failures.pop(0)
            if status == 429:
                return 429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                             "parameters": {"retry_after": 1}}  # fmt: skip
            return status, {"ok": False, "error_code": status, "description": "Internal Server Error"}
        return 200, {"ok": True, "result": self._result(method.lower(), params)}

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getme":
            return BOT_USER
        if method == "sendmessage":
            return self._message(params)
        if method == "getupdates":
            return self._updates(params)
        if method == "setwebhook":
            self.webhook = {**params, "set_at": time.time()}
        if method == "deletewebhook":
            self.webhook = {}
        if method == "getwebhookinfo":
            return {"url": self.webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0,
                    **({"allowed_updates": self.webhook["allowed_updates"]} if "allowed_updates" in self.webhook else {})}  # fmt: skip
        return True

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = {"id": params["chat_id"], "type": "private", "first_name": "テスト"}
        message = {"message_id": next(self._ids), "from": BOT_USER, "chat": chat, "date": int(time.time()),
                   "text": params["text"]}  # fmt: skip
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message

    def _updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 0.5)
        while True:
            pending = [u for u in self.updates if u["update_id"] >= offset]
            if pending or time.monotonic() >= deadline:
                return pending
            time.sleep(0.02)

    # -- for the tests ----------------------------------------------------------------------------------

    def sent(self, method: str, *, chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in list(self.calls)
            if c.method == method and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def wait_for(self, method: str, *, chat_id: int | None = None, count: int = 1, timeout: float = 15.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(found := self.sent(method, chat_id=chat_id)) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{method} to {chat_id}: {len(self.sent(method, chat_id=chat_id))} calls, wanted {count}")
