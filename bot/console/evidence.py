"""Read-only views of the question log and feedback for staff: unanswered questions grouped, feedback per entry.

The log is written by `bot.logbook.Logbook`; this module only reads it. Questions are grouped by how many
character pairs they share after `knowledge.normalize`, so 「粗大ごみの出し方」 and 「粗大ごみ 出し方は？」 fall together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlite_utils import Database

from knowledge import normalize

__all__ = ["Evidence", "QuestionGroup", "similarity"]

SIMILAR = 0.5  # Jaccard similarity of character pairs at which two questions are one group


@lru_cache(maxsize=8192)
def _pairs(text: str) -> frozenset[str]:
    norm = "".join(normalize(text).split()).rstrip("?？。")
    return frozenset(norm[i : i + 2] for i in range(max(len(norm) - 1, 1)))


def similarity(a: str, b: str) -> float:
    x, y = _pairs(a), _pairs(b)
    return len(x & y) / len(x | y) if x and y else 0.0


@dataclass
class QuestionGroup:
    text: str  # the most asked wording
    count: int = 0
    texts: dict[str, int] = field(default_factory=dict)  # each wording and how often
    last_asked: str = ""
    municipality: str = ""

    @property
    def variants(self) -> list[str]:
        return [t for t, _ in sorted(self.texts.items(), key=lambda kv: -kv[1]) if t != self.text]


class Evidence:
    def __init__(self, db: Database) -> None:
        self.db = db

    def unanswered_groups(self, *, days: int = 90, limit: int = 50) -> list[QuestionGroup]:
        """Questions the bot handed off lately, grouped by similarity, the most asked group first (times in Tokyo)."""
        rows = self.db.execute(
            "select text, count(*), max(datetime(asked_at, '+9 hours')), max(municipality) from questions where outcome != 'answered'"
            " and asked_at >= datetime('now', ?) group by text order by count(*) desc, max(asked_at) desc limit 2000",
            [f"-{days} days"],
        ).fetchall()
        groups: list[QuestionGroup] = []
        for text, count, last, municipality in rows:
            group = next((g for g in groups if similarity(g.text, text) >= SIMILAR), None)
            if group is None:
                group = QuestionGroup(text, municipality=municipality or "")
                groups.append(group)
            group.count += count
            group.texts[text] = count
            group.last_asked = max(group.last_asked, last)
        return sorted(groups, key=lambda g: (-g.count, g.text))[:limit]

    def unhelpful(self, *, faq_id: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """「解決しなかった」: feedback saying an answer did not help, newest first."""
        where, params = ("and faq_id = ?", [faq_id]) if faq_id else ("", [])
        sql = f"select at, faq_id, question, comment from feedback where helpful = 0 {where} order by id desc limit ?"
        return list(self.db.query(sql, [*params, limit]))

    def unhelpful_by_entry(self) -> list[dict[str, Any]]:
        sql = (
            "select faq_id, count(*) as n, max(datetime(at, '+9 hours')) as last from feedback where helpful = 0 and faq_id != ''"
            " group by faq_id order by n desc, faq_id"
        )
        return list(self.db.query(sql))
