"""Measuring search quality on a question set: top-1 for answerable questions, handoffs for the rest."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .models import Entry, Hit
from .search import Mode, Searcher, SearchResult

__all__ = ["Outcome", "Question", "Report", "answer_text", "evaluate", "figure_in", "load_questions"]


@dataclass(frozen=True)
class Question:
    q: str
    expect: tuple[str, ...]  # acceptable entry ids; empty (and no source): the bot must hand off
    kind: str
    municipality: str | None = None
    source_file: str = ""  # or: the plan lines that answer it (the second test set names lines, not entries)
    source_lines: tuple[int, int] | None = None
    figures: tuple[str, ...] = ()  # what the answer must contain, as the plan writes it
    route: str = ""  # "handoff", or a booking ("book", "book_class", "book_support"): decided by Rasa, not search

    @property
    def answerable(self) -> bool:
        return bool(self.expect or self.source_file)

    @property
    def booking(self) -> bool:
        return self.route.startswith("book")

    def accepts(self, entry: Entry, *, language: str = "ja") -> bool:
        """The entry answers this question: an expected id, or it cites the expected plan lines, with the figures."""
        if entry.id in self.expect:
            return True
        if not self.source_file or entry.source_file != self.source_file or not entry.source_lines:
            return False
        first, last = self.source_lines or (0, 0)
        if max(entry.source_lines) < first or min(entry.source_lines) > last:
            return False
        return all(figure_in(answer_text(entry, language), f, english=language == "en") for f in self.figures)


def answer_text(entry: Entry, language: str) -> str:
    """What the resident reads: the English or やさしい日本語 answer where there is one."""
    if language == "en" and entry.answer_en:
        return entry.answer_en
    if language == "easy" and entry.answer_easy:
        return f"{entry.answer_easy} {entry.answer}"
    return f"{entry.answer} {entry.contact.get('name', '')} {entry.contact.get('email', '')}"


_ERAS = {"令和": 2018, "平成": 1988}


def norm(text: str) -> str:
    return re.sub(r"[\s,，]", "", unicodedata.normalize("NFKC", text))


def figure_in(text: str, figure: str, *, english: bool = False) -> bool:
    """Whether a figure (「10,000件」, 「令和4年4月」, 「8時30分」) is in a text; in English, its numbers are."""
    if not english:
        return norm(figure) in norm(text)
    figure = re.sub(
        r"(令和|平成)(元|\d+)", lambda m: str(_ERAS[m[1]] + (1 if m[2] == "元" else int(m[2]))), norm(figure)
    )
    numbers = re.findall(r"\d+(?:\.\d+)?", figure)
    held = norm(text)
    return all(n in held for n in numbers)


def _question(item: dict[str, Any]) -> Question:
    expect = item.get("expect")
    source = item.get("source") or {}
    lines = [int(n) for n in source.get("lines") or ()]
    return Question(
        str(item.get("q") or item.get("text")),
        tuple(expect) if isinstance(expect, list) else (),
        str(item.get("kind", "")),
        item.get("municipality"),
        str(source.get("file") or ""),
        (min(lines), max(lines)) if lines else None,
        tuple(str(f) for f in item.get("figures") or ()),
        expect if isinstance(expect, str) else "",
    )


def load_questions(path: Path) -> list[Question]:
    return [_question(i) for i in yaml.safe_load(path.read_text(encoding="utf-8")) or []]


@dataclass(frozen=True)
class Outcome:
    question: Question
    result: SearchResult

    @property
    def _language(self) -> str:
        return "easy" if self.question.kind == "easy" else self.result.language

    def _accepts(self, hit: Hit | None) -> bool:
        return hit is not None and self.question.accepts(hit.entry, language=self._language)

    @property
    def correct(self) -> bool:
        """Answerable: answered with an acceptable entry. Otherwise: handed off."""
        if not self.question.answerable:
            return not self.result.answered
        return self.result.answered and self._accepts(self.result.best)

    @property
    def retrieved(self) -> bool:
        """The best hit is acceptable, whatever the threshold said."""
        return self._accepts(self.result.best)

    @property
    def in_top3(self) -> bool:
        return any(self._accepts(h) for h in self.result.hits[:3])


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
        if q.booking:
            continue  # whether a booking starts is Rasa's routing, measured over the REST channel
        report.outcomes.append(Outcome(q, searcher.search(q.q, municipality=q.municipality, mode=mode)))
    return report
