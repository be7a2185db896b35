"""The figures staff watch: questions by day and hour, answered or handed off, topics, feedback, classes, notices.

Each figure is a titled list of (label, value) rows, drawn as bars on the page and offered as CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from knowledge import KnowledgeStore

from ..bookings import ATTENDED, NO_SHOW, TOKYO, Bookings, japanese_when
from ..notices import NoticeStore, Outbox

__all__ = ["Figure", "figures", "to_csv"]

OUTCOMES_JA = {"answered": "回答した", "handed_off": "職員におつなぎ", "human_requested": "職員を希望"}
_LOCAL = "datetime(asked_at, '+9 hours')"  # the log keeps UTC; staff read Tokyo time


@dataclass(frozen=True)
class Figure:
    name: str  # used in the CSV's address
    title: str
    unit: str
    columns: tuple[str, str]
    rows: list[tuple[str, float]]
    note: str = ""


def _rows(db: Database, sql: str, params: Sequence[object] = ()) -> list[tuple[str, float]]:
    return [(str(k), float(v)) for k, v in db.execute(sql, list(params)).fetchall()]


def _questions(db: Database, days: int) -> list[Figure]:
    since = [f"-{days} days"]
    recent = "asked_at >= datetime('now', ?)"
    per_day = _rows(db, f"select date({_LOCAL}), count(*) from questions where {recent} group by 1 order by 1", since)
    hours = dict(
        _rows(db, f"select strftime('%H', {_LOCAL}), count(*) from questions where {recent} group by 1", since)
    )
    per_hour = [(f"{h:02d}時", hours.get(f"{h:02d}", 0.0)) for h in range(24)] if hours else []
    outcomes = _rows(db, f"select outcome, count(*) from questions where {recent} group by 1 order by 2 desc", since)
    total = sum(v for _, v in outcomes) or 1
    return [
        Figure("per-day", f"日ごとの質問数（{days}日）", "件", ("日付", "質問数"), per_day),
        Figure("per-hour", "時間帯ごとの質問数", "件", ("時", "質問数"), per_hour),
        Figure("outcomes", "回答した・おつなぎした割合", "件", ("結果", "件数"),
               [(f"{OUTCOMES_JA.get(k, k)}（{v / total:.0%}）", v) for k, v in outcomes]),
    ]  # fmt: skip


def _topics(db: Database, store: KnowledgeStore, days: int) -> Figure:
    rows = _rows(
        db,
        "select faq_id, count(*) from questions where outcome = 'answered' and faq_id != ''"
        " and asked_at >= datetime('now', ?) group by 1 order by 2 desc, 1 limit 10",
        [f"-{days} days"],
    )
    named = []
    for faq_id, n in rows:
        entry = store.get(faq_id)
        named.append((entry.question if entry else faq_id, n))
    return Figure("topics", "よく聞かれた項目（上位10）", "件", ("項目", "回答数"), named)


def _feedback(db: Database, days: int) -> Figure:
    rows = _rows(
        db,
        "select case helpful when 1 then '役に立った' when 0 then '解決しなかった' else 'コメントのみ' end, count(*)"
        " from feedback where at >= datetime('now', ?) group by 1 order by 2 desc",
        [f"-{days} days"],
    )
    return Figure("feedback", "回答への評価", "件", ("評価", "件数"), rows)


def _classes(bookings: Bookings, days: int) -> list[Figure]:
    now = datetime.now(TOKYO)
    fill: list[tuple[str, float]] = []
    no_shows: list[tuple[str, float]] = []
    for slot in bookings.slots(since=now - timedelta(days=days), until=now + timedelta(days=60)):
        label = japanese_when(slot.starts_at)
        fill.append((label, round(100 * slot.confirmed / slot.capacity)))
        if slot.starts_at < now.strftime("%Y-%m-%dT%H:%M"):
            roster = bookings.bookings(slot.id)
            came = sum(b.status == ATTENDED for b in roster)
            missed = sum(b.status == NO_SHOW for b in roster)
            no_shows.append((label, round(100 * missed / (came + missed)) if came + missed else 0))
    return [
        Figure("fill", "教室の埋まり具合", "%", ("日時", "予約率（%）"), fill),
        Figure("no-shows", "欠席の割合（出欠を記録した回）", "%", ("日時", "欠席率（%）"), no_shows),
    ]


def _notices(notices: NoticeStore, outbox: Outbox) -> Figure:
    rows = [(f"{n.id} {n.title}", float(outbox.counts(n.id)["sent"])) for n in notices.notices() if n.started_at]
    return Figure("notices", "お知らせの届いた数", "人", ("お知らせ", "送信済み"), rows[-20:])


def figures(
    *, db: Database, store: KnowledgeStore, bookings: Bookings, notices: tuple[NoticeStore, Outbox], days: int = 30
) -> list[Figure]:
    """Every figure, read now (run on the worker thread)."""
    return [
        *_questions(db, days),
        _topics(db, store, days),
        _feedback(db, days),
        *_classes(bookings, days),
        _notices(*notices),
    ]


def to_csv(figure: Figure) -> bytes:
    """A figure's numbers as CSV for Excel (UTF-8 with BOM, CRLF)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(figure.columns)
    writer.writerows((label, int(v) if v == int(v) else v) for label, v in figure.rows)
    return out.getvalue().encode("utf-8-sig")
