"""Webhook events as LINE sends them: validated against webhook.yml, signed with the channel secret."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

from .openapi import CONTRACTS, OpenApiValidator

SECRET = "test-channel-secret"
BOT = "U" + "0" * 32
_webhook_spec = OpenApiValidator(CONTRACTS / "webhook.yml")


def user_id(n: int) -> str:
    return "U" + f"{n:032x}"


def _event(kind: str, user: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": uuid.uuid4().hex.upper()[:26],
        "deliveryContext": {"isRedelivery": False},
        **extra,
    }


def text_event(user: str, text: str, *, reply_token: str | None = None) -> dict[str, Any]:
    message = {"id": str(int(time.time() * 1e6)), "type": "text", "text": text, "quoteToken": "q"}
    return _event("message", user, replyToken=reply_token or uuid.uuid4().hex, message=message)


def sticker_event(user: str) -> dict[str, Any]:
    message = {"id": "1", "type": "sticker", "packageId": "1", "stickerId": "1", "stickerResourceType": "STATIC",
               "quoteToken": "q"}  # fmt: skip
    return _event("message", user, replyToken=uuid.uuid4().hex, message=message)


def postback_event(user: str, data: str) -> dict[str, Any]:
    return _event("postback", user, replyToken=uuid.uuid4().hex, postback={"data": data})


def follow_event(user: str, *, unblocked: bool = False) -> dict[str, Any]:
    return _event("follow", user, replyToken=uuid.uuid4().hex, follow={"isUnblocked": unblocked})


def unfollow_event(user: str) -> dict[str, Any]:
    return _event("unfollow", user)


def body(*events: dict[str, Any]) -> bytes:
    payload = {"destination": BOT, "events": list(events)}
    errors = _webhook_spec.errors("#/components/schemas/CallbackRequest", payload)
    assert errors == [], errors
    return json.dumps(payload, ensure_ascii=False).encode()


def sign(raw: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()
