"""Hybrid search: dense (e5, to the ways of asking and to the answer) plus lexical (readings, surface n-grams,
English words), fused, with a threshold.

Below the threshold the caller hands off to a person: the knowledge base never guesses.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .embedders import Embedder
from .facts import asked_facts, missing_facts
from .fusion import Fusion
from .index import Channels, Index, build_index
from .models import Entry, Hit, Municipality
from .places import other_place
from .reading import Reader
from .store import KnowledgeStore
from .text import has_japanese, is_english, normalize

__all__ = ["HASHING_CONFIG", "SearchConfig", "SearchResult", "Searcher", "detect_municipality"]

Mode = Literal["hybrid", "dense", "lexical", "learned"]


#: learned by `python -m bench.fusion` from the seed corpus (docs/decisions.md)
#: (measured there against the fixed-weight fusion, which answers better: it is the default mode)
DEFAULT_FUSION = Fusion(
    ja=(-1.36, 0.394, 17.924, -7.682, 0.0, -1.037, -8.841), en=(23.114, 41.33, 0.0, 0.0, 1.476, -0.165, -60.205)
)


@dataclass(frozen=True)
class SearchConfig:
    """Fusion weights and thresholds. The defaults are calibrated by `make bench` (docs/benchmarks.md)."""

    lexical_weight: float = 0.2  # Japanese: dense + lexical_weight * lexical + answer_weight * dense to the answer
    answer_weight: float = 0.5
    threshold: float = 1.4202  # the fused score a Japanese question's best entry needs
    answer_weight_en: float = 1.0  # English: dense + answer_weight_en * dense to the English answer
    english_weight: float = 0.2  # ... + english_weight * English word overlap
    threshold_en: float = 1.7605
    threshold_dense: float = 0.9247  # dense mode (benchmarks)
    threshold_lexical: float = 0.5912  # lexical-only mode (benchmarks)
    resident_penalty: float = 0.03  # another municipality than the resident's: a small step down
    local_bonus: float = 0.02  # the municipality's own entry over a national one, when the place is known
    threshold_learned: float = 0.1389  # learned fusion: the probability an answer needs (Japanese questions)
    threshold_learned_en: float = 0.0002  # the same for English questions
    fusion: Fusion = DEFAULT_FUSION
    mode: Mode = "hybrid"


#: for the model-free HashingEmbedder (tests, demos without the model): an exact variant scores 1.0 but an answer
#: far lower, so only the ways of asking and the lexical channel are fused
HASHING_CONFIG = SearchConfig(lexical_weight=0.1, answer_weight=0.0, threshold=0.9561, answer_weight_en=0.0,
                              english_weight=0.0, threshold_en=0.9247)  # fmt: skip


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
    other_place: str | None = None  # a municipality the deployment does not serve, named in the question

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
        self._index: Index | None = None
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
        self._index = build_index(entries, docs, owners, embed=self._embed_cached, reader=self.reader)

    def _embed_cached(self, docs: list[str], kind: str = "query") -> np.ndarray:
        hashes = [_hash(kind, d) for d in docs]
        cached = self.store.cached_vectors(self.embedder.name, hashes)
        missing = [i for i, h in enumerate(hashes) if h not in cached]
        if missing:
            fresh = self.embedder.embed([docs[i] for i in missing], kind=kind)  # type: ignore[arg-type]
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
        self,
        text: str,
        *,
        municipality: str | None = None,
        limit: int = 3,
        mode: Mode | None = None,
        config: SearchConfig | None = None,
    ) -> SearchResult:
        """The best entries for a question, best first, and whether the best one is good enough.

        `config` overrides the searcher's weights and thresholds for this one search (calibration).
        """
        self.refresh()
        assert self._index is not None
        config = config or self.config
        mode = mode or config.mode
        query = normalize(text)
        language = "en" if is_english(query) else "ja"
        named = detect_municipality(query, self._municipalities)
        target = named or municipality
        if not query or not self._index.entries:
            return SearchResult(text, [], False, target, named, language)
        topic = strip_places(query, self._place_names) or query
        english = not has_japanese(topic)
        vector = None if mode == "lexical" else self.embedder.embed([topic], kind="query")[0]
        channels = self._index.channels(topic, vector, english=english)
        asked = sorted(asked_facts(query))
        fused, threshold = self._fuse(channels, asked=asked, english=english, mode=mode, config=config)
        fused = fused - self._penalties(named=named, resident=municipality, config=config)
        lexical = 0.5 * (channels.reading + channels.surface) + channels.english
        order = np.argsort(-fused)[:limit]
        hits = [
            Hit(self._index.entries[i], float(fused[i]), float(channels.dense[i]), float(lexical[i]))
            for i in order
            if np.isfinite(fused[i])
        ]
        missing = missing_facts(query, hits[0].entry) if hits else set()
        other = None if named else other_place(text, self._municipalities)
        answered = bool(hits) and hits[0].score >= threshold and not missing and other is None
        return SearchResult(text, hits, answered, target, named, language, frozenset(missing), threshold, other)

    def features(self, channels: Channels, *, asked: list[str]) -> np.ndarray:
        """The fusion's feature rows (entries × FEATURES) for one question."""
        assert self._index is not None
        missing = self._index.missing(asked)
        columns = (channels.dense, channels.dense_answer, channels.reading, channels.surface, channels.english)
        return np.stack([*columns, missing], axis=1)

    def _fuse(
        self, channels: Channels, *, asked: list[str], english: bool, mode: Mode, config: SearchConfig
    ) -> tuple[np.ndarray, float]:
        c = config
        lexical = 0.5 * (channels.reading + channels.surface)
        if mode == "lexical":
            return lexical, c.threshold_lexical
        if mode == "learned":
            features = self.features(channels, asked=asked)
            threshold = c.threshold_learned_en if english else c.threshold_learned
            return c.fusion.probability(features, english=english), threshold
        if mode == "dense":
            return channels.dense, c.threshold_dense
        if english:
            fused = channels.dense + c.answer_weight_en * channels.dense_answer + c.english_weight * channels.english
            return fused, c.threshold_en
        return channels.dense + c.lexical_weight * lexical + c.answer_weight * channels.dense_answer, c.threshold

    def _penalties(self, *, named: str | None, resident: str | None, config: SearchConfig) -> np.ndarray:
        assert self._index is not None
        scopes, shared = self._index.scopes, self._index.shared
        penalty = np.zeros(len(scopes), dtype=np.float32)
        if named:
            penalty[~shared & (scopes != named)] = np.inf  # the question names another municipality: out
        elif resident:
            penalty[~shared & (scopes != resident)] = config.resident_penalty
        if named or resident:
            penalty[scopes == (named or resident)] -= config.local_bonus
        return penalty
