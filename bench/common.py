"""What the benchmarks share: the seed knowledge base with the real model, and a query-embedding cache."""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from knowledge import (
    Embedder,
    KnowledgeStore,
    SearchConfig,
    Searcher,
    SentenceTransformerEmbedder,
    open_database,
    read_seed_entries,
    read_seed_municipalities,
)

ROOT = Path(__file__).resolve().parent.parent
HOME = Path(os.environ.get("MADOGUCHI_HOME", ROOT / "var")).resolve()
E5 = HOME / "models" / "e5-small-st"
TEST_SET = ROOT / "tests" / "data" / "questions.yaml"
DEV_SET = ROOT / "tests" / "data" / "questions_dev.yaml"


class CachingEmbedder:
    """Remembers query vectors, so that re-scoring the same questions with other weights is free."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self._cache: dict[tuple[str, str], np.ndarray] = {}

    def embed(self, texts: Sequence[str], *, kind: str) -> np.ndarray:  # type: ignore[override]
        missing = [t for t in texts if (kind, t) not in self._cache]
        if missing:
            for t, v in zip(missing, self.inner.embed(missing, kind=kind), strict=True):  # type: ignore[arg-type]
                self._cache[(kind, t)] = v
        return np.stack([self._cache[(kind, t)] for t in texts])


@lru_cache(maxsize=1)
def seed_store() -> KnowledgeStore:
    """The seed corpus in a database kept under var/bench (its vector cache makes reruns fast)."""
    store = KnowledgeStore(open_database(HOME / "bench" / "kb.db"))
    store.import_municipalities(read_seed_municipalities())
    store.import_entries(read_seed_entries())
    return store


@lru_cache(maxsize=1)
def embedder() -> CachingEmbedder:
    return CachingEmbedder(SentenceTransformerEmbedder(E5, threads=1))


def searcher(config: SearchConfig | None = None) -> Searcher:
    return Searcher(seed_store(), embedder=embedder(), config=config)
