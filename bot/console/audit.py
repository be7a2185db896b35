"""The audit log: who changed what, when, and what it was before."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from .accounts import migrations

__all__ = ["Audit", "AuditRecord"]


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: str
    actor: str
    action: str
    target: str
    before: str
    after: str


def _text(value: Any) -> str:
    if value is None or isinstance(value, str):
        return value or ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


class Audit:
    def __init__(self, db: Database) -> None:
        self.db = db
        migrations.apply(db)

    def record(self, actor: str, *, action: str, target: str, before: Any = None, after: Any = None) -> None:
        with self.db.conn:
            self.db.execute(
                "insert into staff_audit (at, actor, action, target, before, after) values (?, ?, ?, ?, ?, ?)",
                [datetime.now(UTC).isoformat(timespec="seconds"), actor, action, target, _text(before), _text(after)],
            )

    def records(self, *, limit: int = 200, target: str | None = None) -> list[AuditRecord]:
        where, params = ("where target = ?", [target]) if target else ("", [])
        rows = self.db.execute(
            f"select id, at, actor, action, target, before, after from staff_audit {where} order by id desc limit ?",
            [*params, limit],
        ).fetchall()
        return [AuditRecord(*row) for row in rows]
