"""Bookings for smartphone classes and application support, with their rules kept by the database.

Every change that reads seats and then writes runs in one `BEGIN IMMEDIATE` transaction, so two processes
booking the last seat at once cannot both get it: never more confirmed than capacity, one active booking per
person and slot (booking again returns the first), a full slot waitlists in order, and a cancellation hands
the seat to the first waitlisted person.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from .models import (
    ACTIVE,
    CANCELLED,
    CONFIRMED,
    SEATED,
    WAITLISTED,
    Booking,
    BookingError,
    Cancellation,
    CapacityBelowBookings,
    SessionType,
    Slot,
    UnknownBooking,
    UnknownSlot,
    Venue,
)
from .people import normalise_phone, person_key
from .schema import migrations

__all__ = ["TOKYO", "Bookings"]

TOKYO = ZoneInfo("Asia/Tokyo")
_BOOKING_COLUMNS = ", ".join(Booking.__dataclass_fields__)
_SEATED = ", ".join(f"'{s}'" for s in SEATED)
_SLOT_SELECT = (
    "select s.id, s.type_code, s.starts_at, s.minutes, s.venue_id, s.capacity, s.notes, s.cancelled,"
    f" (select count(*) from bookings b where b.slot_id = s.id and b.status in ({_SEATED})),"
    f" (select count(*) from bookings b where b.slot_id = s.id and b.status = '{WAITLISTED}')"
    " from slots s"
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def local_iso(moment: datetime) -> str:
    """Tokyo wall-clock time, minutes precision; a naive datetime is taken as Tokyo time already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(TOKYO).replace(tzinfo=None)
    return moment.isoformat(timespec="minutes")


class Bookings:
    def __init__(self, db: Database, *, reminder_at: time = time(10, 0)) -> None:
        self.db = db
        self.reminder_at = reminder_at  # the day before the session, Tokyo time
        migrations.apply(db)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")  # take the write lock before reading seats
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    # -- venues and kinds of session ----------------------------------------------------------------

    def add_venue(self, name: str, *, address: str = "", access_notes: str = "", accessibility: str = "") -> Venue:
        """Add a venue, or update the one of that name."""
        with self._transaction() as conn:
            conn.execute(
                "insert into venues (name, address, access_notes, accessibility) values (?, ?, ?, ?)"
                " on conflict(name) do update set address = excluded.address,"
                " access_notes = excluded.access_notes, accessibility = excluded.accessibility",
                [name, address, access_notes, accessibility],
            )
        venue = self.venue_named(name)
        assert venue is not None
        return venue

    def venue_named(self, name: str) -> Venue | None:
        row = self.db.execute("select * from venues where name = ?", [name]).fetchone()
        return Venue(*row) if row else None

    def venues(self) -> list[Venue]:
        return [Venue(*row) for row in self.db.execute("select * from venues order by id").fetchall()]

    def add_session_type(self, code: str, *, name: str, description: str = "", what_to_bring: str = "") -> SessionType:
        """Add a kind of session, or update the one with that code."""
        self.db["session_types"].upsert(  # type: ignore[union-attr]
            {"code": code, "name": name, "description": description, "what_to_bring": what_to_bring}, pk="code"
        )
        return SessionType(code, name, description, what_to_bring)

    def session_types(self) -> list[SessionType]:
        return [SessionType(*row) for row in self.db.execute("select * from session_types order by code").fetchall()]

    # -- slots --------------------------------------------------------------------------------------

    def add_slot(
        self, type_code: str, *, starts_at: datetime, minutes: int, venue_id: int, capacity: int, notes: str = ""
    ) -> Slot:
        if capacity < 1 or minutes < 1:
            raise BookingError("定員と時間（分）は 1 以上にしてください。")
        if not self.db.execute("select 1 from session_types where code = ?", [type_code]).fetchone():
            known = ", ".join(t.code for t in self.session_types())
            raise BookingError(f"教室の種類「{type_code}」はありません（あるもの: {known}）。")
        if not self.db.execute("select 1 from venues where id = ?", [venue_id]).fetchone():
            raise BookingError(f"会場 {venue_id} はありません。")
        with self._transaction() as conn:
            cursor = conn.execute(
                "insert into slots (type_code, starts_at, minutes, venue_id, capacity, notes, cancelled, created_at)"
                " values (?, ?, ?, ?, ?, ?, 0, ?)",
                [type_code, local_iso(starts_at), minutes, venue_id, capacity, notes, _now()],
            )
        return self.slot(int(cursor.lastrowid or 0))

    def slot(self, slot_id: int) -> Slot:
        row = self.db.execute(f"{_SLOT_SELECT} where s.id = ?", [slot_id]).fetchone()
        if row is None:
            raise UnknownSlot(f"枠 {slot_id} はありません。")
        return _slot(row)

    def slots(
        self, *, since: datetime | None = None, type_code: str | None = None, include_cancelled: bool = False
    ) -> list[Slot]:
        where, params = ["1"], []
        if since is not None:
            where.append("s.starts_at >= ?")
            params.append(local_iso(since))
        if type_code:
            where.append("s.type_code = ?")
            params.append(type_code)
        if not include_cancelled:
            where.append("s.cancelled = 0")
        query = f"{_SLOT_SELECT} where {' and '.join(where)} order by s.starts_at, s.id"
        return [_slot(row) for row in self.db.execute(query, params).fetchall()]

    def set_capacity(self, slot_id: int, capacity: int) -> list[Booking]:
        """Change the seats; refused below the seats already taken. Waitlisted people fill new seats, in order."""
        with self._transaction() as conn:
            taken = self._seats_taken(conn, self._open_slot(conn, slot_id))
            if capacity < max(taken, 1):
                raise CapacityBelowBookings(
                    f"枠 {slot_id} にはすでに {taken} 人の予約があります。定員を {capacity} 人には減らせません。"
                )
            conn.execute("update slots set capacity = ? where id = ?", [capacity, slot_id])
            promoted = [self._promote_first(conn, slot_id) for _ in range(capacity - taken)]
        return [self.booking(b) for b in promoted if b is not None]

    def cancel_slot(self, slot_id: int) -> list[Booking]:
        """Cancel a session and every booking on it; returns the bookings to tell."""
        with self._transaction() as conn:
            self._open_slot(conn, slot_id)
            rows = conn.execute(
                f"select id from bookings where slot_id = ? and status in ({_placeholders(ACTIVE)})",
                [slot_id, *ACTIVE],
            ).fetchall()
            conn.execute("update slots set cancelled = 1 where id = ?", [slot_id])
            for (booking_id,) in rows:
                self._set_status(conn, booking_id, CANCELLED)
        return [self.booking(booking_id) for (booking_id,) in rows]

    # -- bookings -----------------------------------------------------------------------------------

    def book(
        self,
        slot_id: int,
        *,
        name: str,
        phone: str,
        reading: str = "",
        contact_name: str = "",
        contact_phone: str = "",
        booked_by: str = "",
    ) -> Booking:
        """Book a seat, or the waitlist when full. Booking the same person again returns the first booking."""
        name = name.strip()
        if not name:
            raise BookingError("お名前を入れてください。")
        phone, key = normalise_phone(phone), person_key(name=name, phone=phone)
        contact_phone = normalise_phone(contact_phone) if contact_phone.strip() else ""
        with self._transaction() as conn:
            slot = self._open_slot(conn, slot_id)
            existing = self._active_booking_of(conn, slot_id, key=key, booked_by=booked_by, for_self=not contact_name)
            if existing is not None:
                return self._booking(conn, existing)
            status, position = CONFIRMED, None
            if self._seats_taken(conn, slot) >= slot.capacity:
                status, position = WAITLISTED, self._next_position(conn, slot_id)
            cursor = conn.execute(
                f"insert into bookings (slot_id, name, reading, phone, contact_name, contact_phone, booked_by,"
                f" person_key, status, waitlist_position, created_at, updated_at) values ({_placeholders(range(12))})",
                [slot_id, name, reading.strip(), phone, contact_name.strip(), contact_phone, booked_by, key,
                 status, position, _now(), _now()],
            )  # fmt: skip
            booking_id = int(cursor.lastrowid or 0)
            if status == CONFIRMED:
                self._schedule_reminder(conn, booking_id, slot.starts_at)
            return self._booking(conn, booking_id)

    def cancel(self, booking_id: int) -> Cancellation:
        """Cancel a booking; if it held a seat, the first waitlisted person gets it (returned, to be told)."""
        with self._transaction() as conn:
            booking = self._booking(conn, booking_id)
            promoted = None
            if booking.status in ACTIVE:
                self._set_status(conn, booking_id, CANCELLED)
                if booking.status in SEATED and not self._slot_cancelled(conn, booking.slot_id):
                    promoted = self._promote_first(conn, booking.slot_id)
            return Cancellation(self._booking(conn, booking_id), self._booking(conn, promoted) if promoted else None)

    def mark(self, booking_id: int, *, status: str) -> Booking:
        """Record attendance after the session: `attended` or `no_show`, for a booking that held a seat."""
        if status not in SEATED or status == CONFIRMED:
            raise BookingError(f"出欠は attended か no_show で記録してください（{status} は使えません）。")
        with self._transaction() as conn:
            booking = self._booking(conn, booking_id)
            if booking.status not in SEATED:
                raise BookingError(f"予約 {booking_id} は {booking.status} のため、出欠を記録できません。")
            self._set_status(conn, booking_id, status)
            return self._booking(conn, booking_id)

    def booking(self, booking_id: int) -> Booking:
        return self._booking(self.db.conn, booking_id)

    def bookings(self, slot_id: int, *, include_cancelled: bool = False) -> list[Booking]:
        """The roster: seated first in booking order, then the waitlist in its order."""
        self.slot(slot_id)
        where = "" if include_cancelled else f" and status != '{CANCELLED}'"
        rows = self.db.execute(
            f"select {_BOOKING_COLUMNS} from bookings where slot_id = ?{where}"
            f" order by status = '{CANCELLED}', status = '{WAITLISTED}', waitlist_position, id",
            [slot_id],
        ).fetchall()
        return [Booking(*row) for row in rows]

    def bookings_by(self, address: str) -> list[Booking]:
        """A resident's active bookings (made from this channel address), soonest first."""
        rows = self.db.execute(
            f"select {', '.join('b.' + c for c in Booking.__dataclass_fields__)} from bookings b"
            f" join slots s on s.id = b.slot_id where b.booked_by = ? and b.status in ({_placeholders(ACTIVE)})"
            " order by s.starts_at, b.id",
            [address, *ACTIVE],
        ).fetchall()
        return [Booking(*row) for row in rows]

    # -- reminders ----------------------------------------------------------------------------------

    def due_reminders(self, *, now: datetime) -> list[Booking]:
        """Confirmed bookings whose reminder is due and not yet sent."""
        rows = self.db.execute(
            f"select {', '.join('b.' + c for c in Booking.__dataclass_fields__)} from booking_reminders r"
            " join bookings b on b.id = r.booking_id"
            f" where r.sent_at is null and r.due_at <= ? and b.status = '{CONFIRMED}' order by r.due_at, b.id",
            [local_iso(now)],
        ).fetchall()
        return [Booking(*row) for row in rows]

    def reminder_sent(self, booking_id: int) -> bool:
        """Mark a reminder sent; False when it already was (another worker, or before a restart)."""
        with self._transaction() as conn:
            cursor = conn.execute(
                "update booking_reminders set sent_at = ? where booking_id = ? and sent_at is null",
                [_now(), booking_id],
            )
        return cursor.rowcount == 1

    # -- inside a transaction -----------------------------------------------------------------------

    def _open_slot(self, conn: sqlite3.Connection, slot_id: int) -> Slot:
        row = conn.execute(f"{_SLOT_SELECT} where s.id = ?", [slot_id]).fetchone()
        if row is None:
            raise UnknownSlot(f"枠 {slot_id} はありません。")
        if row[7]:
            raise BookingError(f"枠 {slot_id} は中止になりました。")
        return _slot(row)

    def _slot_cancelled(self, conn: sqlite3.Connection, slot_id: int) -> bool:
        return bool(conn.execute("select cancelled from slots where id = ?", [slot_id]).fetchone()[0])

    def _seats_taken(self, conn: sqlite3.Connection, slot: Slot) -> int:
        query = f"select count(*) from bookings where slot_id = ? and status in ({_SEATED})"
        return int(conn.execute(query, [slot.id]).fetchone()[0])

    def _next_position(self, conn: sqlite3.Connection, slot_id: int) -> int:
        row = conn.execute("select max(waitlist_position) from bookings where slot_id = ?", [slot_id]).fetchone()
        return int(row[0] or 0) + 1

    def _active_booking_of(
        self, conn: sqlite3.Connection, slot_id: int, *, key: str, booked_by: str, for_self: bool
    ) -> int | None:
        """The person's active booking: same phone and name, or the same resident booking for themselves."""
        same, params = ["person_key = ?"], [key]
        if booked_by and for_self:
            same.append("(booked_by = ? and contact_name = '')")
            params.append(booked_by)
        row = conn.execute(
            f"select id from bookings where slot_id = ? and status in ({_placeholders(ACTIVE)})"
            f" and ({' or '.join(same)}) order by id limit 1",
            [slot_id, *ACTIVE, *params],
        ).fetchone()
        return int(row[0]) if row else None

    def _promote_first(self, conn: sqlite3.Connection, slot_id: int) -> int | None:
        row = conn.execute(
            f"select id from bookings where slot_id = ? and status = '{WAITLISTED}'"
            " order by waitlist_position, id limit 1",
            [slot_id],
        ).fetchone()
        if row is None:
            return None
        self._set_status(conn, row[0], CONFIRMED)
        starts_at = conn.execute("select starts_at from slots where id = ?", [slot_id]).fetchone()[0]
        self._schedule_reminder(conn, row[0], starts_at)
        return int(row[0])

    def _set_status(self, conn: sqlite3.Connection, booking_id: int, status: str) -> None:
        conn.execute("update bookings set status = ?, updated_at = ? where id = ?", [status, _now(), booking_id])
        if status == CANCELLED:
            conn.execute("delete from booking_reminders where booking_id = ? and sent_at is null", [booking_id])

    def _schedule_reminder(self, conn: sqlite3.Connection, booking_id: int, starts_at: str) -> None:
        day_before = datetime.fromisoformat(starts_at).date() - timedelta(days=1)
        due = datetime.combine(day_before, self.reminder_at)
        conn.execute(
            "insert or ignore into booking_reminders (booking_id, due_at) values (?, ?)", [booking_id, local_iso(due)]
        )

    def _booking(self, conn: sqlite3.Connection, booking_id: int) -> Booking:
        row = conn.execute(f"select {_BOOKING_COLUMNS} from bookings where id = ?", [booking_id]).fetchone()
        if row is None:
            raise UnknownBooking(f"予約 {booking_id} はありません。")
        return Booking(*row)


def _slot(row: Any) -> Slot:
    id_, type_code, starts_at, minutes, venue_id, capacity, notes, cancelled, confirmed, waitlisted = row
    return Slot(
        id_, type_code, starts_at, minutes, venue_id, capacity, notes or "", bool(cancelled), confirmed, waitlisted
    )


def _placeholders(values: Any) -> str:
    return ", ".join("?" for _ in values)
