"""Schema of the knowledge base, as named migrations applied in order."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

__all__ = ["migrations"]

migrations = Migrations("knowledge")


@migrations()
def m001_create_entries(db: Database) -> None:
    db["kb_entries"].create(  # type: ignore[union-attr]
        {
            "id": str,
            "municipality": str,
            "category": str,
            "question": str,
            "variants": str,  # JSON list
            "answer": str,
            "answer_easy": str,
            "answer_en": str,
            "status": str,
            "as_of": str,
            "source_file": str,
            "source_lines": str,  # JSON list
            "contact": str,  # JSON object
            "related": str,  # JSON list
            "retired": int,
            "origin": str,  # seed / staff / csv
            "staff_edited": int,  # 1 once staff changed it: a seed re-import leaves it alone
            "revision": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"municipality", "question", "answer", "status"},
        defaults={"retired": 0, "staff_edited": 0, "revision": 1, "origin": "seed"},
    )
    db["kb_entries"].create_index(["municipality"])  # type: ignore[union-attr]


@migrations()
def m002_create_meta(db: Database) -> None:
    db["kb_meta"].create({"key": str, "value": str}, pk="key")  # type: ignore[union-attr]
    db["kb_meta"].insert({"key": "version", "value": "0"})  # type: ignore[union-attr]


@migrations()
def m003_create_vector_cache(db: Database) -> None:
    db["kb_vector_cache"].create(  # type: ignore[union-attr]
        {"model": str, "text_hash": str, "vector": bytes}, pk=("model", "text_hash")
    )


@migrations()
def m004_create_municipalities(db: Database) -> None:
    db["kb_municipalities"].create(  # type: ignore[union-attr]
        {
            "code": str,
            "name": str,
            "name_en": str,
            "kana": str,
            "aliases": str,  # JSON list
            "counter": str,
            "phone": str,
            "verified": int,
            "staff_edited": int,
        },
        pk="code",
        defaults={"verified": 0, "staff_edited": 0},
    )
