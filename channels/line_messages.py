"""Channel-neutral messages as LINE messages, within LINE's limits.

Text is split under 5,000 characters, a reply holds at most five messages (nothing is dropped: what does not
fit is joined into the last text), buttons become quick replies (at most 13, labels within 20 characters),
and cards become a Flex carousel with large text and large buttons.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from linebot.v3.messaging import (
    FlexMessage,
    Message,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)

from .messages import Button, Card, OutMessage, cards_of

__all__ = ["MAX_MESSAGES", "MAX_TEXT", "to_line_messages"]

MAX_TEXT = 5000  # characters in one text message
MAX_MESSAGES = 5  # messages in one reply or push
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_BUBBLES = 12  # bubbles in one carousel
MAX_CARD_BUTTONS = 4
MAX_ALT_TEXT = 400
CARD_COLOUR = "#0B4F9C"  # white on this blue: contrast 8.6:1


def _label(title: str) -> str:
    return title if len(title) <= MAX_LABEL else title[: MAX_LABEL - 1] + "…"


def _action(button: Button) -> dict[str, Any]:
    if button.payload.startswith("/"):  # an intent payload: the resident sees the title, Rasa gets the payload
        return {"type": "postback", "label": _label(button.title), "data": button.payload[:300],
                "displayText": button.title[:300]}  # fmt: skip
    return {"type": "message", "label": _label(button.title), "text": button.payload[:300]}


def _quick_reply(message: OutMessage) -> QuickReply | None:
    items = [QuickReplyItem.from_dict({"type": "action", "action": _action(b)}) for b in message.buttons]
    return QuickReply(items=items[:MAX_QUICK_REPLIES]) if items else None


def _text(text: str, *, size: str, bold: bool = False) -> dict[str, Any]:
    return {"type": "text", "text": text, "size": size, "wrap": True, "color": "#111111",
            **({"weight": "bold"} if bold else {})}  # fmt: skip


def _bubble(card: Card) -> dict[str, Any]:
    bubble: dict[str, Any] = {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "spacing": "md",
            "contents": [_text(card.title, size="xl", bold=True), *(_text(line, size="lg") for line in card.lines)],
        },
    }
    if card.buttons:
        buttons = [
            {"type": "button", "style": "primary", "color": CARD_COLOUR, "height": "md", "action": _action(b)}
            for b in card.buttons[:MAX_CARD_BUTTONS]
        ]
        bubble["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": buttons}
    return bubble


def _alt_text(message: OutMessage, cards: list[Card]) -> str:
    """What a notification or an old LINE client shows instead of the carousel."""
    text = message.text.strip() or "、".join(card.title for card in cards)
    return text if len(text) <= MAX_ALT_TEXT else text[: MAX_ALT_TEXT - 1] + "…"


def _flex(message: OutMessage) -> FlexMessage | None:
    cards = cards_of(message)[:MAX_BUBBLES]
    if not cards:
        return None
    contents = {"type": "carousel", "contents": [_bubble(card) for card in cards]}
    return FlexMessage.from_dict({"type": "flex", "altText": _alt_text(message, cards), "contents": contents})


def _chunks(text: str) -> list[str]:
    return [text[i : i + MAX_TEXT] for i in range(0, len(text), MAX_TEXT)]


def to_line_messages(messages: Sequence[OutMessage]) -> list[Message]:
    """Rasa's replies as at most five LINE messages; the last one carries the buttons as quick replies."""
    flexes = [f for f in map(_flex, messages) if f is not None][: MAX_MESSAGES - 1]
    texts = [chunk for m in messages for chunk in _chunks(m.text) if chunk.strip()]
    room = MAX_MESSAGES - len(flexes)
    if len(texts) > room:  # keep every word: join what does not fit into the last text
        texts = [*texts[: room - 1], "\n\n".join(texts[room - 1 :])[:MAX_TEXT]]
    out: list[Message] = [*(TextMessage(text=t) for t in texts), *flexes]
    if not out:
        out = [TextMessage(text="…")]
    out[-1].quick_reply = next((q for q in (_quick_reply(m) for m in reversed(messages)) if q), None)
    return out
