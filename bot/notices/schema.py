"""The notice tables, as named migrations.

Times are UTC as SQLite writes them ("2026-12-03 01:00:00"), so that SQL compares and computes them directly.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

__all__ = ["migrations"]

migrations = Migrations("notices")


@migrations()
def m001_create_segments_and_notices(db: Database) -> None:
    db["segments"].create(  # type: ignore[union-attr]
        {"id": int, "name": str, "filter": str, "created_at": str, "updated_at": str}, pk="id", not_null={"name"}
    )
    db["segments"].create_index(["name"], unique=True)  # type: ignore[union-attr]
    db["notices"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "title": str,
            "segment_id": int,
            "emergency": int,  # 防災: not held back by quiet hours
            "status": str,  # draft → scheduled → sending → sent; or cancelled
            "send_at": str,  # when it is to start (UTC); set by `send`
            "created_at": str,
            "started_at": str,
            "finished_at": str,
            "problem": str,  # why a scheduled notice has not started (LINE quota), shown by `status`
        },
        pk="id",
        foreign_keys=[("segment_id", "segments", "id")],
        defaults={"emergency": 0, "status": "draft"},
    )
    db["notice_versions"].create(  # type: ignore[union-attr]
        {"notice_id": int, "language": str, "text": str, "buttons": str, "link": str},
        pk=("notice_id", "language"),
        foreign_keys=[("notice_id", "notices", "id")],
    )


@migrations()
def m002_create_deliveries(db: Database) -> None:
    db["notice_batches"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "notice_id": int,
            "channel": str,
            "language": str,
            "retry_key": str,  # uuid5(notice, batch): the same on every attempt, across restarts
            "status": str,  # sending → sent | failed
            "attempts": int,
            "size": int,
            "detail": str,
            "created_at": str,
            "sent_at": str,
        },
        pk="id",
        foreign_keys=[("notice_id", "notices", "id")],
        defaults={"attempts": 0},
    )
    db["notice_batches"].create_index(["notice_id", "status"])  # type: ignore[union-attr]
    db["notice_deliveries"].create(  # type: ignore[union-attr]
        {
            "notice_id": int,
            "resident_id": int,
            "address": str,
            "channel": str,
            "language": str,
            "due_at": str,  # now, or the end of the resident's quiet hours
            "batch_id": int,
            # pending → sending → sent | failed | blocked (Telegram 403);
            # or unfollowed (address inactive) / withdrawn (配信停止) before it went out
            "status": str,
            "detail": str,
            "sent_at": str,
        },
        pk=("notice_id", "resident_id"),
    )
    db["notice_deliveries"].create_index(  # type: ignore[union-attr]
        ["notice_id", "status", "channel", "language", "due_at"]
    )
    db["notice_deliveries"].create_index(["batch_id"])  # type: ignore[union-attr]
    db["notice_dispatch_lock"].create(  # type: ignore[union-attr]
        {"name": str, "owner": str, "pid": int, "until": str}, pk="name"
    )
