"""Talking to the running stack as a resident does, over Rasa's REST channel (for the end-to-end tests)."""

from __future__ import annotations

import httpx

__all__ = ["say", "text_of"]


def say(stack, sender: str, text: str) -> list[dict]:
    """Send `text` (typed, or a button's payload) as `sender`; Rasa's replies."""
    response = httpx.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30
    )
    response.raise_for_status()
    return response.json()


def text_of(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)
