"""The knowledge base's value types."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["STATUSES", "Entry", "Hit", "Municipality"]

#: Whether a service described by an entry runs today, as the source said at `as_of`.
STATUSES = ("実施中", "予定", "検討中", "終了")
#: Entry fields that are plain strings (the others are lists, a mapping or a flag).
PLAIN_FIELDS = ("id", "municipality", "category", "question", "answer", "answer_easy", "answer_en", "status",
                "as_of", "source_file")  # fmt: skip
#: Scopes that are not one municipality.
SHARED_SCOPES = ("national", "tokyo")


@dataclass(frozen=True)
class Entry:
    """One question the knowledge base can answer, with where the answer comes from."""

    id: str
    municipality: str
    category: str
    question: str
    answer: str
    status: str
    as_of: str
    variants: tuple[str, ...] = ()
    answer_easy: str = ""
    answer_en: str = ""
    source_file: str = ""
    source_lines: tuple[int, ...] = ()
    contact: dict[str, str] = field(default_factory=dict)
    related: tuple[str, ...] = ()
    retired: bool = False

    @property
    def shared(self) -> bool:
        """True for national and Tokyo-wide facts, which hold for every municipality."""
        return self.municipality in SHARED_SCOPES

    def plain_fields(self) -> dict[str, str]:
        """The fields that are plain text, the same in the database, in CSV and in YAML."""
        return {name: getattr(self, name) for name in PLAIN_FIELDS}

    def texts(self) -> tuple[str, ...]:
        """The ways of asking this entry: the canonical question, then its variants."""
        return (self.question, *self.variants)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "municipality": self.municipality,
            "category": self.category,
            "question": self.question,
            "variants": list(self.variants),
            "answer": self.answer,
            "answer_easy": self.answer_easy,
            "answer_en": self.answer_en,
            "status": self.status,
            "as_of": self.as_of,
            "source": {"file": self.source_file, "lines": list(self.source_lines)},
            "contact": dict(self.contact),
            "related": list(self.related),
            "retired": self.retired,
        }


@dataclass(frozen=True)
class Municipality:
    """A municipality the deployment serves (全国地方公共団体コード and how residents name it)."""

    code: str
    name: str
    name_en: str = ""
    kana: str = ""
    aliases: tuple[str, ...] = ()
    counter: str = ""
    phone: str = ""
    verified: bool = False

    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.name, self.name_en, self.kana, *self.aliases) if n)


@dataclass(frozen=True)
class Hit:
    """A search result: an entry and how well it matched, channel by channel."""

    entry: Entry
    score: float
    dense: float = 0.0
    lexical: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.entry.id,
            "question": self.entry.question,
            "municipality": self.entry.municipality,
            "score": round(self.score, 4),
            "dense": round(self.dense, 4),
            "lexical": round(self.lexical, 4),
        }
