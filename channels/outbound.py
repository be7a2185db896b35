"""One way to push messages to a resident, whatever channel they use.

Booking messages, test sends and replies pushed later call `Outbound.send(address, messages)` with an address
such as ``line:U…`` or ``tg:123``; notices to many residents use the same `Retry` around their multicasts. The
platform's limits live in each channel's `Pusher`; the retries (backoff with jitter, Retry-After, one retry key
for every attempt) and what an error means for the resident live here, once.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from .messages import OutMessage

__all__ = ["Delivery", "Outbound", "Outcome", "PushError", "Pusher", "Retry"]

log = logging.getLogger("madoguchi.outbound")


class Outcome(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"  # the resident blocked or left the bot: the address is marked inactive
    FAILED = "failed"  # refused for good (bad address, bad message, wrong credentials) or out of retries
    SKIPPED = "skipped"  # not sent: unknown channel, or the address is inactive


@dataclass(frozen=True)
class Delivery:
    address: str
    outcome: Outcome
    detail: str = ""
    attempts: int = 0


class PushError(Exception):
    """A push the platform refused. `retry`: worth trying again later; `blocked`: the resident is gone."""

    def __init__(
        self, detail: str, *, status: int | None = None, retry: bool = False, blocked: bool = False,
        retry_after: float | None = None,
    ) -> None:  # fmt: skip
        super().__init__(detail)
        self.detail, self.status, self.retry, self.blocked, self.retry_after = (
            detail,
            status,
            retry,
            blocked,
            retry_after,
        )
        self.attempts = 0  # set by `Retry.run` when it gives up


class Pusher(Protocol):
    async def push(self, user: str, messages: Sequence[OutMessage], *, retry_key: str) -> None:
        """Send `messages` to one user of this channel; raise `PushError` when the platform refuses.

        The same `retry_key` is passed on every attempt of one delivery, so that a platform that knows
        idempotency keys (LINE's X-Line-Retry-Key) delivers it once even when an attempt timed out.
        """
        ...


Request = Callable[[], Awaitable[None]]
Hook = Callable[[], Awaitable[None]]
Retried = Callable[[PushError], Awaitable[None]]


@dataclass(frozen=True)
class Retry:
    """The one retry loop: a refused request is tried again on 429, 5xx, a timeout or a dropped connection.

    The caller keeps the retry key the same on every attempt. `before` runs before each attempt (pacing),
    `retried` after each refusal that will be tried again (bookkeeping).
    """

    attempts: int = 4
    backoff: float = 0.5  # seconds before the first retry; doubled each time, with jitter
    max_wait: float = 30.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    async def run(self, request: Request, *, before: Hook | None = None, retried: Retried | None = None) -> int:
        """The attempts it took; raises the last `PushError` when it is final (`retry` still set: out of tries)."""
        for attempt in range(1, self.attempts + 1):
            if before is not None:
                await before()
            try:
                await request()
                return attempt
            except PushError as exc:
                if exc.blocked or not exc.retry or attempt == self.attempts:
                    exc.attempts = attempt
                    raise
                if retried is not None:
                    await retried(exc)
                await self.sleep(self.wait(attempt, exc.retry_after))
        raise AssertionError("unreachable")  # pragma: no cover

    def wait(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_wait)
        return min(self.backoff * 2 ** (attempt - 1) * (0.5 + random.random()), self.max_wait)


Check = Callable[[str], Awaitable[bool]]
Notify = Callable[[str], Awaitable[None]]


@dataclass
class Outbound:
    pushers: Mapping[str, Pusher]  # channel prefix ("line", "tg") → its pusher
    is_active: Check | None = None  # False: the address unfollowed or blocked the bot; nothing is sent
    on_blocked: Notify | None = None  # told when the platform says the resident is gone
    retry: Retry = Retry()

    async def send(self, address: str, messages: Sequence[OutMessage], *, retry_key: str | None = None) -> Delivery:
        channel, _, user = address.partition(":")
        pusher = self.pushers.get(channel)
        if pusher is None or not user:
            return Delivery(address, Outcome.SKIPPED, f"no channel to push to for {channel or address!r}")
        if self.is_active is not None and not await self.is_active(address):
            return Delivery(address, Outcome.SKIPPED, "inactive (unfollowed or blocked)")
        key = retry_key or str(uuid.uuid4())
        try:
            attempts = await self.retry.run(lambda: pusher.push(user, messages, retry_key=key))
        except PushError as exc:
            if exc.blocked:
                if self.on_blocked is not None:
                    await self.on_blocked(address)
                return Delivery(address, Outcome.BLOCKED, exc.detail, exc.attempts)
            log.warning("push to %s failed (%s): %s", channel, exc.status, exc.detail)
            return Delivery(address, Outcome.FAILED, exc.detail, exc.attempts)
        return Delivery(address, Outcome.SENT, attempts=attempts)
