"""LINE multicast for notices: one message to up to 500 users, with a retry key, and the month's quota.

Thin: build the request, send it, turn LINE's answer into a `PushError` the sender understands. A 409 means
LINE accepted this retry key before, so the message went out once and this attempt counts as delivered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp
from linebot.v3.messaging import ApiException, AsyncMessagingApi, MulticastRequest

from .line import _push_error
from .line_messages import to_line_messages
from .messages import OutMessage
from .outbound import PushError

__all__ = ["MAX_RECIPIENTS", "LineMulticaster"]

MAX_RECIPIENTS = 500  # user ids in one multicast request


@dataclass
class LineMulticaster:
    api: AsyncMessagingApi
    timeout: float = 20.0  # seconds for one request; a request that took longer is retried with its key

    async def multicast(self, users: Sequence[str], messages: Sequence[OutMessage], *, retry_key: str) -> None:
        if not 1 <= len(users) <= MAX_RECIPIENTS:
            raise PushError(f"a multicast goes to 1-{MAX_RECIPIENTS} users, not {len(users)}", status=400)
        request = MulticastRequest(to=list(users), messages=to_line_messages(messages))
        try:
            async with asyncio.timeout(self.timeout):
                await self.api.multicast(request, x_line_retry_key=retry_key)
        except ApiException as exc:
            if exc.status == 409:  # this retry key was accepted before: delivered once
                return
            raise _push_error(exc) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PushError(f"LINE did not answer: {exc!r}", retry=True) from exc

    async def remaining(self) -> int | None:
        """Messages the account may still send this month; None without a limit (e.g. 地方公共団体プラン)."""
        try:
            async with asyncio.timeout(self.timeout):
                quota = await self.api.get_message_quota()
                if quota.type != "limited" or quota.value is None:
                    return None
                used = await self.api.get_message_quota_consumption()
        except ApiException as exc:
            raise _push_error(exc) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PushError(f"LINE did not answer: {exc!r}", retry=True) from exc
        return max(0, quota.value - used.total_usage)
