"""The app process as one ASGI app: the Rasa action endpoint, the channels' webhooks, the web chat, the console.

Everything it serves is built once in `bot.wiring`; this module only mounts it and runs its background tasks.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

from channels import webchat_router
from channels.line import line_router
from channels.telegram import telegram_router

from .console.router import Refused, console_router, refused_page
from .faq import Assistant
from .settings import Settings
from .wiring import AppParts, build_app

__all__ = ["create_app"]

log = logging.getLogger("madoguchi")


def create_app(settings: Settings | None = None, *, assistant: Assistant | None = None) -> FastAPI:
    parts = build_app(settings or Settings.from_env(), assistant=assistant)
    app = FastAPI(title="madoguchi", lifespan=_lifespan(parts), docs_url=None, redoc_url=None)
    app.add_api_route("/webhook", _action_endpoint(parts), methods=["POST"], include_in_schema=False)
    app.add_api_route("/health", _health(parts), methods=["GET"], include_in_schema=False)
    app.include_router(webchat_router(parts.rasa))
    app.include_router(line_router(parts.line))
    app.include_router(telegram_router(parts.telegram))
    app.include_router(console_router(parts.console))
    app.add_exception_handler(Refused, refused_page)  # the console's refusals as pages in Japanese
    app.state.parts = parts
    return app


def _lifespan(parts: AppParts) -> Callable[[FastAPI], Any]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        searcher = parts.assistant.searcher
        await parts.worker.run(searcher.search, "ウォームアップ")  # the index and the model, before the first question
        log.info("knowledge base ready: %d entries", (await parts.worker.run(searcher.store.stats))["entries"])
        tasks = [asyncio.create_task(parts.courier.forever()), asyncio.create_task(parts.notices.forever())]
        yield
        for task in tasks:
            task.cancel()
        if parts.telegram:
            await parts.telegram.aclose()
        await parts.rasa.aclose()
        parts.worker.pool.shutdown(wait=True)

    return lifespan


def _action_endpoint(parts: AppParts) -> Callable[[Request], Awaitable[JSONResponse]]:
    executor = ActionExecutor()
    for action in parts.actions:
        executor.register_action(action)
    token = parts.settings.action_token

    async def action_endpoint(request: Request) -> JSONResponse:
        if (request.query_params.get("token") != token) if token else not _loopback(request):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        call: dict[str, Any] = await request.json()
        try:
            result = await executor.run(call)
        except ActionNotFoundException as exc:
            return JSONResponse({"error": str(exc), "action_name": exc.action_name}, status_code=404)
        except ActionExecutionRejection as exc:
            return JSONResponse({"error": exc.message, "action_name": exc.action_name}, status_code=400)
        if result is None:
            return JSONResponse({"events": [], "responses": []})
        # rasa_sdk fills every response with empty keys (image, attachment, …); Rasa validates each one
        responses = [{k: v for k, v in r.items() if v not in (None, [], {}, "")} for r in result.responses]
        return JSONResponse({"events": result.events, "responses": responses})

    return action_endpoint


def _health(parts: AppParts) -> Callable[[], Awaitable[dict[str, Any]]]:
    async def health() -> dict[str, Any]:
        stats = await parts.worker.run(parts.assistant.searcher.store.stats)
        return {"status": "ok", "entries": stats["entries"], "rasa": await parts.rasa.ready()}

    return health


def _loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in ("localhost", "testclient")
