"""Segments and notices as staff keep them: named filters, and notices with a version per language.

A notice goes draft → scheduled (`schedule`, now or at a time) → sending (the dispatcher takes its recipients)
→ sent (nobody left to send to). The deliveries themselves are in `outbox.py`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from ..dialogue import Button, Reply
from ..residents import ATTRIBUTES, Attribute
from ..residents.store import migrations as residents_schema
from .schema import migrations
from .segments import Filter, reachable_sql, validate

__all__ = ["LANGUAGES", "STATUS_JA", "Notice", "NoticeError", "NoticeStore", "Reach", "Segment", "Version", "sql_time"]

LANGUAGES = ("ja", "easy", "en")  # a resident gets their language's version, else the Japanese one
_MORE = {"ja": "詳しくは", "easy": "くわしくは", "en": "More:"}


class NoticeError(ValueError):
    """A request staff made that cannot be done as asked (an unknown segment, a notice already sent)."""


def sql_time(moment: datetime) -> str:
    """UTC, as SQLite's datetime() writes it, so that SQL compares and computes times directly."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Segment:
    id: int
    name: str
    filter: Filter

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "filter": {k: list(v) for k, v in self.filter.items()}}


@dataclass(frozen=True)
class Version:
    language: str
    text: str
    buttons: tuple[tuple[str, str], ...] = ()  # (title, payload): quick replies on LINE, a keyboard on Telegram
    link: str = ""

    def reply(self) -> Reply:
        text = f"{self.text}\n\n{_MORE.get(self.language, _MORE['ja'])} {self.link}" if self.link else self.text
        return Reply(text, tuple(Button(title, payload) for title, payload in self.buttons))


@dataclass(frozen=True)
class Notice:
    id: int
    title: str
    segment_id: int
    emergency: bool
    status: str
    send_at: str | None
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    problem: str | None = None
    versions: Mapping[str, Version] = field(default_factory=dict)

    def version(self, language: str) -> Version:
        return self.versions.get(language) or self.versions["ja"]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "versions": {k: asdict(v) for k, v in self.versions.items()}}


@dataclass(frozen=True)
class Reach:
    """How many residents a segment reaches now, by channel and by the language they chose."""

    total: int
    by_channel: Mapping[str, int]
    by_language: Mapping[str, int]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class NoticeStore:
    def __init__(
        self,
        db: Database,
        *,
        vocabulary: Mapping[str, Attribute] = ATTRIBUTES,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.db, self.vocabulary, self.clock = db, vocabulary, clock
        residents_schema.apply(db)  # the tables segments read
        migrations.apply(db)

    # -- segments -----------------------------------------------------------------------------------

    def save_segment(self, name: str, raw: Mapping[str, Any]) -> Segment:
        """Add the segment, or replace the filter of the one of that name."""
        segment = validate(raw, self.vocabulary)
        now = sql_time(self.clock())
        with self.db.conn:
            self.db.execute(
                "insert into segments (name, filter, created_at, updated_at) values (?, ?, ?, ?)"
                " on conflict(name) do update set filter = excluded.filter, updated_at = excluded.updated_at",
                [name.strip(), json.dumps(segment, ensure_ascii=False), now, now],
            )
        return self.segment(name.strip())

    def segment(self, name_or_id: str | int) -> Segment:
        row = self.db.execute(
            "select id, name, filter from segments where name = ? or id = ?", [str(name_or_id), name_or_id]
        ).fetchone()
        if row is None:
            raise NoticeError(f"セグメント「{name_or_id}」はありません（`madoguchi segments list` で確認できます）。")
        return Segment(row[0], row[1], {k: tuple(v) for k, v in json.loads(row[2]).items()})

    def segments(self) -> list[Segment]:
        return [self.segment(id_) for (id_,) in self.db.execute("select id from segments order by name")]

    def reach(self, segment: Filter) -> Reach:
        """Counted in SQL: consented residents with an active LINE or Telegram address who match."""
        sql, params = reachable_sql(segment)
        rows = self.db.execute(
            f"select channel, language, count(*) from ({sql}) group by channel, language", params
        ).fetchall()
        by_channel: dict[str, int] = {}
        by_language: dict[str, int] = {}
        for channel, language, n in rows:
            by_channel[channel] = by_channel.get(channel, 0) + n
            by_language[language] = by_language.get(language, 0) + n
        return Reach(sum(by_channel.values()), by_channel, by_language)

    # -- notices ------------------------------------------------------------------------------------

    def create(
        self, title: str, *, segment: str | int, versions: Mapping[str, Version], emergency: bool = False
    ) -> Notice:
        if "ja" not in versions or not versions["ja"].text.strip():
            raise NoticeError("日本語（ja）の本文が必要です: ほかの言語の版がない住民には日本語の版が届きます。")
        if unknown := set(versions) - set(LANGUAGES):
            raise NoticeError(
                f"言語は {', '.join(LANGUAGES)} のどれかです（{', '.join(sorted(unknown))} はありません）。"
            )
        segment_id = self.segment(segment).id
        with self.db.conn:
            cursor = self.db.execute(
                "insert into notices (title, segment_id, emergency, status, created_at) values (?, ?, ?, 'draft', ?)",
                [title, segment_id, int(emergency), sql_time(self.clock())],
            )
            notice_id = int(cursor.lastrowid or 0)
            self.db.conn.executemany(
                "insert into notice_versions (notice_id, language, text, buttons, link) values (?, ?, ?, ?, ?)",
                [
                    (notice_id, lang, v.text, json.dumps(v.buttons, ensure_ascii=False), v.link)
                    for lang, v in versions.items()
                ],
            )
        return self.notice(notice_id)

    def notice(self, notice_id: int) -> Notice:
        cols = "id, title, segment_id, emergency, status, send_at, created_at, started_at, finished_at, problem"
        row = self.db.execute(f"select {cols} from notices where id = ?", [notice_id]).fetchone()
        if row is None:
            raise NoticeError(f"お知らせ {notice_id} はありません。")
        versions = {
            lang: Version(lang, text, tuple(tuple(b) for b in json.loads(buttons or "[]")), link or "")
            for lang, text, buttons, link in self.db.execute(
                "select language, text, buttons, link from notice_versions where notice_id = ?", [notice_id]
            )
        }
        id_, title, segment_id, emergency, status, send_at, created_at, started_at, finished_at, problem = row
        return Notice(
            id_, title, segment_id, bool(emergency), status, send_at, created_at, started_at, finished_at, problem,
            versions,
        )  # fmt: skip

    def notices(self, *, status: str | None = None) -> list[Notice]:
        ids = self.db.execute(
            "select id from notices where ? is null or status = ? order by id", [status, status]
        ).fetchall()
        return [self.notice(id_) for (id_,) in ids]

    def schedule(self, notice_id: int, *, at: datetime | None = None) -> Notice:
        """Send now (the dispatcher's next round) or at `at`; a scheduled notice may be moved."""
        notice = self.notice(notice_id)
        if notice.status not in ("draft", "scheduled"):
            raise NoticeError(f"お知らせ {notice_id} はもう{STATUS_JA[notice.status]}です。")
        with self.db.conn:
            self.db.execute(
                "update notices set status = 'scheduled', send_at = ?, problem = null where id = ?",
                [sql_time(at or self.clock()), notice_id],
            )
        return self.notice(notice_id)

    def cancel(self, notice_id: int) -> Notice:
        notice = self.notice(notice_id)
        if notice.status not in ("draft", "scheduled"):
            raise NoticeError(f"お知らせ {notice_id} はもう{STATUS_JA[notice.status]}なので取り消せません。")
        with self.db.conn:
            self.db.execute("update notices set status = 'cancelled' where id = ?", [notice_id])
        return self.notice(notice_id)

    def set_problem(self, notice_id: int, problem: str | None) -> None:
        with self.db.conn:
            self.db.execute("update notices set problem = ? where id = ?", [problem, notice_id])


STATUS_JA = {
    "draft": "下書き",
    "scheduled": "予約済み",
    "sending": "送信中",
    "sent": "送信済み",
    "cancelled": "取消済み",
}
