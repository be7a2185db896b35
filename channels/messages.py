"""Channel-neutral outgoing messages: what every channel adapter renders in its own way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Button", "OutMessage", "from_rasa"]


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


def from_rasa(replies: list[dict[str, Any]]) -> list[OutMessage]:
    """Rasa REST channel replies → `OutMessage`s (text, buttons, custom payloads)."""
    out = []
    for r in replies:
        buttons = tuple(
            Button(str(b.get("title", "")), str(b.get("payload", "")))
            for b in r.get("buttons") or ()
            if b.get("title") and b.get("payload")
        )
        custom = r.get("custom") or {}
        if r.get("text") or buttons or custom:
            out.append(OutMessage(str(r.get("text") or ""), buttons, dict(custom) if isinstance(custom, dict) else {}))
    return out
