"""LINE: the webhook in (signature first), Rasa in the middle, replies out through line-bot-sdk 3 (async).

Thin by design: parse, call Rasa, reply. Residents' data never goes to LINE beyond the reply itself.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiohttp
from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    PushMessageRequest,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
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

from .line_messages import to_line_messages
from .messages import BUSY, MAX_INPUT, NOT_TEXT, FirstTime, Membership, OutMessage
from .outbound import PushError
from .rasa import RasaClient, RasaUnavailable

__all__ = ["MAX_BODY", "LineChannel", "LinePusher", "line_router", "to_line_messages"]

log = logging.getLogger("madoguchi.line")

MAX_BODY = 1_000_000  # bytes: LINE's own webhooks are far smaller


@dataclass
class LinePusher:
    """Pushes to one LINE user: the `Pusher` of `channels.outbound`, and the fallback when a reply token expired."""

    api: AsyncMessagingApi

    async def push(self, user: str, messages: Sequence[OutMessage], *, retry_key: str) -> None:
        request = PushMessageRequest(to=user, messages=to_line_messages(messages))
        try:
            await self.api.push_message(request, x_line_retry_key=retry_key)
        except ApiException as exc:
            if exc.status == 409:  # this retry key was accepted before: the message went out once
                return
            raise _push_error(exc) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PushError(f"LINE did not answer: {exc!r}", retry=True) from exc


def _push_error(exc: ApiException) -> PushError:
    status = exc.status or 0
    retry_after = (exc.headers or {}).get("Retry-After")
    body = exc.body.decode("utf-8", "replace") if isinstance(exc.body, bytes) else str(exc.body or "")
    return PushError(
        f"LINE answered {status}: {body[:300]}",
        status=status,
        retry=status == 429 or status >= 500,
        retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None,
    )


@dataclass
class LineChannel:
    """Relays LINE events to Rasa and the replies back; one per process, built by the composition root."""

    parser: WebhookParser
    api: AsyncMessagingApi
    rasa: RasaClient
    first_time: FirstTime
    membership: Membership = field(
        default_factory=Membership
    )  # an unfollow is `left`: the resident is sent nothing more

    @classmethod
    def create(
        cls,
        *,
        secret: str,
        token: str,
        base_url: str,
        rasa: RasaClient,
        first_time: FirstTime,
        membership: Membership | None = None,
    ) -> LineChannel:
        config = Configuration(access_token=token, host=base_url.rstrip("/"))
        return cls(
            WebhookParser(secret),
            AsyncMessagingApi(AsyncApiClient(config)),
            rasa,
            first_time,
            membership or Membership(),
        )

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
            await self.membership.left(f"line:{user}")
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
            return "/follow"  # the welcome, and the offer to sign up for notices
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
        await LinePusher(self.api).push(user, replies, retry_key=str(uuid.uuid4()))


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
