"""What residents asked and what they thought of the answers: the evidence staff improve the bot with.

Senders are stored as keyed pseudonyms, never as their channel ids.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database, Migrations

__all__ = ["Logbook", "QuestionRecord"]

migrations = Migrations("logbook")
MAX_TEXT = 2000


@migrations()
def m001_create_questions(db: Database) -> None:
    db["questions"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "asked_at": str,
            "sender": str,
            "channel": str,
            "language": str,
            "municipality": str,
            "text": str,
            "outcome": str,  # answered / handed_off / human_requested
            "faq_id": str,
            "score": float,
            "candidates": str,  # JSON: the top hits with their scores
        },
        pk="id",
    )
    db["questions"].create_index(["asked_at"])  # type: ignore[union-attr]
    db["questions"].create_index(["outcome"])  # type: ignore[union-attr]


@migrations()
def m002_create_feedback(db: Database) -> None:
    db["feedback"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "at": str,
            "sender": str,
            "faq_id": str,
            "question": str,
            "helpful": int,  # 1 yes, 0 no, null: a comment only
            "comment": str,
        },
        pk="id",
    )
    db["feedback"].create_index(["faq_id"])  # type: ignore[union-attr]


@dataclass(frozen=True)
class QuestionRecord:
    sender: str
    channel: str
    language: str
    municipality: str
    text: str
    outcome: str
    faq_id: str = ""
    score: float = 0.0
    candidates: tuple[dict[str, Any], ...] = ()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Logbook:
    def __init__(self, db: Database, *, secret_key: str) -> None:
        self.db = db
        self._key = secret_key.encode()
        migrations.apply(db)

    def pseudonym(self, sender: str) -> str:
        return hmac.new(self._key, sender.encode(), hashlib.sha256).hexdigest()[:20]

    def record_question(self, record: QuestionRecord) -> int:
        row = {
            "asked_at": _now(),
            "sender": self.pseudonym(record.sender),
            "channel": record.channel,
            "language": record.language,
            "municipality": record.municipality,
            "text": record.text[:MAX_TEXT],
            "outcome": record.outcome,
            "faq_id": record.faq_id,
            "score": round(record.score, 4),
            "candidates": json.dumps(list(record.candidates), ensure_ascii=False),
        }
        table = self.db["questions"]
        table.insert(row)  # type: ignore[union-attr]
        return int(table.last_pk)  # type: ignore[union-attr,arg-type]

    def record_feedback(
        self, *, sender: str, faq_id: str, question: str, helpful: bool | None, comment: str = ""
    ) -> None:
        self.db["feedback"].insert(  # type: ignore[union-attr]
            {
                "at": _now(),
                "sender": self.pseudonym(sender),
                "faq_id": faq_id,
                "question": question[:MAX_TEXT],
                "helpful": None if helpful is None else int(helpful),
                "comment": comment[:MAX_TEXT],
            }
        )

    def forget(self, sender: str) -> tuple[int, int]:
        """Delete what was logged for `sender` (a resident erasing their data): (questions, feedback) deleted."""
        pseudonym = self.pseudonym(sender)
        with self.db.conn:
            questions = self.db.execute("delete from questions where sender = ?", [pseudonym]).rowcount
            feedback = self.db.execute("delete from feedback where sender = ?", [pseudonym]).rowcount
        return questions, feedback

    def popular_faq_ids(self, *, limit: int = 5, days: int = 30) -> list[str]:
        """The entries answered most often lately, most asked first."""
        sql = (
            "select faq_id, count(*) as n from questions where outcome = 'answered' and faq_id != '' "
            "and asked_at >= datetime('now', ?) group by faq_id order by n desc, faq_id limit ?"
        )
        return [r["faq_id"] for r in self.db.query(sql, [f"-{days} days", limit])]

    def unanswered(self, *, limit: int = 100) -> list[dict[str, Any]]:
        sql = "select * from questions where outcome != 'answered' order by id desc limit ?"
        return list(self.db.query(sql, [limit]))

    def feedback(self, *, limit: int = 100) -> list[dict[str, Any]]:
        return list(self.db.query("select * from feedback order by id desc limit ?", [limit]))
