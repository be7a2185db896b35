"""Sending a notice's due batches: LINE by multicast (500 users a request), Telegram chat by chat.

Requests are paced below the platform's limits (`rate` a second, a few in flight), and a refused request is
tried again by the channels' one retry loop (`channels.outbound.Retry`: backoff, Retry-After, the batch's retry
key). A platform that keeps failing stops the round: the batch stays `sending` and the next round sends it
again with its key.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from channels.outbound import PushError, Retry

from ..dialogue import Reply
from .outbox import Batch, Outbox
from .store import Notice

__all__ = ["ChatOut", "LineOut", "Pace", "Sender"]

log = logging.getLogger("madoguchi.notices")
T = TypeVar("T")
LINE_BATCH = 500  # user ids in one multicast: LINE's limit
LINE_RATE_LIMIT = 200  # multicast requests a second LINE allows a channel
CHAT_BATCH = 50  # Telegram chats claimed at a time
_NAMES = {"line": "LINE", "tg": "Telegram"}


class LineOut(Protocol):
    """Raises `channels.outbound.PushError` when LINE refuses."""

    async def multicast(self, users: Sequence[str], replies: Sequence[Reply], *, retry_key: str) -> None: ...

    async def remaining(self) -> int | None:
        """Messages left this month; None when the account has no limit (地方公共団体プラン)."""
        ...


class ChatOut(Protocol):
    async def push(self, chat: str, replies: Sequence[Reply], *, retry_key: str) -> None: ...


async def _inline(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    return fn(*args, **kwargs)


@dataclass
class Pace:
    """At most `rate` requests a second, evenly spaced; after a hiccup (nobody was waiting for a turn), up to
    `burst` requests may go early to make up the time lost, so the rate holds over the whole send."""

    rate: float
    burst: int = 0
    _next: float | None = None

    async def wait(self) -> None:
        now = time.monotonic()
        at = max(now if self._next is None else self._next, now - self.burst / self.rate)
        self._next = at + 1.0 / self.rate
        if at > now:
            await asyncio.sleep(at - now)


class _Stalled(Exception):
    """The platform kept failing: stop this round, send the batch again in the next."""


@dataclass
class Sender:
    outbox: Outbox
    line: LineOut | None = None
    tg: ChatOut | None = None
    deactivate: Callable[[str], None] | None = None  # a blocked Telegram address: send nothing more to it
    run: Callable[..., Awaitable[Any]] = _inline  # the outbox's blocking calls: the app's worker thread, or inline
    rate: float = 20.0
    in_flight: int = 8  # requests under way at once: a slow one does not hold the others up
    retry: Retry = field(default_factory=lambda: Retry(attempts=5))
    pace: Pace = field(init=False)

    def __post_init__(self) -> None:
        if not 0 < self.rate <= LINE_RATE_LIMIT:
            raise ValueError(f"MADOGUCHI_NOTICE_RATE must be above 0 and at most {LINE_RATE_LIMIT} (LINE's limit)")
        self.pace = Pace(self.rate, burst=int(self.rate // 4))

    async def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """A blocking outbox call through `run` (which, as the app's worker, takes no keyword arguments)."""
        result: T = await self.run(functools.partial(fn, *args, **kwargs))
        return result

    async def send_due(self, notice: Notice) -> bool:
        """Send every batch of `notice` that is due now; False when the platform kept failing."""
        replies = {lang: [notice.version(lang).reply()] for lang in notice.versions}
        await self.call(self.outbox.mark_gone, notice.id)
        slots = asyncio.Semaphore(self.in_flight)
        tasks: set[asyncio.Task[None]] = set()
        stalled = asyncio.Event()

        async def go(batch: Batch) -> None:
            try:
                await self._send(batch, replies[batch.language] if batch.language in replies else replies["ja"])
            except _Stalled:
                stalled.set()
            except Exception:  # the batch stays `sending`: the next round sends it again with its key
                log.exception("notice %s batch %s failed", notice.id, batch.id)
                stalled.set()
            finally:
                slots.release()

        async def spawn(batch: Batch) -> None:
            task = asyncio.create_task(go(batch))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

        for left in await self.call(self.outbox.open_batches, notice.id):  # left over from a crash or outage
            await slots.acquire()
            await spawn(left)
        for channel, size in (("line", LINE_BATCH), ("tg", CHAT_BATCH)):
            if (self.line if channel == "line" else self.tg) is None:
                await self.call(self.outbox.fail_channel, notice.id, channel, f"{_NAMES[channel]} is not configured")
                continue
            for language in notice.versions:
                while not stalled.is_set():
                    await slots.acquire()  # claim only what can go out now: memory stays flat
                    if stalled.is_set():
                        slots.release()
                        break
                    claimed = await self.call(
                        self.outbox.claim, notice.id, channel=channel, language=language, size=size
                    )
                    if claimed is None:
                        slots.release()
                        break
                    await spawn(claimed)
        if tasks:
            await asyncio.gather(*tasks)
        return not stalled.is_set()

    async def _send(self, batch: Batch, replies: Sequence[Reply]) -> None:
        if batch.channel == "line" and self.line is not None:
            line = self.line
            error = await self._try(lambda: line.multicast(batch.users, replies, retry_key=batch.retry_key), batch)
            await self.call(self.outbox.finish_batch, batch.id, status="failed" if error else "sent", detail=error)
        elif batch.channel == "tg" and self.tg is not None:
            for address, chat in zip(batch.addresses, batch.users, strict=True):
                await self._one_chat(batch, address, chat, replies)
            await self.call(self.outbox.finish_batch, batch.id, status="sent")
        else:
            raise _Stalled(f"no {batch.channel} channel configured")

    async def _one_chat(self, batch: Batch, address: str, chat: str, replies: Sequence[Reply]) -> None:
        tg = self.tg
        assert tg is not None
        try:
            error = await self._try(lambda: tg.push(chat, replies, retry_key=batch.retry_key), batch)
        except PushError as exc:  # blocked: nothing more is sent to this address
            await self.call(self.outbox.finish_one, batch.id, address, status="blocked", detail=exc.detail)
            if self.deactivate is not None:
                await self.call(self.deactivate, address)
            return
        await self.call(self.outbox.finish_one, batch.id, address, status="failed" if error else "sent", detail=error)

    async def _try(self, request: Callable[[], Awaitable[None]], batch: Batch) -> str:
        """'' once accepted, the refusal when it is final; raises _Stalled when retries ran out."""

        async def retried(exc: PushError) -> None:
            await self.call(self.outbox.attempted, batch.id, exc.detail)

        try:
            await self.retry.run(request, before=self.pace.wait, retried=retried)
        except PushError as exc:
            if exc.blocked:
                raise
            if not exc.retry:
                log.warning("notice %s batch %s refused: %s", batch.notice_id, batch.id, exc.detail)
                return exc.detail or "refused"
            await self.call(self.outbox.attempted, batch.id, exc.detail)
            log.warning("notice %s batch %s: platform still failing (%s)", batch.notice_id, batch.id, exc.detail)
            raise _Stalled(exc.detail) from exc
        return ""
