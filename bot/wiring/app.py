"""The app process: its worker thread, channels, courier, notice sender, Rasa actions and console."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from threadpoolctl import threadpool_limits

from channels import RasaClient
from channels.line import LineChannel
from channels.messages import FirstTime, Membership
from channels.outbound import Outbound
from knowledge import open_database

from ..actions import build_actions
from ..booking_desk import BookingForm, MyBookings
from ..bookings.courier import Courier, Push
from ..console.router import Console, environment
from ..faq import Assistant
from ..notices import NoticeScheduler
from ..profile_desk import ProfileForm
from ..residents import Residents, load_areas
from ..residents.consent import ConsentDesk
from ..seen import SeenEvents
from ..settings import Settings
from .outbound import notice_scheduler, push_via, pushers
from .stores import Stores, build_assistant

if TYPE_CHECKING:  # aiogram takes seconds to import: only when Telegram is configured
    from channels.telegram import TelegramChannel

__all__ = ["AppParts", "Worker", "build_app"]

Run = Callable[..., Awaitable[Any]]
T = TypeVar("T")


class Worker:
    """The one worker thread of the app: searches, embeddings and SQLite writes, so the event loop stays free."""

    def __init__(self, settings: Settings) -> None:
        self.pool = ThreadPoolExecutor(
            max_workers=1,
            thread_name_prefix="madoguchi-worker",
            # One question is too little work to share: idle BLAS/OpenMP threads spin and burn the CPU that Rasa
            # needs (measured: 104 ms of CPU per question with the default pools, 29 ms with one thread each).
            initializer=threadpool_limits,
            initargs=(settings.torch_threads,),
        )

    async def run(self, fn: Callable[..., T], /, *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)


@dataclass
class AppParts:
    """Everything the app process runs, built once; `create_app` serves it."""

    settings: Settings
    assistant: Assistant
    worker: Worker
    rasa: RasaClient
    line: LineChannel | None
    telegram: TelegramChannel | None
    outbound: Outbound
    courier: Courier
    notices: NoticeScheduler
    actions: list[Any]  # the Rasa actions, registered on the action endpoint
    console: Console


def build_app(settings: Settings, *, assistant: Assistant | None = None) -> AppParts:
    worker = Worker(settings)
    stores = Stores.open(settings)  # residents, bookings, notices, staff: used on the worker thread only
    assistant = assistant or build_assistant(settings)
    rasa = RasaClient(settings.rasa_url)
    # redelivered webhooks are answered once; its own connection, as it is used on the event loop
    seen = SeenEvents(open_database(settings.db_path))
    membership = _membership(stores.residents, worker.run)
    line = _line(settings, rasa=rasa, first_time=seen.first_time, membership=membership)
    telegram = _telegram(settings, rasa=rasa, first_time=seen.first_time, membership=membership)
    # pushes (booking messages, test sends) go out through this, on whichever channel a resident uses
    outbound = Outbound(
        pushers(line_api=line.api if line else None, bot=telegram.bot if telegram else None),
        is_active=lambda address: worker.run(stores.residents.active, address),
        on_blocked=lambda address: worker.run(stores.residents.deactivate, address),
    )
    courier = Courier(stores.bookings, push_via(outbound), run=worker.run)
    notices = notice_scheduler(
        stores.db, settings, line_api=line.api if line else None, bot=telegram.bot if telegram else None,
        run=worker.run,
    )  # fmt: skip
    return AppParts(
        settings=settings, assistant=assistant, worker=worker, rasa=rasa, line=line, telegram=telegram,
        outbound=outbound, courier=courier, notices=notices,
        actions=_actions(settings, assistant, stores, worker=worker.pool, bookings_changed=courier.nudge),
        console=_console(settings, assistant, stores, run=worker.run, push=push_via(outbound)),
    )  # fmt: skip


def _actions(
    settings: Settings, assistant: Assistant, stores: Stores, *, worker: Executor, bookings_changed: Callable[[], None]
) -> list[Any]:
    residents, bookings = stores.residents, stores.bookings
    profile = ProfileForm(residents, areas=load_areas(settings.municipality, path=settings.areas_file))
    return build_actions(
        assistant,
        consent=ConsentDesk(residents, profile=profile),
        profile=profile,
        erasure=stores.erasure,
        booking_form=BookingForm(bookings, clock=bookings.clock),
        my_bookings=MyBookings(bookings, clock=bookings.clock),
        bookings_changed=bookings_changed,
        worker=worker,
    )


def _console(settings: Settings, assistant: Assistant, stores: Stores, *, run: Run, push: Push) -> Console:
    return Console(
        accounts=stores.accounts,
        audit=stores.audit,
        store=assistant.searcher.store,
        searcher=assistant.searcher,
        logbook=assistant.logbook,
        bookings=stores.bookings,
        notices=stores.notices,
        outbox=stores.outbox,
        run=run,
        templates=environment(),
        push=push,
        test_addresses=settings.staff_test_addresses,
        municipality=settings.municipality,
    )


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


def _telegram(
    settings: Settings, *, rasa: RasaClient, first_time: FirstTime, membership: Membership
) -> TelegramChannel | None:
    if not settings.telegram_bot_token:
        return None
    from channels.telegram import TelegramChannel

    return TelegramChannel.create(
        token=settings.telegram_bot_token,
        base_url=settings.telegram_api_base_url,
        secret=settings.telegram_webhook_secret,
        rasa=rasa,
        first_time=first_time,
        membership=membership,
    )


def _membership(residents: Residents, run: Run) -> Membership:
    async def left(address: str) -> None:
        await run(residents.deactivate, address)

    async def joined(address: str) -> None:
        await run(residents.enrol, address)

    return Membership(left=left, joined=joined)
