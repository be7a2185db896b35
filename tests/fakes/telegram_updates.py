"""Telegram updates as Telegram posts them: the golden ones in tests/data/telegram/, given a fresh id and chat."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any

SECRET = "test-webhook-secret_0123456789"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
GOLDEN = Path(__file__).parent.parent / "data" / "telegram"
_update_ids = itertools.count(800_000_000)


def golden(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    return data


def _private(name: str, chat_id: int) -> dict[str, Any]:
    """A golden update with a new update_id, sent by resident `chat_id` in their private chat with the bot."""
    update = copy.deepcopy(golden(name))
    update["update_id"] = next(_update_ids)
    event = update.get("message") or update.get("callback_query") or update["my_chat_member"]
    message = event.get("message", event)
    event["from"]["id"] = message["chat"]["id"] = chat_id
    return update


def text_message(chat_id: int, text: str, *, language: str | None = "ja") -> dict[str, Any]:
    update = _private("text_message", chat_id)
    update["message"]["text"] = text
    if language is None:
        del update["message"]["from"]["language_code"]
    else:
        update["message"]["from"]["language_code"] = language
    return update


def start_command(chat_id: int) -> dict[str, Any]:
    return _private("start_command", chat_id)


def callback_query(chat_id: int, data: str) -> dict[str, Any]:
    update = _private("callback_query", chat_id)
    update["callback_query"]["data"] = data
    update["callback_query"]["id"] = str(update["update_id"] * 1000 + 7)
    return update


def sticker(chat_id: int) -> dict[str, Any]:
    return _private("sticker", chat_id)


def location(chat_id: int) -> dict[str, Any]:
    return _private("location", chat_id)


def group_message(text: str) -> dict[str, Any]:
    update = copy.deepcopy(golden("group_message"))
    update["update_id"] = next(_update_ids)
    update["message"]["text"] = text
    return update


def body(update: dict[str, Any]) -> bytes:
    return json.dumps(update, ensure_ascii=False).encode()


def blocked(chat_id: int) -> dict[str, Any]:
    """The resident blocked the bot (Telegram's my_chat_member update, new status "kicked")."""
    return _private("blocked", chat_id)


def unblocked(chat_id: int) -> dict[str, Any]:
    update = _private("blocked", chat_id)
    member = update["my_chat_member"]
    member["old_chat_member"], member["new_chat_member"] = member["new_chat_member"], member["old_chat_member"]
    return update
