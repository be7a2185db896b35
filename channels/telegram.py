"""Telegram: updates in through the webhook (secret token first) or long polling, Rasa in the middle, replies out
through aiogram 3.

Thin by design: parse, call Rasa, reply. Private chats only; groups are not served. Residents' data never goes to
Telegram beyond the reply itself, and never into the logs.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatAction, ChatMemberStatus, ChatType, ContentType
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message, Update
from aiogram.types.update import UpdateTypeLookupError
from aiogram.utils.token import TokenValidationError
from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse

from .messages import BUSY, MAX_INPUT, NOT_TEXT, FirstTime, Membership, OutMessage
from .outbound import PushError
from .rasa import RasaClient, RasaUnavailable
from .telegram_messages import CallbackKeys, to_telegram_messages

__all__ = [
    "ALLOWED_UPDATES",
    "MAX_BODY",
    "STALE_BUTTON",
    "Membership",
    "TelegramChannel",
    "TelegramPusher",
    "telegram_bot",
    "telegram_router",
]

log = logging.getLogger("madoguchi.telegram")

MAX_BODY = 1_000_000  # bytes: Telegram's own updates are far smaller
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
SECRET_HEADER = "x-telegram-bot-api-secret-token"

STALE_BUTTON = "このボタンは使えなくなりました。もう一度、文字で送ってください。"
NOT_TEXT_TYPES = {
    ContentType.STICKER, ContentType.PHOTO, ContentType.VIDEO, ContentType.ANIMATION, ContentType.VOICE,
    ContentType.AUDIO, ContentType.VIDEO_NOTE, ContentType.DOCUMENT, ContentType.LOCATION, ContentType.VENUE,
    ContentType.CONTACT, ContentType.DICE, ContentType.POLL,
}  # fmt: skip


# -- the conversation ---------------------------------------------------------------------------------


# No "language": Telegram's language_code is the app's display language, and many Japanese residents use
# Telegram in English. The text of each message decides (see Assistant.language_of).
METADATA = {"channel": "telegram"}


@dataclass
class Relay:
    """Passes one resident's text to Rasa and Rasa's replies back; handed to the handlers by the dispatcher."""

    rasa: RasaClient
    keys: CallbackKeys = field(default_factory=CallbackKeys)

    async def ask(self, bot: Bot, chat_id: int, text: str) -> None:
        typing = asyncio.create_task(self._typing(bot, chat_id))
        try:
            replies = await self.rasa.send(f"tg:{chat_id}", text[:MAX_INPUT], metadata=METADATA)
        except RasaUnavailable:
            replies = [OutMessage(BUSY)]
        finally:
            await typing
        await self.send(bot, chat_id, replies)

    async def send(self, bot: Bot, chat_id: int, replies: Sequence[OutMessage]) -> None:
        for method in to_telegram_messages(chat_id, replies, keys=self.keys):
            try:
                await bot(method)
            except TelegramAPIError as exc:  # e.g. 403: the resident blocked the bot
                log.info("Telegram refused a reply (%s): %s", type(exc).__name__, exc.message)
                return

    @staticmethod
    async def _typing(bot: Bot, chat_id: int) -> None:
        try:
            await bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
        except TelegramAPIError as exc:
            log.info("Telegram refused the typing action (%s): %s", type(exc).__name__, exc.message)


def _message_router() -> Router:
    router = Router(name="telegram-messages")
    router.message.filter(F.chat.type == ChatType.PRIVATE)  # groups are not served

    @router.message(CommandStart())
    async def on_start(message: Message, bot: Bot, relay: Relay) -> None:
        # the welcome, and the offer of notices (as when a LINE resident adds the account)
        await relay.ask(bot, message.chat.id, "/follow")

    @router.message(F.text)
    async def on_text(message: Message, bot: Bot, relay: Relay) -> None:
        text = (message.text or "").strip()
        if not text:
            await relay.send(bot, message.chat.id, [OutMessage(NOT_TEXT)])
            return
        await relay.ask(bot, message.chat.id, text)

    @router.message(F.content_type.in_(NOT_TEXT_TYPES))
    async def on_not_text(message: Message, bot: Bot, relay: Relay) -> None:
        await relay.send(bot, message.chat.id, [OutMessage(NOT_TEXT)])

    return router


def _callback_router() -> Router:
    router = Router(name="telegram-callbacks")
    router.callback_query.filter(F.message.chat.type == ChatType.PRIVATE)

    @router.callback_query(F.data)
    async def on_button(query: CallbackQuery, bot: Bot, relay: Relay) -> None:
        payload = relay.keys.payload_for(query.data or "")
        try:  # stops the spinner on the button
            await query.answer(text=None if payload else STALE_BUTTON)
        except TelegramAPIError as exc:
            log.info("Telegram refused to answer a button (%s): %s", type(exc).__name__, exc.message)
        if payload and query.message:
            await relay.ask(bot, query.message.chat.id, payload)

    return router


@dataclass
class TelegramPusher:
    """Pushes to one Telegram chat: the `Pusher` of `channels.outbound`.

    Telegram knows no idempotency key: a reply split into several messages that fails half-way is sent again
    whole when retried. Replies are rarely split, so this is accepted.
    """

    bot: Bot
    keys: CallbackKeys = field(default_factory=CallbackKeys)

    async def push(self, user: str, messages: Sequence[OutMessage], *, retry_key: str) -> None:
        try:
            for method in to_telegram_messages(int(user), messages, keys=self.keys):
                await self.bot(method)
        except TelegramForbiddenError as exc:  # blocked by the resident, or the chat is gone
            raise PushError(exc.message, status=403, blocked=True) from exc
        except TelegramRetryAfter as exc:
            raise PushError(exc.message, status=429, retry=True, retry_after=float(exc.retry_after)) from exc
        except (TelegramServerError, TelegramNetworkError) as exc:
            raise PushError(exc.message, status=500, retry=True) from exc
        except TelegramAPIError as exc:
            raise PushError(exc.message, status=400) from exc


def _member_router() -> Router:
    """A resident who blocks the bot gets nothing more pushed; one who unblocks it is reachable again."""
    router = Router(name="telegram-membership")
    router.my_chat_member.filter(F.chat.type == ChatType.PRIVATE)

    @router.my_chat_member()
    async def on_membership(update: ChatMemberUpdated, membership: Membership) -> None:
        if update.new_chat_member.status == ChatMemberStatus.KICKED:
            await membership.left(f"tg:{update.chat.id}")
        elif update.new_chat_member.status == ChatMemberStatus.MEMBER:
            await membership.joined(f"tg:{update.chat.id}")

    return router


# -- the channel --------------------------------------------------------------------------------------


def telegram_bot(token: str, *, base_url: str) -> Bot:
    """A Bot talking to `base_url` (Telegram, or a fake in tests); raises ValueError for a malformed token."""
    try:
        return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
    except TokenValidationError as exc:
        raise ValueError("TELEGRAM_BOT_TOKEN does not look like a bot token from @BotFather (123456:ABC-…)") from exc


@dataclass
class TelegramChannel:
    """Relays Telegram updates to Rasa and the replies back; one per process, built by the composition root."""

    bot: Bot
    dispatcher: Dispatcher
    secret: str  # empty: the webhook is refused (long polling still works)
    first_time: FirstTime | None = None  # True the first time an update id is seen; None: no deduplication

    @classmethod
    def create(
        cls,
        *,
        token: str,
        base_url: str,
        secret: str,
        rasa: RasaClient,
        first_time: FirstTime | None = None,
        membership: Membership | None = None,
    ) -> TelegramChannel:
        dispatcher = Dispatcher(relay=Relay(rasa), membership=membership or Membership())
        dispatcher.include_routers(_message_router(), _callback_router(), _member_router())
        return cls(telegram_bot(token, base_url=base_url), dispatcher, secret, first_time)

    def parse(self, body: bytes) -> Update:
        """One update from a webhook body; raises ValueError when it is not one."""
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("an update is a JSON object")
        return Update.model_validate(data, context={"bot": self.bot})  # pydantic's ValidationError is a ValueError

    async def handle(self, update: Update) -> None:
        try:
            update.event_type  # noqa: B018 - raises for a kind of update this aiogram does not know
        except UpdateTypeLookupError:
            log.info("Telegram update %s of an unknown kind ignored", update.update_id)
            return
        try:
            if self.first_time is None or await self.first_time(f"tg:{update.update_id}"):  # a redelivery: once
                await self.dispatcher.feed_update(self.bot, update)
        except Exception:  # one bad update must not stop the others
            log.exception("Telegram update %s failed", update.update_id)

    async def poll(self, *, handle_signals: bool = True) -> None:
        """Long polling, for development: the webhook is deleted first (Telegram allows one or the other)."""
        await self.bot.delete_webhook()
        await self.dispatcher.start_polling(
            self.bot, allowed_updates=ALLOWED_UPDATES, handle_signals=handle_signals, close_bot_session=False
        )

    async def aclose(self) -> None:
        await self.bot.session.close()


# -- the webhook --------------------------------------------------------------------------------------


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _secret_matches(given: str | None, secret: str) -> bool:
    return hmac.compare_digest((given or "").encode(), secret.encode())


async def _read_body(request: Request) -> bytes | None:
    """The body, or None when it passes MAX_BODY (read no further than that)."""
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)


def telegram_router(channel: TelegramChannel | None) -> APIRouter:
    router = APIRouter()

    @router.post("/telegram/webhook")
    async def webhook(request: Request, background: BackgroundTasks) -> JSONResponse:
        if channel is None:
            return _error(503, "Telegram is not configured (set TELEGRAM_BOT_TOKEN)")
        if not channel.secret:
            return _error(503, "Set TELEGRAM_WEBHOOK_SECRET: the Telegram webhook is refused without a secret token")
        if not _secret_matches(request.headers.get(SECRET_HEADER), channel.secret):
            host = request.client.host if request.client else "?"
            log.warning("Telegram webhook with a missing or wrong secret token from %s", host)
            return _error(401, "invalid secret token")
        body = await _read_body(request)
        if body is None:
            return _error(413, "body too large")
        try:
            update = channel.parse(body)
        except (ValueError, UnicodeDecodeError):
            return _error(400, "malformed update")
        background.add_task(channel.handle, update)
        return JSONResponse({})

    return router
