"""Messages a booking owes its resident, kept as rows so that they survive a restart and go out once.

A row is written in the same transaction as the change it tells of: a reminder when a seat is confirmed (due
the day before), `promoted` when a cancellation hands a waitlisted person the seat, `slot_cancelled` when staff
call a session off. The app's courier sends due rows and marks them sent; staff changes made from the CLI or
the console are told by the same courier, whichever process made them.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, time, timedelta

from ._sql import BOOKING_COLUMNS_OF_B, local_iso
from .models import CANCELLED, CONFIRMED, Booking

__all__ = ["PROMOTED", "REMINDER", "SLOT_CANCELLED", "due", "forget_unsent", "queue", "queue_reminder"]

REMINDER, PROMOTED, SLOT_CANCELLED = "reminder", "promoted", "slot_cancelled"
# the status a booking must still have when its message goes out
_STILL = {REMINDER: CONFIRMED, PROMOTED: CONFIRMED, SLOT_CANCELLED: CANCELLED}


def queue(conn: sqlite3.Connection, booking_id: int, kind: str, *, due_at: datetime) -> None:
    conn.execute(
        "insert or ignore into booking_messages (booking_id, kind, due_at) values (?, ?, ?)",
        [booking_id, kind, local_iso(due_at)],
    )


def queue_reminder(conn: sqlite3.Connection, booking_id: int, *, starts_at: str, at: time, now: datetime) -> None:
    """The day before the session at `at`; none when that moment has passed (booked for tomorrow afternoon)."""
    due_at = datetime.combine(datetime.fromisoformat(starts_at).date() - timedelta(days=1), at)
    if local_iso(due_at) > local_iso(now):
        queue(conn, booking_id, REMINDER, due_at=due_at)


def forget_unsent(conn: sqlite3.Connection, booking_id: int) -> None:
    """A cancelled booking needs no reminder, nor news of a seat."""
    conn.execute("delete from booking_messages where booking_id = ? and sent_at is null", [booking_id])


def due(conn: sqlite3.Connection, *, now: datetime) -> list[tuple[str, Booking]]:
    """(kind, booking) of every unsent message due by `now` whose booking is still in the state it tells of."""
    rows = conn.execute(
        f"select m.kind, {BOOKING_COLUMNS_OF_B} from booking_messages m join bookings b on b.id = m.booking_id"
        " where m.sent_at is null and m.due_at <= ? order by m.due_at, b.id, m.kind",
        [local_iso(now)],
    ).fetchall()
    messages = [(kind, Booking(*rest)) for kind, *rest in rows]
    return [(kind, booking) for kind, booking in messages if booking.status == _STILL.get(kind)]
