"""Bookings for smartphone classes and application support, with their rules kept by the database.

Every change that reads seats and then writes runs in one `BEGIN IMMEDIATE` transaction, so two processes
booking the last seat at once cannot both get it: never more confirmed than capacity, one active booking per
person and slot (booking again returns the first), a full slot waitlists in order, and a cancellation hands
the seat to the first waitlisted person, who is told (a row in the outbox, written in the same transaction).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from . import outbox
from ._sql import (
    BOOKING_COLUMNS,
    BOOKING_COLUMNS_OF_B,
    SEATED_SQL,
    SLOT_SELECT,
    TOKYO,
    booking_of,
    local_iso,
    now_utc,
    placeholders,
    slot_of,
)
from .calendar import Calendar
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
    Slot,
    UnknownSlot,
)
from .people import normalise_phone, person_key

__all__ = ["TOKYO", "Bookings"]


class Bookings(Calendar):
    """The calendar plus the bookings on it; the one object the chat, the CLI and the console use."""

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
            return [booking_of(conn, b) for b in promoted if b is not None]

    def cancel_slot(self, slot_id: int) -> list[Booking]:
        """Call a session off and cancel every booking on it; each booked resident is told."""
        with self._transaction() as conn:
            self._open_slot(conn, slot_id)
            rows = conn.execute(
                f"select id from bookings where slot_id = ? and status in ({placeholders(ACTIVE)})",
                [slot_id, *ACTIVE],
            ).fetchall()
            conn.execute("update slots set cancelled = 1 where id = ?", [slot_id])
            for (booking_id,) in rows:
                self._set_status(conn, booking_id, CANCELLED)
                outbox.queue(conn, booking_id, outbox.SLOT_CANCELLED, due_at=self.clock())
            return [booking_of(conn, booking_id) for (booking_id,) in rows]

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
                return booking_of(conn, existing)
            person = (name, reading.strip(), phone, contact_name.strip(), contact_phone, booked_by, key)
            return booking_of(conn, self._insert(conn, slot, person))

    def move(self, booking_id: int, slot_id: int) -> Cancellation:
        """Move a booking to another slot with a free seat, in one step: the old seat goes to its waitlist.

        Returns the new booking and whoever was promoted on the old slot. A full slot is refused, so that
        nobody swaps a seat for a place on a waitlist without meaning to.
        """
        with self._transaction() as conn:
            old = booking_of(conn, booking_id)
            if old.status not in (CONFIRMED, WAITLISTED):
                raise BookingError(f"予約 {booking_id} は変更できません（{old.status}）。")
            if old.slot_id == slot_id:
                return Cancellation(old, None)
            slot = self._open_slot(conn, slot_id)
            if self._seats_taken(conn, slot) >= slot.capacity:
                raise BookingError("その日は満席です。ほかの日を選んでください。")
            key = person_key(name=old.name, phone=old.phone)
            if self._active_booking_of(conn, slot_id, key=key, booked_by="", for_self=False) is not None:
                raise BookingError("その日は、もう予約があります。")
            self._set_status(conn, booking_id, CANCELLED)
            promoted = self._promote_first(conn, old.slot_id) if old.status == CONFIRMED else None
            person = (old.name, old.reading, old.phone, old.contact_name, old.contact_phone, old.booked_by, key)
            moved = booking_of(conn, self._insert(conn, slot, person))
            return Cancellation(moved, booking_of(conn, promoted) if promoted else None)

    def cancel(self, booking_id: int) -> Cancellation:
        """Cancel a booking; if it held a seat, the first waitlisted person gets it (returned, and told)."""
        with self._transaction() as conn:
            booking = booking_of(conn, booking_id)
            promoted = None
            if booking.status in ACTIVE:
                self._set_status(conn, booking_id, CANCELLED)
                if booking.status in SEATED and not self._slot_cancelled(conn, booking.slot_id):
                    promoted = self._promote_first(conn, booking.slot_id)
            return Cancellation(booking_of(conn, booking_id), booking_of(conn, promoted) if promoted else None)

    def mark(self, booking_id: int, *, status: str) -> Booking:
        """Record attendance after the session: `attended` or `no_show`, for a booking that held a seat."""
        if status not in SEATED or status == CONFIRMED:
            raise BookingError(f"出欠は attended か no_show で記録してください（{status} は使えません）。")
        with self._transaction() as conn:
            booking = booking_of(conn, booking_id)
            if booking.status not in SEATED:
                raise BookingError(f"予約 {booking_id} は {booking.status} のため、出欠を記録できません。")
            self._set_status(conn, booking_id, status)
            return booking_of(conn, booking_id)

    def booking(self, booking_id: int) -> Booking:
        return booking_of(self.db.conn, booking_id)

    def bookings(self, slot_id: int, *, include_cancelled: bool = False) -> list[Booking]:
        """The roster: seated first in booking order, then the waitlist in its order."""
        self.slot(slot_id)
        where = "" if include_cancelled else f" and status != '{CANCELLED}'"
        rows = self.db.execute(
            f"select {BOOKING_COLUMNS} from bookings where slot_id = ?{where}"
            f" order by status = '{CANCELLED}', status = '{WAITLISTED}', waitlist_position, id",
            [slot_id],
        ).fetchall()
        return [Booking(*row) for row in rows]

    def bookings_by(self, address: str, *, since: datetime | None = None) -> list[Booking]:
        """A resident's active bookings (made from this channel address), soonest first; from `since` on."""
        rows = self.db.execute(
            f"select {BOOKING_COLUMNS_OF_B} from bookings b join slots s on s.id = b.slot_id"
            f" where b.booked_by = ? and b.status in ({placeholders(ACTIVE)}) and s.starts_at >= ?"
            " order by s.starts_at, b.id",
            [address, *ACTIVE, local_iso(since) if since else ""],
        ).fetchall()
        return [Booking(*row) for row in rows]

    def people_booked_by(self, address: str, *, limit: int = 3) -> list[Booking]:
        """The latest booking of each person this resident has booked for (themselves first), newest first."""
        rows = self.db.execute(
            f"select {BOOKING_COLUMNS} from bookings where id in (select max(id) from bookings"
            " where booked_by = ? group by person_key) order by contact_name != '', id desc limit ?",
            [address, limit],
        ).fetchall()
        return [Booking(*row) for row in rows]

    # -- messages owed to residents (reminders, a seat came free, a session called off) --------------

    def due_messages(self, *, now: datetime) -> list[tuple[str, Booking]]:
        return outbox.due(self.db.conn, now=now)

    def message_sent(self, booking_id: int, kind: str) -> bool:
        """Mark a message sent; False when it already was (another worker, or before a restart)."""
        with self._transaction() as conn:
            cursor = conn.execute(
                "update booking_messages set sent_at = ? where booking_id = ? and kind = ? and sent_at is null",
                [now_utc(), booking_id, kind],
            )
        return cursor.rowcount == 1

    # -- inside a transaction -----------------------------------------------------------------------

    def _insert(self, conn: sqlite3.Connection, slot: Slot, person: tuple[str, ...]) -> int:
        """A new booking of `person` (name, reading, phone, contact name, contact phone, booked by, key)."""
        status, position = CONFIRMED, None
        if self._seats_taken(conn, slot) >= slot.capacity:
            status, position = WAITLISTED, self._next_position(conn, slot.id)
        cursor = conn.execute(
            "insert into bookings (slot_id, name, reading, phone, contact_name, contact_phone, booked_by,"
            f" person_key, status, waitlist_position, created_at, updated_at) values ({placeholders(range(12))})",
            [slot.id, *person, status, position, now_utc(), now_utc()],
        )
        booking_id = int(cursor.lastrowid or 0)
        if status == CONFIRMED:
            self._queue_reminder(conn, booking_id, slot.starts_at)
        return booking_id

    def _open_slot(self, conn: sqlite3.Connection, slot_id: int) -> Slot:
        row = conn.execute(f"{SLOT_SELECT} where s.id = ?", [slot_id]).fetchone()
        if row is None:
            raise UnknownSlot(f"枠 {slot_id} はありません。")
        if row[7]:
            raise BookingError(f"枠 {slot_id} は中止になりました。")
        return slot_of(row)

    def _slot_cancelled(self, conn: sqlite3.Connection, slot_id: int) -> bool:
        return bool(conn.execute("select cancelled from slots where id = ?", [slot_id]).fetchone()[0])

    def _seats_taken(self, conn: sqlite3.Connection, slot: Slot) -> int:
        query = f"select count(*) from bookings where slot_id = ? and status in ({SEATED_SQL})"
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
            f"select id from bookings where slot_id = ? and status in ({placeholders(ACTIVE)})"
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
        outbox.queue(conn, row[0], outbox.PROMOTED, due_at=self.clock())
        self._queue_reminder(conn, row[0], starts_at)
        return int(row[0])

    def _set_status(self, conn: sqlite3.Connection, booking_id: int, status: str) -> None:
        conn.execute("update bookings set status = ?, updated_at = ? where id = ?", [status, now_utc(), booking_id])
        if status == CANCELLED:
            outbox.forget_unsent(conn, booking_id)

    def _queue_reminder(self, conn: sqlite3.Connection, booking_id: int, starts_at: str) -> None:
        outbox.queue_reminder(conn, booking_id, starts_at=starts_at, at=self.reminder_at, now=self.clock())
