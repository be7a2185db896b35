"""The knowledge base's SQLite store: all of its SQL lives here."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .migrations import migrations
from .models import Entry, Municipality

__all__ = ["ImportReport", "KnowledgeStore", "open_database"]


def open_database(path: str | Path | None) -> Database:
    """Open (or create) the SQLite database at `path`; `None` or ":memory:" gives an in-memory one."""
    # One connection per process, used from the event loop and from worker threads (never at once).
    if path is None or str(path) == ":memory:":
        return Database(sqlite3.connect(":memory:", check_same_thread=False))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(sqlite3.connect(str(path), check_same_thread=False, timeout=5.0))
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")  # with WAL: safe against corruption, one fsync per checkpoint
    db.execute("PRAGMA busy_timeout=5000")
    return db


@dataclass
class ImportReport:
    """What an import did, entry by entry."""

    added: list[str]
    updated: list[str]
    unchanged: list[str]
    kept_staff_edits: list[str]

    def summary(self) -> str:
        return (
            f"追加 {len(self.added)} 件 / 更新 {len(self.updated)} 件 / 変更なし {len(self.unchanged)} 件 / "
            f"職員の編集を保持 {len(self.kept_staff_edits)} 件"
        )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _row(entry: Entry) -> dict[str, Any]:
    return {
        **entry.plain_fields(),
        "variants": json.dumps(list(entry.variants), ensure_ascii=False),
        "source_lines": json.dumps(list(entry.source_lines)),
        "contact": json.dumps(entry.contact, ensure_ascii=False),
        "related": json.dumps(list(entry.related)),
        "retired": int(entry.retired),
    }


def _entry(row: dict[str, Any]) -> Entry:
    return Entry(
        id=row["id"],
        municipality=row["municipality"],
        category=row["category"] or "",
        question=row["question"],
        answer=row["answer"],
        status=row["status"],
        as_of=row["as_of"] or "",
        variants=tuple(json.loads(row["variants"] or "[]")),
        answer_easy=row["answer_easy"] or "",
        answer_en=row["answer_en"] or "",
        source_file=row["source_file"] or "",
        source_lines=tuple(json.loads(row["source_lines"] or "[]")),
        contact=json.loads(row["contact"] or "{}"),
        related=tuple(json.loads(row["related"] or "[]")),
        retired=bool(row["retired"]),
    )


_CONTENT = tuple(k for k in _row(Entry("", "", "", "", "", "", "")) if k != "id")


class KnowledgeStore:
    """Entries, municipalities and cached vectors in one SQLite database (sqlite-utils)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        migrations.apply(db)

    @classmethod
    def open(cls, path: str | Path | None) -> KnowledgeStore:
        return cls(open_database(path))

    # -- entries -----------------------------------------------------------------------------------

    def get(self, entry_id: str) -> Entry | None:
        rows = list(self.db.query("select * from kb_entries where id = ?", [entry_id]))
        return _entry(rows[0]) if rows else None

    def entries(self, *, include_retired: bool = False) -> list[Entry]:
        where = "" if include_retired else "where retired = 0"
        return [_entry(r) for r in self.db.query(f"select * from kb_entries {where} order by id")]

    def import_entries(self, entries: Iterable[Entry], *, origin: str = "seed") -> ImportReport:
        """Insert new entries and refresh changed ones by id; entries staff have edited are left alone."""
        report = ImportReport([], [], [], [])
        with self.db.atomic():
            for entry in entries:
                self._import_one(entry, origin=origin, report=report)
            if report.added or report.updated:
                self._bump_version()
        return report

    def _import_one(self, entry: Entry, *, origin: str, report: ImportReport) -> None:
        new = _row(entry)
        old = next(iter(self.db.query("select * from kb_entries where id = ?", [entry.id])), None)
        if old is None:
            self.db["kb_entries"].insert(  # type: ignore[union-attr]
                {**new, "origin": origin, "created_at": _now(), "updated_at": _now()}
            )
            report.added.append(entry.id)
        elif old["staff_edited"] and origin == "seed":
            report.kept_staff_edits.append(entry.id)
        elif all(old[k] == new[k] for k in _CONTENT):
            report.unchanged.append(entry.id)
        else:
            changes = {**new, "updated_at": _now(), "revision": old["revision"] + 1}
            if origin != "seed":
                changes["staff_edited"] = 1
            self.db["kb_entries"].update(entry.id, changes)  # type: ignore[union-attr]
            report.updated.append(entry.id)

    def save(self, entry: Entry) -> Entry:
        """A staff edit (or a new entry written by staff): live at once, kept across seed re-imports."""
        with self.db.atomic():
            self.import_entries([entry], origin="staff")
            self.db["kb_entries"].update(entry.id, {"staff_edited": 1})  # type: ignore[union-attr]
        return entry

    def retire(self, entry_id: str) -> None:
        entry = self.get(entry_id)
        if entry is None:
            raise KeyError(entry_id)
        self.save(replace(entry, retired=True))

    def version(self) -> int:
        """A counter that grows with every change to the entries: searchers poll it to stay current."""
        row = next(iter(self.db.query("select value from kb_meta where key = 'version'")))
        return int(row["value"])

    def _bump_version(self) -> None:
        self.db.execute("update kb_meta set value = cast(value as integer) + 1 where key = 'version'")

    def stats(self) -> dict[str, Any]:
        def grouped(column: str) -> dict[str, int]:
            sql = f"select {column} as k, count(*) as n from kb_entries where retired = 0 group by k order by k"
            return {r["k"]: r["n"] for r in self.db.query(sql)}

        total = self.db.execute("select count(*) from kb_entries where retired = 0").fetchone()[0]
        retired = self.db.execute("select count(*) from kb_entries where retired = 1").fetchone()[0]
        edited = self.db.execute("select count(*) from kb_entries where staff_edited = 1").fetchone()[0]
        return {
            "entries": total,
            "retired": retired,
            "staff_edited": edited,
            "by_municipality": grouped("municipality"),
            "by_status": grouped("status"),
            "by_category": grouped("category"),
            "version": self.version(),
        }

    # -- municipalities ----------------------------------------------------------------------------

    def import_municipalities(self, items: Iterable[Municipality]) -> None:
        table = self.db["kb_municipalities"]
        with self.db.atomic():
            for m in items:
                row = {
                    "code": m.code,
                    "name": m.name,
                    "name_en": m.name_en,
                    "kana": m.kana,
                    "aliases": json.dumps(list(m.aliases), ensure_ascii=False),
                    "counter": m.counter,
                    "phone": m.phone,
                    "verified": int(m.verified),
                }
                edited = self.db.execute(
                    "select staff_edited from kb_municipalities where code = ?", [m.code]
                ).fetchone()
                if not (edited and edited[0]):
                    table.upsert(row, pk="code")  # type: ignore[union-attr]

    def municipalities(self) -> list[Municipality]:
        return [
            Municipality(
                code=r["code"],
                name=r["name"],
                name_en=r["name_en"] or "",
                kana=r["kana"] or "",
                aliases=tuple(json.loads(r["aliases"] or "[]")),
                counter=r["counter"] or "",
                phone=r["phone"] or "",
                verified=bool(r["verified"]),
            )
            for r in self.db.query("select * from kb_municipalities order by code")
        ]

    # -- vector cache ------------------------------------------------------------------------------

    def cached_vectors(self, model: str, hashes: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"select text_hash, vector from kb_vector_cache where model = ? and text_hash in ({marks})"
            found.update({r["text_hash"]: r["vector"] for r in self.db.query(sql, [model, *chunk])})
        return found

    def cache_vectors(self, model: str, vectors: dict[str, bytes]) -> None:
        rows = [{"model": model, "text_hash": h, "vector": v} for h, v in vectors.items()]
        with self.db.atomic():
            self.db["kb_vector_cache"].upsert_all(rows, pk=("model", "text_hash"))  # type: ignore[union-attr]
