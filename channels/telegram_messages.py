"""Channel-neutral messages as Telegram messages, within Telegram's limits.

Text is split under 4,096 UTF-16 code units (after a line break where one is near), buttons become an inline
keyboard on the last message, one button per row, and a payload longer than callback_data's 64 bytes travels as
a short key. Plain text only: no parse_mode, so nothing in an answer is read as markup.
"""

from __future__ import annotations

import base64
import hashlib
from collections import OrderedDict
from collections.abc import Sequence

from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from .messages import Button, OutMessage, cards_of

__all__ = ["MAX_TEXT", "CallbackKeys", "to_telegram_messages"]

MAX_TEXT = 4096  # UTF-16 code units in one message, as Telegram counts them
MAX_BUTTONS = 100  # buttons in one inline keyboard
MAX_CALLBACK_DATA = 64  # bytes


class CallbackKeys:
    """Button payloads as callback_data. Telegram allows 64 bytes, so a longer payload travels as a short key.

    Keys are kept in memory (the newest `size`): after a restart, `payload_for` an older key is None and the
    channel asks the resident to type instead.
    """

    PREFIX = "#k:"

    def __init__(self, *, size: int = 10_000) -> None:
        self._payloads: OrderedDict[str, str] = OrderedDict()
        self._size = size

    def data_for(self, payload: str) -> str:
        if len(payload.encode()) <= MAX_CALLBACK_DATA and not payload.startswith(self.PREFIX):
            return payload
        key = self.PREFIX + base64.urlsafe_b64encode(hashlib.sha256(payload.encode()).digest()[:18]).decode()
        self._payloads[key] = payload
        self._payloads.move_to_end(key)
        while len(self._payloads) > self._size:
            self._payloads.popitem(last=False)
        return key

    def payload_for(self, data: str) -> str | None:
        return self._payloads.get(data) if data.startswith(self.PREFIX) else data


def _fit(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 code units."""
    used = 0
    for i, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return i
    return len(text)


def _chunks(text: str, limit: int = MAX_TEXT) -> list[str]:
    """`text` in pieces Telegram accepts, cut after a line break when one is in the second half of a piece."""
    out = []
    while (cut := _fit(text, limit)) < len(text):
        newline = text.rfind("\n", 0, cut)
        cut = newline + 1 if newline >= cut // 2 else cut
        out.append(text[:cut])
        text = text[cut:]
    out.append(text)
    return [chunk for chunk in out if chunk.strip()]


def _texts_of(message: OutMessage) -> list[str]:
    custom = message.custom.get("text")
    return [t for t in (message.text, custom if isinstance(custom, str) else "") if t.strip()]


def _keyboard(buttons: Sequence[Button], keys: CallbackKeys) -> InlineKeyboardMarkup | None:
    rows = [[InlineKeyboardButton(text=b.title, callback_data=keys.data_for(b.payload))] for b in buttons]
    return InlineKeyboardMarkup(inline_keyboard=rows[:MAX_BUTTONS]) if rows else None


def _parts(message: OutMessage) -> list[tuple[str, tuple[Button, ...]]]:
    """A message's texts, then each card as a message of its own with the card's buttons under it."""
    parts: list[tuple[str, tuple[Button, ...]]] = [
        (chunk, ()) for text in _texts_of(message) for chunk in _chunks(text)
    ]
    for card in cards_of(message):
        parts.append(("\n".join([f"■ {card.title}", *card.lines])[: MAX_TEXT // 2], card.buttons))
    return parts


def to_telegram_messages(chat_id: int, messages: Sequence[OutMessage], *, keys: CallbackKeys) -> list[SendMessage]:
    """Rasa's replies as Telegram messages; the last one also carries the reply's buttons as an inline keyboard."""
    parts = [part for m in messages for part in _parts(m)]
    buttons = next((m.buttons for m in reversed(messages) if m.buttons), ())
    if buttons:
        text, own = parts[-1] if parts else ("…", ())
        parts[-1:] = [(text, (*own, *buttons))]
    return [SendMessage(chat_id=chat_id, text=text, reply_markup=_keyboard(own, keys)) for text, own in parts]
