"""The SQL the booking modules share: Tokyo wall-clock times, the write transaction, and reading rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from .models import SEATED, WAITLISTED, Booking, Slot, UnknownBooking

TOKYO = ZoneInfo("Asia/Tokyo")
BOOKING_COLUMNS = ", ".join(Booking.__dataclass_fields__)
BOOKING_COLUMNS_OF_B = ", ".join("b." + c for c in Booking.__dataclass_fields__)
SEATED_SQL = ", ".join(f"'{s}'" for s in SEATED)
SLOT_SELECT = (
    "select s.id, s.type_code, s.starts_at, s.minutes, s.venue_id, s.capacity, s.notes, s.cancelled,"
    f" (select count(*) from bookings b where b.slot_id = s.id and b.status in ({SEATED_SQL})),"
    f" (select count(*) from bookings b where b.slot_id = s.id and b.status = '{WAITLISTED}')"
    " from slots s"
)


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def local_iso(moment: datetime) -> str:
    """Tokyo wall-clock time, minutes precision; a naive datetime is taken as Tokyo time already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(TOKYO).replace(tzinfo=None)
    return moment.isoformat(timespec="minutes")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the lock before reading, so what it reads cannot change under it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def placeholders(values: Iterable[Any]) -> str:
    return ", ".join("?" for _ in values)


def slot_of(row: Any) -> Slot:
    id_, type_code, starts_at, minutes, venue_id, capacity, notes, cancelled, confirmed, waitlisted = row
    return Slot(
        id_, type_code, starts_at, minutes, venue_id, capacity, notes or "", bool(cancelled), confirmed, waitlisted
    )


def booking_of(conn: sqlite3.Connection, booking_id: int) -> Booking:
    row = conn.execute(f"select {BOOKING_COLUMNS} from bookings where id = ?", [booking_id]).fetchone()
    if row is None:
        raise UnknownBooking(f"予約 {booking_id} はありません。")
    return Booking(*row)
