"""Everything the search builds from one version of the entries, and the channel scores of a question.

Documents are the ways of asking an entry (its question and variants); each entry also has its answers as
passages (Japanese and English). Channels: dense (e5) over the documents and over the answers, lexical over
readings and surfaces (Japanese), and lexical over English words (English documents and the English answer).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .facts import FACTS
from .fusion import english_words
from .lexical import LexicalIndex
from .models import SHARED_SCOPES, Entry
from .reading import Reader
from .text import is_english

__all__ = ["Channels", "Index", "build_index"]

Embed = Callable[[list[str], str], np.ndarray]  # texts, kind ("query" or "passage") -> unit vectors


@dataclass(frozen=True)
class Channels:
    """Per entry: each channel's best score for one question."""

    dense: np.ndarray
    dense_answer: np.ndarray
    reading: np.ndarray
    surface: np.ndarray
    english: np.ndarray


class Index:
    def __init__(
        self,
        entries: list[Entry],
        *,
        docs: list[str],
        owners: np.ndarray,
        dense: np.ndarray,
        answers: np.ndarray,
        answers_en: np.ndarray,
        reader: Reader,
    ) -> None:
        self.entries = entries
        self.docs = docs
        self.owners = owners  # document -> entry position
        self.dense = dense  # (documents, dim)
        self.answers = answers  # (entries, dim): the Japanese answers as passages
        self.answers_en = answers_en  # (entries, dim): the English answers (the Japanese one where none)
        self.by_id = {e.id: e for e in entries}
        self.scopes = np.asarray([e.municipality for e in entries])  # entry position -> municipality code
        self.shared = np.isin(self.scopes, SHARED_SCOPES)  # national and Tokyo-wide entries
        self.reader = reader
        self.reading = LexicalIndex([reader.reading(d) for d in docs])
        self.surface = LexicalIndex(docs)
        english = [(i, d) for i, d in enumerate(docs) if is_english(d)]
        english += [(-1 - p, e.answer_en.lower()) for p, e in enumerate(entries) if e.answer_en]
        self.english_owners = np.asarray([owners[i] if i >= 0 else -1 - i for i, _ in english] or [0], dtype=np.int64)
        self.english_docs = np.asarray([i for i, _ in english] or [0], dtype=np.int64)  # doc index, or -1-entry
        self.english = LexicalIndex([d for _, d in english] or [""], analyzer=english_words)
        # facts[e, f]: entry e's answer (or contact) holds fact f (a fee, a time, ...)
        self.fact_names = list(FACTS)
        self.facts = np.asarray(
            [
                [bool(FACTS[f][1].search(" ".join((e.answer, e.answer_en, e.contact.get("phone", ""))))) for f in FACTS]
                for e in entries
            ],
            dtype=bool,
        ).reshape(len(entries), len(FACTS))

    def channels(self, query: str, vector: np.ndarray | None, *, english: bool, skip_doc: int = -1) -> Channels:
        """Each channel's best score per entry; `skip_doc` leaves one document out (for learning the fusion)."""
        n = len(self.entries)
        dense = np.zeros(n, dtype=np.float32)
        dense_answer = np.zeros(n, dtype=np.float32)
        reading = np.zeros(n, dtype=np.float32)
        surface = np.zeros(n, dtype=np.float32)
        eng = np.zeros(n, dtype=np.float32)
        if vector is not None:
            sims = self.dense @ vector
            if skip_doc >= 0:
                sims[skip_doc] = -1.0
            dense[:] = -1.0
            np.maximum.at(dense, self.owners, sims)
            dense_answer = np.asarray((self.answers_en if english else self.answers) @ vector, dtype=np.float32)
        if english:
            scores = self.english.scores(query)
            if skip_doc >= 0:
                scores[self.english_docs == skip_doc] = 0.0
            np.maximum.at(eng, self.english_owners, scores)
        else:
            r = self.reading.scores(self.reader.reading(query))
            s = self.surface.scores(query)
            if skip_doc >= 0:
                r[skip_doc] = s[skip_doc] = 0.0
            np.maximum.at(reading, self.owners, r)
            np.maximum.at(surface, self.owners, s)
        return Channels(dense, dense_answer, reading, surface, eng)

    def missing(self, asked: Sequence[str]) -> np.ndarray:
        """1.0 for every entry that lacks a fact the question asks for."""
        if not asked:
            return np.zeros(len(self.entries), dtype=np.float32)
        columns = [self.fact_names.index(a) for a in asked]
        return np.asarray(~self.facts[:, columns].all(axis=1), dtype=np.float32)


def build_index(entries: list[Entry], docs: list[str], owners: list[int], *, embed: Embed, reader: Reader) -> Index:
    dense = embed(docs, "query") if docs else np.zeros((0, 1), dtype=np.float32)
    answers = embed([e.answer for e in entries], "passage") if entries else np.zeros((0, 1), dtype=np.float32)
    answers_en = (
        embed([e.answer_en or e.answer for e in entries], "passage") if entries else np.zeros((0, 1), dtype=np.float32)
    )
    return Index(
        entries,
        docs=docs,
        owners=np.asarray(owners, dtype=np.int64),
        dense=dense,
        answers=answers,
        answers_en=answers_en,
        reader=reader,
    )
