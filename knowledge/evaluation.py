"""Measuring search quality on a question set: top-1 for answerable questions, handoffs for the rest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .search import Mode, Searcher, SearchResult

__all__ = ["Outcome", "Question", "Report", "evaluate", "load_questions"]


@dataclass(frozen=True)
class Question:
    q: str
    expect: tuple[str, ...]  # acceptable entry ids; empty: the bot must hand off
    kind: str
    municipality: str | None = None

    @property
    def answerable(self) -> bool:
        return bool(self.expect)


def load_questions(path: Path) -> list[Question]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        Question(str(i["q"]), tuple(i.get("expect") or ()), str(i.get("kind", "")), i.get("municipality"))
        for i in items
    ]


@dataclass(frozen=True)
class Outcome:
    question: Question
    result: SearchResult

    @property
    def correct(self) -> bool:
        """Answerable: answered with an acceptable entry. Otherwise: handed off."""
        best = self.result.best
        if not self.question.answerable:
            return not self.result.answered
        return self.result.answered and best is not None and best.entry.id in self.question.expect

    @property
    def retrieved(self) -> bool:
        """The best hit is acceptable, whatever the threshold said."""
        best = self.result.best
        return best is not None and best.entry.id in self.question.expect

    @property
    def in_top3(self) -> bool:
        return any(h.entry.id in self.question.expect for h in self.result.hits[:3])


@dataclass
class Report:
    mode: str
    outcomes: list[Outcome] = field(default_factory=list)

    def _share(self, items: Sequence[Outcome], attr: str = "correct") -> float:
        return sum(getattr(o, attr) for o in items) / len(items) if items else 0.0

    @property
    def answerable(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.question.answerable]

    @property
    def unanswerable(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.question.answerable]

    def summary(self) -> dict[str, Any]:
        by_kind: dict[str, list[Outcome]] = defaultdict(list)
        for o in self.outcomes:
            by_kind[o.question.kind].append(o)
        return {
            "mode": self.mode,
            "answerable": len(self.answerable),
            "unanswerable": len(self.unanswerable),
            "top1": round(self._share(self.answerable), 3),
            "retrieval_top1": round(self._share(self.answerable, "retrieved"), 3),
            "retrieval_top3": round(self._share(self.answerable, "in_top3"), 3),
            "handoff": round(self._share(self.unanswerable), 3),
            "by_kind": {k: round(self._share(v), 3) for k, v in sorted(by_kind.items())},
        }

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.correct]


def evaluate(searcher: Searcher, questions: Iterable[Question], *, mode: Mode = "hybrid") -> Report:
    report = Report(mode)
    for q in questions:
        report.outcomes.append(Outcome(q, searcher.search(q.q, municipality=q.municipality, mode=mode)))
    return report
