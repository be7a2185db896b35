"""Composition root of the app process: one ASGI app with the action endpoint, the web chat and health."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from threadpoolctl import threadpool_limits

from channels import RasaClient, webchat_router
from channels.line import LineChannel, LinePusher, line_router
from channels.messages import Button as OutButton
from channels.messages import FirstTime, Membership, OutMessage
from channels.outbound import Delivery, Outbound
from channels.telegram import TelegramChannel, TelegramPusher, telegram_router
from knowledge import (
    HashingEmbedder,
    KnowledgeStore,
    Searcher,
    SentenceTransformerEmbedder,
    open_database,
    read_sources,
)
from knowledge.search import HASHING_CONFIG

from .actions import build_actions
from .booking_desk import BookingForm, MyBookings
from .bookings import Bookings
from .bookings.courier import Courier, Push
from .console.router import Refused, console_router, refused_page
from .dialogue import Reply
from .faq import Assistant, Logbook
from .notices.wiring import notice_scheduler
from .profile_desk import ProfileForm
from .residents import Residents, load_areas
from .residents.consent import ConsentDesk
from .residents.erasure import Conversations, Erasure
from .seen import SeenEvents
from .settings import Settings

__all__ = ["build_assistant", "create_app", "push_via"]

log = logging.getLogger("madoguchi")
T = TypeVar("T")
OnWorker = Callable[..., Awaitable[Any]]


def build_assistant(settings: Settings) -> Assistant:
    db = open_database(settings.db_path)
    store = KnowledgeStore(db)
    hashing = settings.embedding_model == "hashing"
    embedder = (
        HashingEmbedder()
        if hashing
        else SentenceTransformerEmbedder(settings.embedding_model, threads=settings.torch_threads)
    )
    searcher = Searcher(store, embedder=embedder, config=HASHING_CONFIG if hashing else None)
    logbook = Logbook(db, secret_key=settings.secret_key)
    return Assistant(
        searcher=searcher, logbook=logbook, sources=read_sources(), default_municipality=settings.municipality
    )


def _loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in ("localhost", "testclient")


def create_app(settings: Settings | None = None, *, assistant: Assistant | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    assistant = assistant or build_assistant(settings)
    # searches, embeddings and SQLite writes run on one worker thread: the event loop stays free for webhooks
    worker = ThreadPoolExecutor(
        max_workers=1,
        thread_name_prefix="madoguchi-worker",
        # One question is too little work to share: idle BLAS/OpenMP threads spin and burn the CPU that Rasa
        # needs (measured: 104 ms of CPU per question with the default pools, 29 ms with one thread each).
        initializer=threadpool_limits,
        initargs=(settings.torch_threads,),
    )

    async def on_worker(fn: Callable[..., T], /, *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(worker, fn, *args)

    worker_db = open_database(settings.db_path)  # residents and bookings: used on the worker thread only
    residents = Residents(worker_db)
    bookings = Bookings(worker_db, reminder_at=settings.reminder_at)
    rasa = RasaClient(settings.rasa_url)
    # redelivered webhooks are answered once; its own connection, as it is used on the event loop
    seen = SeenEvents(open_database(settings.db_path))
    membership = _membership(residents, on_worker)
    telegram = _telegram(settings, rasa=rasa, first_time=seen.first_time, membership=membership)
    line = _line(settings, rasa=rasa, first_time=seen.first_time, membership=membership)
    # pushes (booking messages, notices) go out through this, on whichever channel a resident uses
    outbound = Outbound(
        {
            **({"line": LinePusher(line.api)} if line else {}),
            **({"tg": TelegramPusher(telegram.bot)} if telegram else {}),
        },
        is_active=lambda address: on_worker(residents.active, address),
        on_blocked=lambda address: on_worker(residents.deactivate, address),
    )
    courier = Courier(bookings, push_via(outbound), run=on_worker)
    notices = notice_scheduler(  # staff's notices to segments: multicast on LINE, chat by chat on Telegram
        worker_db, settings, line_api=line.api if line else None, bot=telegram.bot if telegram else None, run=on_worker
    )
    executor = ActionExecutor()
    profile = ProfileForm(residents, areas=load_areas(settings.municipality, path=settings.areas_file))
    erasure = Erasure(residents, logbook=assistant.logbook, conversations=Conversations(settings.tracker_db))
    actions = build_actions(
        assistant,
        consent=ConsentDesk(residents, profile=profile),
        profile=profile,
        erasure=erasure,
        booking_form=BookingForm(bookings, clock=bookings.clock),
        my_bookings=MyBookings(bookings, clock=bookings.clock),
        bookings_changed=courier.nudge,
        worker=worker,
    )
    for action in actions:
        executor.register_action(action)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # build the index and load the model before the first question
        await on_worker(assistant.searcher.search, "ウォームアップ")
        log.info("knowledge base ready: %d entries", (await on_worker(assistant.searcher.store.stats))["entries"])
        scheduler = asyncio.create_task(courier.forever())
        notice_rounds = asyncio.create_task(notices.forever())
        yield
        scheduler.cancel()
        notice_rounds.cancel()
        if telegram:
            await telegram.aclose()
        await rasa.aclose()
        worker.shutdown(wait=True)

    app = FastAPI(title="madoguchi", lifespan=lifespan, docs_url=None, redoc_url=None)

    @app.post("/webhook", include_in_schema=False)
    async def action_endpoint(request: Request) -> JSONResponse:
        if settings.action_token:
            if request.query_params.get("token") != settings.action_token:
                return JSONResponse({"error": "forbidden"}, status_code=403)
        elif not _loopback(request):
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

    @app.get("/health", include_in_schema=False)
    async def health() -> dict[str, Any]:
        stats = await on_worker(assistant.searcher.store.stats)
        return {"status": "ok", "entries": stats["entries"], "rasa": await rasa.ready()}

    app.include_router(webchat_router(rasa))
    app.include_router(line_router(line))
    app.include_router(telegram_router(telegram))
    app.include_router(console_router(settings, db=worker_db, assistant=assistant, bookings=bookings, run=on_worker))
    app.add_exception_handler(Refused, refused_page)  # its refusals as pages in Japanese
    app.state.outbound = outbound
    return app


def push_via(outbound: Outbound) -> Push:
    """The assistant's replies pushed through the channels' outbound interface."""

    async def push(address: str, reply: Reply, *, retry_key: str | None = None) -> Delivery:
        message = OutMessage(
            reply.text, tuple(OutButton(b.title, b.payload) for b in reply.buttons), dict(reply.custom)
        )
        return await outbound.send(address, [message], retry_key=retry_key)

    return push


def _line(settings: Settings, *, rasa: RasaClient, first_time: FirstTime, membership: Membership) -> LineChannel | None:
    if not (settings.line_channel_secret and settings.line_channel_access_token):
        return None
    return LineChannel.create(
        secret=settings.line_channel_secret,
        token=settings.line_channel_access_token,
        base_url=settings.line_api_base_url,
        rasa=rasa,
        first_time=first_time,
        membership=membership,
    )


def _membership(residents: Residents, on_worker: OnWorker) -> Membership:
    async def left(address: str) -> None:
        await on_worker(residents.deactivate, address)

    async def joined(address: str) -> None:
        await on_worker(residents.enrol, address)

    return Membership(left=left, joined=joined)


def _telegram(
    settings: Settings, *, rasa: RasaClient, first_time: FirstTime, membership: Membership
) -> TelegramChannel | None:
    if not settings.telegram_bot_token:
        return None
    return TelegramChannel.create(
        token=settings.telegram_bot_token,
        base_url=settings.telegram_api_base_url,
        secret=settings.telegram_webhook_secret,
        rasa=rasa,
        first_time=first_time,
        membership=membership,
    )
