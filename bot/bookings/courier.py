"""The courier of bookings: what a booking owes its resident, sent once on their channel, even across a restart.

The booking store writes each message as a row in the same transaction as the change it tells of: the
day-before reminder, 「席があきました」 when a cancellation hands a waitlisted person the seat, 「中止になりました」
when staff call a session off. The courier sends due rows with a retry key made from the booking and the kind,
then marks them sent: if the app stops between the two, the next run sends again with the same key and LINE
delivers it once (it answers 409 for a key it has accepted). Changes made from the CLI or the console are told
by the app's courier too, whichever process made them.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from ..booking_desk.wording import Words, place, when_and_length
from ..dialogue import Button, Reply
from . import TOKYO, Booking, Bookings
from .outbox import PROMOTED, REMINDER, SLOT_CANCELLED

__all__ = ["Courier", "Push", "letter"]

log = logging.getLogger("madoguchi.courier")
T = TypeVar("T")
_KEYS = uuid.UUID("6d0f3c1e-2b7a-4f55-9d35-1c0de5a1e2b7")  # namespace of the messages' retry keys

# sends a reply to an address ("line:U…") with a retry key; the composition root passes the outbound interface
Push = Callable[..., Awaitable[Any]]

_OPENING = {
    REMINDER: "あすは {kind} の日です。",
    PROMOTED: "キャンセルが出たので、{kind} の席がとれました（キャンセル待ちから予約になりました）。",
    SLOT_CANCELLED: "申し訳ありません。次の {kind} は中止になりました。予約は取り消しました。",
}
_CLOSING = {
    REMINDER: "行けなくなったときは、下のボタンから取り消してください。",
    PROMOTED: "行けないときは、下のボタンから取り消してください。ほかの方にお譲りします。",
    SLOT_CANCELLED: "ほかの日の予約は、下のボタンからできます。",
}


async def _inline(fn: Callable[..., T], /, *args: Any) -> T:
    return fn(*args)


def letter(kind: str, booking: Booking, bookings: Bookings) -> Reply:
    """The message of one kind for one booking: who, when, where, what to bring, and what to do next."""
    words = Words("ja")
    slot = bookings.slot(booking.slot_id)
    session = bookings.session_type(slot.type_code)
    venue = bookings.venue(slot.venue_id)
    lines = [
        f"{booking.name} さま" + ("（ご家族などが予約された方）" if booking.contact_name else ""),
        _OPENING[kind].format(kind=session.name if session else "予約"),
        "",
        f"【日時】{when_and_length(slot, words)}",
        f"【場所】{place(venue)}" if venue else "",
        f"【行き方】{venue.access_notes}" if venue and venue.access_notes and kind != SLOT_CANCELLED else "",
        f"【持ち物】{session.what_to_bring}" if session and session.what_to_bring and kind != SLOT_CANCELLED else "",
        "",
        _CLOSING[kind],
    ]
    button = (
        Button(
            session.name + "の予約" if session else "予約",
            "/book_class" if slot.type_code == "smartphone" else "/book_support",
        )
        if kind == SLOT_CANCELLED
        else Button("予約の確認・変更", "/my_bookings")
    )
    return Reply("\n".join(line for i, line in enumerate(lines) if line or i in (2, 7)), (button,))


@dataclass
class Courier:
    bookings: Bookings
    push: Push  # push(address, reply, retry_key=...) → the delivery
    clock: Callable[[], datetime] = lambda: datetime.now(TOKYO)
    # runs the store's (blocking) calls: the app passes its worker thread; tests run them inline
    run: Callable[..., Awaitable[Any]] = _inline
    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)

    async def send_due(self) -> list[Any]:
        """Send every message that is due now; each is marked sent once it has gone out (or cannot)."""
        due: list[tuple[str, Booking]] = await self.run(functools.partial(self.bookings.due_messages, now=self.clock()))
        deliveries = []
        for kind, booking in due:
            if not booking.booked_by:  # taken by phone: staff call these residents
                await self.run(self.bookings.message_sent, booking.id, kind)
                continue
            message = await self.run(letter, kind, booking, self.bookings)
            key = str(uuid.uuid5(_KEYS, f"{kind}:{booking.id}"))
            delivery = await self.push(booking.booked_by, message, retry_key=key)
            await self.run(self.bookings.message_sent, booking.id, kind)
            log.info("%s for booking %s: %s", kind, booking.id, getattr(delivery, "outcome", delivery))
            deliveries.append(delivery)
        return deliveries

    def nudge(self) -> None:
        """Something changed (a cancellation, say): look for due messages now rather than at the next round."""
        self._wake.set()

    async def forever(self, *, every: float = 60.0) -> None:
        """The app's scheduler: send due messages every `every` seconds, or at once when nudged."""
        while True:
            self._wake.clear()
            try:
                await self.send_due()
            except Exception:  # a bad row must not stop tomorrow's reminders
                log.exception("sending booking messages failed; trying again in %s s", every)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=every)
