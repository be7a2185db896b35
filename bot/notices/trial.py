"""A notice tried on staff's own accounts before it goes out: each version marked 【テスト】."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

from ..dialogue import Reply

__all__ = ["send_test"]


async def send_test(
    push: Callable[..., Awaitable[Any]], reply: Reply, *, addresses: Sequence[str]
) -> list[tuple[str, str]]:
    """`reply` marked 【テスト】 to each address through `push`: (address, "" or why it was not sent)."""
    marked = replace(reply, text=f"【テスト】{reply.text}")
    results = []
    for address in addresses:
        delivery = await push(address, marked, retry_key=str(uuid.uuid4()))
        sent = delivery.outcome.value == "sent"
        results.append((address, "" if sent else (delivery.detail or delivery.outcome.value)))
    return results
