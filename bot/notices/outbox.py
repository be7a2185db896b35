"""Every recipient of a notice as a row, so that a send interrupted anywhere resumes where it stopped.

When a notice starts, its recipients are written into `notice_deliveries` by one INSERT … SELECT (never loaded
into Python), each with the moment it is due: now, or the end of their quiet hours. The sender then claims
them a batch at a time: a batch (≤ 500 LINE users of one language) and its retry key are committed before the
request goes out, and the rows are marked sent after LINE accepted it. After a crash the batches still
`sending` go out again with the same key: LINE answers 409 for a key it accepted, and nobody gets it twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from .segments import Filter, reachable_sql
from .store import Notice, sql_time

__all__ = ["Batch", "Outbox", "retry_key"]

TOKYO = ZoneInfo("Asia/Tokyo")
_KEYS = uuid.UUID("3b8f2a64-7d1e-4c0b-9a51-5e6d0c7f9b21")  # namespace of the batches' retry keys
OPEN = ("pending", "sending")


def retry_key(notice_id: int, batch_id: int) -> str:
    """The X-Line-Retry-Key of a batch: the same on every attempt, in every process."""
    return str(uuid.uuid5(_KEYS, f"notice:{notice_id}:batch:{batch_id}"))


@dataclass(frozen=True)
class Batch:
    id: int
    notice_id: int
    channel: str  # "line" or "tg"
    language: str
    retry_key: str
    addresses: tuple[str, ...]  # "line:U…" / "tg:123" still to send in this batch

    @property
    def users(self) -> list[str]:
        return [a.partition(":")[2] for a in self.addresses]


@contextmanager
def _immediate(db: Database) -> Iterator[None]:
    """A write transaction taken at once, so that two senders never claim the same rows."""
    db.conn.execute("begin immediate")
    try:
        yield
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()


class Outbox:
    def __init__(self, db: Database, *, clock: Callable[[], datetime]) -> None:
        self.db, self.clock = db, clock

    def _now(self) -> str:
        return sql_time(self.clock())

    # -- starting -----------------------------------------------------------------------------------

    def due_notices(self) -> list[int]:
        rows = self.db.execute(
            "select id from notices where status = 'scheduled' and send_at <= ? order by send_at, id", [self._now()]
        )
        return [id_ for (id_,) in rows]

    def sending_notices(self) -> list[int]:
        return [id_ for (id_,) in self.db.execute("select id from notices where status = 'sending' order by id")]

    def start(self, notice: Notice, segment: Filter) -> int:
        """Write the notice's recipients as they are now, with when each is due; the notice is `sending`."""
        now = self.clock()
        tokyo = now.astimezone(TOKYO)
        hm, today, at = tokyo.strftime("%H:%M"), tokyo.strftime("%Y-%m-%d"), sql_time(now)
        versions = tuple(notice.versions)
        sql, params = reachable_sql(segment)
        marks = ", ".join("?" for _ in versions)
        due = (  # emergencies, and residents outside their quiet hours: now; others: when their quiet hours end
            "case when ? then ? when quiet_start is null or quiet_end is null or quiet_start = quiet_end then ?"
            " when (quiet_start < quiet_end and ? >= quiet_start and ? < quiet_end)"
            "   or (quiet_start > quiet_end and (? >= quiet_start or ? < quiet_end))"
            " then datetime(? || ' ' || quiet_end, case when ? < quiet_end then '+0 days' else '+1 days' end, '-9 hours')"
            " else ? end"
        )
        with _immediate(self.db):
            started = self.db.execute(
                "update notices set status = 'sending', started_at = ? where id = ? and status = 'scheduled'",
                [at, notice.id],
            ).rowcount
            if not started:
                return 0
            cursor = self.db.execute(
                "insert or ignore into notice_deliveries (notice_id, resident_id, address, channel, language, due_at, status)"
                f" select ?, resident_id, address, channel, case when language in ({marks}) then language else 'ja' end,"
                f" {due}, 'pending' from ({sql})",
                [notice.id, *versions, int(notice.emergency), at, at, hm, hm, hm, hm, today, hm, at, *params],
            )
        return cursor.rowcount

    # -- claiming and recording ---------------------------------------------------------------------

    def mark_gone(self, notice_id: int) -> None:
        """Recipients who unfollowed, blocked, or said 配信停止 since: they are not sent it."""
        with self.db.conn:
            self.db.execute(
                "update notice_deliveries set status = 'unfollowed' where notice_id = ? and status = 'pending'"
                " and address in (select address from resident_addresses where active = 0)",
                [notice_id],
            )
            self.db.execute(
                "update notice_deliveries set status = 'withdrawn' where notice_id = ? and status = 'pending'"
                " and resident_id in (select id from residents where consent_version is null)",
                [notice_id],
            )

    def open_batches(self, notice_id: int) -> list[Batch]:
        """Batches claimed before a crash or an outage, with the recipients they have not reached yet."""
        rows = self.db.execute(
            "select id, channel, language, retry_key from notice_batches where notice_id = ? and status = 'sending'"
            " order by id",
            [notice_id],
        ).fetchall()
        out = []
        for batch_id, channel, language, key in rows:
            addresses = tuple(
                a
                for (a,) in self.db.execute(
                    "select address from notice_deliveries where batch_id = ? and status = 'sending'", [batch_id]
                )
            )
            out.append(Batch(batch_id, notice_id, channel, language, key, addresses))
        return out

    def claim(self, notice_id: int, *, channel: str, language: str, size: int) -> Batch | None:
        """The next due recipients of one channel and language as a batch, committed with its retry key."""
        now = self._now()
        with _immediate(self.db):
            rows = self.db.execute(
                "select d.rowid, d.address from notice_deliveries d"
                " join resident_addresses a on a.address = d.address join residents r on r.id = d.resident_id"
                " where d.notice_id = ? and d.status = 'pending' and d.channel = ? and d.language = ? and d.due_at <= ?"
                " and a.active = 1 and r.consent_version is not null limit ?",
                [notice_id, channel, language, now, size],
            ).fetchall()
            if not rows:
                return None
            cursor = self.db.execute(
                "insert into notice_batches (notice_id, channel, language, status, size, created_at)"
                " values (?, ?, ?, 'sending', ?, ?)",
                [notice_id, channel, language, len(rows), now],
            )
            batch_id = int(cursor.lastrowid or 0)
            key = retry_key(notice_id, batch_id)
            self.db.execute("update notice_batches set retry_key = ? where id = ?", [key, batch_id])
            self.db.conn.executemany(
                "update notice_deliveries set batch_id = ?, status = 'sending' where rowid = ?",
                [(batch_id, rowid) for rowid, _ in rows],
            )
        return Batch(batch_id, notice_id, channel, language, key, tuple(a for _, a in rows))

    def attempted(self, batch_id: int, detail: str) -> None:
        with self.db.conn:
            self.db.execute(
                "update notice_batches set attempts = attempts + 1, detail = ? where id = ?", [detail[:500], batch_id]
            )

    def finish_batch(self, batch_id: int, *, status: str, detail: str = "") -> None:
        """The batch is done: its recipients still `sending` become `status` (sent or failed)."""
        now = self._now()
        with self.db.conn:
            self.db.execute(
                "update notice_deliveries set status = ?, detail = ?, sent_at = ? where batch_id = ? and status = 'sending'",
                [status, detail[:500] or None, now if status == "sent" else None, batch_id],
            )
            self.db.execute(
                "update notice_batches set status = ?, detail = ?, sent_at = ? where id = ?",
                ["sent" if status == "sent" else "failed", detail[:500] or None, now, batch_id],
            )

    def finish_one(self, batch_id: int, address: str, *, status: str, detail: str = "") -> None:
        """One Telegram chat of a batch is done (Telegram has no retry key: each is recorded as it goes)."""
        with self.db.conn:
            self.db.execute(
                "update notice_deliveries set status = ?, detail = ?, sent_at = ?"
                " where batch_id = ? and address = ? and status = 'sending'",
                [status, detail[:500] or None, self._now() if status == "sent" else None, batch_id, address],
            )

    def fail_channel(self, notice_id: int, channel: str, detail: str) -> None:
        """Recipients on a channel this deployment cannot send to (its token is not set) are failed, with why."""
        with self.db.conn:
            self.db.execute(
                "update notice_deliveries set status = 'failed', detail = ?"
                " where notice_id = ? and channel = ? and status in ('pending', 'sending')",
                [detail, notice_id, channel],
            )

    def finish_if_done(self, notice_id: int) -> bool:
        """`sent` once nobody is left to send to (recipients waiting for the morning keep it `sending`)."""
        self.mark_gone(notice_id)
        with self.db.conn:
            done = self.db.execute(
                "update notices set status = 'sent', finished_at = ? where id = ? and status = 'sending' and not exists"
                " (select 1 from notice_deliveries where notice_id = ? and status in ('pending', 'sending'))",
                [self._now(), notice_id, notice_id],
            ).rowcount
        return bool(done)

    # -- reporting ----------------------------------------------------------------------------------

    def counts(self, notice_id: int) -> dict[str, int]:
        """Recipients by status, and how many of those pending wait for the end of their quiet hours."""
        out = dict.fromkeys(("recipients", "sent", "failed", "blocked", "unfollowed", "withdrawn", *OPEN), 0)
        for status, n in self.db.execute(
            "select status, count(*) from notice_deliveries where notice_id = ? group by status", [notice_id]
        ):
            out[status] = n
            out["recipients"] += n
        out["waiting_for_morning"] = self.db.execute(
            "select count(*) from notice_deliveries where notice_id = ? and status = 'pending' and due_at > ?",
            [notice_id, self._now()],
        ).fetchone()[0]
        return out

    def next_due(self, notice_id: int) -> str | None:
        row = self.db.execute(
            "select min(due_at) from notice_deliveries where notice_id = ? and status = 'pending'", [notice_id]
        ).fetchone()
        return row[0] if row else None
