"""The web chat: a page and a JSON endpoint that relays messages to Rasa."""

from __future__ import annotations

import re
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel

from .rasa import RasaClient, RasaUnavailable

__all__ = ["MAX_MESSAGE", "webchat_router"]

MAX_MESSAGE = 2000  # characters
_SENDER = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_ASSETS = {"chat.js": "text/javascript", "chat.css": "text/css"}


class ChatIn(BaseModel):
    sender: str
    message: str
    language: str | None = None


def _error(status: int, text: str, code: str) -> JSONResponse:
    return JSONResponse({"error": code, "messages": [{"text": text}]}, status_code=status)


def webchat_router(rasa: RasaClient) -> APIRouter:
    router = APIRouter()
    web = resources.files("channels") / "web"

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse((web / "index.html").read_text(encoding="utf-8"))

    @router.get("/static/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        if name not in _ASSETS:
            return Response(status_code=404)
        return Response((web / name).read_bytes(), media_type=_ASSETS[name])

    @router.post("/api/chat")
    async def chat(request: Request, body: ChatIn) -> JSONResponse:
        text = body.message.strip()
        if not _SENDER.match(body.sender):
            return _error(400, "画面を読み込みなおしてください。", "bad_sender")
        if not text:
            return _error(422, "メッセージを入力してください。", "empty")
        if len(text) > MAX_MESSAGE:
            return _error(
                422, f"メッセージが長すぎます（{MAX_MESSAGE}文字まで）。短くして、もう一度送ってください。", "too_long"
            )
        metadata = {"channel": "web", **({"language": body.language} if body.language else {})}
        try:
            replies = await rasa.send(f"web:{body.sender}", text, metadata=metadata)
        except RasaUnavailable:
            return _error(503, "ただいま混み合っています。少し待ってから、もう一度送ってください。", "rasa_unavailable")
        return JSONResponse({"messages": [m.to_dict() for m in replies]})

    return router
