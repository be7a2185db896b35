"""Composition root of notices: the LINE and Telegram adapters the sender uses, built from the settings.

The only module of `bot.notices` that imports `channels`: it turns replies into channel messages and the
channels' `PushError` into the sender's `SendError`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from channels.line_multicast import LineMulticaster
from channels.messages import Button, OutMessage
from channels.outbound import PushError

from ..dialogue import Reply
from ..settings import Settings
from .outbox import Outbox
from .scheduler import NoticeScheduler
from .sender import Sender, SendError, _inline
from .store import NoticeStore

if TYPE_CHECKING:  # aiogram takes seconds to import: only when Telegram is configured
    from channels.telegram import TelegramPusher

__all__ = ["LineNotices", "TelegramNotices", "notice_scheduler", "open_channels", "send_one"]


def _out(replies: Sequence[Reply]) -> list[OutMessage]:
    return [OutMessage(r.text, tuple(Button(b.title, b.payload) for b in r.buttons)) for r in replies]


def _send_error(exc: PushError) -> SendError:
    return SendError(exc.detail, retry=exc.retry, blocked=exc.blocked, retry_after=exc.retry_after)


@dataclass
class LineNotices:
    multicaster: LineMulticaster

    async def multicast(self, users: Sequence[str], replies: Sequence[Reply], *, retry_key: str) -> None:
        try:
            await self.multicaster.multicast(users, _out(replies), retry_key=retry_key)
        except PushError as exc:
            raise _send_error(exc) from exc

    async def remaining(self) -> int | None:
        try:
            return await self.multicaster.remaining()
        except PushError as exc:
            raise _send_error(exc) from exc


@dataclass
class TelegramNotices:
    pusher: TelegramPusher

    async def push(self, chat: str, replies: Sequence[Reply], *, retry_key: str) -> None:
        try:
            await self.pusher.push(chat, _out(replies), retry_key=retry_key)
        except PushError as exc:
            raise _send_error(exc) from exc


def notice_scheduler(
    db: Database,
    settings: Settings,
    *,
    line_api: Any = None,  # AsyncMessagingApi; None: LINE is not configured
    bot: Any = None,  # aiogram Bot; None: Telegram is not configured
    run: Callable[..., Awaitable[Any]] = _inline,
    clock: Callable[[], datetime] | None = None,
) -> NoticeScheduler:
    store = NoticeStore.from_settings(db, settings, clock=clock)
    outbox = Outbox(db, clock=store.clock)
    sender = Sender(
        outbox,
        line=LineNotices(LineMulticaster(line_api, timeout=settings.notice_timeout)) if line_api else None,
        tg=_telegram(bot) if bot else None,
        run=run,
        rate=settings.notice_rate,
    )
    return NoticeScheduler(store, outbox, sender, clock=store.clock)


def _telegram(bot: Any) -> TelegramNotices:
    from channels.telegram import TelegramPusher

    return TelegramNotices(TelegramPusher(bot))


@asynccontextmanager
async def open_channels(settings: Settings) -> AsyncIterator[tuple[Any, Any]]:
    """The LINE API and the Telegram bot of the settings (None when not configured), closed afterwards."""
    from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration

    client = None
    if settings.line_channel_access_token:
        config = Configuration(access_token=settings.line_channel_access_token, host=settings.line_api_base_url)
        client = AsyncApiClient(config)
    bot = None
    if settings.telegram_bot_token:
        from channels.telegram import telegram_bot

        bot = telegram_bot(settings.telegram_bot_token, base_url=settings.telegram_api_base_url)
    try:
        yield (AsyncMessagingApi(client) if client else None), bot
    finally:
        if client is not None:
            await client.close()
        if bot is not None:
            await bot.session.close()


async def send_one(address: str, reply: Reply, *, line_api: Any, bot: Any, settings: Settings) -> None:
    """One message to one address ("line:U…", "tg:123"), e.g. a staff account's test; raises SendError."""
    channel, _, user = address.partition(":")
    key = str(uuid.uuid4())
    if channel == "line" and line_api is not None:
        await LineNotices(LineMulticaster(line_api, timeout=settings.notice_timeout)).multicast(
            [user], [reply], retry_key=key
        )
    elif channel == "tg" and bot is not None:
        await _telegram(bot).push(user, [reply], retry_key=key)
    else:
        raise SendError(f"{channel or address} is not configured")
