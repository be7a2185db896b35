"""Hybrid search: dense (e5) plus lexical (readings and surface n-grams), fused, with a threshold.

Below the threshold the caller hands off to a person: the knowledge base never guesses.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .embedders import Embedder
from .facts import missing_facts
from .lexical import LexicalIndex
from .models import SHARED_SCOPES, Entry, Hit, Municipality
from .reading import Reader
from .store import KnowledgeStore
from .text import has_japanese, is_english, normalize

__all__ = ["SearchConfig", "SearchResult", "Searcher", "detect_municipality"]

Mode = Literal["hybrid", "dense", "lexical"]


@dataclass(frozen=True)
class SearchConfig:
    """Fusion weights and thresholds. The defaults are calibrated by `make bench` (docs/benchmarks.md)."""

    lexical_weight: float = 0.1
    threshold: float = 0.9561  # fused score (dense + weight * lexical) for Japanese questions
    threshold_dense: float = 0.9247  # dense-only score, used for questions with no Japanese in them
    threshold_lexical: float = 0.5912  # lexical-only mode (benchmarks)
    resident_penalty: float = 0.03  # another municipality than the resident's: a small step down
    local_bonus: float = 0.02  # the municipality's own entry over a national one, when the place is known
    mode: Mode = "hybrid"


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: list[Hit]
    answered: bool
    municipality: str | None  # the municipality the answer should be about, if known
    named_municipality: str | None  # the one the question itself names, if any
    language: str  # "ja" or "en"
    missing: frozenset[str] = frozenset()  # facts the question asks for that the best entry does not give
    threshold: float = 0.0  # the score a hit needs to be answered with

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


def detect_municipality(text: str, municipalities: list[Municipality]) -> str | None:
    """The code of the municipality a question names (「足立区の…」, "in Adachi"), if exactly one."""
    norm = normalize(text)
    found = {m.code for m in municipalities for name in m.names() if normalize(name) in norm}
    return found.pop() if len(found) == 1 else None


def place_names(municipalities: list[Municipality]) -> list[str]:
    """Every normalised name of every municipality, longest first (「足立区」 before 「足立」)."""
    return sorted({normalize(n) for m in municipalities for n in m.names()}, key=len, reverse=True)


def strip_places(text: str, names: list[str]) -> str:
    """The question without municipality names: where it applies is decided by the filter, not the match."""
    for name in names:
        text = text.replace(name, " ")
    return " ".join(text.split())


def _hash(kind: str, text: str) -> str:
    return hashlib.sha1(f"{kind}\0{text}".encode()).hexdigest()


class _Index:
    """Everything built from one version of the entries."""

    def __init__(self, entries: list[Entry], dense: np.ndarray, owners: np.ndarray, docs: list[str]) -> None:
        self.entries = entries
        self.dense = dense  # (documents, dim)
        self.owners = owners  # document -> entry position
        self.docs = docs
        self.by_id = {e.id: e for e in entries}
        self.scopes = np.asarray([e.municipality for e in entries])  # entry position -> municipality code
        self.shared = np.isin(self.scopes, SHARED_SCOPES)  # national and Tokyo-wide entries


class Searcher:
    """Searches the live entries of a `KnowledgeStore`; picks up staff edits on the next question."""

    def __init__(
        self,
        store: KnowledgeStore,
        *,
        embedder: Embedder,
        reader: Reader | None = None,
        config: SearchConfig | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.reader = reader or Reader()
        self.config = config or SearchConfig()
        self._lock = threading.Lock()
        self._version = -1
        self._index: _Index | None = None
        self._reading_index: LexicalIndex | None = None
        self._surface_index: LexicalIndex | None = None
        self._municipalities: list[Municipality] = []
        self._place_names: list[str] = []

    # -- index -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Rebuild the index if the entries changed since the last build (cheap when they did not)."""
        version = self.store.version()
        if version == self._version and self._index is not None:
            return
        with self._lock:
            if version != self._version or self._index is None:
                self._build()
                self._version = version

    def _build(self) -> None:
        entries = self.store.entries()
        self._municipalities = self.store.municipalities()
        self._place_names = place_names(self._municipalities)
        docs: list[str] = []
        owners: list[int] = []
        for position, entry in enumerate(entries):
            for text in dict.fromkeys(strip_places(normalize(t), self._place_names) for t in entry.texts()):
                docs.append(text)
                owners.append(position)
        dense = self._embed_cached(docs)
        self._index = _Index(entries, dense, np.asarray(owners, dtype=np.int64), docs)
        self._reading_index = LexicalIndex([self.reader.reading(d) for d in docs])
        self._surface_index = LexicalIndex(docs)

    def _embed_cached(self, docs: list[str]) -> np.ndarray:
        hashes = [_hash("query", d) for d in docs]
        cached = self.store.cached_vectors(self.embedder.name, hashes)
        missing = [i for i, h in enumerate(hashes) if h not in cached]
        if missing:
            fresh = self.embedder.embed([docs[i] for i in missing], kind="query")
            new = {hashes[i]: fresh[row].astype(np.float32).tobytes() for row, i in enumerate(missing)}
            self.store.cache_vectors(self.embedder.name, new)
            cached.update(new)
        if not docs:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([np.frombuffer(cached[h], dtype=np.float32) for h in hashes])

    @property
    def municipalities(self) -> list[Municipality]:
        self.refresh()
        return self._municipalities

    def entry(self, entry_id: str) -> Entry | None:
        self.refresh()
        assert self._index is not None
        return self._index.by_id.get(entry_id)

    # -- search ------------------------------------------------------------------------------------

    def search(
        self, text: str, *, municipality: str | None = None, limit: int = 3, mode: Mode | None = None
    ) -> SearchResult:
        """The best entries for a question, best first, and whether the best one is good enough."""
        self.refresh()
        assert self._index is not None
        mode = mode or self.config.mode
        query = normalize(text)
        language = "en" if is_english(query) else "ja"
        named = detect_municipality(query, self._municipalities)
        target = named or municipality
        if not query or not self._index.entries:
            return SearchResult(text, [], False, target, named, language)
        topic = strip_places(query, self._place_names) or query
        dense, lexical = self._channel_scores(topic, mode)
        fused, threshold = self._fuse(dense, lexical, query=topic, mode=mode)
        fused = fused - self._penalties(named=named, resident=municipality)
        order = np.argsort(-fused)[:limit]
        hits = [
            Hit(self._index.entries[i], float(fused[i]), float(dense[i]), float(lexical[i]))
            for i in order
            if np.isfinite(fused[i])
        ]
        missing = missing_facts(query, hits[0].entry) if hits else set()
        answered = bool(hits) and hits[0].score >= threshold and not missing
        return SearchResult(text, hits, answered, target, named, language, frozenset(missing), threshold)

    def _channel_scores(self, query: str, mode: Mode) -> tuple[np.ndarray, np.ndarray]:
        assert self._index is not None and self._reading_index and self._surface_index
        n = len(self._index.entries)
        dense = np.zeros(n, dtype=np.float32)
        lexical = np.zeros(n, dtype=np.float32)
        if mode != "lexical":
            q = self.embedder.embed([query], kind="query")[0]
            np.maximum.at(dense, self._index.owners, self._index.dense @ q)
        if mode != "dense" and has_japanese(query):
            reading = np.asarray(self._reading_index.scores(self.reader.reading(query)), dtype=np.float32)
            surface = np.asarray(self._surface_index.scores(query), dtype=np.float32)
            np.maximum.at(lexical, self._index.owners, 0.5 * (reading + surface))
        return dense, lexical

    def _fuse(self, dense: np.ndarray, lexical: np.ndarray, *, query: str, mode: Mode) -> tuple[np.ndarray, float]:
        c = self.config
        if mode == "lexical":
            return lexical, c.threshold_lexical
        if mode == "dense" or not has_japanese(query):
            return dense, c.threshold_dense
        return dense + c.lexical_weight * lexical, c.threshold

    def _penalties(self, *, named: str | None, resident: str | None) -> np.ndarray:
        assert self._index is not None
        scopes, shared = self._index.scopes, self._index.shared
        penalty = np.zeros(len(scopes), dtype=np.float32)
        if named:
            penalty[~shared & (scopes != named)] = np.inf  # the question names another municipality: out
        elif resident:
            penalty[~shared & (scopes != resident)] = self.config.resident_penalty
        if named or resident:
            penalty[scopes == (named or resident)] -= self.config.local_bonus
        return penalty
