"""The day-before reminder of a booking, sent once on the resident's channel, even across a restart.

Jobs are rows in the database (written when a booking is confirmed, dropped when it is cancelled). Each reminder
is pushed with a retry key made from its booking id, then marked sent: if the app stops between the two, the
next run sends it again with the same key and LINE delivers it once (it answers 409 for a key it has accepted).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from .bookings import TOKYO, Booking, Bookings, japanese_when
from .replies import Button, Reply

__all__ = ["Push", "Reminders", "reminder_message"]

log = logging.getLogger("madoguchi.reminders")
T = TypeVar("T")
_KEYS = uuid.UUID("6d0f3c1e-2b7a-4f55-9d35-1c0de5a1e2b7")  # namespace of the reminders' retry keys


# sends a reply to an address ("line:U…") with a retry key; the composition root passes the outbound interface
Push = Callable[..., Awaitable[Any]]


async def _inline(fn: Callable[..., T], /, *args: Any) -> T:
    return fn(*args)


def reminder_message(booking: Booking, bookings: Bookings) -> Reply:
    """「あすは スマホ教室 です」: when, where, what to bring, and how to cancel, in plain words."""
    slot = bookings.slot(booking.slot_id)
    kind = next((t for t in bookings.session_types() if t.code == slot.type_code), None)
    venue = next((v for v in bookings.venues() if v.id == slot.venue_id), None)
    lines = [
        f"{booking.name} さま",
        f"あすは {kind.name if kind else '予約'} の日です。",
        "",
        f"【日時】{japanese_when(slot.starts_at)}から {slot.minutes}分",
    ]
    if venue:
        lines.append(f"【場所】{venue.name}" + (f"（{venue.address}）" if venue.address else ""))
        if venue.access_notes:
            lines.append(f"【行き方】{venue.access_notes}")
    if kind and kind.what_to_bring:
        lines.append(f"【持ち物】{kind.what_to_bring}")
    lines += ["", "行けなくなったときは、下のボタンから取り消してください。"]
    return Reply("\n".join(lines), (Button("予約の確認・変更", "/my_bookings"),))


@dataclass
class Reminders:
    bookings: Bookings
    push: Push  # push(address, reply, retry_key=...) → the delivery
    clock: Callable[[], datetime] = lambda: datetime.now(TOKYO)
    # runs the store's (blocking) calls: the app passes its worker thread; tests run them inline
    run: Callable[..., Awaitable[Any]] = _inline

    async def send_due(self) -> list[Any]:
        """Send every reminder that is due now; each is marked sent once it has gone out (or cannot)."""
        due: list[Booking] = await self.run(functools.partial(self.bookings.due_reminders, now=self.clock()))
        deliveries = []
        for booking in due:
            if not booking.booked_by:  # taken by phone: staff call these residents
                await self.run(self.bookings.reminder_sent, booking.id)
                continue
            message = await self.run(reminder_message, booking, self.bookings)
            key = str(uuid.uuid5(_KEYS, f"reminder:{booking.id}"))
            delivery = await self.push(booking.booked_by, message, retry_key=key)
            await self.run(self.bookings.reminder_sent, booking.id)
            log.info("reminder for booking %s: %s", booking.id, getattr(delivery, "outcome", delivery))
            deliveries.append(delivery)
        return deliveries

    async def forever(self, *, every: float = 60.0) -> None:
        """The app's scheduler: look for due reminders every `every` seconds until cancelled."""
        while True:
            try:
                await self.send_due()
            except Exception:  # a bad row must not stop tomorrow's reminders
                log.exception("sending reminders failed; trying again in %s s", every)
            await asyncio.sleep(every)
