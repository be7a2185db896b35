"""The calendar of sessions: venues, kinds of session (スマホ教室, 申請サポート) and their slots."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, time

from sqlite_utils import Database

from ._sql import SLOT_SELECT, TOKYO, local_iso, now_utc, slot_of, transaction
from .models import BookingError, SessionType, Slot, UnknownSlot, Venue
from .schema import migrations

__all__ = ["Calendar"]


class Calendar:
    def __init__(
        self,
        db: Database,
        *,
        reminder_at: time = time(10, 0),
        clock: Callable[[], datetime] = lambda: datetime.now(TOKYO),
    ) -> None:
        self.db = db
        self.reminder_at = reminder_at  # the day before the session, Tokyo time
        self.clock = clock
        migrations.apply(db)

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.db.conn)

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

    def venue(self, venue_id: int) -> Venue | None:
        row = self.db.execute("select * from venues where id = ?", [venue_id]).fetchone()
        return Venue(*row) if row else None

    def venues(self) -> list[Venue]:
        return [Venue(*row) for row in self.db.execute("select * from venues order by id").fetchall()]

    def add_session_type(self, code: str, *, name: str, description: str = "", what_to_bring: str = "") -> SessionType:
        """Add a kind of session, or update the one with that code."""
        self.db["session_types"].upsert(  # type: ignore[union-attr]
            {"code": code, "name": name, "description": description, "what_to_bring": what_to_bring}, pk="code"
        )
        return SessionType(code, name, description, what_to_bring)

    def session_type(self, code: str) -> SessionType | None:
        row = self.db.execute("select * from session_types where code = ?", [code]).fetchone()
        return SessionType(*row) if row else None

    def session_types(self) -> list[SessionType]:
        return [SessionType(*row) for row in self.db.execute("select * from session_types order by code").fetchall()]

    # -- slots --------------------------------------------------------------------------------------

    def check_slot(self, type_code: str, *, minutes: int, capacity: int) -> None:
        """Refuse a slot `add_slot` would refuse (the venue aside), before anything else is written."""
        if capacity < 1 or minutes < 1:
            raise BookingError("定員と時間（分）は 1 以上にしてください。")
        if self.session_type(type_code) is None:
            known = ", ".join(t.code for t in self.session_types())
            raise BookingError(f"教室の種類「{type_code}」はありません（あるもの: {known}）。")

    def add_slot(
        self, type_code: str, *, starts_at: datetime, minutes: int, venue_id: int, capacity: int, notes: str = ""
    ) -> Slot:
        self.check_slot(type_code, minutes=minutes, capacity=capacity)
        if self.venue(venue_id) is None:
            raise BookingError(f"会場 {venue_id} はありません。")
        with self._transaction() as conn:
            cursor = conn.execute(
                "insert into slots (type_code, starts_at, minutes, venue_id, capacity, notes, cancelled, created_at)"
                " values (?, ?, ?, ?, ?, ?, 0, ?)",
                [type_code, local_iso(starts_at), minutes, venue_id, capacity, notes, now_utc()],
            )
        return self.slot(int(cursor.lastrowid or 0))

    def slot(self, slot_id: int) -> Slot:
        row = self.db.execute(f"{SLOT_SELECT} where s.id = ?", [slot_id]).fetchone()
        if row is None:
            raise UnknownSlot(f"枠 {slot_id} はありません。")
        return slot_of(row)

    def slots(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        type_code: str | None = None,
        include_cancelled: bool = False,
    ) -> list[Slot]:
        """Slots in time order; `since` inclusive, `until` exclusive."""
        where, params = ["1"], []
        for bound, op in ((since, ">="), (until, "<")):
            if bound is not None:
                where.append(f"s.starts_at {op} ?")
                params.append(local_iso(bound))
        if type_code:
            where.append("s.type_code = ?")
            params.append(type_code)
        if not include_cancelled:
            where.append("s.cancelled = 0")
        query = f"{SLOT_SELECT} where {' and '.join(where)} order by s.starts_at, s.id"
        return [slot_of(row) for row in self.db.execute(query, params).fetchall()]
