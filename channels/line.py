"""LINE: the webhook in (signature first), Rasa in the middle, replies out through line-bot-sdk 3 (async).

Thin by design: parse, call Rasa, reply. Residents' data never goes to LINE beyond the reply itself.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    MessageAction,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
)
from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)

from .messages import OutMessage
from .rasa import RasaClient, RasaUnavailable

__all__ = ["MAX_BODY", "LineChannel", "line_router", "to_line_messages"]

log = logging.getLogger("madoguchi.line")

MAX_BODY = 1_000_000  # bytes: LINE's own webhooks are far smaller
MAX_TEXT = 5000  # characters in one text message
MAX_MESSAGES = 5  # messages in one reply or push
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_INPUT = 2000  # characters of a resident's message passed to Rasa

NOT_TEXT = "ありがとうございます。ご質問は文字で送ってください（例：「コンビニで住民票はとれますか」）。"
BUSY = "ただいま混み合っています。少し待ってから、もう一度送ってください。"

FirstTime = Callable[[str], Awaitable[bool]]  # True the first time an event id is seen, False after


def _label(title: str) -> str:
    return title if len(title) <= MAX_LABEL else title[: MAX_LABEL - 1] + "…"


def _quick_reply(message: OutMessage) -> QuickReply | None:
    items = []
    for button in message.buttons[:MAX_QUICK_REPLIES]:
        if button.payload.startswith("/"):  # an intent payload: the resident sees the title, Rasa gets the payload
            action: Any = PostbackAction(
                label=_label(button.title), data=button.payload[:300], displayText=button.title
            )
        else:
            action = MessageAction(label=_label(button.title), text=button.payload)
        items.append(QuickReplyItem(action=action))
    return QuickReply(items=items) if items else None


def _chunks(text: str) -> list[str]:
    return [text[i : i + MAX_TEXT] for i in range(0, len(text), MAX_TEXT)] or [""]


def to_line_messages(messages: Sequence[OutMessage]) -> list[TextMessage]:
    """Rasa's replies as at most five LINE text messages; the last one carries the buttons as quick replies."""
    texts = [chunk for m in messages for chunk in _chunks(m.text) if chunk.strip()]
    if len(texts) > MAX_MESSAGES:  # keep every word: join what does not fit into the fifth message
        texts = [*texts[: MAX_MESSAGES - 1], "\n\n".join(texts[MAX_MESSAGES - 1 :])[:MAX_TEXT]]
    quick = next((q for q in (_quick_reply(m) for m in reversed(messages)) if q), None)
    out = [TextMessage(text=t) for t in texts] or [TextMessage(text="…")]
    out[-1].quick_reply = quick
    return out


@dataclass
class LineChannel:
    """Relays LINE events to Rasa and the replies back; one per process, built by the composition root."""

    parser: WebhookParser
    api: AsyncMessagingApi
    rasa: RasaClient
    first_time: FirstTime
    on_unfollow: Callable[[str], Awaitable[None]] | None = None

    @classmethod
    def create(cls, *, secret: str, token: str, base_url: str, rasa: RasaClient, first_time: FirstTime) -> LineChannel:
        config = Configuration(access_token=token, host=base_url.rstrip("/"))
        return cls(WebhookParser(secret), AsyncMessagingApi(AsyncApiClient(config)), rasa, first_time)

    def parse(self, body: bytes, signature: str) -> list[Event]:
        """The events of a webhook; raises InvalidSignatureError before anything of the body is read."""
        return list(self.parser.parse(body.decode("utf-8"), signature))

    async def handle(self, events: Sequence[Event]) -> None:
        for event in events:
            try:
                event_id = getattr(event, "webhook_event_id", None)
                if event_id is None or await self.first_time(event_id):  # a redelivery is answered once
                    await self._handle_one(event)
            except Exception:  # one bad event must not stop the others
                log.exception("LINE event %s failed", getattr(event, "webhook_event_id", "?"))

    async def _handle_one(self, event: Event) -> None:
        source = getattr(event, "source", None)
        user = source.user_id if isinstance(source, UserSource) else None
        if user is None:
            return  # groups and rooms are not served
        if isinstance(event, UnfollowEvent):
            if self.on_unfollow:
                await self.on_unfollow(user)
            return
        text = self._text_of(event)
        reply_token = getattr(event, "reply_token", None)
        if text is None:
            if reply_token and isinstance(event, MessageEvent):
                await self._send(user, reply_token, [OutMessage(NOT_TEXT)])
            return
        await self._loading(user)
        try:
            replies = await self.rasa.send(f"line:{user}", text[:MAX_INPUT], metadata={"channel": "line"})
        except RasaUnavailable:
            replies = [OutMessage(BUSY)]
        await self._send(user, reply_token, replies)

    @staticmethod
    def _text_of(event: Event) -> str | None:
        if isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent):
            return event.message.text.strip() or None
        if isinstance(event, PostbackEvent):
            return event.postback.data
        if isinstance(event, FollowEvent):
            return "/greet"
        return None

    async def _loading(self, user: str) -> None:
        try:
            await self.api.show_loading_animation(ShowLoadingAnimationRequest(chatId=user, loadingSeconds=10))
        except ApiException as exc:
            log.info("loading animation refused: %s", exc.status)

    async def _send(self, user: str, reply_token: str | None, replies: Sequence[OutMessage]) -> None:
        messages = to_line_messages(replies)
        if reply_token:
            try:
                await self.api.reply_message(ReplyMessageRequest(replyToken=reply_token, messages=messages))
                return
            except ApiException as exc:
                if exc.status != 400:
                    raise
                log.info("reply token refused (expired?); pushing instead")
        await self.api.push_message(PushMessageRequest(to=user, messages=messages))


def line_router(channel: LineChannel | None) -> APIRouter:
    router = APIRouter()

    @router.post("/line/webhook")
    async def webhook(request: Request, background: BackgroundTasks) -> JSONResponse:
        if channel is None:
            return JSONResponse({"error": "LINE is not configured (set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN)"},
                                status_code=503)  # fmt: skip
        if int(request.headers.get("content-length") or 0) > MAX_BODY:
            return JSONResponse({"error": "body too large"}, status_code=413)
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": "body too large"}, status_code=413)
        try:
            events = channel.parse(body, request.headers.get("x-line-signature", ""))
        except InvalidSignatureError:
            log.warning(
                "LINE webhook with a missing or wrong signature from %s", request.client.host if request.client else "?"
            )
            return JSONResponse({"error": "invalid signature"}, status_code=400)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return JSONResponse({"error": "malformed body"}, status_code=400)
        background.add_task(channel.handle, events)
        return JSONResponse({})

    return router
