"""The one way out: replies to channel messages, pushes, and the notice sender's LINE and Telegram adapters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from channels.line_multicast import LineMulticaster
from channels.messages import OutMessage, from_rasa
from channels.outbound import Delivery, Outbound, Pusher

from ..bookings.courier import Push
from ..dialogue import Reply
from ..notices import NoticeScheduler, Outbox, Sender
from ..residents import Residents
from ..settings import Settings
from .stores import notice_store

if TYPE_CHECKING:  # aiogram takes seconds to import: only when Telegram is configured
    from channels.telegram import TelegramPusher

__all__ = ["LineNotices", "TelegramNotices", "messages_of", "notice_scheduler", "open_pushers", "push_via", "pushers"]

Run = Callable[..., Awaitable[Any]]


# -- the one way from a reply to channel messages ---------------------------------------------------------------


def messages_of(replies: Sequence[Reply]) -> list[OutMessage]:
    """Replies as channel messages, by the same conversion as Rasa's replies (text, buttons, custom payloads)."""
    return from_rasa([reply.as_message() for reply in replies])


def push_via(outbound: Outbound) -> Push:
    """Replies pushed through the channels' outbound interface: booking messages and staff's test sends."""

    async def push(address: str, reply: Reply, *, retry_key: str | None = None) -> Delivery:
        return await outbound.send(address, messages_of([reply]), retry_key=retry_key)

    return push


# -- notices ----------------------------------------------------------------------------------------------------


@dataclass
class LineNotices:
    multicaster: LineMulticaster

    async def multicast(self, users: Sequence[str], replies: Sequence[Reply], *, retry_key: str) -> None:
        await self.multicaster.multicast(users, messages_of(replies), retry_key=retry_key)

    async def remaining(self) -> int | None:
        return await self.multicaster.remaining()


@dataclass
class TelegramNotices:
    pusher: TelegramPusher

    async def push(self, chat: str, replies: Sequence[Reply], *, retry_key: str) -> None:
        await self.pusher.push(chat, messages_of(replies), retry_key=retry_key)


def notice_scheduler(
    db: Database,
    settings: Settings,
    *,
    line_api: Any = None,  # AsyncMessagingApi; None: LINE is not configured
    bot: Any = None,  # aiogram Bot; None: Telegram is not configured
    run: Run | None = None,
    clock: Callable[[], datetime] | None = None,
) -> NoticeScheduler:
    """Staff's notices to segments: multicast on LINE, chat by chat on Telegram, sent by one process at a time."""
    store = notice_store(db, settings, clock=clock)
    outbox = Outbox(db, clock=store.clock)
    residents = Residents(db)
    sender = Sender(
        outbox,
        line=LineNotices(LineMulticaster(line_api, timeout=settings.notice_timeout)) if line_api else None,
        tg=TelegramNotices(_telegram_pusher(bot)) if bot else None,
        deactivate=residents.deactivate,
        rate=settings.notice_rate,
    )
    if run is not None:
        sender.run = run
    return NoticeScheduler(store, outbox, sender, clock=store.clock)


def _telegram_pusher(bot: Any) -> TelegramPusher:
    from channels.telegram import TelegramPusher

    return TelegramPusher(bot)


def pushers(*, line_api: Any = None, bot: Any = None) -> dict[str, Pusher]:
    """The channels a push can go out on, by address prefix."""
    from channels.line import LinePusher

    return {
        **({"line": LinePusher(line_api)} if line_api is not None else {}),
        **({"tg": _telegram_pusher(bot)} if bot is not None else {}),
    }


@asynccontextmanager
async def open_pushers(settings: Settings) -> AsyncIterator[tuple[Any, Any]]:
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
