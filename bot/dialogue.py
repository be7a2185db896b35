"""The dialogue kernel every desk shares: what a resident sent, what the bot says back, and a form's step.

The desks (FAQ, booking, profile, consent) are siblings: each imports this module, none imports another.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from knowledge import is_english
from knowledge.text import has_japanese, normalize

__all__ = ["Button", "Phrases", "Reply", "Step", "Turn", "format_as_of", "language_of", "payload"]

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class Button:
    title: str  # at most 20 characters: LINE's quick-reply label limit
    payload: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title[:20], "payload": self.payload}


@dataclass(frozen=True)
class Reply:
    """One message to the resident: text, buttons (quick replies), and a channel-specific `custom` payload."""

    text: str
    buttons: tuple[Button, ...] = ()
    custom: Mapping[str, object] = field(default_factory=dict)

    def as_message(self) -> dict[str, Any]:
        """As Rasa's REST channel carries it: what the channels turn into LINE, Telegram and web-chat messages."""
        message: dict[str, Any] = {"text": self.text}
        if self.buttons:
            message["buttons"] = [b.as_dict() for b in self.buttons]
        if self.custom:
            message["custom"] = dict(self.custom)
        return message


@dataclass(frozen=True)
class Turn:
    """What the resident just sent: their text (or a button's payload), its intent and entities."""

    text: str
    intent: str = ""
    entities: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """A form's next move: the slots to set, the slot to ask next (None ends the form), what to say first."""

    values: dict[str, Any]  # slots to set; the asked slot is always among them (None: ask again)
    ask: str | None  # the next slot to ask; None ends the form
    say: tuple[Reply, ...] = ()  # said before the question: why an answer was not taken


class Phrases:
    """A desk's phrases in one language: `words("booked", id=12)`; subclasses name their `TABLE` (ja and en)."""

    TABLE: ClassVar[Mapping[str, Mapping[str, str]]] = {}

    def __init__(self, language: str | None) -> None:
        self.language = "en" if language == "en" else "ja"
        self._table = self.TABLE[self.language]

    def __call__(self, key: str, **values: object) -> str:
        return self._table[key].format(**values) if values else self._table[key]

    def button(self, key: str, payload: str) -> Button:
        return Button(self(key), payload)


def payload(intent: str, **entities: object) -> str:
    """`/choose_slot{"slot_id":"12"}`: an intent with entities, as Rasa reads it from a button."""
    values = {k: str(v) for k, v in entities.items()}
    return f"/{intent}" + (json.dumps(values, ensure_ascii=False, separators=(",", ":")) if values else "")


def language_of(text: str, preferred: str | None) -> str:
    """English for English text; やさしい日本語 for whoever chose it; otherwise Japanese.

    `preferred` is the resident's choice (or their channel's language setting): it decides only when the
    text itself does not (emoji, numbers), except that a choice of やさしい日本語 holds for Japanese text.
    """
    text = normalize(text)
    if text.startswith("/"):  # a button's payload says nothing about the resident's language
        return preferred if preferred in ("en", "easy", "ja") else "ja"
    if is_english(text):
        return "en"
    if preferred == "easy":
        return "easy"
    if has_japanese(text):
        return "ja"
    return preferred if preferred in ("en", "ja") else "ja"


def format_as_of(as_of: str, language: str) -> str:
    """ "2022-07" → 「2022年7月」 or "July 2022"."""
    parts = [p for p in as_of.split("-") if p.isdigit()]
    if not parts:
        return as_of
    year, month, day = [*parts, None, None][:3]
    if language == "en":
        return " ".join(x for x in (day and str(int(day)), month and _MONTHS[int(month) - 1], year) if x)
    return f"{year}年" + (f"{int(month)}月" if month else "") + (f"{int(day)}日" if day else "")
