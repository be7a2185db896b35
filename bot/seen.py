"""Which channel events were already handled: LINE redelivers webhooks, and a redelivery is answered once.

Kept in SQLite, not in memory, so that a second worker (or a restart) knows too.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database, Migrations

__all__ = ["SeenEvents"]

migrations = Migrations("seen")


@migrations()
def m001_create_channel_events(db: Database) -> None:
    db["channel_events"].create({"event_id": str, "seen_at": str}, pk="event_id")  # type: ignore[union-attr]


class SeenEvents:
    def __init__(self, db: Database) -> None:
        self.db = db
        migrations.apply(db)

    async def first_time(self, event_id: str) -> bool:
        cursor = self.db.execute(
            "insert or ignore into channel_events (event_id, seen_at) values (?, ?)",
            [event_id, datetime.now(UTC).isoformat(timespec="seconds")],
        )
        self.db.conn.commit()
        return cursor.rowcount == 1
