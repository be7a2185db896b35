"""Channel-neutral outgoing messages: what every channel adapter renders in its own way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "BUSY",
    "MAX_INPUT",
    "NOT_TEXT",
    "AddressHook",
    "Button",
    "Card",
    "FirstTime",
    "Membership",
    "OutMessage",
    "cards_of",
    "from_rasa",
]

MAX_INPUT = 2000  # characters of a resident's message passed to Rasa
NOT_TEXT = "ありがとうございます。ご質問は文字で送ってください（例：「コンビニで住民票はとれますか」）。"
BUSY = "ただいま混み合っています。少し待ってから、もう一度送ってください。"

FirstTime = Callable[[str], Awaitable[bool]]  # True the first time an event id is seen, False after
AddressHook = Callable[[str], Awaitable[None]]  # told a resident's address, e.g. "line:U…" or "tg:123"


async def _nothing(address: str) -> None:
    return None


@dataclass(frozen=True)
class Membership:
    """What to do when a resident leaves (unfollows, blocks) or comes back; the composition root decides."""

    left: AddressHook = _nothing
    joined: AddressHook = _nothing


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class OutMessage:
    text: str = ""
    buttons: tuple[Button, ...] = ()
    custom: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text}
        if self.buttons:
            out["buttons"] = [{"title": b.title, "payload": b.payload} for b in self.buttons]
        if self.custom:
            out["custom"] = self.custom
        return out


@dataclass(frozen=True)
class Card:
    """One choice shown as a card (a class slot, say): a title, a few lines, its own buttons.

    Actions send cards as a Rasa custom payload ``{"cards": [{"title", "lines", "buttons"}]}``; LINE shows
    them as a Flex carousel, Telegram and the web chat as text with buttons.
    """

    title: str
    lines: tuple[str, ...] = ()
    buttons: tuple[Button, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "lines": list(self.lines),
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons],
        }


def _buttons(items: Any) -> tuple[Button, ...]:
    return tuple(
        Button(str(b.get("title", "")), str(b.get("payload", "")))
        for b in items or ()
        if isinstance(b, dict) and b.get("title") and b.get("payload")
    )


def cards_of(message: OutMessage) -> list[Card]:
    """The cards in a message's custom payload; malformed ones are left out."""
    out = []
    for item in message.custom.get("cards") or ():
        if isinstance(item, dict) and str(item.get("title") or "").strip():
            lines = tuple(str(line) for line in item.get("lines") or () if str(line).strip())
            out.append(Card(str(item["title"]), lines, _buttons(item.get("buttons"))))
    return out


def from_rasa(replies: list[dict[str, Any]]) -> list[OutMessage]:
    """Rasa REST channel replies → `OutMessage`s (text, buttons, custom payloads)."""
    out = []
    for r in replies:
        buttons = _buttons(r.get("buttons"))
        custom = r.get("custom") or {}
        if r.get("text") or buttons or custom:
            out.append(OutMessage(str(r.get("text") or ""), buttons, dict(custom) if isinstance(custom, dict) else {}))
    return out
